"""Practice test helpers (`practice_builders`) importable by name.

The suite runs in importlib mode, which does not put test folders on sys.path.
"""

from __future__ import annotations

import sys
from pathlib import Path

HELPERS = str(Path(__file__).parent)
if HELPERS not in sys.path:
    sys.path.insert(0, HELPERS)
