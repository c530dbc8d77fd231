"""Reusable widgets of the workstation desk (customer panel, forms, panels)."""
