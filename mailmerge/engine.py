"""Merging records into a Word template (C3.3 "produire un message personnalisé").

A template is compiled once: every merge field of the body, tables, headers, footers and notes
is found (simple `w:fldSimple` and complex `fldChar`/`instrText` fields, instructions split
across runs, nested fields), its field code and stale cached result are removed, and one run
carrying the formatting of the field's first result run takes its place. Each part is then kept
as text cut at those runs, so merging a record only formats values and joins strings: fast for
a batch of thousands of letters, with no XML re-parsed per letter.

The data-source link that Word and LibreOffice keep in `settings.xml` (`w:mailMerge`) is
removed, with its relationships, so Word does not ask to reconnect when opening the letter.
"""

from __future__ import annotations

import copy
import functools
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from gettext import gettext as _
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from xml.sax.saxutils import escape

from lxml import etree

from mailmerge import fields as f
from mailmerge.errors import MissingValuesError, TemplateError
from mailmerge.package import REL_NS, Package, open_package, parse_xml, serialize
from mailmerge.variables import Variable, lookup, normalise, suggestions

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_R, W_T, W_RPR, W_P, W_PPR = _w("r"), _w("t"), _w("rPr"), _w("p"), _w("pPr")
W_FLDCHAR, W_FLDCHARTYPE, W_INSTRTEXT = _w("fldChar"), _w("fldCharType"), _w("instrText")
W_FLDSIMPLE, W_INSTR, W_BODY, W_SECTPR = _w("fldSimple"), _w("instr"), _w("body"), _w("sectPr")
W_MAILMERGE = _w("mailMerge")
_KEEP_IN_SPAN = {_w("bookmarkStart"), _w("bookmarkEnd"), _w("commentRangeStart")}
_KEEP_IN_SPAN |= {_w("commentRangeEnd"), _w("permStart"), _w("permEnd")}

DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
}
_MARKER = re.compile(r"<\?acvd-(slot|sect) ?(\d+)?\?>")
# Compressing already-compressed media again only costs time.
_STORED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".emf", ".wmf", ".tif", ".tiff"}


@dataclass(frozen=True)
class FieldInfo:
    """A merge field as the template uses it, for the template check and `acvd merge fields`."""

    name: str
    code: str
    places: tuple[str, ...]
    optional: bool
    variable: Variable | None
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class CheckReport:
    """What a template needs: its fields, the unknown ones, the values a record lacks."""

    fields: tuple[FieldInfo, ...]
    unknown: tuple[FieldInfo, ...]
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the record can be merged with no missing value."""
        return not self.missing


@dataclass
class _Open:
    """A complex field being read: its instruction items and the runs it spans."""

    begin: etree._Element
    items: list[f.Item] = field(default_factory=list)
    in_result: bool = False
    runs: list[etree._Element] = field(default_factory=list)
    instr_rpr: etree._Element | None = None
    result_rpr: etree._Element | None = None
    has_result_text: bool = False
    result_text: list[str] = field(default_factory=list)
    end: etree._Element | None = None
    node: f.Node | None = None


@dataclass(frozen=True)
class _Compiled:
    """A part cut at its merge slots: text, slot, text, …, text."""

    head: str  # the main document before <w:body>'s content (empty for other parts)
    texts: tuple[str, ...]
    slots: tuple[int, ...]  # index into Template.nodes; -1 for the section marker
    tail: str  # the main document's final sectPr and closing tags

    def render_body(self, values: Sequence[str], section: str = "") -> str:
        """The content between head and tail for one record."""
        out = [self.texts[0]]
        for slot, text in zip(self.slots, self.texts[1:], strict=True):
            out.append(section if slot < 0 else values[slot])
            out.append(text)
        return "".join(out)

    def render(self, values: Sequence[str]) -> str:
        """The whole part for one record."""
        return self.head + self.render_body(values) + self.tail


def _place(part: str) -> str:
    """Where a part shows in the letter, in the student's words."""
    name = PurePosixPath(part).name
    if name.startswith("header"):
        return _("en-tête")
    if name.startswith("footer"):
        return _("pied de page")
    if name.startswith("footnotes"):
        return _("notes de bas de page")
    if name.startswith("endnotes"):
        return _("notes de fin")
    return _("corps du document")


def _paragraph(element: etree._Element) -> etree._Element | None:
    node = element.getparent()
    while node is not None and node.tag != W_P:
        node = node.getparent()
    return node


class Template:
    """A compiled letter template, ready to merge any number of records."""

    def __init__(self, package: Package) -> None:
        self.source = package.source
        self.main = package.main_document
        self.nodes: list[f.Node] = []
        self.parts: dict[str, bytes] = dict(package.parts)
        self.compiled: dict[str, _Compiled] = {}
        self.prefix = "w"  # the prefix of the WordprocessingML namespace in the main document
        self.rel_prefix = "r"
        self._clean_settings(package)
        self._fix_content_types(package)
        for name in package.parts:
            if name == self.main or re.fullmatch(
                r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml", name
            ):
                self._compile(package, name)
        if self.main not in self.compiled:
            raise TemplateError(
                _(
                    "« {source} » n'est pas un document Word : le corps du texte (w:body) manque."
                ).format(source=self.source)
            )
        self._fields = self._field_infos()
        self._required = tuple(i.name for i in self._fields if not i.optional)
        self.relationships = self._document_relationships(package)

    @classmethod
    def open(cls, path: Path | str) -> Template:
        """Open, check and compile a .docx (or .dotx) template; TemplateError in French."""
        return cls(open_package(Path(path)))

    # --- compiling -------------------------------------------------------------------------

    def _compile(self, package: Package, name: str) -> None:
        root = package.xml(name)
        slots = self._replace_complex(root) + self._replace_simple(root)
        body = root.find(W_BODY) if name == self.main else None
        if body is None and not slots:
            return  # untouched parts keep their original bytes
        if body is not None:
            self.prefix = next((p for p, uri in root.nsmap.items() if uri == W), None) or ""
            self.rel_prefix = next((p for p, uri in root.nsmap.items() if uri == R), None) or "r"
            self._mark_body(body)
        text = serialize(root)
        head, middle, tail = "", text.decode("utf-8"), ""
        if body is not None:
            head, middle, tail = middle.split("<?acvd-body ?>")
        pieces = _MARKER.split(middle)
        texts, slot_ids = [pieces[0]], []
        for kind, number, after in zip(pieces[1::3], pieces[2::3], pieces[3::3], strict=True):
            slot_ids.append(int(number) if kind == "slot" else -1)
            texts.append(after)
        self.compiled[name] = _Compiled(head, tuple(texts), tuple(slot_ids), tail)

    def _scan(self, root: etree._Element) -> list[_Open]:
        stack: list[_Open] = []
        found: list[_Open] = []
        for run in list(root.iter(W_R)):
            top = stack[0] if stack else None
            for child in run:
                tag = child.tag
                if tag == W_FLDCHAR:
                    kind = child.get(W_FLDCHARTYPE)
                    if kind == "begin":
                        stack.append(_Open(begin=run))
                    elif kind == "separate" and stack:
                        stack[-1].in_result = True
                    elif kind == "end" and stack:
                        done = stack.pop()
                        done.end = run
                        done.node = f.parse_field(done.items, "".join(done.result_text))
                        if not stack:
                            found.append(done)
                        elif not stack[-1].in_result:
                            stack[-1].items.append(done.node)
                elif tag == W_INSTRTEXT and stack and not stack[-1].in_result:
                    stack[-1].items.append(child.text or "")
                    if stack[-1].instr_rpr is None:
                        stack[-1].instr_rpr = run.find(W_RPR)
                elif tag == W_T and len(stack) == 1 and stack[0].in_result:
                    self._first_result(stack[0], run)
                    stack[0].result_text.append(child.text or "")
            top = top or (stack[0] if stack else None) or (found[-1] if found else None)
            if top is not None and (top.end is None or top.end is run):
                top.runs.append(run)
        if stack:
            raise TemplateError(
                _("« {source} » : un champ n'est pas refermé ({code}).").format(
                    source=self.source, code=f._show(stack[0].items)
                )
            )
        return found

    @staticmethod
    def _first_result(field_: _Open, run: etree._Element) -> None:
        """The first result run gives the merged text its formatting."""
        if not field_.has_result_text:
            field_.has_result_text = True
            field_.result_rpr = run.find(W_RPR)

    def _mergeable(self, node: f.Node, code: str) -> bool:
        """True for the fields this engine fills; PAGE & co. stay for Word to update."""
        has_merge = any(True for _ in f.iter_merge_fields(node))
        if isinstance(node, f.Other) or f.contains_other(node):
            if has_merge:
                raise TemplateError(
                    _(
                        "« {source} » : le champ « {code} » mêle un champ de fusion et un champ "
                        "Word qui ne se fusionne pas ; simplifiez-le."
                    ).format(source=self.source, code=code)
                )
            return False
        return True

    def _slot_run(self, anchor: etree._Element, rpr: etree._Element | None, node: f.Node) -> None:
        parent = anchor.getparent()
        assert parent is not None
        run = etree.SubElement(parent, W_R)
        if rpr is not None:
            run.append(copy.deepcopy(rpr))
        text = etree.SubElement(run, W_T)
        text.set(XML_SPACE, "preserve")
        text.append(etree.ProcessingInstruction("acvd-slot", str(len(self.nodes))))
        self.nodes.append(node)
        anchor.addprevious(run)

    def _replace_complex(self, root: etree._Element) -> int:
        count = 0
        for found in self._scan(root):
            assert found.node is not None and found.end is not None
            code = f._show(found.items)
            if not self._mergeable(found.node, code):
                continue
            begin, end = found.begin, found.end
            if _paragraph(begin) is not _paragraph(end):
                raise TemplateError(
                    _(
                        "« {source} » : le champ « {code} » s'étend sur plusieurs paragraphes ; "
                        "gardez-le dans un seul paragraphe."
                    ).format(source=self.source, code=code)
                )
            if not isinstance(found.node, f.Removed):
                rpr = found.result_rpr if found.has_result_text else found.instr_rpr
                self._slot_run(begin, rpr, found.node)
                count += 1
            parent = begin.getparent()
            if parent is not None and parent is end.getparent():
                doomed, node = [], begin
                while node is not None:
                    if node.tag not in _KEEP_IN_SPAN:
                        doomed.append(node)
                    if node is end:
                        break
                    node = node.getnext()
            else:
                doomed = found.runs
            for element in doomed:
                owner = element.getparent()
                if owner is not None:
                    owner.remove(element)
        return count

    def _replace_simple(self, root: etree._Element) -> int:
        count = 0
        for simple in list(root.iter(W_FLDSIMPLE)):
            code = simple.get(W_INSTR, "")
            cached = "".join(t.text or "" for t in simple.iter(W_T))
            node = f.parse_field([code], cached)
            if not self._mergeable(node, code.strip()):
                continue
            if not isinstance(node, f.Removed):
                first = simple.find(f".//{W_R}")
                rpr = first.find(W_RPR) if first is not None else None
                self._slot_run(simple, rpr, node)
                count += 1
            parent = simple.getparent()
            assert parent is not None
            parent.remove(simple)
        return count

    def _mark_body(self, body: etree._Element) -> None:
        """Markers for single-file batches: body start, body end, and where a section ends."""
        children = [c for c in body if isinstance(c.tag, str)]
        final = children[-1] if children and children[-1].tag == W_SECTPR else None
        content = [c for c in children if c is not final]
        body.insert(0, etree.ProcessingInstruction("acvd-body"))
        last = content[-1] if content else None
        if last is None or last.tag != W_P:
            last = etree.SubElement(body, W_P)
            if final is not None:
                final.addprevious(last)
        ppr = last.find(W_PPR)
        if ppr is None:
            ppr = etree.SubElement(last, W_PPR)
            last.insert(0, ppr)
        marker = etree.ProcessingInstruction("acvd-sect")
        change = ppr.find(_w("pPrChange"))
        if change is not None:
            change.addprevious(marker)
        else:
            ppr.append(marker)
        end = etree.ProcessingInstruction("acvd-body")
        if final is not None:
            final.addprevious(end)
        else:
            body.append(end)

    def _clean_settings(self, package: Package) -> None:
        """Drop `w:mailMerge` and the relationships to its data source."""
        name = "word/settings.xml"
        if name not in package.parts:
            return
        root = package.xml(name)
        merges = root.findall(W_MAILMERGE)
        if not merges:
            return
        rid = f"{{{R}}}id"
        ids = {e.get(rid) for m in merges for e in m.iter() if e.get(rid)}
        for element in merges:
            root.remove(element)
        self.parts[name] = serialize(root)
        rels_name = "word/_rels/settings.xml.rels"
        if rels_name not in package.parts or not ids:
            return
        rels = package.xml(rels_name)
        for rel in list(rels):
            if rel.get("Id") in ids:
                if rel.get("TargetMode") != "External":
                    target = str(PurePosixPath("word") / rel.get("Target", ""))
                    self.parts.pop(target, None)
                rels.remove(rel)
        self.parts[rels_name] = serialize(rels)

    def _fix_content_types(self, package: Package) -> None:
        """A .dotx template gives a .docx document; dropped parts lose their override."""
        root = package.xml("[Content_Types].xml")
        changed = False
        for override in list(root.iter(f"{{{CT}}}Override")):
            part = override.get("PartName", "").lstrip("/")
            if part == self.main and override.get("ContentType") in _MAIN_TYPES:
                override.set("ContentType", DOCUMENT_TYPE)
                changed = True
            elif part not in self.parts and part in package.parts:
                root.remove(override)
                changed = True
        if changed:
            self.parts["[Content_Types].xml"] = serialize(root)

    def _document_relationships(self, package: Package) -> dict[str, str]:
        """rId -> part name for the main document (headers and footers of single files)."""
        main = PurePosixPath(self.main)
        rels_name = str(main.parent / "_rels" / f"{main.name}.rels")
        if rels_name not in package.parts:
            return {}
        rels = parse_xml(package.parts[rels_name], self.source, rels_name)
        result = {}
        for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("TargetMode") != "External":
                target = PurePosixPath(main.parent / rel.get("Target", "").lstrip("/"))
                result[rel.get("Id", "")] = str(target)
        return result

    # --- what the template needs -------------------------------------------------------------

    def _uses(self) -> list[tuple[f.Node, str]]:
        """Every merge slot with where it is, in reading order: body, then the other parts."""
        names = [self.main, *(n for n in self.compiled if n != self.main)]
        return [
            (self.nodes[slot], _place(name))
            for name in names
            for slot in self.compiled[name].slots
            if slot >= 0
        ]

    def _field_infos(self) -> tuple[FieldInfo, ...]:
        by_key: dict[str, dict[str, object]] = {}
        for node, place in self._uses():
            for merge_field, inside_if in f.iter_merge_fields(node):
                key = normalise(merge_field.name)
                entry = by_key.setdefault(
                    key,
                    {"name": merge_field.name, "code": merge_field.describe(), "places": [],
                     "optional": True},
                )  # fmt: skip
                places = entry["places"]
                assert isinstance(places, list)
                if place not in places:
                    places.append(place)
                entry["optional"] = bool(entry["optional"]) and inside_if
        infos = []
        for entry in by_key.values():
            name = str(entry["name"])
            variable = _known(name)
            infos.append(
                FieldInfo(
                    name=name,
                    code=str(entry["code"]),
                    places=tuple(entry["places"]),  # type: ignore[arg-type]
                    optional=bool(entry["optional"]),
                    variable=variable,
                    suggestions=() if variable else suggestions(_bare(name)),
                )
            )
        return tuple(infos)

    @property
    def fields(self) -> tuple[FieldInfo, ...]:
        """The merge fields of the template, in order of first use."""
        return self._fields

    def check(self, record: Mapping[str, object] | None = None) -> CheckReport:
        """Unknown fields (with the closest known names) and the values `record` lacks."""
        unknown = tuple(i for i in self._fields if i.variable is None)
        missing: tuple[str, ...] = ()
        if record is not None:
            values = _Values(record)
            missing = tuple(name for name in self._required if _blank(values(name)))
        return CheckReport(fields=self._fields, unknown=unknown, missing=missing)

    def require(self, record: Mapping[str, object], allow_missing: bool = False) -> None:
        """Refuse a record that lacks values, with the list of fields to fill (C3.3)."""
        if allow_missing:
            return
        missing = self.check(record).missing
        if missing:
            raise MissingValuesError(
                _(
                    "Valeurs manquantes pour « {source} » : {fields}. Complétez-les, ou "
                    "autorisez explicitement les champs vides."
                ).format(source=self.source, fields=", ".join(missing)),
                missing,
            )

    # --- merging -----------------------------------------------------------------------------

    def values(self, record: Mapping[str, object], number: int = 1) -> list[str]:
        """The XML run content of every slot for one record."""
        get = _Values(record)
        prefix = f"{self.prefix}:" if self.prefix else ""
        return [_run_text(f.evaluate(node, get, number), prefix) for node in self.nodes]

    def render(self, record: Mapping[str, object], number: int = 1) -> dict[str, bytes]:
        """Every part of the merged letter: name -> bytes."""
        values = self.values(record, number)
        parts = dict(self.parts)
        for name, compiled in self.compiled.items():
            parts[name] = compiled.render(values).encode("utf-8")
        return parts

    @functools.cached_property
    def _static_zip(self) -> bytes:
        """The parts no record changes, compressed once for every letter."""
        buffer = io.BytesIO()
        write_zip(buffer, {n: d for n, d in self.parts.items() if n not in self.compiled})
        return buffer.getvalue()

    def write(self, record: Mapping[str, object], target: BinaryIO, number: int = 1) -> None:
        """Write one merged letter as a .docx to an open binary file.

        The static parts are copied already compressed; only the merged parts are compressed.
        """
        values = self.values(record, number)
        buffer = io.BytesIO(self._static_zip)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for name, compiled in self.compiled.items():
                archive.writestr(name, compiled.render(values).encode("utf-8"))
        target.write(buffer.getbuffer())


def write_zip(target: BinaryIO, parts: Mapping[str, bytes]) -> None:
    """A .docx from its parts; [Content_Types].xml first, media stored, XML deflated."""
    names = sorted(parts, key=lambda n: n != "[Content_Types].xml")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in names:
            stored = PurePosixPath(name).suffix.lower() in _STORED_SUFFIXES
            archive.writestr(
                name, parts[name], zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            )


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _run_text(text: str, prefix: str) -> str:
    """Escaped run text; line breaks and tabs become Word's own elements."""
    text = escape(_INVALID_XML.sub("", text))
    if "\n" in text or "\t" in text or "\r" in text:
        reopen = f'<{prefix}t xml:space="preserve">'
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = text.replace("\n", f"</{prefix}t><{prefix}br/>{reopen}")
        text = text.replace("\t", f"</{prefix}t><{prefix}tab/>{reopen}")
    return text


def _bare(name: str) -> str:
    """A field name without the brackets or table prefix LibreOffice may leave."""
    name = name.strip().strip("«»<>[]").strip()
    return name.rsplit(".", 1)[-1] if "." in name else name


@functools.lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return normalise(name)


def _known(name: str) -> Variable | None:
    return lookup(name) or lookup(_bare(name))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Values:
    """Record lookup the way Word matches columns: case, accents and spaces ignored."""

    __slots__ = ("_values",)

    def __init__(self, record: Mapping[str, object]) -> None:
        self._values = {_key(str(k)): v for k, v in record.items()}

    def __call__(self, name: str) -> object:
        key = _key(name)
        if key in self._values:
            return self._values[key]
        return self._values.get(_key(_bare(name)))
