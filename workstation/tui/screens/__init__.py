"""Screens of the workstation: login, self-test, the desk."""
