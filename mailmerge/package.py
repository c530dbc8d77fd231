"""Safe reading of a .docx package: a template is data, never code.

Everything is checked before a single byte is written elsewhere: the file is a zip (and not a
Word 97-2003 .doc or anything renamed), its directory is sound, its size once decompressed is
bounded in total and in ratio (zip bombs), it holds a main document, it has no macros, and its
XML is parsed without DTDs, entities or network access.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from gettext import gettext as _
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from lxml import etree

from mailmerge.errors import TemplateError

MAX_TOTAL_BYTES = 64 * 1024 * 1024  # a letter template is a few hundred kilobytes
MAX_ENTRIES = 1000
MAX_RATIO = 200  # XML compresses well, but not 200 to 1
RATIO_FLOOR = 1024 * 1024  # small entries may have any ratio
MAX_TEMPLATE_FILE = 32 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_RTF_MAGIC = b"{\\rtf"

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)

XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
)


@dataclass(frozen=True)
class Package:
    """The parts of a .docx, read and checked: name -> bytes, in the zip's order."""

    source: str
    parts: MappingProxyType[str, bytes]
    main_document: str

    def xml(self, name: str) -> etree._Element:
        """A part parsed safely; a French error names the part if its XML is broken."""
        return parse_xml(self.parts[name], self.source, name)


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def serialize(root: etree._Element) -> bytes:
    """A part as Word writes it: UTF-8 with the usual standalone declaration."""
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8")


def parse_xml(data: bytes, source: str, name: str) -> etree._Element:
    """Parse a part with the safe parser, refusing DTDs (entity bombs)."""
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:4096]:
        raise TemplateError(
            _("« {source} » : la partie {part} contient une DTD, refusée par sécurité.").format(
                source=source, part=name
            )
        )
    try:
        return etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise TemplateError(
            _("« {source} » : la partie {part} n'est pas du XML valide ({detail}).").format(
                source=source, part=name, detail=error
            )
        ) from error


def open_package(path: Path) -> Package:
    """Read and check a template; raises TemplateError with a precise French message."""
    source = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise TemplateError(_("« {path} » n'est pas un fichier.").format(path=path))
        if size > MAX_TEMPLATE_FILE:
            raise TemplateError(
                _("« {source} » est trop volumineux pour un modèle de lettre ({mb} Mo).").format(
                    source=source, mb=size // (1024 * 1024)
                )
            )
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError as error:
        raise TemplateError(_("Modèle introuvable : « {path} ».").format(path=path)) from error
    except IsADirectoryError as error:
        raise TemplateError(_("« {path} » n'est pas un fichier.").format(path=path)) from error
    except OSError as error:
        raise TemplateError(
            _("Impossible de lire « {path} » : {reason}.").format(path=path, reason=error.strerror)
        ) from error
    _check_magic(head, source)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _read_members(archive, source)
    except zipfile.BadZipFile as error:
        raise TemplateError(
            _("« {source} » est un fichier .docx endommagé (archive zip illisible).").format(
                source=source
            )
        ) from error
    return _check_parts(parts, source)


def _check_magic(head: bytes, source: str) -> None:
    if head.startswith(_OLE_MAGIC):
        raise TemplateError(
            _(
                "« {source} » est un document Word 97-2003 (.doc) : ouvrez-le dans Word ou "
                "LibreOffice et enregistrez-le au format .docx."
            ).format(source=source)
        )
    if head.startswith(_RTF_MAGIC):
        raise TemplateError(
            _("« {source} » est un fichier RTF : enregistrez-le au format .docx.").format(
                source=source
            )
        )
    if not head.startswith(_ZIP_MAGIC):
        raise TemplateError(
            _("« {source} » n'est pas un document Word .docx.").format(source=source)
        )


def _read_members(archive: zipfile.ZipFile, source: str) -> dict[str, bytes]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise TemplateError(
            _("« {source} » contient trop de fichiers ({count}) pour un modèle.").format(
                source=source, count=len(infos)
            )
        )
    bomb = _("« {source} » se décompresse en une taille démesurée (bombe zip) : refusé.").format(
        source=source
    )
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL_BYTES:
        raise TemplateError(bomb)
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        if name.startswith("/") or ".." in PurePosixPath(name).parts or "\\" in name:
            raise TemplateError(
                _("« {source} » contient un chemin interdit : « {name} ».").format(
                    source=source, name=name
                )
            )
        if info.flag_bits & 0x1:
            raise TemplateError(
                _("« {source} » est chiffré (protégé par mot de passe).").format(source=source)
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TemplateError(bomb)
        # The declared sizes may lie: read with a hard limit.
        limit = MAX_TOTAL_BYTES - total
        try:
            with archive.open(info) as member:
                data = member.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise TemplateError(
                _("« {source} » est endommagé : « {name} » est illisible ({detail}).").format(
                    source=source, name=name, detail=error
                )
            ) from error
        total += len(data)
        if total > MAX_TOTAL_BYTES or len(data) > info.file_size:
            raise TemplateError(bomb)
        parts[name] = data
    return parts


def _check_parts(parts: dict[str, bytes], source: str) -> Package:
    if "[Content_Types].xml" not in parts:
        raise TemplateError(
            _("« {source} » n'est pas un document Word : [Content_Types].xml manque.").format(
                source=source
            )
        )
    if any(name.lower().endswith("vbaproject.bin") for name in parts):
        raise TemplateError(
            _(
                "« {source} » contient des macros : enregistrez-le en .docx sans macros "
                "(un modèle ne doit contenir que du texte et des champs)."
            ).format(source=source)
        )
    main = "word/document.xml"
    if "_rels/.rels" in parts:
        rels = parse_xml(parts["_rels/.rels"], source, "_rels/.rels")
        for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                main = rel.get("Target", main).lstrip("/")
    if main not in parts:
        raise TemplateError(
            _(
                "« {source} » n'est pas un document Word : la partie principale ({part}) manque."
            ).format(source=source, part=main)
        )
    return Package(source=source, parts=MappingProxyType(parts), main_document=main)
