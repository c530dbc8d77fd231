"""Output files: sanitised names, no silent overwrite, nothing half-written.

Files are written under a temporary name in the destination folder and published only when
complete. A name already taken gets "-2", "-3"…; with `no_clobber=True` an existing file is an
error instead, raised before anything is written.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from gettext import gettext as _
from pathlib import Path

from mailmerge.errors import OutputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{d}{i}" for d in ("com", "lpt") for i in range(10)}
MAX_STEM = 80


def safe_stem(text: str, fallback: str = "lettre") -> str:
    """A file name stem from any text: accents folded, no separators, no hidden or empty name."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    stem = _UNSAFE.sub("-", folded).strip("-._")[:MAX_STEM].strip("-._")
    if not stem or stem.lower() in _RESERVED:
        return fallback
    return stem


def free_path(directory: Path, stem: str, suffix: str, taken: set[Path] | None = None) -> Path:
    """`directory/stem.suffix`, or `stem-2`, `stem-3`… if taken on disk or in `taken`."""
    taken = taken if taken is not None else set()
    candidate = directory / f"{stem}{suffix}"
    number = 2
    while candidate.exists() or candidate in taken:
        candidate = directory / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def refuse_existing(paths: list[Path]) -> None:
    """With no-clobber: fail before writing anything if one of `paths` already exists."""
    existing = [p for p in paths if p.exists()]
    if existing:
        raise OutputError(
            _(
                "Le fichier « {path} » existe déjà : rien n'a été écrit (option sans écrasement)."
            ).format(path=existing[0])
        )


def ensure_directory(directory: Path) -> None:
    """Create the output folder, with a French message if that is impossible."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            _("Impossible de créer le dossier « {path} » : {reason}.").format(
                path=directory, reason=error.strerror
            )
        ) from error
    if not directory.is_dir():
        raise OutputError(_("« {path} » n'est pas un dossier.").format(path=directory))


@contextmanager
def staged_file(directory: Path) -> Iterator[Path]:
    """A temporary file in `directory`, removed on exit unless it was published (moved)."""
    ensure_directory(directory)
    handle, name = tempfile.mkstemp(prefix=".acvd-", suffix=".tmp", dir=directory)
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def publish(staged: Path, target: Path, no_clobber: bool = False) -> Path:
    """Move a finished file to `target` without overwriting; returns the final path.

    The hard link fails atomically if the name is taken meanwhile, so a concurrent file is
    never replaced; then the next free name is used (or OutputError with `no_clobber`).
    """
    while True:
        try:
            os.link(staged, target)
        except FileExistsError:
            if no_clobber:
                refuse_existing([target])
            target = free_path(target.parent, target.stem, target.suffix)
            continue
        except OSError:  # file systems without hard links
            if target.exists():
                if no_clobber:
                    refuse_existing([target])
                target = free_path(target.parent, target.stem, target.suffix)
            os.replace(staged, target)
            return target
        staged.unlink()
        return target
