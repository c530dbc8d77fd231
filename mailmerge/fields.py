"""Word field instructions: tokenising, parsing MERGEFIELD and IF, and evaluating them.

An instruction arrives as a sequence of text pieces and already-parsed nested fields (Word
nests a `{ MERGEFIELD Civilite }` inside an `{ IF … }`), so nesting is handled by the caller
(`engine`) and this module only sees one level at a time.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from gettext import gettext as _

from mailmerge.errors import TemplateError
from mailmerge.formatting import as_text, parse_number


@dataclass(frozen=True)
class MergeField:
    """`MERGEFIELD Name \\switch "arg"…`: one record value, formatted by its switches."""

    name: str
    switches: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """How the field reads in Word's field codes view."""
        parts = [f"MERGEFIELD {self.name}"]
        parts += [f'\\{key} "{arg}"' if arg else f"\\{key}" for key, arg in self.switches]
        return " ".join(parts)


Expr = tuple["str | MergeField | IfField | RecordNumber", ...]


@dataclass(frozen=True)
class IfField:
    """`IF left op right "then" "else"`: Word's conditional text (e.g. the civility)."""

    left: Expr
    operator: str
    right: Expr
    then: Expr
    otherwise: Expr


@dataclass(frozen=True)
class RecordNumber:
    """`MERGEREC` / `MERGESEQ`: the number of the record in the merge."""


@dataclass(frozen=True)
class Removed:
    """`NEXT`, `NEXTIF`, `SKIPIF`…: merge control fields that print nothing here."""


@dataclass(frozen=True)
class Other:
    """Any other field (PAGE, NUMPAGES, DATE, HYPERLINK…): left untouched for Word to update."""

    keyword: str


@dataclass(frozen=True)
class Cached:
    """A field kept as the text it last showed: an IF that LibreOffice saved without its
    condition (`IF "" ""`) and with no merge field left to evaluate."""

    text: str


Node = MergeField | IfField | RecordNumber | Removed | Other | Cached
Item = str | Node  # an instruction is a sequence of text pieces and nested fields

_MERGE_KEYWORDS = {"MERGEFIELD"}
_RECORD_KEYWORDS = {"MERGEREC", "MERGESEQ"}
_REMOVED_KEYWORDS = {"NEXT", "NEXTIF", "SKIPIF"}
_OPERATORS = ("<=", ">=", "<>", "=", "<", ">")
_OPERATOR_SPLIT = re.compile(r"(<=|>=|<>|=|<|>)")
_QUOTES = '"“”'
_SWITCHES_WITH_ARGUMENT = {"@", "#", "*", "b", "f"}


@dataclass
class _Token:
    parts: list[Item]
    quoted: bool = False

    def text(self) -> str | None:
        """The token as plain text, or None if it contains a nested field."""
        if all(isinstance(p, str) for p in self.parts):
            return "".join(p for p in self.parts if isinstance(p, str))
        return None


def tokenize(items: Iterable[Item]) -> list[_Token]:
    """Split an instruction on spaces, keeping quoted text and nested fields whole."""
    tokens: list[_Token] = []
    current: _Token | None = None
    in_quotes = False
    escape = False
    for item in items:
        if not isinstance(item, str):
            if current is None:
                current = _Token([])
                tokens.append(current)
            current.parts.append(item)
            continue
        for char in item:
            if in_quotes:
                assert current is not None
                if escape:
                    current.parts.append(char)
                    escape = False
                elif char == "\\":
                    escape = True
                elif char in _QUOTES:
                    in_quotes = False
                else:
                    current.parts.append(char)
            elif char in _QUOTES:
                if current is None or (current.parts and not current.quoted):
                    current = _Token([], quoted=True)  # `x="Mme"`: the quote opens a token
                    tokens.append(current)
                in_quotes = True
            elif char.isspace():
                current = None
            else:
                if current is None:
                    current = _Token([])
                    tokens.append(current)
                current.parts.append(char)
    for token in tokens:  # merge adjacent characters back into strings
        merged: list[Item] = []
        for part in token.parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        token.parts = merged
    return tokens


def _expr(token: _Token) -> Expr:
    return tuple(token.parts)


def _show(items: Sequence[Item]) -> str:
    return "".join(p if isinstance(p, str) else "{…}" for p in items).strip()


def _switches(tokens: Sequence[_Token], instruction: str) -> tuple[tuple[str, str], ...]:
    switches: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        text = tokens[index].text()
        if text is None or not text.startswith("\\") or len(text) < 2 or tokens[index].quoted:
            raise TemplateError(
                _("Champ « {field} » : « {text} » n'est pas une option de champ valide.").format(
                    field=instruction, text=_show(tokens[index].parts)
                )
            )
        key, rest = text[1], text[2:]
        if key in _SWITCHES_WITH_ARGUMENT and not rest and index + 1 < len(tokens):
            argument = tokens[index + 1].text()
            if argument is None:
                raise TemplateError(
                    _("Champ « {field} » : l'option \\{key} contient un champ imbriqué.").format(
                        field=instruction, key=key
                    )
                )
            switches.append((key, argument))
            index += 2
        else:
            switches.append((key, rest))
            index += 1
    return tuple(switches)


def _split_operators(tokens: list[_Token]) -> list[_Token]:
    """IF {x}="Mme" written without spaces: split unquoted operators off their neighbours."""
    result: list[_Token] = []
    for token in tokens:
        text = token.text()
        if token.quoted or text is None or not _OPERATOR_SPLIT.search(text):
            if not token.quoted and text is None:
                # a nested field glued to an operator: split the text pieces around it
                pieces: list[_Token] = [_Token([])]
                for part in token.parts:
                    if isinstance(part, str):
                        for bit in _OPERATOR_SPLIT.split(part):
                            if bit in _OPERATORS:
                                pieces += [_Token([bit]), _Token([])]
                            elif bit:
                                pieces[-1].parts.append(bit)
                    else:
                        pieces[-1].parts.append(part)
                result += [p for p in pieces if p.parts]
            else:
                result.append(token)
            continue
        for bit in _OPERATOR_SPLIT.split(text):
            if bit:
                result.append(_Token([bit]))
    return result


def parse_field(items: Sequence[Item], cached: str) -> Node:
    """Like `parse_instruction`, but an IF without a usable condition and without any merge
    field (LibreOffice writes `IF "" ""` for conditions it cannot keep) becomes its cached
    text instead of an error: the template still merges and shows what its author saw."""
    try:
        return parse_instruction(items)
    except TemplateError:
        tokens = tokenize(items)
        keyword = (tokens[0].text() or "").upper() if tokens else ""
        if keyword == "IF" and all(isinstance(item, str) for item in items):
            return Cached(cached)
        raise


def parse_instruction(items: Sequence[Item]) -> Node:
    """The field an instruction describes; raises TemplateError in French when malformed."""
    tokens = tokenize(items)
    shown = _show(items)
    if not tokens:
        raise TemplateError(_("Un champ vide a été trouvé dans le modèle."))
    keyword = (tokens[0].text() or "").upper()
    if keyword in _MERGE_KEYWORDS:
        if len(tokens) < 2 or tokens[1].text() is None or tokens[1].text() == "":
            raise TemplateError(_("Champ « {field} » : nom du champ absent.").format(field=shown))
        name = (tokens[1].text() or "").strip()
        return MergeField(name=name, switches=_switches(tokens[2:], shown))
    if keyword == "IF":
        rest = _split_operators(tokens[1:])
        if len(rest) < 4 or rest[1].quoted or rest[1].text() not in _OPERATORS:
            raise TemplateError(
                _(
                    "Champ « {field} » : une condition SI s'écrit "
                    '{{ IF {{ MERGEFIELD Civilite }} = "Mme" "texte si vrai" "texte si faux" }}.'
                ).format(field=shown)
            )
        otherwise = _expr(rest[4]) if len(rest) > 4 and not _is_switch(rest[4]) else ()
        return IfField(
            left=_expr(rest[0]),
            operator=rest[1].text() or "=",
            right=_expr(rest[2]),
            then=_expr(rest[3]),
            otherwise=otherwise,
        )
    if keyword in _RECORD_KEYWORDS:
        return RecordNumber()
    if keyword in _REMOVED_KEYWORDS:
        return Removed()
    return Other(keyword=keyword)


def _is_switch(token: _Token) -> bool:
    text = token.text()
    return not token.quoted and text is not None and text.startswith("\\")


def iter_merge_fields(node: Node | Expr) -> Iterator[tuple[MergeField, bool]]:
    """Every MERGEFIELD in a field, with True when it sits inside an IF (so is optional)."""
    yield from _walk(node, inside_if=False)


def _walk(node: Node | Expr | str, inside_if: bool) -> Iterator[tuple[MergeField, bool]]:
    if isinstance(node, tuple):
        for part in node:
            yield from _walk(part, inside_if)
    elif isinstance(node, MergeField):
        yield node, inside_if
    elif isinstance(node, IfField):
        for expr in (node.left, node.right, node.then, node.otherwise):
            yield from _walk(expr, True)


def contains_other(node: Node | Expr | str) -> bool:
    """True when a field contains a field this module does not evaluate (PAGE inside an IF)."""
    if isinstance(node, tuple):
        return any(contains_other(part) for part in node)
    if isinstance(node, Other):
        return True
    if isinstance(node, IfField):
        return any(contains_other(e) for e in (node.left, node.right, node.then, node.otherwise))
    return False


Lookup = Callable[[str], object]


def evaluate(node: Node | Expr | str, lookup: Lookup, record_number: int = 1) -> str:
    """The text a field shows for one record; `lookup(name)` returns the record's value."""
    if isinstance(node, str):
        return node
    if isinstance(node, tuple):
        return "".join(evaluate(part, lookup, record_number) for part in node)
    if isinstance(node, MergeField):
        text = as_text(lookup(node.name), node.switches)
        if text:
            before = next((arg for key, arg in node.switches if key == "b"), "")
            after = next((arg for key, arg in node.switches if key == "f"), "")
            text = f"{before}{text}{after}"
        return text
    if isinstance(node, IfField):
        left = evaluate(node.left, lookup, record_number)
        right = evaluate(node.right, lookup, record_number)
        chosen = node.then if compare(left, node.operator, right) else node.otherwise
        return evaluate(chosen, lookup, record_number)
    if isinstance(node, RecordNumber):
        return str(record_number)
    if isinstance(node, Cached):
        return node.text
    return ""


def compare(left: str, operator: str, right: str) -> bool:
    """Word's IF comparison: numeric when both sides are numbers, else text with * and ?."""
    a, b = parse_number(left), parse_number(right)
    if a is not None and b is not None:
        return _ordered(a, operator, b)
    if operator in ("=", "<>") and any(c in right for c in "*?"):
        matched = fnmatch.fnmatchcase(left, right.replace("[", "[[]"))
        return matched if operator == "=" else not matched
    return _ordered(left, operator, right)


def _ordered(a: Decimal | str, operator: str, b: Decimal | str) -> bool:
    if operator == "=":
        return a == b
    if operator == "<>":
        return a != b
    if operator == "<":
        return a < b  # type: ignore[operator]
    if operator == ">":
        return a > b  # type: ignore[operator]
    if operator == "<=":
        return a <= b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]
