"""Optional PDF output through LibreOffice headless.

Each conversion runs with a fresh, throw-away user profile (`-env:UserInstallation`), so two
conversions never fight over a profile lock and a student's own LibreOffice is never touched.
Without LibreOffice the caller gets a clear French message, and nothing is written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from gettext import gettext as _
from pathlib import Path

from mailmerge.errors import OutputError
from mailmerge.output import ensure_directory, free_path, publish, refuse_existing

CANDIDATES = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    """The LibreOffice executable on PATH, or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(
    docx: Path,
    out_dir: Path,
    *,
    soffice: str | None = None,
    timeout: float = 120.0,
    no_clobber: bool = False,
) -> Path:
    """Convert a .docx to PDF in `out_dir` (same stem); returns the PDF's path."""
    executable = soffice or find_soffice()
    if executable is None:
        raise OutputError(
            _(
                "LibreOffice est introuvable (commande soffice) : installez-le (paquet "
                "libreoffice-writer-nogui) pour produire des PDF. La lettre .docx est prête."
            )
        )
    ensure_directory(out_dir)
    target = out_dir / f"{docx.stem}.pdf"
    if no_clobber:
        refuse_existing([target])
    with tempfile.TemporaryDirectory(prefix="acvd-soffice-") as work:
        profile = Path(work) / "profile"
        produced_dir = Path(work) / "out"
        command = [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(produced_dir),
            str(docx),
        ]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise OutputError(
                _("LibreOffice n'a pas converti « {name} » en PDF en {seconds} s.").format(
                    name=docx.name, seconds=int(timeout)
                )
            ) from error
        except OSError as error:
            raise OutputError(
                _("Impossible de lancer LibreOffice : {reason}.").format(reason=error.strerror)
            ) from error
        produced = produced_dir / f"{docx.stem}.pdf"
        if completed.returncode != 0 or not produced.is_file():
            detail = (completed.stderr or completed.stdout).strip().splitlines()
            raise OutputError(
                _("LibreOffice n'a pas pu convertir « {name} » en PDF ({detail}).").format(
                    name=docx.name, detail=detail[-1] if detail else completed.returncode
                )
            )
        staged = out_dir / f".acvd-{docx.stem}.pdf.tmp"
        shutil.move(produced, staged)
        try:
            if not no_clobber:
                target = free_path(out_dir, docx.stem, ".pdf")
            return publish(staged, target, no_clobber)
        finally:
            staged.unlink(missing_ok=True)
