"""Reading and checking scenario files (seed_data/scenarios/README.md, issue 8).

YAML is composed into a node tree by PyYAML's safe loader (no Python tags, nothing executed) and
walked by hand, so every problem names the file, the line and the field, in French:
`appels/x.yaml:12: champ « steps[2].on[1].goto » : …`. A file's problems are all reported at
once (DESIGN 8); list positions count from 1, as a trainer would. A set of files (a folder and
the seed scenarios) is checked together: ids are unique and a shift's calls and messages exist.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from gettext import gettext as _
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kb.articles import ID_PATTERN as ARTICLE_ID
from seed_data import SEED_DIR
from workstation.practice.intents import IntentMatcher
from workstation.practice.model_student import NoPath, rehearse
from workstation.practice.scenario import (
    ACTIONS,
    COMPETENCES,
    DIRECTIONS,
    ENDINGS,
    LANGUAGES,
    MESSAGE_CHANNELS,
    MOOD_PATIENCE,
    MOODS,
    REACTION_KINDS,
    Arrivals,
    Behaviour,
    Caller,
    CallScenario,
    Common,
    Expectation,
    Intent,
    MessageScenario,
    OutboundList,
    Reaction,
    Scenario,
    ShiftScenario,
    Step,
    Targets,
    TimedMessage,
    WeightedCall,
)
from workstation.shift_progress import MEASURED_METRICS

#: The trainers' scenarios shipped with the workstation.
SCENARIOS_DIR = SEED_DIR / "scenarios"
COMMON_FILE = "common.yaml"
KINDS: tuple[str, ...] = ("call", "message", "shift")
#: The intents common.yaml must define (README, « Intentions communes »).
COMMON_INTENTS: tuple[str, ...] = (
    "greeting",
    "identification",
    "reformulation",
    "announce_hold",
    "thanks_wait",
    "empathy",
    "apology",
    "proposal",
    "transfer_announce",
    "closing",
)
#: What the `target` of an action designates; the other actions take none.
ACTION_TARGETS: dict[str, str] = {
    "transfer": "service",
    "memo": "service",
    "kb_open": "article",
    "reply": "language",
    "letter": "template",
}
ARRIVAL_ORDERS: tuple[str, ...] = ("sequence", "random")
#: The objectives a shift may set (README, `objectives`), checked by the shift progress (C4.4).
OBJECTIVES: tuple[str, ...] = tuple(sorted(MEASURED_METRICS))

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_STEP_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TEMPLATE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_CUSTOMER = re.compile(r"^CL[0-9]{7}$")
_BRACES = re.compile(r"\{[^}]*\}?|\}")

_HEADER = ("kind", "id", "title", "competences", "language")
_CALL_REQUIRED = (*_HEADER, "direction", "caller", "motive", "opening", "steps")
_CALL_FIELDS = (
    *_CALL_REQUIRED,
    "queue",
    "context",
    "mood",
    "behaviour",
    "expected",
    "targets",
    "intents",
)
_MESSAGE_REQUIRED = (*_HEADER, "channel", "sender", "subject", "body")
_MESSAGE_FIELDS = (*_MESSAGE_REQUIRED, "context", "expected", "answer_within_s")
_SHIFT_REQUIRED = ("kind", "id", "title", "duration_min", "queues")
_SHIFT_FIELDS = (
    *_SHIFT_REQUIRED,
    "calls",
    "arrivals",
    "outbound",
    "messages",
    "objectives",
    "context",
)
_REACTION_FIELDS = ("intent", "action", "target", "say", "patience", "goto", "end")
_OTHERWISE_FIELDS = ("say", "patience", "goto", "end")
_BEHAVIOUR_FIELDS = (
    "patience",
    "silence_after_s",
    "silence_cost_per_s",
    "hold_after_s",
    "hold_cost_per_s",
    "greeting_required",
)

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"

T = TypeVar("T")


class ScenarioError(Exception):
    """Scenario files with problems; `problems` holds each one as « fichier:ligne: champ … »."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        header = _("Scénarios invalides ({n} problème(s)) :").format(n=len(self.problems))
        super().__init__("\n".join([header, *(f"- {p}" for p in self.problems)]))


@dataclass(frozen=True)
class ScenarioLibrary:
    """Every scenario of a set by id, and the common intents and stock lines."""

    common: Common
    scenarios: Mapping[str, Scenario]

    def call(self, scenario_id: str) -> CallScenario:
        """The call scenario of that id (KeyError when there is none)."""
        return self._of(scenario_id, CallScenario)

    def message(self, scenario_id: str) -> MessageScenario:
        """The message scenario of that id (KeyError when there is none)."""
        return self._of(scenario_id, MessageScenario)

    def shift(self, scenario_id: str) -> ShiftScenario:
        """The shift of that id (KeyError when there is none)."""
        return self._of(scenario_id, ShiftScenario)

    @property
    def calls(self) -> tuple[CallScenario, ...]:
        return self._all(CallScenario)

    @property
    def messages(self) -> tuple[MessageScenario, ...]:
        return self._all(MessageScenario)

    @property
    def shifts(self) -> tuple[ShiftScenario, ...]:
        return self._all(ShiftScenario)

    def _of(self, scenario_id: str, kind: type[T]) -> T:
        found = self.scenarios.get(scenario_id)
        if not isinstance(found, kind):
            raise KeyError(scenario_id)
        return found

    def _all(self, kind: type[T]) -> tuple[T, ...]:
        return tuple(s for _id, s in sorted(self.scenarios.items()) if isinstance(s, kind))


@dataclass(frozen=True)
class FileCheck:
    """What `acvd scenario check` says about one file: its title, or its problems."""

    path: str
    title: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# --- public API ---------------------------------------------------------------------------


def load_services(company_yaml: Path = SEED_DIR / "company.yaml") -> dict[str, str | None]:
    """The services of company.yaml: code -> the queue it answers (None: takes no calls)."""
    document = yaml.safe_load(Path(company_yaml).read_text(encoding="utf-8")) or {}
    return {str(s["code"]): s.get("queue") for s in document.get("services") or ()}


def load_common(path: Path) -> Common:
    """common.yaml: the common intents and the customer's stock lines (ScenarioError if bad)."""
    loaded = _load_common(Path(path), _display(Path(path)))
    if loaded.problems or not isinstance(loaded.value, Common):
        raise ScenarioError(loaded.in_order())
    return loaded.value


def load_scenario(
    path: Path, common: Common | None, services: Mapping[str, str | None] | None = None
) -> Scenario:
    """One call, message or shift file, checked on its own (references to other files are
    checked by `load_library`). `common` None skips the check of common intents."""
    path = Path(path)
    services = load_services() if services is None else services
    loaded = _load_scenario(path, _display(path), common, services)
    if loaded.problems or loaded.value is None or isinstance(loaded.value, Common):
        raise ScenarioError(loaded.in_order())
    return loaded.value


def load_library(
    directory: Path = SCENARIOS_DIR,
    services: Mapping[str, str | None] | None = None,
    seed_dir: Path = SCENARIOS_DIR,
) -> ScenarioLibrary:
    """Every scenario under `directory` with its common.yaml (else the seed's), checked as a set.

    A folder other than the seed's also sees the seed scenarios, which its shifts may use
    (README: « seed_data/scenarios/ et le dossier du fichier vérifié »). `services` defaults
    to those of seed_data/company.yaml.
    """
    checked = _ScenarioSet.for_directory(Path(directory), services, Path(seed_dir))
    problems = [p for result in checked.results() for p in result.problems]
    if problems:
        raise ScenarioError(problems)
    if not isinstance(checked.common.value, Common):  # pragma: no cover - problems say why
        raise ScenarioError([])
    return ScenarioLibrary(checked.common.value, checked.scenarios())


def load_file(
    path: Path,
    services: Mapping[str, str | None] | None = None,
    seed_dir: Path = SCENARIOS_DIR,
) -> tuple[Scenario, ScenarioLibrary]:
    """One scenario file and the set it belongs to, exactly as `check_paths` checks it: the
    file's own problems stop it; unrelated or broken files beside it are ignored."""
    checked = _ScenarioSet.for_file(Path(path), services, Path(seed_dir))
    problems = [p for result in checked.results() for p in result.problems]
    loaded = checked.checked[0] if checked.checked else None
    if problems or loaded is None or not isinstance(checked.common.value, Common):
        raise ScenarioError(problems)
    value = loaded.value
    if not isinstance(value, CallScenario | MessageScenario | ShiftScenario):
        raise ScenarioError(problems)
    return value, ScenarioLibrary(checked.common.value, checked.scenarios())


def check_paths(
    paths: Iterable[Path],
    services: Mapping[str, str | None] | None = None,
    seed_dir: Path = SCENARIOS_DIR,
) -> list[FileCheck]:
    """`acvd scenario check`: each file or folder (every *.yaml under it, as one set).

    A file is checked with the other files of its set: the nearest folder above it holding a
    common.yaml, and the seed scenarios (`seed_dir`), whose ids its references may use.
    """
    results: list[FileCheck] = []
    for path in map(Path, paths):
        if path.is_dir():
            results.extend(_ScenarioSet.for_directory(path, services, Path(seed_dir)).results())
        else:
            results.extend(_ScenarioSet.for_file(path, services, Path(seed_dir)).results())
    return results


# --- one file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """A shift's reference to another scenario, checked once the whole set is read."""

    line: int
    field: str
    target: str
    expect: str  # "inbound", "outbound" or "message"
    queues: tuple[str, ...] = ()


@dataclass
class _Loaded:
    path: Path
    name: str
    value: Scenario | Common | None = None
    problems: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line of each problem (0: none)
    id: str = ""
    id_line: int = 0
    refs: list[_Ref] = field(default_factory=list)

    def in_order(self) -> tuple[str, ...]:
        """The problems from the top of the file down, as a trainer reads it."""
        order = sorted(range(len(self.problems)), key=lambda i: self.lines[i])
        return tuple(self.problems[i] for i in order)


def _display(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _listing(values: Iterable[str]) -> str:
    return ", ".join(values)


class _Reader:
    """Walks the node tree of one file, turning nodes into values and noting each problem."""

    def __init__(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        self._constructor = yaml.SafeLoader("")

    # problems

    def add(self, where: Node | int, path: str, message: str) -> None:
        line = where if isinstance(where, int) else _line(where)
        if path:
            text = _("{file}:{line}: champ « {field} » : {message}").format(
                file=self.loaded.name, line=line, field=path, message=message
            )
        else:
            text = _("{file}:{line}: {message}").format(
                file=self.loaded.name, line=line, message=message
            )
        self.loaded.problems.append(text)
        self.loaded.lines.append(line)

    # the document

    def document(self) -> Node | None:
        """The file's single YAML document as nodes; None (and a problem) when unreadable."""
        loaded = self.loaded
        try:
            data = loaded.path.read_bytes()
        except OSError as error:
            loaded.problems.append(
                _("{file} : lecture impossible ({error}).").format(
                    file=loaded.name, error=error.strerror or error
                )
            )
            loaded.lines.append(0)
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            self.add(
                data[: error.start].count(b"\n") + 1,
                "",
                _("le fichier n'est pas en UTF-8 (octet {position}).").format(
                    position=error.start + 1
                ),
            )
            return None
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            problem = " : ".join(p for p in (error.context, error.problem) if p)
            message = _("syntaxe YAML invalide ({problem}).").format(problem=problem)
            hint = _yaml_hint(problem)
            if hint:
                message = f"{message[:-1]} : {hint}."
            opened = error.context_mark
            if opened and mark and opened.line != mark.line:  # an unclosed [ or " above
                message += " " + _("Voir aussi la ligne {line}.").format(line=opened.line + 1)
            self.add(mark.line + 1 if mark else 1, "", message)
            return None
        except yaml.YAMLError as error:
            self.add(1, "", _("syntaxe YAML invalide ({problem}).").format(problem=error))
            return None
        finally:
            loader.dispose()
        if node is None:
            self.add(1, "", _("le fichier est vide."))
        return node

    # structure

    def fields(
        self,
        node: Node,
        path: str,
        allowed: Sequence[str] | None,
        required: Sequence[str] = (),
    ) -> dict[str, Node] | None:
        """The fields of a mapping; unknown, duplicated and missing ones are problems.
        `allowed` None accepts any name (intents, objectives are checked by the caller)."""
        if not isinstance(node, MappingNode):
            self.add(node, path, _("doit être un ensemble de champs « nom: valeur »."))
            return None
        try:
            self._constructor.flatten_mapping(node)  # `<<: *anchor` merges, as safe_load does
        except yaml.MarkedYAMLError as error:
            self.add(node, path, _("fusion « << » invalide ({problem}).").format(problem=error))
            return None
        fields: dict[str, Node] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            # The raw text of the key: YAML 1.1 would read the README's `on:` as true.
            if not isinstance(key_node, ScalarNode) or not key_node.value:
                self.add(key_node, path, _("nom de champ invalide."))
                continue
            name = key_node.value
            if name in seen:
                self.add(key_node, _join(path, name), _("champ en double."))
                continue
            seen.add(name)
            if allowed is not None and name not in allowed:
                self.add(
                    key_node,
                    _join(path, name),
                    _("champ inconnu ; champs permis : {allowed}.").format(
                        allowed=_listing(allowed)
                    ),
                )
                continue
            fields[name] = value_node
        for name in required:
            if name not in fields and name in (allowed or ()):
                self.add(node, _join(path, name), _("champ obligatoire manquant."))
        return fields

    def items(self, node: Node, path: str) -> list[tuple[str, Node]]:
        """The items of a list, each with its path (`steps[2]`, counted from 1)."""
        if not isinstance(node, SequenceNode):
            self.add(node, path, _("doit être une liste."))
            return []
        return [(f"{path}[{i}]", item) for i, item in enumerate(node.value, start=1)]

    # scalars

    def text(self, node: Node, path: str, *, empty: bool = False) -> str:
        """A text; numbers and booleans are kept as written (`number: 0612345678`)."""
        if not isinstance(node, ScalarNode) or node.tag == _NULL:
            self.add(node, path, _("doit être un texte."))
            return ""
        value = node.value.strip()
        if not value and not empty:
            self.add(node, path, _("ne doit pas être vide."))
        return value

    def integer(self, node: Node, path: str, low: int, high: int | None = None) -> int:
        if not isinstance(node, ScalarNode) or node.tag != _INT:
            self.add(node, path, _("doit être un nombre entier."))
            return low
        value = int(self._constructor.construct_object(node))
        self._range(node, path, value, low, high)
        return value

    def number(self, node: Node, path: str, low: float = 0.0, high: float | None = None) -> float:
        value = None
        if isinstance(node, ScalarNode) and node.tag in (_INT, _FLOAT):
            value = float(self._constructor.construct_object(node))
        if value is None or not math.isfinite(value):
            self.add(node, path, _("doit être un nombre."))
            return low
        self._range(node, path, value, low, high)
        return value

    def _range(self, node: Node, path: str, value: float, low: float, high: float | None) -> None:
        if high is not None and not low <= value <= high:
            self.add(
                node,
                path,
                _("doit être compris entre {low} et {high}.").format(
                    low=_number(low), high=_number(high)
                ),
            )
        elif value < low:
            self.add(node, path, _("doit valoir au moins {low}.").format(low=_number(low)))

    def boolean(self, node: Node, path: str, default: bool) -> bool:
        if not isinstance(node, ScalarNode) or node.tag != _BOOL:
            self.add(node, path, _("doit être true ou false."))
            return default
        return bool(self._constructor.construct_object(node))

    def choice(self, node: Node, path: str, allowed: Sequence[str]) -> str:
        return self.among(
            node, path, allowed, _("« {value} » n'est pas permis ; valeurs permises : {known}.")
        )

    def among(self, node: Node, path: str, known: Sequence[str], message: str) -> str:
        """A text that must be one of `known`; `message` says so with {value} and {known}."""
        value = self.text(node, path)
        if value and value not in known:
            self.add(node, path, message.format(value=value, known=_listing(known)))
        return value

    def matching(self, node: Node, path: str, pattern: re.Pattern[str], message: str) -> str:
        value = self.text(node, path)
        if value and not pattern.match(value):
            self.add(node, path, message.format(value=value))
        return value


def _yaml_hint(problem: str) -> str:
    """What PyYAML's English message usually means for a trainer, in French ("" if unknown)."""
    hints = (
        ("end of stream", _("un guillemet ou un crochet ouvert n'est pas refermé")),
        ("expected ',' or ']'", _("une liste entre crochets n'est pas refermée ou une "
                                  "virgule manque")),
        ("expected ',' or '}'", _("un bloc entre accolades n'est pas refermé ou une "
                                  "virgule manque")),
        ("mapping values are not allowed", _(
            "« : » inattendu : vérifiez l'indentation, ou mettez le texte entre guillemets")),
        ("cannot start any token", _("caractère interdit en début de valeur (une tabulation ? "
                                     "indentez avec des espaces)")),
        ("could not find expected ':'", _("« : » manquant après un nom de champ")),
        ("did not find expected key", _("indentation incohérente avec les lignes au-dessus")),
        ("did not find expected '-'", _("indentation incohérente dans une liste")),
    )  # fmt: skip
    return next((hint for needle, hint in hints if needle in problem), "")


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _optional(
    fields: Mapping[str, Node], name: str, read: Callable[[Node, str], T], default: T
) -> T:
    """`read(node, name)` when the field is there, else `default`."""
    return read(fields[name], name) if name in fields else default


class _Parser(_Reader):
    """Builds one scenario (or common.yaml) from its nodes."""

    def __init__(
        self,
        loaded: _Loaded,
        common: Common | None = None,
        services: Mapping[str, str | None] | None = None,
    ) -> None:
        super().__init__(loaded)
        self.common = common
        self.services = services or {}

    # shared pieces

    def scenario_id(self, node: Node) -> str:
        value = self.matching(
            node, "id", _ID, _("« {value} » : lettres minuscules, chiffres et tirets seulement.")
        )
        self.loaded.id, self.loaded.id_line = value, _line(node)
        return value

    def competences(self, node: Node, path: str) -> tuple[str, ...]:
        items = self.items(node, path)
        if isinstance(node, SequenceNode) and not items:
            self.add(node, path, _("au moins une compétence du référentiel."))
        values = []
        for item_path, item in items:
            value = self.text(item, item_path)
            if value and value not in COMPETENCES:
                self.add(
                    item,
                    item_path,
                    _(
                        "compétence « {value} » inconnue du référentiel (C1.1 à C1.8, "
                        "C2.1 à C2.4, C3.1 à C3.3, C4.1 à C4.4)."
                    ).format(value=value),
                )
            values.append(value)
        return tuple(values)

    def service(self, node: Node, path: str) -> str:
        message = _("service « {value} » inconnu ; services de company.yaml : {known}.")
        return self.among(node, path, list(self.services), message)

    def queue(self, node: Node, path: str) -> str:
        queues = [q for q in self.services.values() if q]
        message = _("file « {value} » inconnue ; files de company.yaml : {known}.")
        return self.among(node, path, queues, message)

    def person(self, node: Node, path: str, *, needs_number: bool) -> Caller:
        """A CRM customer, or a number and a name (a sender may have only a name)."""
        fields = self.fields(node, path, ("customer", "number", "name"))
        if fields is None:
            return Caller()
        read = {name: self.text(value, _join(path, name)) for name, value in fields.items()}
        customer = read.get("customer", "")
        if customer and not _CUSTOMER.match(customer):
            self.add(
                fields["customer"],
                _join(path, "customer"),
                _(
                    "« {value} » n'est pas un numéro de client (CL et 7 chiffres, ex. CL0000001)."
                ).format(value=customer),
            )
        has_other = "number" in fields or "name" in fields
        if ("customer" in fields and has_other) or (
            "customer" not in fields
            and ("name" not in fields or (needs_number and "number" not in fields))
        ):
            self.add(node, path, _(self._person_rule(needs_number)))
        return Caller(customer, read.get("number", ""), read.get("name", ""))

    @staticmethod
    def _person_rule(needs_number: bool) -> str:
        if needs_number:
            return _("indiquer soit customer (un client du CRM), soit number et name.")
        return _("indiquer soit customer (un client du CRM), soit name (et number si besoin).")

    def action_target(self, action: str, node: Node, path: str) -> str:
        """The target of an action: a service, an article, a language or a letter template."""
        kind = ACTION_TARGETS.get(action)
        if action and kind is None:
            self.add(
                node,
                path,
                _("l'action « {action} » ne prend pas de cible.").format(action=action),
            )
            return self.text(node, path)
        if kind == "service":
            return self.service(node, path)
        if kind == "article":
            return self.matching(
                node,
                path,
                ARTICLE_ID,
                _("« {value} » n'est pas un identifiant d'article (ex. FAQ-001)."),
            )
        if kind == "language":
            return self.choice(node, path, LANGUAGES)
        if kind == "template":
            return self.matching(
                node,
                path,
                _TEMPLATE,
                _("« {value} » n'est pas un nom de modèle de courrier (ex. relance-impaye-1)."),
            )
        return self.text(node, path)

    def expected(self, node: Node, path: str) -> tuple[Expectation, ...]:
        result = []
        for item_path, item in self.items(node, path):
            fields = self.fields(item, item_path, ("action", "target", "within_s"), ("action",))
            if fields is None:
                continue
            action = ""
            if "action" in fields:
                action = self.choice(fields["action"], _join(item_path, "action"), ACTIONS)
            target = ""
            if "target" in fields:
                target = self.action_target(action, fields["target"], _join(item_path, "target"))
            within = None
            if "within_s" in fields:
                within = self.number(fields["within_s"], _join(item_path, "within_s"))
            result.append(Expectation(action, target, within))
        return tuple(result)

    def intents(self, node: Node, path: str) -> tuple[Intent, ...]:
        fields = self.fields(node, path, None)
        result = []
        for name, value in (fields or {}).items():
            intent_path = _join(path, name)
            if not _INTENT_NAME.match(name):
                self.add(
                    value,
                    intent_path,
                    _(
                        "un nom d'intention s'écrit en minuscules sans accent, mots reliés par "
                        "« _ » (ex. announce_hold)."
                    ),
                )
            result.append(self.intent(name, value, intent_path))
        return tuple(result)

    def intent(self, name: str, node: Node, path: str) -> Intent:
        fields = self.fields(node, path, (*LANGUAGES, "sample"))
        if fields is None:
            return Intent(name, {})
        patterns: dict[str, tuple[str, ...]] = {}
        for language in LANGUAGES:
            if language in fields:
                patterns[language] = self.patterns(fields[language], _join(path, language))
        if not patterns:
            self.add(node, path, _("au moins une liste de motifs, en fr ou en en."))
        samples: dict[str, str] = {}
        if "sample" in fields:
            sample_path = _join(path, "sample")
            sample_fields = self.fields(fields["sample"], sample_path, LANGUAGES) or {}
            for language, value in sample_fields.items():
                samples[language] = self.text(value, _join(sample_path, language))
                self.sample_heard(
                    Intent(name, patterns), language, value, _join(sample_path, language)
                )
        return Intent(name, patterns, samples)

    def sample_heard(self, intent: Intent, language: str, node: Node, path: str) -> None:
        """The model student says the sample (tests, debriefing): its intent must hear it."""
        agent = "Camille"
        sample = node.value if isinstance(node, ScalarNode) else ""
        matcher = IntentMatcher([intent], language, agent)
        if sample and intent.name not in matcher.matches(sample.replace("{agent}", agent)):
            self.add(
                node,
                path,
                _("cette réplique modèle n'est reconnue par aucun motif « {language} ».").format(
                    language=language
                ),
            )

    def patterns(self, node: Node, path: str) -> tuple[str, ...]:
        items = self.items(node, path)
        if isinstance(node, SequenceNode) and not items:
            self.add(node, path, _("au moins un motif."))
        result = []
        for item_path, item in items:
            pattern = self.text(item, item_path)
            if not pattern:
                continue
            if any(b != "{agent}" for b in _BRACES.findall(pattern)):
                self.add(item, item_path, _("seul {agent} s'écrit entre accolades."))
            elif any(not part.strip(" *") for part in pattern.split("+")):
                self.add(item, item_path, _("« + » relie deux morceaux non vides."))
            result.append(pattern)
        return tuple(result)

    def lines_by_language(self, node: Node, path: str) -> dict[str, tuple[str, ...]]:
        fields = self.fields(node, path, LANGUAGES, ("fr",))
        result: dict[str, tuple[str, ...]] = {}
        for language, value in (fields or {}).items():
            language_path = _join(path, language)
            items = self.items(value, language_path)
            if isinstance(value, SequenceNode) and not items:
                self.add(value, language_path, _("au moins une réplique."))
            result[language] = tuple(self.text(item, p) for p, item in items)
        return result


def _load_common(path: Path, name: str) -> _Loaded:
    loaded = _Loaded(path, name)
    parser = _Parser(loaded)
    node = parser.document()
    if node is None:
        return loaded
    fields = parser.fields(
        node, "", ("kind", "intents", "reactions"), ("kind", "intents", "reactions")
    )
    if fields is None:
        return loaded
    if "kind" in fields:
        kind = parser.text(fields["kind"], "kind")
        if kind and kind != "common":
            parser.add(fields["kind"], "kind", _("common.yaml a « kind: common »."))
    intents: tuple[Intent, ...] = ()
    if "intents" in fields:
        intents = parser.intents(fields["intents"], "intents")
        for intent in intents:
            if intent.patterns and "fr" not in intent.patterns:
                parser.add(
                    fields["intents"],
                    _join("intents", intent.name),
                    _("une intention commune a des motifs en français (fr)."),
                )
        missing = [n for n in COMMON_INTENTS if n not in {i.name for i in intents}]
        if missing and isinstance(fields["intents"], MappingNode):
            parser.add(
                fields["intents"],
                "intents",
                _("intentions communes manquantes : {names}.").format(names=_listing(missing)),
            )
    reactions: dict[str, dict[str, tuple[str, ...]]] = {}
    if "reactions" in fields:
        mapping = parser.fields(fields["reactions"], "reactions", REACTION_KINDS)
        for kind_name, value in (mapping or {}).items():
            reactions[kind_name] = parser.lines_by_language(value, _join("reactions", kind_name))
        missing = [k for k in REACTION_KINDS if k not in reactions]
        if mapping is not None and missing:
            parser.add(
                fields["reactions"],
                "reactions",
                _("répliques manquantes pour : {kinds}.").format(kinds=_listing(missing)),
            )
    loaded.value = Common(intents, reactions)
    return loaded


# --- calls, messages, shifts --------------------------------------------------------------


class _ScenarioParser(_Parser):
    """One call, message or shift file."""

    def __init__(
        self, loaded: _Loaded, common: Common | None, services: Mapping[str, str | None]
    ) -> None:
        super().__init__(loaded, common, services)
        self.language = "fr"
        self.own_intents: dict[str, Intent] = {}
        self.gotos: list[tuple[Node, str, str]] = []

    def parse(self) -> Scenario | None:
        node = self.document()
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            self.fields(node, "", ())
            return None
        kind_node = next(
            (v for k, v in node.value if isinstance(k, ScalarNode) and k.value == "kind"), None
        )
        if kind_node is None:
            self.add(node, "kind", _("champ obligatoire manquant (call, message ou shift)."))
            return None
        kind = self.text(kind_node, "kind")
        if kind == "common":
            self.add(kind_node, "kind", _("« common » est réservé au fichier common.yaml."))
            return None
        if kind not in KINDS:
            if kind:
                self.choice(kind_node, "kind", KINDS)
            return None
        allowed, required = {
            "call": (_CALL_FIELDS, _CALL_REQUIRED),
            "message": (_MESSAGE_FIELDS, _MESSAGE_REQUIRED),
            "shift": (_SHIFT_FIELDS, _SHIFT_REQUIRED),
        }[kind]
        fields = self.fields(node, "", allowed, required) or {}
        scenario_id = _optional(fields, "id", lambda n, _p: self.scenario_id(n), "")
        title = _optional(fields, "title", self.text, "")
        context = _optional(fields, "context", self.text, "")
        if kind == "shift":
            return self.shift(fields, scenario_id, title, context)
        competences = _optional(fields, "competences", self.competences, ())
        self.language = _optional(
            fields, "language", lambda n, p: self.choice(n, p, LANGUAGES), "fr"
        )
        if kind == "call":
            return self.call(fields, scenario_id, title, competences, context)
        return self.message(fields, scenario_id, title, competences, context)

    # a call

    def call(
        self,
        fields: dict[str, Node],
        scenario_id: str,
        title: str,
        competences: tuple[str, ...],
        context: str,
    ) -> CallScenario:
        own = _optional(fields, "intents", self.intents, ())
        for intent in own:
            self.own_intents[intent.name] = intent
            if intent.patterns and self.language not in intent.patterns:
                self.add(
                    fields["intents"],
                    _join("intents", intent.name),
                    _("pas de motif pour la langue « {language} » du scénario.").format(
                        language=self.language
                    ),
                )
        if self.language != "fr" and "language" in fields:
            self.common_language(fields["language"])
        direction = _optional(
            fields, "direction", lambda n, p: self.choice(n, p, DIRECTIONS), "inbound"
        )
        mood = _optional(fields, "mood", lambda n, p: self.choice(n, p, MOODS), "calme")
        steps = _optional(fields, "steps", self.steps, ())
        return CallScenario(
            id=scenario_id,
            title=title,
            competences=competences,
            language=self.language,
            direction=direction,
            caller=_optional(
                fields, "caller", lambda n, p: self.person(n, p, needs_number=True), Caller()
            ),
            motive=_optional(fields, "motive", self.text, ""),
            opening=_optional(fields, "opening", self.text, ""),
            steps=steps,
            queue=_optional(fields, "queue", self.queue, "accueil"),
            context=context,
            mood=mood,
            behaviour=self.behaviour(fields.get("behaviour"), mood),
            expected=_optional(fields, "expected", self.expected, ()),
            targets=_optional(fields, "targets", self.targets, Targets()),
            intents=own,
            source=str(self.loaded.path),
        )

    def common_language(self, node: Node) -> None:
        """An English call needs English in common.yaml for what the customer does unasked."""
        if self.common is None:
            return
        known = {i.name: i for i in self.common.intents}
        missing = [
            name
            for name in ("greeting", "reformulation")
            if name in known and self.language not in known[name].patterns
        ]
        missing += [
            kind for kind, lines in self.common.reactions.items() if self.language not in lines
        ]
        if missing:
            self.add(
                node,
                "language",
                _("common.yaml n'a rien en « {language} » pour : {names}.").format(
                    language=self.language, names=_listing(missing)
                ),
            )

    def steps(self, node: Node, path: str) -> tuple[Step, ...]:
        items = self.items(node, path)
        if isinstance(node, SequenceNode) and not items:
            self.add(node, path, _("au moins une étape."))
        steps: list[Step] = []
        lines: dict[str, int] = {}
        for item_path, item in items:
            fields = self.fields(item, item_path, ("id", "say", "on", "otherwise"), ("id",))
            if fields is None:
                continue
            step_id = ""
            if "id" in fields:
                id_path = _join(item_path, "id")
                step_id = self.matching(
                    fields["id"],
                    id_path,
                    _STEP_ID,
                    _("« {value} » : lettres minuscules, chiffres, tirets et « _ » seulement."),
                )
                if step_id in lines:
                    self.add(
                        fields["id"],
                        id_path,
                        _("l'étape « {step} » existe déjà (ligne {line}).").format(
                            step=step_id, line=lines[step_id]
                        ),
                    )
                elif step_id:
                    lines[step_id] = _line(fields["id"])
            on: tuple[Reaction, ...] = ()
            if "on" in fields:
                on_path = _join(item_path, "on")
                on = tuple(
                    self.reaction(reaction, reaction_path, _REACTION_FIELDS)
                    for reaction_path, reaction in self.items(fields["on"], on_path)
                )
            otherwise = None
            if "otherwise" in fields:
                otherwise = self.reaction(
                    fields["otherwise"], _join(item_path, "otherwise"), _OTHERWISE_FIELDS
                )
            steps.append(
                Step(
                    step_id,
                    self.text(fields["say"], _join(item_path, "say")) if "say" in fields else "",
                    on,
                    otherwise,
                )
            )
        for goto_node, goto_path, target in self.gotos:
            if target and target not in lines:
                self.add(
                    goto_node,
                    goto_path,
                    _("l'étape « {step} » n'existe pas ; étapes : {steps}.").format(
                        step=target, steps=_listing(lines)
                    ),
                )
        return tuple(steps)

    def reaction(self, node: Node, path: str, allowed: Sequence[str]) -> Reaction:
        fields = self.fields(node, path, allowed)
        if fields is None:
            return Reaction()
        if allowed is _REACTION_FIELDS:
            if "intent" in fields and "action" in fields:
                self.add(
                    node, path, _("une réaction a soit « intent », soit « action », pas les deux.")
                )
            elif "intent" not in fields and "action" not in fields:
                self.add(
                    node,
                    path,
                    _(
                        "une réaction a « intent » (ce que dit l'élève) ou « action » "
                        "(ce qu'il fait au poste)."
                    ),
                )

        def sub(name: str) -> str:
            return _join(path, name)

        intent = ""
        if "intent" in fields:
            intent = self.intent_ref(fields["intent"], sub("intent"))
        action = ""
        if "action" in fields:
            action = self.choice(fields["action"], sub("action"), ACTIONS)
        target = ""
        if "target" in fields:
            if "action" in fields:
                target = self.action_target(action, fields["target"], sub("target"))
            else:
                self.add(
                    fields["target"], sub("target"), _("« target » accompagne une « action ».")
                )
        goto = ""
        if "goto" in fields:
            goto = self.text(fields["goto"], sub("goto"))
            self.gotos.append((fields["goto"], sub("goto"), goto))
            if "end" in fields:
                self.add(
                    fields["goto"],
                    sub("goto"),
                    _("inutile avec « end » : le client raccroche."),
                )
        return Reaction(
            intent=intent,
            action=action,
            target=target,
            say=self.text(fields["say"], sub("say")) if "say" in fields else "",
            patience=self.integer(fields["patience"], sub("patience"), -100, 100)
            if "patience" in fields
            else 0,
            goto=goto,
            end=self.choice(fields["end"], sub("end"), ENDINGS) if "end" in fields else "",
        )

    def intent_ref(self, node: Node, path: str) -> str:
        """An intent the step reacts to: the scenario's own, else common.yaml's."""
        name = self.text(node, path)
        intent = self.own_intents.get(name)
        if intent is None and self.common is not None:
            intent = next((i for i in self.common.intents if i.name == name), None)
        if not name or (intent is None and self.common is None):
            return name  # common.yaml is unreadable: its own problems say so
        if intent is None:
            self.add(
                node,
                path,
                _(
                    "intention « {intent} » inconnue : ni dans common.yaml, ni dans "
                    "« intents » du scénario."
                ).format(intent=name),
            )
        elif intent.patterns and self.language not in intent.patterns:
            self.add(
                node,
                path,
                _("l'intention « {intent} » n'a pas de motif en « {language} ».").format(
                    intent=name, language=self.language
                ),
            )
        return name

    def behaviour(self, node: Node | None, mood: str) -> Behaviour:
        """The customer's patience; what the file leaves out comes from the mood."""
        defaults = Behaviour(patience=MOOD_PATIENCE.get(mood, Behaviour.patience))
        if node is None:
            return defaults
        fields = self.fields(node, "behaviour", _BEHAVIOUR_FIELDS) or {}
        values: dict[str, Any] = {}
        for name, value in fields.items():
            path = _join("behaviour", name)
            if name == "patience":
                values[name] = self.integer(value, path, 1, 100)
            elif name == "greeting_required":
                values[name] = self.boolean(value, path, True)
            else:
                values[name] = self.number(value, path)
        return Behaviour(**{**defaults.__dict__, **values})

    def targets(self, node: Node, path: str) -> Targets:
        names = ("answer_s", "identify_s", "talk_s", "wrapup_s")
        fields = self.fields(node, path, names) or {}
        return Targets(**{n: self.number(v, _join(path, n)) for n, v in fields.items()})

    # a message

    def message(
        self,
        fields: dict[str, Node],
        scenario_id: str,
        title: str,
        competences: tuple[str, ...],
        context: str,
    ) -> MessageScenario:
        return MessageScenario(
            id=scenario_id,
            title=title,
            competences=competences,
            language=self.language,
            channel=_optional(
                fields, "channel", lambda n, p: self.choice(n, p, MESSAGE_CHANNELS), "email"
            ),
            sender=_optional(
                fields, "sender", lambda n, p: self.person(n, p, needs_number=False), Caller()
            ),
            subject=_optional(fields, "subject", self.text, ""),
            body=_optional(fields, "body", self.text, ""),
            context=context,
            expected=_optional(fields, "expected", self.expected, ()),
            answer_within_s=_optional(
                fields, "answer_within_s", lambda n, p: self.number(n, p, 1), 900.0
            ),
            source=str(self.loaded.path),
        )

    # a shift

    def shift(
        self, fields: dict[str, Node], scenario_id: str, title: str, context: str
    ) -> ShiftScenario:
        known = len(self.loaded.problems)
        duration_min = _optional(fields, "duration_min", lambda n, p: self.number(n, p, 1), 1.0)
        # A message time is compared with a duration only when that one is readable.
        duration_ok = "duration_min" in fields and len(self.loaded.problems) == known
        queues: tuple[str, ...] = ()
        if "queues" in fields:
            queues = tuple(self.queue(n, p) for p, n in self.items(fields["queues"], "queues"))
        calls = []
        for path, node in self.items(fields["calls"], "calls") if "calls" in fields else ():
            if isinstance(node, ScalarNode):
                call, weight, call_node, call_path = self.text(node, path), 1, node, path
            else:
                item = self.fields(node, path, ("call", "weight"), ("call",)) or {}
                call_path = _join(path, "call")
                call_node = item.get("call", node)
                call = self.text(item["call"], call_path) if "call" in item else ""
                weight = 1
                if "weight" in item:
                    weight = self.integer(item["weight"], _join(path, "weight"), 1)
            if call:
                self.loaded.refs.append(_Ref(_line(call_node), call_path, call, "inbound", queues))
            calls.append(WeightedCall(call, weight))
        outbound = []
        for path, node in (
            self.items(fields["outbound"], "outbound") if "outbound" in fields else ()
        ):
            item = self.fields(node, path, ("campaign", "call", "contacts"), ("campaign", "call"))
            if item is None:
                continue
            call = self.text(item["call"], _join(path, "call")) if "call" in item else ""
            if call:
                self.loaded.refs.append(
                    _Ref(_line(item["call"]), _join(path, "call"), call, "outbound")
                )
            outbound.append(
                OutboundList(
                    campaign=self.text(item["campaign"], _join(path, "campaign"))
                    if "campaign" in item
                    else "",
                    call=call,
                    contacts=self.integer(item["contacts"], _join(path, "contacts"), 1)
                    if "contacts" in item
                    else 3,
                )
            )
        messages = []
        for path, node in (
            self.items(fields["messages"], "messages") if "messages" in fields else ()
        ):
            item = self.fields(node, path, ("at_min", "message"), ("at_min", "message"))
            if item is None:
                continue
            at_min = 0.0
            if "at_min" in item:
                at_min = self.number(item["at_min"], _join(path, "at_min"))
                if duration_ok and at_min > duration_min:
                    self.add(
                        item["at_min"],
                        _join(path, "at_min"),
                        _("arrive après la fin de la vacation ({minutes} min).").format(
                            minutes=_number(duration_min)
                        ),
                    )
            message = ""
            if "message" in item:
                message = self.text(item["message"], _join(path, "message"))
                if message:
                    self.loaded.refs.append(
                        _Ref(_line(item["message"]), _join(path, "message"), message, "message")
                    )
            messages.append(TimedMessage(at_min * 60, message))
        return ShiftScenario(
            id=scenario_id,
            title=title,
            duration_s=duration_min * 60,
            queues=queues,
            calls=tuple(calls),
            arrivals=_optional(fields, "arrivals", self.arrivals, Arrivals()),
            outbound=tuple(outbound),
            messages=tuple(messages),
            objectives=_optional(fields, "objectives", self.objectives, {}),
            context=context,
            source=str(self.loaded.path),
        )

    def arrivals(self, node: Node, path: str) -> Arrivals:
        names = ("first_after_s", "gap_min_s", "gap_max_s", "order")
        fields = self.fields(node, path, names) or {}
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "order":
                values[name] = self.choice(value, _join(path, name), ARRIVAL_ORDERS)
            else:
                values[name] = self.number(value, _join(path, name))
        arrivals = Arrivals(**values)
        if arrivals.gap_min_s > arrivals.gap_max_s:
            self.add(
                fields.get("gap_min_s", node),
                _join(path, "gap_min_s"),
                _("dépasse gap_max_s ({gap} s).").format(gap=_number(arrivals.gap_max_s)),
            )
        return arrivals

    def objectives(self, node: Node, path: str) -> dict[str, float]:
        fields = self.fields(node, path, OBJECTIVES) or {}
        return {name: self.number(value, _join(path, name)) for name, value in fields.items()}


def _load_scenario(
    path: Path, name: str, common: Common | None, services: Mapping[str, str | None]
) -> _Loaded:
    loaded = _Loaded(path, name)
    loaded.value = _ScenarioParser(loaded, common, services).parse()
    return loaded


# --- a set of files -----------------------------------------------------------------------


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.yaml") if p.is_file())


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:  # pragma: no cover - a broken link: compared as written
        return path


class _ScenarioSet:
    """Files checked together: `checked` are reported on, `context` (the seed scenarios) only
    lend their ids to references; one common.yaml serves them all."""

    def __init__(
        self,
        checked: list[Path],
        common: Path,
        services: Mapping[str, str | None] | None,
        report_common: bool,
        seed_dir: Path,
        empty: str = "",
        others: Sequence[Path] = (),
    ) -> None:
        self.services = load_services() if services is None else services
        self.common = _load_common(common, _display(common))
        self.report_common = report_common or bool(self.common.problems)
        self.empty = empty
        seen = {_resolved(p) for p in (*checked, common)}
        self.context: list[Path] = []
        for path in [*others, *_yaml_files(seed_dir)]:
            if path.name != COMMON_FILE and _resolved(path) not in seen:
                seen.add(_resolved(path))
                self.context.append(path)
        common_value = self.common.value if not self.common.problems else None
        assert common_value is None or isinstance(common_value, Common)
        self.checked = [
            _load_scenario(p, _display(p), common_value, self.services) for p in checked
        ]
        others = [_load_scenario(p, _display(p), common_value, self.services) for p in self.context]
        self.by_id: dict[str, _Loaded] = {}
        for loaded in [*self.checked, *others]:
            self._register(loaded)
        for loaded in self.checked:
            for ref in loaded.refs:
                self._resolve(loaded, ref)
            if common_value is not None:
                self._rehearse(loaded, common_value)

    def _rehearse(self, loaded: _Loaded, common: Common) -> None:
        """A call nobody can finish is a broken call: the model student must reach an end."""
        if loaded.problems or not isinstance(loaded.value, CallScenario):
            return
        try:
            rehearse(loaded.value, common)
        except NoPath as error:
            _Reader(loaded).add(
                loaded.id_line,
                "steps",
                _("le dialogue ne peut pas être mené à son terme : {why}.").format(why=error),
            )

    @classmethod
    def for_directory(
        cls, directory: Path, services: Mapping[str, str | None] | None, seed_dir: Path
    ) -> _ScenarioSet:
        files = _yaml_files(directory)
        own_common = directory / COMMON_FILE
        report = own_common.is_file()
        common = own_common if report else seed_dir / COMMON_FILE
        checked = [p for p in files if p != own_common]
        empty = "" if files else str(directory)
        return cls(checked, common, services, report, seed_dir, empty)

    @classmethod
    def for_file(
        cls, path: Path, services: Mapping[str, str | None] | None, seed_dir: Path
    ) -> _ScenarioSet:
        if path.name == COMMON_FILE:
            return cls([], path, services, True, seed_dir)
        # The set is the nearest folder holding a common.yaml (appels/ sits under it), so
        # its other files are in the set too.
        for folder in [path.parent, *path.parent.parents][:3]:
            if (folder / COMMON_FILE).is_file():
                others = [p for p in _yaml_files(folder) if p.name != COMMON_FILE]
                return cls([path], folder / COMMON_FILE, services, False, seed_dir, others=others)
        others = [p for p in _yaml_files(path.parent) if p.name != COMMON_FILE]
        return cls([path], seed_dir / COMMON_FILE, services, False, seed_dir, others=others)

    def _is_checked(self, loaded: _Loaded) -> bool:
        return any(loaded is mine for mine in self.checked)

    def _register(self, loaded: _Loaded) -> None:
        if not loaded.id:
            return
        first = self.by_id.get(loaded.id)
        if first is None:
            self.by_id[loaded.id] = loaded
            return
        if self._is_checked(loaded):
            where, other = loaded, first
        elif self._is_checked(first):
            where, other = first, loaded
        else:
            return
        _Reader(where).add(
            where.id_line,
            "id",
            _("l'identifiant « {id} » est déjà celui de {other}:{line}.").format(
                id=loaded.id, other=other.name, line=other.id_line
            ),
        )

    def _resolve(self, loaded: _Loaded, ref: _Ref) -> None:
        reader = _Reader(loaded)
        target = self.by_id.get(ref.target)
        value = target.value if target else None
        if ref.expect == "message":
            if not isinstance(value, MessageScenario):
                reader.add(
                    ref.line,
                    ref.field,
                    _("aucun scénario de message « {id} » dans l'ensemble vérifié.").format(
                        id=ref.target
                    ),
                )
            return
        if not isinstance(value, CallScenario):
            reader.add(
                ref.line,
                ref.field,
                _("aucun scénario d'appel « {id} » dans l'ensemble vérifié.").format(id=ref.target),
            )
        elif ref.expect == "inbound" and value.direction != "inbound":
            reader.add(
                ref.line,
                ref.field,
                _("l'appel « {id} » est sortant : sa place est dans « outbound ».").format(
                    id=ref.target
                ),
            )
        elif ref.expect == "outbound" and value.direction != "outbound":
            reader.add(
                ref.line,
                ref.field,
                _("l'appel « {id} » est entrant : sa place est dans « calls ».").format(
                    id=ref.target
                ),
            )
        elif ref.expect == "inbound" and value.queue not in ref.queues:
            reader.add(
                ref.line,
                ref.field,
                _("l'appel « {id} » arrive sur la file « {queue} », absente de « queues ».").format(
                    id=ref.target, queue=value.queue
                ),
            )

    def results(self) -> list[FileCheck]:
        results = []
        if self.empty:
            results.append(
                FileCheck(
                    self.empty,
                    "",
                    (_("{file} : aucun fichier .yaml.").format(file=self.empty),),
                )
            )
        if self.report_common:
            common = self.common.value
            title = ""
            if isinstance(common, Common):
                title = _("{n} intentions communes, {m} situations de réplique").format(
                    n=len(common.intents), m=len(common.reactions)
                )
            results.append(FileCheck(self.common.name, title, self.common.in_order()))
        for loaded in self.checked:
            value = loaded.value
            title = "" if value is None or isinstance(value, Common) else value.title
            results.append(FileCheck(loaded.name, title, loaded.in_order()))
        return results

    def scenarios(self) -> dict[str, Scenario]:
        """Every scenario read without problems (checked and seed), by id."""
        return {
            scenario_id: loaded.value
            for scenario_id, loaded in self.by_id.items()
            if not loaded.problems
            and isinstance(loaded.value, CallScenario | MessageScenario | ShiftScenario)
        }
