"""Cold start of the workstation: `acvd` started -> the login screen drawn.

The console script `.venv/bin/acvd` (what `./run-workstation` execs) is started as a new
process in a pseudo-terminal (120x40, TERM=xterm-256color) with a HOME of its own, prepared
beforehand: the embedded default (SQLite, built-in PBX) with the demo company already seeded
and migrated, so neither seeding nor a migration is measured. The pseudo-terminal's output is
read as it comes; the time is taken when "Identifiant" (the login form's first label) has
been written, escape sequences removed. One unmeasured start warms the disk cache, then
`--starts` starts give the median, min and max. `--harness tmux` draws in a detached tmux
pane instead and polls `tmux capture-pane` every 10 ms (as `bench_tui.py --only start`).

`--profile-imports` also prints the slowest imports (`-X importtime`, cumulative) of what
runs before the login screen: the launcher's path (`workstation.cli`, `prepare()` on the
prepared database, with its migration check) then `workstation.tui.app`.

    .venv/bin/python benchmarks/bench_cold_start.py [--starts 7] [--harness pty|tmux]
        [--profile-imports]
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACVD = ROOT / ".venv" / "bin" / "acvd"
PYTHON = ROOT / ".venv" / "bin" / "python"
HOME = Path(tempfile.gettempdir()) / "acvd-bench-cold-start" / "home"
WORD = b"Identifiant"
SIZE = (120, 40)
TMUX_SOCKET = "acvd-bench-cold-start"
# CSI sequences (colours, cursor moves) and OSC / other escapes Textual writes.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
PREPARE = (
    "from workstation.config import load_settings\n"
    "from workstation.launcher import prepare\n"
    "prepare(load_settings({})).close()\n"
)


def environment() -> dict[str, str]:
    """The environment of a student's terminal, with the prepared HOME (no ACVD_/XDG_ paths)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACVD_", "XDG_"))}
    env.update(HOME=str(HOME), TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    return env


def prepare_home() -> None:
    """Seed (once) and migrate the embedded default in HOME, as a first `acvd` run would."""
    HOME.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    subprocess.run([str(PYTHON), "-c", PREPARE], env=environment(), cwd=ROOT, check=True)
    print(f"HOME préparé : {HOME} ({time.monotonic() - start:.1f} s)")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"charge moyenne (1, 5, 15 min) : {one:.2f}, {five:.2f}, {fifteen:.2f}"


# --- harnesses -------------------------------------------------------------------------------


def start_in_pty(command: list[str], timeout: float = 60.0) -> float:
    """Seconds from starting `command` in a new pseudo-terminal to WORD being written."""
    import fcntl
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    start = time.monotonic()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=environment(), cwd=HOME,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    output = b""
    try:
        while time.monotonic() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            output += chunk
            if WORD in ESCAPES.sub(b"", output):
                return time.monotonic() - start
        tail = ESCAPES.sub(b"", output)[-400:].decode(errors="replace")
        raise TimeoutError(f"« {WORD.decode()} » jamais affiché ; fin de la sortie : {tail!r}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)
        time.sleep(0.5)  # let the machine settle before the next start


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", TMUX_SOCKET, "-f", "/dev/null", *args],
        capture_output=True, text=True, check=False, env=environment(),
    )  # fmt: skip


def start_in_tmux(command: list[str], timeout: float = 60.0) -> float:
    """Seconds from starting `command` in a new tmux pane to WORD being drawn in it."""
    start = time.monotonic()
    tmux("new-session", "-d", "-s", "cold", "-x", str(SIZE[0]), "-y", str(SIZE[1]),
         "-c", str(HOME), " ".join(command))  # fmt: skip
    try:
        while time.monotonic() - start < timeout:
            if WORD.decode() in tmux("capture-pane", "-p", "-t", "cold").stdout:
                return time.monotonic() - start
            time.sleep(0.01)
        raise TimeoutError(f"« {WORD.decode()} » jamais affiché")
    finally:
        tmux("kill-session", "-t", "cold")
        time.sleep(1.0)  # let the killed app exit before the next start


# --- figures ---------------------------------------------------------------------------------


def figures(samples: list[float]) -> str:
    return (
        f"médiane {statistics.median(samples):.3f} s  (min {min(samples):.3f}, "
        f"max {max(samples):.3f}, n={len(samples)})"
    )


def cold_starts(harness: str, starts: int, repeat: int) -> None:
    run = start_in_pty if harness == "pty" else start_in_tmux
    # The same harness around a shell that writes the word at once: its own overhead.
    shell = ["sh", "-c", f"echo {WORD.decode()}; exec sleep 60"]
    if harness == "tmux":
        shell[2] = f"'{shell[2]}'"  # tmux hands the command line to a shell
        tmux("new-session", "-d", "-s", "keep", "sleep 3600")  # the tmux server, started once
    try:
        run([str(ACVD)])  # warm the disk cache, not measured
        for attempt in range(1, repeat + 1):
            base = [run(shell) for _ in range(2)]
            samples = [run([str(ACVD)]) for _ in range(starts)]
            print(f"  mesure {attempt}/{repeat} ({harness}) — {load()}")
            print(f"    acvd -> écran de connexion dessiné   {figures(samples)}")
            harness_only = statistics.median(base)
            print(f"    dont le harnais (un shell)           médiane {harness_only:.3f} s")
            print("    départs : " + ", ".join(f"{s:.3f}" for s in samples))
    finally:
        if harness == "tmux":
            tmux("kill-server")


def profile_imports(top: int = 25) -> None:
    """The slowest imports before the login screen (`-X importtime`), cumulative."""
    script = PREPARE.replace("load_settings\n", "load_settings\nimport workstation.cli\n")
    script += "import workstation.tui.app\n"
    result = subprocess.run(
        [str(PYTHON), "-X", "importtime", "-c", script],
        capture_output=True, text=True, cwd=ROOT, env=environment(), check=True,
    )  # fmt: skip
    rows, total = [], 0
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        if cumulative.strip().isdigit():
            depth = (len(name) - len(name.lstrip())) // 2
            rows.append((int(cumulative), depth, name.strip()))
            total += int(own)
    loaded = {name for _, _, name in rows}
    print(f"  imports avant l'écran de connexion : {len(rows)} modules, {total / 1000:.0f} ms "
          f"(somme des temps propres) — {load()}")  # fmt: skip
    watched = ("alembic", "faker", "babel", "tantivy", "docx", "phonenumbers", "mako",
               "sqlalchemy.dialects.postgresql", "psycopg", "yaml", "crm.models")  # fmt: skip
    print("  chargés : " + ", ".join(f"{m} {'oui' if m in loaded else 'non'}" for m in watched))
    print("  les plus lents (cumulé, profondeur <= 2) :")
    for cumulative, depth, name in sorted(rows, reverse=True)[: top * 4]:
        if depth <= 2 and top > 0:
            print(f"    {cumulative / 1000:7.1f} ms  {'  ' * depth}{name}")
            top -= 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=7, help="démarrages mesurés par mesure")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--harness", choices=["pty", "tmux"], default="pty")
    parser.add_argument("--profile-imports", action="store_true")
    args = parser.parse_args()
    if args.harness == "tmux" and shutil.which("tmux") is None:
        sys.exit("tmux est requis pour --harness tmux.")
    print(__doc__.split("\n\n    ")[0])
    print()
    prepare_home()
    print(f"Démarrage à froid (acvd, jusqu'à « {WORD.decode()} ») :")
    cold_starts(args.harness, args.starts, args.repeat)
    if args.profile_imports:
        profile_imports()


if __name__ == "__main__":
    main()
