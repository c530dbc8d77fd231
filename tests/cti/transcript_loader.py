"""Reading the recorded Asterisk transcripts (the `.txt` frames and the `.raw.jsonl` chunks)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

TRANSCRIPTS = Path(__file__).parent / "transcripts"
MARKER = re.compile(
    rb"^## t=\+(?P<t>[0-9.]+) (?P<dir>S->C|C->S|NOTE) ?(?:conn=(?P<conn>\S+))?(?P<eof> <EOF)?"
)


@dataclass(frozen=True)
class Frame:
    """One frame of a `.txt` transcript, bytes verbatim."""

    t: float
    conn: str
    direction: str  # "S->C" or "C->S"
    data: bytes


@dataclass(frozen=True)
class Chunk:
    """One TCP read or write of a `.raw.jsonl` transcript (`data` empty at EOF)."""

    t: float
    conn: str
    direction: str
    data: bytes
    eof: bool


def names() -> list[str]:
    """The transcript names (`01-ami-login-and-errors`, ...)."""
    return sorted(p.name.removesuffix(".txt") for p in TRANSCRIPTS.glob("*.txt"))


def frames(name: str) -> list[Frame]:
    """The frames of a `.txt` transcript, in file order (EOF markers and notes left out)."""
    out: list[Frame] = []
    current: tuple[float, str, str] | None = None
    body: list[bytes] = []
    for line in (TRANSCRIPTS / f"{name}.txt").read_bytes().splitlines(keepends=True):
        if line.startswith(b"## "):
            if current is not None:
                out.append(Frame(*current, b"".join(body)))
            current, body = None, []
            match = MARKER.match(line)
            assert match, line
            if match["dir"] != b"NOTE" and not match["eof"]:
                current = (float(match["t"]), match["conn"].decode(), match["dir"].decode())
        elif line.startswith(b"# ") and current is None:
            continue
        elif current is not None:
            body.append(line)
    if current is not None:
        out.append(Frame(*current, b"".join(body)))
    return out


def chunks(name: str) -> list[Chunk]:
    """The TCP chunks of a `.raw.jsonl` transcript, in file order."""
    out = []
    for line in (TRANSCRIPTS / f"{name}.raw.jsonl").read_text().splitlines():
        item = json.loads(line)
        out.append(
            Chunk(
                item["t"],
                item["conn"],
                item["dir"],
                item.get("data", "").encode("latin-1"),
                bool(item.get("eof")),
            )
        )
    return out


def streams(name: str) -> dict[tuple[str, str], list[bytes]]:
    """The chunks of each (connection, direction), in order."""
    out: dict[tuple[str, str], list[bytes]] = {}
    for chunk in chunks(name):
        if not chunk.eof:
            out.setdefault((chunk.conn, chunk.direction), []).append(chunk.data)
    return out
