"""Puts this folder's helpers (pbx_replay) on sys.path: the suite runs in importlib mode."""

from __future__ import annotations

import sys
from pathlib import Path

HELPERS = str(Path(__file__).parent)
if HELPERS not in sys.path:
    sys.path.insert(0, HELPERS)
