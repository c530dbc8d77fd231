"""A plain-text preview of a letter for the terminal: header, body, tables, footer.

Alignment and left indents are kept roughly (the recipient block on the right, the date
right-aligned), so a student sees the layout of the letter before printing it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from gettext import gettext as _
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from mailmerge.engine import Template, W
from mailmerge.package import Package, open_package

TWIPS_PER_COLUMN = 120  # about 2 mm: a 16 cm text width is 78 columns


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _paragraph_text(paragraph: etree._Element) -> tuple[str, bool]:
    """The paragraph's text, and True when it ends a page (page or section break)."""
    out: list[str] = []
    page_break = paragraph.find(f"{_w('pPr')}/{_w('sectPr')}") is not None
    for element in paragraph.iter(_w("t"), _w("tab"), _w("br"), _w("cr")):
        if element.tag == _w("t"):
            out.append(element.text or "")
        elif element.tag == _w("tab"):
            out.append("    ")
        elif element.tag == _w("br") and element.get(_w("type")) == "page":
            page_break = True
        else:
            out.append("\n")
    return "".join(out), page_break


def _layout(paragraph: etree._Element, text: str, width: int) -> list[str]:
    ppr = paragraph.find(_w("pPr"))
    align, indent = "left", 0
    if ppr is not None:
        jc = ppr.find(_w("jc"))
        if jc is not None:
            align = jc.get(_w("val"), "left")
        ind = ppr.find(_w("ind"))
        if ind is not None:
            raw = ind.get(_w("left")) or ind.get(_w("start")) or "0"
            indent = max(0, min(width // 2, int(raw) // TWIPS_PER_COLUMN)) if raw.isdigit() else 0
    lines: list[str] = []
    for piece in text.split("\n"):
        wrapped = textwrap.wrap(piece, width - indent) or [""]
        for line in wrapped:
            if align in ("right", "end"):
                lines.append(line.rjust(width))
            elif align == "center":
                lines.append(line.center(width).rstrip())
            else:
                lines.append(" " * indent + line)
    return lines


def _block_lines(container: etree._Element, width: int) -> list[str]:
    lines: list[str] = []
    for child in container:
        if child.tag == _w("p"):
            text, page_break = _paragraph_text(child)
            lines += _layout(child, text, width)
            if page_break:
                lines.append(_(" saut de page ").center(width, "─"))
        elif child.tag == _w("tbl"):
            for row in child.iter(_w("tr")):
                cells = []
                for cell in row.iter(_w("tc")):
                    texts = [_paragraph_text(p)[0] for p in cell.iter(_w("p"))]
                    cells.append(" ".join(t for t in texts if t))
                lines += textwrap.wrap(" | ".join(cells), width) or [""]
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                lines += _block_lines(content, width)
    return lines


def preview_package(package: Package, width: int = 78) -> str:
    """The text of a .docx package: headers, then the body, then footers."""
    names = sorted(package.parts)
    headers = [n for n in names if n.startswith("word/header") and n.endswith(".xml")]
    footers = [n for n in names if n.startswith("word/footer") and n.endswith(".xml")]
    out: list[str] = []
    for name in headers[:1]:
        out += _block_lines(package.xml(name), width)
        out.append("─" * width)
    body = package.xml(package.main_document).find(_w("body"))
    if body is not None:
        out += _block_lines(body, width)
    for name in footers[:1]:
        out.append("─" * width)
        out += _block_lines(package.xml(name), width)
    return "\n".join(line.rstrip() for line in out).strip("\n") + "\n"


def preview_file(path: Path | str, width: int = 78) -> str:
    """The text preview of a .docx file (a template shows its cached «Nom» placeholders)."""
    return preview_package(open_package(Path(path)), width)


def preview_record(template: Template, record: Mapping[str, object], width: int = 78) -> str:
    """The letter a record would give, merged in memory: nothing is written."""
    parts = MappingProxyType(template.render(record))
    return preview_package(Package(template.source, parts, template.main), width)
