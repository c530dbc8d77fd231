"""What loads before the login screen is drawn stays small (bench_cold_start.py).

The start-up path runs in a fresh interpreter on an up-to-date database: the command line,
the launcher, the runtime and the telephony object, then the app module. Alembic, the CRM
models, the desk's services, the search engine and the letter and seeding libraries must
wait until they are needed (a migration, the login, the desk).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crm.schema import upgrade

ROOT = Path(__file__).resolve().parents[2]

START_UP = """
import json, sys
import workstation.cli
from workstation.config import load_settings
from workstation.launcher import run_workstation  # noqa: F401
from workstation.runtime import build_runtime
from workstation.telephony import Telephony
from workstation.tui.app import AcvdApp

runtime = build_runtime(load_settings({"data_dir": sys.argv[1]}, environ={}))
app = AcvdApp(runtime, Telephony(runtime.clock))
runtime.close()
print(json.dumps(sorted(sys.modules)))
"""

NOT_BEFORE_LOGIN = [
    "alembic",
    "mako",
    "faker",
    "tantivy",
    "docx",
    "phonenumbers",
    "crm.models",
    "crm.services.users",
    "crm.views",
    "crm.seeding",
    "cti.agent",
    "cti.pbx",
    "kb.search",
    "mailmerge",
    "workstation.desk_services",
    "workstation.selftest",
    "workstation.tui.screens.desk",
]


def test_the_login_screen_needs_none_of_the_later_modules(tmp_path: Path) -> None:
    upgrade(f"sqlite:///{tmp_path / 'acvd.sqlite3'}")  # up to date: no migration at start
    result = subprocess.run(
        [sys.executable, "-c", START_UP, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    loaded = set(json.loads(result.stdout))
    assert {"textual.app", "workstation.tui.screens.login", "sqlalchemy"} <= loaded
    assert sorted(name for name in NOT_BEFORE_LOGIN if name in loaded) == []
