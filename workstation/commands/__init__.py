"""Sub-command groups of `acvd`, one module each, registered lazily in `workstation.cli`."""
