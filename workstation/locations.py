"""Where the workstation keeps its files (XDG paths through platformdirs).

`ACVD_CONFIG` and `ACVD_DATA_DIR` point tests (or a trainer's second profile) at their own
files. Nothing is created at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "acvd"


def config_file() -> Path:
    """The TOML settings file."""
    override = os.environ.get("ACVD_CONFIG")
    if override:
        return Path(override)
    return user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    """The folder of the embedded database, the search index and produced letters."""
    override = os.environ.get("ACVD_DATA_DIR")
    if override:
        return Path(override)
    return user_data_path(APP_NAME)


def default_database_url(base: Path | None = None) -> str:
    """The embedded default: an SQLite file in the data dir."""
    return f"sqlite:///{(base or data_dir()) / 'acvd.sqlite3'}"
