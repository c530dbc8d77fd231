"""Records from files, the way Word users merge from a spreadsheet: CSV or JSON.

CSV: French Excel exports are handled (`;` separator, comma decimals, dates "12/03/2027",
Windows-1252 or UTF-8 with BOM); `,` and tab separators too. JSON: one object, a list of
objects, or {"records": [...]}; ISO dates ("2027-03-12") become dates and numbers become
Decimal, so the `\\@` and `\\#` switches format them in French.

Values of the vocabulary's date and amount variables are typed (an unreadable one is an error
naming the line and the column); other columns keep their text, except ISO dates. Reading is
streamed: records are produced one at a time.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from gettext import gettext as _
from pathlib import Path

from mailmerge.errors import DataError
from mailmerge.formatting import parse_date, parse_number
from mailmerge.variables import lookup

Record = dict[str, object]
MAX_JSON_BYTES = 256 * 1024 * 1024


def read_records(path: Path | str) -> Iterator[Record]:
    """The records of a .csv or .json file, one at a time; DataError in French."""
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix == ".csv":
        return _csv_records(source)
    if suffix == ".json":
        return iter(_json_records(source))
    raise DataError(
        _("« {name} » : format de données non pris en charge (attendu : .csv ou .json).").format(
            name=source.name
        )
    )


def read_one(path: Path | str) -> Record:
    """The single record of a file (a JSON object, or a file with exactly one record)."""
    records = list(read_records(path))
    if len(records) != 1:
        raise DataError(
            _("« {name} » contient {count} enregistrements ; un seul est attendu ici.").format(
                name=Path(path).name, count=len(records)
            )
        )
    return records[0]


def type_value(name: str, value: object, where: str) -> object:
    """A raw value typed for its variable: dates and amounts of the vocabulary, ISO dates."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if not isinstance(value, str):
        raise DataError(
            _("{where} : « {name} » doit être un texte, un nombre ou une date.").format(
                where=where, name=name
            )
        )
    text = value.strip()
    if not text:
        return ""
    variable = lookup(name)
    kind = variable.kind if variable else None
    if kind == "date":
        parsed = parse_date(text)
        if parsed is None:
            raise DataError(
                _("{where} : date illisible « {value} » pour {name} (attendu 2027-03-12).").format(
                    where=where, value=text, name=name
                )
            )
        return parsed
    if kind in ("montant", "nombre"):
        number = parse_number(text)
        if number is None:
            raise DataError(
                _("{where} : nombre illisible « {value} » pour {name} (attendu 1234,56).").format(
                    where=where, value=text, name=name
                )
            )
        return number
    if kind is None and len(text) >= 10 and text[4] == "-":
        parsed = parse_date(text)
        if isinstance(parsed, date):
            return parsed
    return value


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes, else Windows-1252 (old Excel)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        try:
            while chunk := handle.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def _dialect(sample: str) -> str:
    first = sample.splitlines()[0] if sample else ""
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ";"


def _csv_records(path: Path) -> Iterator[Record]:
    try:
        encoding = _encoding(path)
        handle = path.open(encoding=encoding, newline="")
    except OSError as error:
        raise DataError(
            _("Impossible de lire « {name} » : {reason}.").format(
                name=path.name, reason=error.strerror
            )
        ) from error
    with handle:
        delimiter = _dialect(handle.read(4096))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise DataError(
                _("« {name} » est vide : la première ligne doit nommer les colonnes.").format(
                    name=path.name
                )
            )
        names = [h.strip() for h in header]
        duplicates = {n for n in names if n and names.count(n) > 1}
        if duplicates:
            raise DataError(
                _("« {name} » : colonne en double ({columns}).").format(
                    name=path.name, columns=", ".join(sorted(duplicates))
                )
            )
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # Excel leaves empty lines at the end
            where = _("« {name} », ligne {line}").format(name=path.name, line=reader.line_num)
            if len(row) > len(names) and any(c.strip() for c in row[len(names) :]):
                raise DataError(
                    _("{where} : {count} valeurs pour {columns} colonnes.").format(
                        where=where, count=len(row), columns=len(names)
                    )
                )
            yield {
                name: type_value(name, row[i] if i < len(row) else "", where)
                for i, name in enumerate(names)
                if name
            }


def _json_records(path: Path) -> list[Record]:
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise DataError(_("« {name} » est trop volumineux.").format(name=path.name))
        data = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except FileNotFoundError as error:
        raise DataError(_("Fichier introuvable : « {path} ».").format(path=path)) from error
    except UnicodeDecodeError as error:
        raise DataError(
            _("« {name} » n'est pas encodé en UTF-8.").format(name=path.name)
        ) from error
    except json.JSONDecodeError as error:
        raise DataError(
            _("« {name} » n'est pas un JSON valide (ligne {line}, colonne {column}).").format(
                name=path.name, line=error.lineno, column=error.colno
            )
        ) from error
    except OSError as error:
        raise DataError(
            _("Impossible de lire « {name} » : {reason}.").format(
                name=path.name, reason=error.strerror
            )
        ) from error
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    items = data if isinstance(data, list) else [data]
    records = []
    for number, item in enumerate(items, start=1):
        where = _("« {name} », enregistrement n° {number}").format(name=path.name, number=number)
        if not isinstance(item, dict):
            raise DataError(_('{where} : un objet {{"Nom": …}} est attendu.').format(where=where))
        records.append({str(k): type_value(str(k), v, where) for k, v in item.items()})
    return records
