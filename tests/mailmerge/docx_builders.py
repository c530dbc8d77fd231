# ruff: noqa: E501 -- package XML fixtures are clearer on one line each
"""Templates built in code the way Word and LibreOffice save them (raw WordprocessingML).

Word splits an instruction across runs (`MERGE` / `FIELD Nom`), nests fields inside an IF,
caches results as «Nom»; LibreOffice caches <Nom> and surrounds fields with empty runs; both
leave a `w:mailMerge` data-source link in settings.xml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'


def rpr(bold: bool = False, italic: bool = False, font: str | None = None) -> str:
    """A run-properties element."""
    inner = ""
    if font:
        inner += f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/>'
    if bold:
        inner += "<w:b/>"
    if italic:
        inner += "<w:i/>"
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def run(text: str, props: str = "") -> str:
    """A run of text."""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def empty_run(props: str = "<w:rPr></w:rPr>") -> str:
    """The empty runs LibreOffice writes around its fields."""
    return f"<w:r>{props}</w:r>"


def _char(kind: str, props: str) -> str:
    return f'<w:r>{props}<w:fldChar w:fldCharType="{kind}"/></w:r>'


def field(
    pieces: list[str], result: str | None = "«Nom»", props: str = "", instr_props: str = ""
) -> str:
    """A complex field; each piece of the instruction is its own run (or a nested field)."""
    xml = _char("begin", instr_props)
    for piece in pieces:
        if piece.startswith("<w:r>"):
            xml += piece  # a nested field
        else:
            xml += (
                f'<w:r>{instr_props}<w:instrText xml:space="preserve">{escape(piece)}'
                "</w:instrText></w:r>"
            )
    if result is not None:
        xml += _char("separate", instr_props) + run(result, props)
    return xml + _char("end", instr_props)


def simple(instr: str, result: str = "«Nom»", props: str = "") -> str:
    """A simple field (w:fldSimple)."""
    return f'<w:fldSimple w:instr="{escape(instr, {chr(34): "&quot;"})}">{run(result, props)}</w:fldSimple>'


def libreoffice_field(name: str, props: str = "") -> str:
    """A merge field as LibreOffice writes it: empty runs around, <Nom> cached."""
    return (
        empty_run()
        + _char("begin", props)
        + f'<w:r>{props}<w:instrText xml:space="preserve"> MERGEFIELD {name}</w:instrText></w:r>'
        + _char("separate", props)
        + run(f"<{name}>", props)
        + _char("end", props)
        + empty_run()
    )


def paragraph(*content: str, props: str = "") -> str:
    """A paragraph."""
    return f"<w:p>{props}{''.join(content)}</w:p>"


def table(rows: list[list[str]]) -> str:
    """A table whose cells each hold one paragraph of the given XML content."""
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc>{paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>{body}</w:tbl>'


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="{main}"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
</Types>"""
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
</Relationships>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings {NS}><w:zoom w:percent="100"/>{{merge}}<w:defaultTabStop w:val="708"/></w:settings>"""

MAIL_MERGE = (
    '<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/>'
    '<w:dataType w:val="native"/><w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;'
    'Data Source=C:\\Users\\prof\\clients.xlsx"/><w:query w:val="SELECT * FROM `Feuil1$`"/>'
    '<w:dataSource r:id="rId1"/><w:viewMergedData/></w:mailMerge>'
)
SETTINGS_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/mailMergeSource" Target="file:///C:\\Users\\prof\\clients.xlsx" TargetMode="External"/>
</Relationships>"""

SECT = (
    '<w:sectPr><w:headerReference w:type="default" r:id="rId8"/>'
    '<w:footerReference w:type="default" r:id="rId9"/>'
    '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" w:bottom="1417" '
    'w:left="1417" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>'
)


def build_docx(
    path: Path,
    body: str,
    header: str = "",
    footer: str = "",
    mail_merge: bool = True,
    main_type: str = DOCUMENT_MAIN,
) -> Path:
    """Write a .docx with the given body, header and footer paragraphs."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}>'
        f"<w:body>{body}{SECT}</w:body></w:document>"
    )
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {NS}>{header or paragraph()}</w:hdr>'
    foot = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {NS}>{footer or paragraph()}</w:ftr>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main_type))
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        archive.writestr(
            "word/settings.xml", SETTINGS.format(merge=MAIL_MERGE if mail_merge else "")
        )
        if mail_merge:
            archive.writestr("word/_rels/settings.xml.rels", SETTINGS_RELS)
        archive.writestr("word/header1.xml", head)
        archive.writestr("word/footer1.xml", foot)
    return path


def word_style_template(path: Path) -> Path:
    """Everything Word does at once: split runs, nested IF, switches, table, header, footer."""
    bold = rpr(bold=True)
    civility_if = field(
        [" IF ", field([" MERGEFIELD Civilite "], result="«Civilite»"), ' = "Mme" "Chère Madame" ',
         '"Cher Monsieur" '],
        result="Cher Monsieur",
    )  # fmt: skip
    body = (
        paragraph(
            run("Client : ", bold),
            field([" MERGE", "FIELD Prenom "], result="«Prenom»", props=bold),
            run(" "),
            field([" MERGEFIELD  No", "m \\* Upper "], result="«Nom»", props=bold),
        )
        + paragraph(run("Lyon, le "), field([' MERGEFIELD DateCourrier \\@ "d MMMM yyyy" ']))
        + paragraph(civility_if, run(","))
        + table(
            [
                [run("Montant dû"), field([' MERGEFIELD MontantDu \\# "# ##0,00 €" '])],
                [run("Échéance"), field([" MERGEFIELD DateEcheance \\@ ", '"dd/MM/yyyy" '])],
            ]
        )
        + paragraph(simple(" MERGEFIELD NumeroClient ", "«NumeroClient»"))
    )
    header = paragraph(run("Dossier "), field([" MERGEFIELD Reference "], result="«Reference»"))
    footer = paragraph(
        run("Page "), field([" PAGE "], result="1"), run(" — "), simple(" MERGEFIELD Ville ")
    )
    return build_docx(path, body, header, footer)


def libreoffice_template(path: Path) -> Path:
    """A letter as LibreOffice saves it: <Nom> placeholders, empty runs, MERGEFORMAT."""
    body = (
        paragraph(
            libreoffice_field("Civilite"),
            run(" "),
            libreoffice_field("Prenom"),
            run(" "),
            libreoffice_field("Nom"),
        )
        + paragraph(
            empty_run(),
            field([" MERGEFIELD MontantDu \\* MERGEFORMAT "], result="<MontantDu>"),
            run(" euros"),
        )
        + paragraph(libreoffice_field("Ville"))
    )
    return build_docx(path, body)


SAMPLE = {
    "Civilite": "Mme",
    "Prenom": "Claire",
    "Nom": "Durand",
    "DateCourrier": "2027-03-12",
    "MontantDu": "1234.5",
    "DateEcheance": "2027-02-15",
    "NumeroClient": "CL0004512",
    "Reference": "REC/CM/2027-0412",
    "Ville": "Lyon",
}
