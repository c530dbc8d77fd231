"""Producing letters: one record to one .docx, a list to one .docx each or to a single document.

Records are read one at a time, so a batch of 10,000 letters never holds them all in memory.
Every letter is checked before it is written; on any error the files already produced are
removed, so a failed batch leaves the output folder as it found it.

In a single document each letter is its own section starting on a new page (Word does the same
when it merges to a new document), so a first-page letterhead shows on every letter; headers
and footers that hold merge fields get one copy per letter.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from gettext import gettext as _
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from lxml import etree

from mailmerge.engine import CT, Template
from mailmerge.errors import MergeError, MissingValuesError
from mailmerge.formatting import as_text
from mailmerge.output import (
    ensure_directory,
    free_path,
    publish,
    refuse_existing,
    safe_stem,
    staged_file,
)
from mailmerge.package import REL_NS, serialize

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
HEADER_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
PART_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
FOOTER_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"


@dataclass(frozen=True)
class BatchResult:
    """What a batch produced: the files written and the number of letters."""

    paths: tuple[Path, ...]
    letters: int


def as_template(template: Template | Path | str) -> Template:
    """A compiled template from a template or a path."""
    return template if isinstance(template, Template) else Template.open(template)


def merge_one(
    template: Template | Path | str,
    record: Mapping[str, object],
    out_path: Path | str,
    *,
    allow_missing: bool = False,
    no_clobber: bool = False,
) -> Path:
    """Merge one record into a .docx and return its path (C3.3).

    `out_path` is a .docx file name, or an existing folder where the letter is named after the
    template and the record. Nothing is written if the template or the record is refused.
    """
    compiled = as_template(template)
    compiled.require(record, allow_missing)
    target = Path(out_path)
    if target.is_dir():
        target = target / f"{file_stem(compiled, record, 1, None)}.docx"
    elif target.suffix.lower() != ".docx":
        target = target.with_name(f"{safe_stem(target.name)}.docx")
    else:
        target = target.with_name(f"{safe_stem(target.stem)}.docx")
    if no_clobber:
        refuse_existing([target])
    with staged_file(target.parent) as staged:
        with staged.open("wb") as handle:
            compiled.write(record, handle)
        if not no_clobber:
            target = free_path(target.parent, target.stem, ".docx")
        return publish(staged, target, no_clobber)


def file_stem(
    template: Template, record: Mapping[str, object], number: int, pattern: str | None
) -> str:
    """A letter's file name: `pattern` with {Champ} and {n}, else template-client-nom."""
    if pattern is None:
        keys = {k.casefold(): k for k in record}
        parts = [Path(template.source).stem]
        for name in ("numeroclient", "nom"):
            value = record.get(keys[name]) if name in keys else None
            if value not in (None, ""):
                parts.append(as_text(value))
        if len(parts) == 1:
            parts.append(f"{number:04d}")
        return safe_stem("-".join(parts))

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "n":
            return f"{number:04d}"
        keys = {k.casefold(): k for k in record}
        value = record.get(keys.get(name.casefold(), name))
        return as_text(value)

    return safe_stem(_PLACEHOLDER.sub(replace, pattern), fallback=f"lettre-{number:04d}")


def _refuse(number: int, error: MissingValuesError) -> MissingValuesError:
    return MissingValuesError(
        _("Enregistrement n° {number} : {message} Aucun fichier n'a été écrit.").format(
            number=number, message=error
        ),
        error.missing,
    )


def merge_batch(
    template: Template | Path | str,
    records: Iterable[Mapping[str, object]],
    out_dir: Path | str,
    *,
    single_file: bool = False,
    name_pattern: str | None = None,
    allow_missing: bool = False,
    no_clobber: bool = False,
) -> BatchResult:
    """Merge every record: one .docx each, or one document with a new page per letter.

    Streamed: records are consumed one by one. All or nothing: a refused record (missing
    values) stops the batch and removes what was produced.
    """
    compiled = as_template(template)
    directory = Path(out_dir)
    ensure_directory(directory)
    if single_file:
        return _merge_single(compiled, records, directory, name_pattern, allow_missing, no_clobber)
    staging = Path(tempfile.mkdtemp(prefix=".acvd-lot-", dir=directory))
    try:
        produced: list[tuple[Path, str]] = []
        for number, record in enumerate(records, start=1):
            try:
                compiled.require(record, allow_missing)
            except MissingValuesError as error:
                raise _refuse(number, error) from error
            staged = staging / f"{number}.docx"
            with staged.open("wb") as handle:
                compiled.write(record, handle, number)
            produced.append((staged, file_stem(compiled, record, number, name_pattern)))
        taken: set[Path] = set()
        targets = []
        for _staged, stem in produced:
            target = directory / f"{stem}.docx"
            if not no_clobber:
                target = free_path(directory, stem, ".docx", taken)
            taken.add(target)
            targets.append(target)
        if no_clobber:
            refuse_existing(targets)
            if len(taken) < len(targets):
                raise MergeError(
                    _(
                        "Plusieurs lettres auraient le même nom de fichier : choisissez un modèle "
                        "de nom qui les distingue (par exemple avec {{n}})."
                    )
                )
        paths = tuple(
            publish(staged, target, no_clobber)
            for (staged, _stem), target in zip(produced, targets, strict=True)
        )
        return BatchResult(paths=paths, letters=len(paths))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _merge_single(
    template: Template,
    records: Iterable[Mapping[str, object]],
    directory: Path,
    name_pattern: str | None,
    allow_missing: bool,
    no_clobber: bool,
) -> BatchResult:
    default = f"{Path(template.source).stem}-publipostage"
    stem = safe_stem(name_pattern or default)
    target = directory / f"{stem}.docx"
    if no_clobber:
        refuse_existing([target])
    with staged_file(directory) as staged:
        with staged.open("wb") as handle:
            letters = SingleDocumentWriter(template, handle).write_all(records, allow_missing)
        if not no_clobber:
            target = free_path(directory, stem, ".docx")
        final = publish(staged, target, no_clobber)
    return BatchResult(paths=(final,), letters=letters)


class SingleDocumentWriter:
    """Writes many letters into one .docx, one section per letter, streaming the body."""

    def __init__(self, template: Template, target: BinaryIO) -> None:
        self.template = template
        self.target = target
        main = template.compiled[template.main]
        self.main = main
        p = f"{template.prefix}:" if template.prefix else ""
        tail = re.sub(rf"<{p}type\b[^>]*/>", "", main.tail)  # every letter starts a new page
        end = tail.find(f"<{p}sectPr")
        close = tail.find(f"</{p}body>")
        self.tail = tail
        self.section = tail[end:close] if 0 <= end < close else f"<{p}sectPr/>"
        rels = template.relationships
        self.dynamic = {
            rid: name
            for rid, name in rels.items()
            if name in template.compiled and name != template.main
            and PurePosixPath(name).name.startswith(("header", "footer"))
        }  # fmt: skip
        r = template.rel_prefix
        self.reference = re.compile(
            rf'(<{p}(?:header|footer)Reference\b[^>]*?\b{r}:id=")([^"]+)(")'
        )

    def write_all(self, records: Iterable[Mapping[str, object]], allow_missing: bool) -> int:
        """Write every record; returns the number of letters. MissingValuesError stops it."""
        template = self.template
        extra_parts: list[tuple[str, str, str]] = []  # (rId, part name, original part)
        first_values: list[str] | None = None
        count = 0
        with (
            zipfile.ZipFile(self.target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
            tempfile.TemporaryFile("w+b") as body,
        ):
            body.write(self.main.head.encode("utf-8"))
            pending: list[str] | None = None
            for number, record in enumerate(records, start=1):
                try:
                    template.require(record, allow_missing)
                except MissingValuesError as error:
                    raise _refuse(number, error) from error
                values = template.values(record, number)
                if first_values is None:
                    first_values = values
                if pending is not None:
                    extra_parts += self._letter(archive, body, pending, number - 1)
                pending = values
                count += 1
            if pending is None:
                raise MergeError(_("Aucun enregistrement à fusionner : le fichier est vide."))
            body.write(self.main.render_body(pending, "").encode("utf-8"))
            body.write(self.tail.encode("utf-8"))
            for name, compiled in template.compiled.items():
                if name == template.main:
                    continue
                last = name in self.dynamic.values()
                text = compiled.render(pending if last else first_values or pending)
                archive.writestr(name, text.encode("utf-8"))
            body.flush()
            body.seek(0)
            with archive.open(template.main, "w", force_zip64=True) as member:
                shutil.copyfileobj(body, member, 1024 * 1024)
            self._write_static(archive, extra_parts)
        return count

    def _letter(
        self, archive: zipfile.ZipFile, body: BinaryIO, values: list[str], number: int
    ) -> list[tuple[str, str, str]]:
        """Write a letter followed by its section break; copies dynamic headers for it."""
        section = self.section
        added: list[tuple[str, str, str]] = []
        if self.dynamic:
            renamed = {}
            for rid, name in self.dynamic.items():
                path = PurePosixPath(name)
                new_name = str(path.with_name(f"{path.stem}-l{number}{path.suffix}"))
                new_rid = f"acvdL{number}{rid}"
                rendered = self.template.compiled[name].render(values)
                archive.writestr(new_name, rendered.encode("utf-8"))
                rels = str(path.parent / "_rels" / f"{path.name}.rels")
                if rels in self.template.parts:
                    new_rels = str(
                        path.parent / "_rels" / f"{path.stem}-l{number}{path.suffix}.rels"
                    )
                    archive.writestr(new_rels, self.template.parts[rels])
                renamed[rid] = new_rid
                added.append((new_rid, new_name, name))

            def remap(match: re.Match[str]) -> str:
                return match.group(1) + renamed.get(match.group(2), match.group(2)) + match.group(3)

            section = self.reference.sub(remap, section)
            text = self.reference.sub(remap, self.main.render_body(values, section))
        else:
            text = self.main.render_body(values, section)
        body.write(text.encode("utf-8"))
        return added

    def _write_static(self, archive: zipfile.ZipFile, extra: list[tuple[str, str, str]]) -> None:
        template = self.template
        main = PurePosixPath(template.main)
        rels_name = str(main.parent / "_rels" / f"{main.name}.rels")
        parts = dict(template.parts)
        for name in (*template.compiled, template.main):
            parts.pop(name, None)
        if extra:
            parts["[Content_Types].xml"] = _add_overrides(parts["[Content_Types].xml"], extra)
            parts[rels_name] = _add_relationships(parts[rels_name], extra, main.parent)
        for name, data in parts.items():
            archive.writestr(name, data)


def _add_overrides(content_types: bytes, extra: list[tuple[str, str, str]]) -> bytes:
    root = etree.fromstring(content_types)
    types = {o.get("PartName"): o.get("ContentType") for o in root.iter(f"{{{CT}}}Override")}
    for _rid, name, original in extra:
        element = etree.SubElement(root, f"{{{CT}}}Override")
        element.set("PartName", f"/{name}")
        kind = "header" if PurePosixPath(original).name.startswith("header") else "footer"
        element.set("ContentType", types.get(f"/{original}") or PART_TYPE.format(kind=kind))
    return serialize(root)


def _add_relationships(
    rels: bytes, extra: list[tuple[str, str, str]], folder: PurePosixPath
) -> bytes:
    root = etree.fromstring(rels)
    kinds = {}
    for rel in root.iter(f"{{{REL_NS}}}Relationship"):
        kinds[str(folder / rel.get("Target", ""))] = rel.get("Type", "")
    for rid, name, original in extra:
        element = etree.SubElement(root, f"{{{REL_NS}}}Relationship")
        element.set("Id", rid)
        element.set("Type", kinds.get(original, HEADER_TYPE))
        element.set("Target", str(PurePosixPath(name).relative_to(folder)))
    return serialize(root)
