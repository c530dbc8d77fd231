"""The ACVD workstation application: CLI, configuration, TUI and practice shifts.

It composes the libraries `cti`, `crm`, `kb` and `mailmerge`; none of them imports it.
"""
