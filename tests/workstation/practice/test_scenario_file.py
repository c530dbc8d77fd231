"""Scenario files: the valid fixtures become the right dataclasses; each broken file gets a
French message naming the file, the line and the field; `acvd scenario check` exits 1 on any.

The fixtures (fixtures/) stand apart from seed_data/scenarios, which another engineer writes;
the broken files are fixtures copied to tmp_path with one line changed. Each check runs with
an empty seed folder and services given here, so seed_data never decides a result, except in
the last test, which checks the whole seed folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workstation.cli import main
from workstation.practice.scenario import (
    MOOD_PATIENCE,
    Arrivals,
    Behaviour,
    Caller,
    CallScenario,
    Expectation,
    MessageScenario,
    OutboundList,
    Reaction,
    ShiftScenario,
    TimedMessage,
    WeightedCall,
)
from workstation.practice.scenario_file import (
    COMMON_INTENTS,
    SCENARIOS_DIR,
    ScenarioError,
    check_paths,
    load_common,
    load_library,
    load_scenario,
)

FIXTURES = Path(__file__).parent / "fixtures"
SERVICES: dict[str, str | None] = {
    "accueil": "accueil",
    "facturation": "facturation",
    "supervision": None,
}
CALL = "appels/facture.yaml"
OUTBOUND = "appels/sortant.yaml"
MESSAGE = "messages/mail.yaml"
SHIFT = "vacations/vacation.yaml"


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A writable copy of the fixtures, and an empty seed folder next to it."""
    (tmp_path / "seed").mkdir()
    return Path(shutil.copytree(FIXTURES, tmp_path / "set"))


def check(path: Path, seed: Path | None = None) -> list[str]:
    """Every problem `acvd scenario check` would print for `path`."""
    seed = seed or next(p / "seed" for p in [path, *path.parents] if (p / "seed").is_dir())
    return [p for r in check_paths([path], SERVICES, seed) for p in r.problems]


def edit(root: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    """Replace `old` by `new` in a copied fixture; the file and the line of the change."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


def shown(path: Path) -> str:
    """A path as the messages show it (relative to the current folder when inside it)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- valid files --------------------------------------------------------------------------


def test_common_gives_intents_by_language_and_stock_lines() -> None:
    common = load_common(FIXTURES / "common.yaml")
    intents = {intent.name: intent for intent in common.intents}
    assert set(intents) == set(COMMON_INTENTS)
    assert intents["greeting"].patterns == {
        "fr": ("bonjour + orbelia + {agent}",),
        "en": ("hello + orbelia + {agent}",),
    }
    assert intents["greeting"].samples["fr"] == "Orbelia Télécom, {agent} à votre écoute, bonjour."
    assert intents["closing"].patterns["fr"] == ("bonne journee", "au revoir")
    assert common.reactions["silence"] == {
        "fr": ("Allô ? Vous êtes toujours là ?",),
        "en": ("Hello? Are you still there?",),
    }
    assert len(common.reactions) == 9


def test_call_loads_with_the_readme_on_field_and_mood_defaults() -> None:
    common = load_common(FIXTURES / "common.yaml")
    call = load_scenario(FIXTURES / CALL, common, SERVICES)
    assert isinstance(call, CallScenario)
    assert (call.id, call.title, call.language, call.direction) == (
        "test-facture",
        "Facture plus élevée",
        "fr",
        "inbound",
    )
    assert call.competences == ("C1.1", "C2.2")
    assert call.queue == "facturation"
    assert call.caller == Caller(customer="CL0000001")
    assert call.context == "Une cliente ne comprend pas sa facture."
    # patience comes from the mood (pressé), the rest from the file or Behaviour's defaults
    assert call.behaviour == Behaviour(
        patience=MOOD_PATIENCE["pressé"], silence_after_s=15.0, greeting_required=False
    )
    assert [step.id for step in call.steps] == ["motif", "explication", "conclusion"]
    first = call.step("motif")
    assert first.on == (
        Reaction(intent="identification", say="Sophie Durand."),
        Reaction(action="identity_check", goto="explication"),
    )
    assert first.otherwise == Reaction(say="Pardon ?", patience=-5)
    explanation = call.step("explication")
    assert explanation.say == "Alors, pourquoi ?"
    assert explanation.on[0] == Reaction(
        intent="frais", say="C'est une seule fois ?", patience=10, goto="conclusion"
    )
    assert explanation.on[1] == Reaction(action="transfer", target="facturation", end="neutre")
    assert call.expected == (
        Expectation("identity_check", within_s=60.0),
        Expectation("kb_open", "FAQ-001"),
        Expectation("qualification"),
    )
    assert (call.targets.answer_s, call.targets.identify_s, call.targets.talk_s) == (8, 45, 240)
    assert call.intents[0].name == "frais"
    assert call.intents[0].patterns == {"fr": ("mise en service", "frais + activation")}
    assert call.source == str(FIXTURES / CALL)


def test_outbound_call_keeps_a_phone_number_as_written() -> None:
    call = load_scenario(FIXTURES / OUTBOUND, load_common(FIXTURES / "common.yaml"), SERVICES)
    assert isinstance(call, CallScenario)
    assert call.direction == "outbound"
    assert call.caller == Caller(number="0612345678", name="Paul Martin")
    assert call.behaviour == Behaviour(patience=100)  # calme by default


def test_message_loads() -> None:
    message = load_scenario(FIXTURES / MESSAGE, None, SERVICES)
    assert message == MessageScenario(
        id="test-mail-en",
        title="Client anglophone",
        competences=("C3.2",),
        language="en",
        channel="email",
        sender=Caller(customer="CL0000007"),
        subject="Travelling abroad",
        body="Hello,\nI am travelling next month.",
        expected=(Expectation("reply", "en"),),
        answer_within_s=600.0,
        source=str(FIXTURES / MESSAGE),
    )


def test_shift_converts_minutes_to_seconds() -> None:
    shift = load_scenario(FIXTURES / SHIFT, None, SERVICES)
    assert isinstance(shift, ShiftScenario)
    assert shift.duration_s == 1200.0
    assert shift.queues == ("facturation",)
    assert shift.calls == (WeightedCall("test-facture"), WeightedCall("test-facture", 2))
    assert shift.arrivals == Arrivals(10.0, 30.0, 90.0, "random")
    assert shift.outbound == (OutboundList("SAT-2026", "test-enquete", 2),)
    assert shift.messages == (TimedMessage(240.0, "test-mail-en"),)
    assert shift.objectives == {"calls_handled": 5.0, "average_handle_time": 300.0}


def test_library_holds_every_scenario_by_id(scenarios: Path) -> None:
    library = load_library(scenarios, SERVICES, scenarios.parent / "seed")
    assert sorted(library.scenarios) == [
        "test-enquete",
        "test-facture",
        "test-mail-en",
        "test-vacation",
    ]
    assert library.call("test-facture").queue == "facturation"
    assert library.message("test-mail-en").channel == "email"
    assert [s.id for s in library.shifts] == ["test-vacation"]
    assert len(library.common.intents) == 10
    with pytest.raises(KeyError):
        library.call("test-mail-en")  # a message, not a call


def test_library_also_sees_the_seed_set(scenarios: Path, tmp_path: Path) -> None:
    """A trainer's folder may use the calls of the seed folder (README, last paragraph)."""
    trainer = tmp_path / "formateur"
    trainer.mkdir()
    shutil.move(scenarios / SHIFT, trainer / "vacation.yaml")
    library = load_library(trainer, SERVICES, scenarios)
    assert library.shift("test-vacation").calls[0].call == "test-facture"
    assert library.call("test-facture").title == "Facture plus élevée"


# --- broken files: one precise message each -----------------------------------------------


def test_bad_yaml_syntax_names_the_line(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "motive: facture\n", "motive: [facture\n")
    problems = check(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{shown(path)}:")
    assert "syntaxe YAML invalide" in problems[0]
    # PyYAML notices the missing ] on the next line, and says where the list opened
    assert problems[0].startswith(f"{shown(path)}:{line + 1}: syntaxe YAML invalide (")
    assert problems[0].endswith(f"Voir aussi la ligne {line}.")
    assert "une liste entre crochets n'est pas refermée" in problems[0]  # said in French too


def test_a_colon_in_unquoted_text_is_explained(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "motive: facture\n", "motive: facture\n  bis: oui\n")
    (problem,) = check(path)
    assert problem.startswith(f"{shown(path)}:{line + 1}: syntaxe YAML invalide (")
    assert "« : » inattendu : vérifiez l'indentation" in problem


def test_unknown_field_lists_the_allowed_ones(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "mood: pressé", "humeur: pressé")
    problems = check(path)
    assert problems == [
        f"{shown(path)}:{line}: champ « humeur » : champ inconnu ; champs permis : kind, id, "
        "title, competences, language, direction, caller, motive, opening, steps, queue, "
        "context, mood, behaviour, expected, targets, intents."
    ]


def test_unknown_field_deep_in_a_step_gives_its_path(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, '        say: "Sophie Durand."', "        dit: oui")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « steps[1].on[1].dit » : champ inconnu ; champs permis : "
        "intent, action, target, say, patience, goto, end."
    ]


def test_dangling_goto(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "goto: conclusion", "goto: conclusio")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « steps[2].on[1].goto » : l'étape « conclusio » "
        "n'existe pas ; étapes : motif, explication, conclusion."
    ]


def test_unknown_queue(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "queue: facturation", "queue: factu")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « queue » : file « factu » inconnue ; files de "
        "company.yaml : accueil, facturation."
    ]


def test_a_service_without_queue_is_no_queue(scenarios: Path) -> None:
    path, _line = edit(scenarios, CALL, "queue: facturation", "queue: supervision")
    assert [p.split(" : ")[1] for p in check(path)] == [
        "file « supervision » inconnue ; files de company.yaml"
    ]


def test_unknown_transfer_target(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "target: facturation", "target: compta")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « steps[2].on[2].target » : service « compta » inconnu ; "
        "services de company.yaml : accueil, facturation, supervision."
    ]


def test_unknown_competence(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "[C1.1, C2.2]", "[C1.1, C2.9]")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « competences[2] » : compétence « C2.9 » inconnue du "
        "référentiel (C1.1 à C1.8, C2.1 à C2.4, C3.1 à C3.3, C4.1 à C4.4)."
    ]


def test_unknown_intent(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "intent: closing", "intent: cloture")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « steps[3].on[1].intent » : intention « cloture » "
        "inconnue : ni dans common.yaml, ni dans « intents » du scénario."
    ]


def test_missing_required_field(scenarios: Path) -> None:
    path, _line = edit(scenarios, CALL, 'opening: "Bonjour, ma facture est trop élevée."\n', "")
    assert check(path) == [f"{shown(path)}:1: champ « opening » : champ obligatoire manquant."]


def test_wrong_types(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "patience: 10", "patience: beaucoup")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « steps[2].on[1].patience » : doit être un nombre entier."
    ]
    path, line = edit(scenarios, SHIFT, "duration_min: 20", "duration_min: vingt")
    assert check(path) == [f"{shown(path)}:{line}: champ « duration_min » : doit être un nombre."]
    path, line = edit(scenarios, MESSAGE, "competences: [C3.2]", "competences: C3.2")
    assert check(path) == [f"{shown(path)}:{line}: champ « competences » : doit être une liste."]


def test_bad_enums_say_what_is_allowed(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "mood: pressé", "mood: fâché")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « mood » : « fâché » n'est pas permis ; valeurs permises : "
        "calme, pressé, mécontent, agressif."
    ]
    path, line = edit(scenarios, MESSAGE, "channel: email", "channel: fax")
    assert "valeurs permises : email, chat, memo." in check(path)[0]


def test_every_problem_of_a_file_is_reported(scenarios: Path) -> None:
    edit(scenarios, CALL, "id: test-facture", "id: Test_Facture")
    edit(scenarios, CALL, "end: satisfait", "end: ravi")
    edit(scenarios, CALL, "target: FAQ-001", "target: faq 1")
    path, _line = edit(scenarios, CALL, "customer: CL0000001", "customer: 42")
    problems = check(path)
    assert len(problems) == 4
    assert "champ « id » : « Test_Facture » : lettres minuscules, chiffres et tirets" in problems[0]
    assert "champ « caller.customer » : « 42 » n'est pas un numéro de client" in problems[1]
    assert "champ « steps[3].on[1].end » : « ravi » n'est pas permis" in problems[2]
    assert "« faq 1 » n'est pas un identifiant d'article (ex. FAQ-001)." in problems[3]


def test_a_reaction_has_intent_or_action(scenarios: Path) -> None:
    path, line = edit(
        scenarios,
        CALL,
        "      - action: identity_check\n",
        "      - action: identity_check\n        intent: empathy\n",
    )
    problems = check(path)
    assert problems == [
        f"{shown(path)}:{line}: champ « steps[1].on[2] » : une réaction a soit « intent », soit "
        "« action », pas les deux."
    ]
    path, line = edit(scenarios, CALL, "      - intent: closing\n", "      - patience: 1\n")
    assert check(path)[-1].endswith(
        "champ « steps[3].on[1] » : une réaction a « intent » (ce que dit l'élève) ou « action » "
        "(ce qu'il fait au poste)."
    )


def test_an_action_without_target_refuses_one(scenarios: Path) -> None:
    path, line = edit(
        scenarios, CALL, "{action: qualification}", "{action: qualification, target: x}"
    )
    assert check(path) == [
        f"{shown(path)}:{line}: champ « expected[3].target » : l'action « qualification » ne "
        "prend pas de cible."
    ]


def test_duplicated_key(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "motive: facture\n", "motive: facture\nmotive: autre\n")
    assert check(path) == [f"{shown(path)}:{line + 1}: champ « motive » : champ en double."]


def test_duplicated_step(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "  - id: conclusion", "  - id: motif")
    assert check(path) == [
        f"{shown(path)}:34: champ « steps[2].on[1].goto » : l'étape « conclusion » n'existe pas ; "
        "étapes : motif, explication.",
        f"{shown(path)}:{line}: champ « steps[3].id » : l'étape « motif » existe déjà (ligne 19).",
    ]


def test_a_sample_its_intent_does_not_hear(scenarios: Path) -> None:
    """The model student says the samples: a sample no pattern matches is refused."""
    path, line = edit(scenarios, CALL, "Ce sont les frais de mise en service.", "C'est payant.")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « intents.frais.sample.fr » : cette réplique modèle n'est "
        "reconnue par aucun motif « fr »."
    ]


def test_english_call_needs_english_patterns(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "language: fr", "language: en")
    assert check(path) == [
        f"{shown(path)}:31: champ « steps[2].on[1].intent » : l'intention « frais » n'a pas de "
        "motif en « en ».",
        f"{shown(path)}:49: champ « intents.frais » : pas de motif pour la langue « en » du "
        "scénario.",
    ]
    edit(scenarios, "common.yaml", ', en: ["Hello? Are you still there?"]', "")
    assert check(path)[0] == (
        f"{shown(path)}:{line}: champ « language » : common.yaml n'a rien en « en » pour : silence."
    )


def test_duplicate_id_names_both_files(scenarios: Path) -> None:
    copy = scenarios / "appels" / "zz-copie.yaml"  # read after facture.yaml
    shutil.copy(scenarios / CALL, copy)
    problems = check(scenarios)
    assert problems == [
        f"{shown(copy)}:2: champ « id » : l'identifiant « test-facture » est déjà celui de "
        f"{shown(scenarios / CALL)}:2."
    ]


def test_shift_referencing_unknown_scenarios(scenarios: Path) -> None:
    path, line = edit(scenarios, SHIFT, "  - test-facture\n", "  - test-inconnu\n")
    edit(scenarios, SHIFT, "message: test-mail-en", "message: test-facture")
    edit(scenarios, SHIFT, "call: test-enquete", "call: test-facture")
    problems = check(path)
    assert problems == [
        f"{shown(path)}:{line}: champ « calls[1] » : aucun scénario d'appel « test-inconnu » "
        "dans l'ensemble vérifié.",
        f"{shown(path)}:11: champ « outbound[1].call » : l'appel « test-facture » est entrant : "
        "sa place est dans « calls ».",
        f"{shown(path)}:13: champ « messages[1].message » : aucun scénario de message "
        "« test-facture » dans l'ensemble vérifié.",
    ]


def test_shift_call_on_a_queue_it_does_not_take(scenarios: Path) -> None:
    path, _line = edit(scenarios, SHIFT, "queues: [facturation]", "queues: [accueil]")
    problems = check(path)
    assert problems[0].endswith(
        "champ « calls[1] » : l'appel « test-facture » arrive sur la file « facturation », "
        "absente de « queues »."
    )
    assert len(problems) == 2  # both entries of the mix


def test_shift_times_are_checked(scenarios: Path) -> None:
    path, line = edit(scenarios, SHIFT, "at_min: 4", "at_min: 25")
    edit(scenarios, SHIFT, "gap_min_s: 30", "gap_min_s: 300")
    problems = check(path)
    assert problems == [
        f"{shown(path)}:9: champ « arrivals.gap_min_s » : dépasse gap_max_s (90 s).",
        f"{shown(path)}:{line}: champ « messages[1].at_min » : arrive après la fin de la "
        "vacation (20 min).",
    ]


def test_common_missing_intents_and_unknown_reaction(scenarios: Path) -> None:
    path, _line = edit(scenarios, "common.yaml", "  apology:\n", "  pardon:\n")
    edit(scenarios, "common.yaml", "  impatient:", "  impatience:")
    problems = check(path)
    assert any(
        "champ « intents » : intentions communes manquantes : apology." in p for p in problems
    )
    assert any(
        "champ « reactions.impatience » : champ inconnu ; champs permis : greeting_missing" in p
        for p in problems
    )
    assert any(
        "champ « reactions » : répliques manquantes pour : impatient." in p for p in problems
    )
    with pytest.raises(ScenarioError) as raised:
        load_common(path)
    assert raised.value.problems == tuple(problems)
    assert str(raised.value).startswith(f"Scénarios invalides ({len(problems)} problème(s)) :")


def test_wrong_kind_empty_file_and_no_python_tags(scenarios: Path, tmp_path: Path) -> None:
    path, line = edit(scenarios, CALL, "kind: call", "kind: appel")
    assert check(path) == [
        f"{shown(path)}:{line}: champ « kind » : « appel » n'est pas permis ; valeurs permises : "
        "call, message, shift."
    ]
    empty = scenarios / "appels" / "vide.yaml"
    empty.write_text("# rien\n", encoding="utf-8")
    assert check(empty) == [f"{shown(empty)}:1: le fichier est vide."]
    unsafe = scenarios / "appels" / "danger.yaml"
    unsafe.write_text("kind: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    assert check(unsafe)[0].startswith(f"{shown(unsafe)}:1: champ « kind » : doit être un texte")


def test_load_scenario_raises_with_every_problem(scenarios: Path) -> None:
    path, _line = edit(scenarios, CALL, "goto: explication", "goto: nulle-part")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path, load_common(scenarios / "common.yaml"), SERVICES)
    assert len(raised.value.problems) == 1
    assert "l'étape « nulle-part » n'existe pas" in raised.value.problems[0]


# --- the command --------------------------------------------------------------------------


def test_cli_valid_folder_exits_0_with_a_line_per_file() -> None:
    result = CliRunner().invoke(main, ["scenario", "check", str(FIXTURES)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"✓ {shown(FIXTURES / CALL)} — Facture plus élevée" in lines
    assert f"✓ {shown(FIXTURES / SHIFT)} — Vacation de test" in lines
    assert len(lines) == 5
    assert result.stderr == ""


def test_cli_broken_file_exits_1_in_french_on_stderr(scenarios: Path) -> None:
    path, line = edit(scenarios, CALL, "goto: conclusion", "goto: conclusio")
    result = CliRunner().invoke(main, ["scenario", "check", str(path), str(scenarios / SHIFT)])
    assert result.exit_code == 1
    assert f"{shown(path)}:{line}: champ « steps[2].on[1].goto » : l'étape « conclusio »" in (
        result.stderr
    )
    assert "Erreur : 1 problème(s) dans 1 fichier(s) sur 2." in result.stderr
    assert result.stdout == f"✓ {shown(scenarios / SHIFT)} — Vacation de test\n"


def test_cli_refuses_a_missing_path() -> None:
    result = CliRunner().invoke(main, ["scenario", "check", "nulle/part.yaml"])
    assert result.exit_code == 2
    assert "nulle/part.yaml" in result.stderr


# --- the seed folder ----------------------------------------------------------------------


@pytest.mark.skipif(
    not any((SCENARIOS_DIR / "appels").glob("*.yaml")),
    reason="seed_data/scenarios/appels/ n'a pas encore de scénario d'appel",
)
def test_the_seed_scenarios_load_without_a_problem() -> None:
    problems = [p for r in check_paths([SCENARIOS_DIR]) for p in r.problems]
    assert problems == []
    library = load_library()
    assert library.calls
    for shift in library.shifts:
        for weighted in shift.calls:
            assert library.call(weighted.call).direction == "inbound"


def test_a_dialogue_nobody_can_finish_is_refused(scenarios: Path) -> None:
    # The only end needs an intent whose model line ("sample") is missing.
    path, _line = edit(scenarios, OUTBOUND, "intent: closing", "intent: proposal")
    problems = check(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{shown(path)}:2: champ « steps » : le dialogue ne peut pas")
    assert "ne mène à une fin" in problems[0]
