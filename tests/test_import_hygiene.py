"""The libraries stay headless and independent (DESIGN principle 1).

Each library is imported with all its modules in a fresh interpreter; neither Textual, nor
the application, nor another library may end up in `sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ["cti", "crm", "kb", "mailmerge"]

PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    # Alembic revision scripts run only inside Alembic.
    if ".migrations" not in module.name:
        importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("library", LIBRARIES)
def test_library_imports_neither_textual_nor_the_app_nor_another_library(library: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, library],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    loaded = {name.split(".")[0] for name in json.loads(result.stdout)}
    forbidden = {"textual", "workstation", *LIBRARIES} - {library}
    assert loaded & forbidden == set()
    assert library in loaded
