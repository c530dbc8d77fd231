"""The Textual user interface of the workstation. Only this package imports Textual."""
