"""Replays `seed_data/demo_shift.yaml` into the journal (issue 2: a recorded demo shift).

The entries go through the ordinary `JournalWriter` on a virtual clock set to the recorded
times, so the demo shift is chained and verified exactly like a real one.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import Engine

from crm import journal
from workstation.clock import VirtualClock


def record_demo_shift(engine: Engine, path: Path) -> str | None:
    """Record the demo shift unless it is already there; returns its id when recorded."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    shift = document["shift"]
    try:
        journal.get_shift(engine, shift["shift_id"])
        return None
    except journal.JournalError:
        pass
    start = datetime.fromisoformat(str(shift["start"]).replace("Z", "+00:00"))
    clock = VirtualClock(start)
    writer = journal.JournalWriter.start_shift(
        engine, shift["agent"], clock, title=shift["title"], shift_id=shift["shift_id"]
    )
    try:
        for entry in document["entries"]:
            clock.advance_sync(float(entry["t"]) - clock.monotonic())
            writer.append(entry["kind"], entry.get("payload") or {}, entry.get("call"))
        writer.end_shift({"entries_recorded": len(document["entries"])})
    finally:
        writer.close()
    return writer.shift_id
