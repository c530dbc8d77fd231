"""The simulated customer: intents, the dialogue, patience, holds, silences, endings."""

from __future__ import annotations

import pytest
from practice_builders import COMMON, scenario

from workstation.practice.customer_sim import HangUp, Note, Say, SimulatedCustomer
from workstation.practice.intents import IntentMatcher, normalise
from workstation.practice.scenario import Behaviour, Common, Intent, Reaction, Step


def said(acts: list) -> list[str]:
    return [act.text for act in acts if isinstance(act, Say)]


def notes(acts: list, kind: str) -> list[dict]:
    return [act.payload for act in acts if isinstance(act, Note) and act.kind == kind]


@pytest.fixture
def customer() -> SimulatedCustomer:
    return SimulatedCustomer(scenario(), COMMON, agent_name="Camille Martin")


GREETING = "Orbelia Télécom, Camille à votre écoute, bonjour !"


def test_matching_ignores_case_accents_punctuation_and_word_order_across_pieces() -> None:
    matcher = IntentMatcher(COMMON.intents, "fr", "Camille")
    assert "greeting" in matcher.matches("BONJOUR, ici Orbélia — Camille.")
    assert "greeting" in matcher.matches("Camille, Orbelia Télécom, bonjour")
    assert "greeting" not in matcher.matches("Bonjour, Orbelia Télécom")  # no name
    assert matcher.matches("Si je comprends bien, vous souhaitez payer") == {"reformulation"}
    assert matcher.matches("Je vais devoir vous mettre en attente") == {"announce_hold"}
    assert normalise("J'ai « bien » compris, Œuvre") == "j ai bien compris oeuvre"


def test_prefix_words_and_missing_agent_name() -> None:
    matcher = IntentMatcher([Intent("r", {"fr": ("reformul*",)})], "fr")
    assert matcher.matches("je reformule") == {"r"}
    assert matcher.matches("formule") == frozenset()
    nameless = IntentMatcher(COMMON.intents, "fr", "")  # an account without a name
    assert "greeting" in nameless.matches("Bonjour, Orbelia Télécom")


def test_good_path_reaches_the_end_satisfied(customer: SimulatedCustomer) -> None:
    opening = customer.answered(0.0)
    assert said(opening) == ["Bonjour, ma facture est trop élevée."]
    assert said(customer.heard(GREETING, 2.0)) == []
    acts = customer.heard("Ce sont les frais de mise en service.", 10.0)
    assert said(acts) == ["Ah, c'est une seule fois ?", "Et le mois prochain ?"]
    assert notes(acts, "scenario.step") == [{"step": "fin"}]
    acts = customer.heard("Je vous souhaite une bonne journée", 20.0)
    assert said(acts) == ["Merci, au revoir."]
    assert acts[-1] == HangUp("satisfait")
    assert customer.ending == "satisfait" and customer.patience == 100
    assert customer.heard("Allô ?", 21.0) == []


def test_missing_greeting_is_noticed_once_and_costs_patience(customer: SimulatedCustomer) -> None:
    customer.answered(0.0)
    acts = customer.heard("Oui, c'est pour quoi ?", 1.0)
    assert said(acts) == ["Je suis bien chez Orbelia Télécom ?"]
    assert customer.patience == 85
    # later lines are judged on their content only
    assert said(customer.heard("Euh, attendez", 2.0)) == ["Je ne comprends pas."]
    assert customer.patience == 80


def test_good_reformulation_is_acknowledged_and_restores_patience(
    customer: SimulatedCustomer,
) -> None:
    customer.answered(0.0)
    customer.heard("Oui ?", 1.0)  # no greeting: 85
    acts = customer.heard("Si je comprends bien, votre facture a augmenté", 3.0)
    assert said(acts) == ["Oui, c'est ça."]
    assert customer.patience == 90


def test_unannounced_hold_is_reproached_at_the_retrieve(customer: SimulatedCustomer) -> None:
    customer.answered(0.0)
    customer.heard(GREETING, 1.0)
    assert said(customer.did("hold", "", 2.0)) == []
    assert customer.heard("(à un collègue) tu sais ça ?", 5.0) == []  # on hold: not heard
    acts = customer.did("retrieve", "", 12.0)
    assert said(acts) == ["Vous auriez pu me prévenir !"]
    assert customer.patience == 90


def test_long_announced_hold_costs_patience_per_second_past_the_limit(
    customer: SimulatedCustomer,
) -> None:
    customer.answered(0.0)
    customer.heard(GREETING + " Je vais vous mettre en attente un instant.", 1.0)
    customer.did("hold", "", 2.0)
    for second in range(3, 78):
        customer.tick(float(second))
    acts = customer.did("retrieve", "", 77.0)
    assert said(acts) == ["C'était long…"]
    assert customer.patience == pytest.approx(70.0)  # 75 s of hold, 45 s free
    assert notes(acts, "scenario.retrieved") == [{"hold_s": 75.0}]


def test_silence_makes_the_customer_ask_then_lose_patience_then_hang_up() -> None:
    customer = SimulatedCustomer(
        scenario(behaviour=Behaviour(patience=60, silence_after_s=10, silence_cost_per_s=1)),
        COMMON,
        agent_name="Camille",
    )
    customer.answered(0.0)
    customer.heard(GREETING, 1.0)
    lines: list[str] = []
    acts: list = []
    second = 1.0
    while not customer.ended:
        second += 1.0
        acts = customer.tick(second)
        lines += said(acts)
    assert lines == [
        "Allô ? Vous êtes toujours là ?",
        "Bon, on avance ?",
        "Ça commence à bien faire !",
        "Laissez tomber, je rappellerai.",
    ]
    assert second == 71.0  # 10 s free, then 60 points at 1 per second
    assert acts[-1] == HangUp("mécontent")
    assert notes(acts, "scenario.end")[0]["by"] == "customer"


def test_actions_drive_the_dialogue_with_their_target(customer: SimulatedCustomer) -> None:
    customer.answered(0.0)
    customer.heard(GREETING, 1.0)
    customer.patience = 50
    customer.did("kb_open", "FAQ-002", 3.0)  # another article: nothing
    assert customer.patience == 50
    acts = customer.did("kb_open", "faq-001", 4.0)  # the target, in any case
    assert customer.patience == 55
    assert notes(acts, "scenario.patience") == [{"patience": 55, "cause": "scenario"}]


def test_lines_that_match_nothing_twice_get_a_pardon() -> None:
    plain = scenario(
        steps=(Step("motif", on=(Reaction(intent="closing", end="neutre"),)),),
    )
    customer = SimulatedCustomer(plain, COMMON, agent_name="Camille")
    customer.answered(0.0)
    customer.heard(GREETING, 1.0)
    assert said(customer.heard("Hmm", 2.0)) == []
    assert said(customer.heard("Alors", 3.0)) == ["Pardon ?"]


def test_hang_up_by_the_agent_records_the_mood() -> None:
    customer = SimulatedCustomer(scenario(), COMMON, agent_name="Camille")
    customer.answered(0.0)
    customer.heard("Allô", 1.0)
    customer.patience = 40
    acts = customer.hung_up_by_agent(2.0)
    assert customer.ending == "mécontent"
    assert notes(acts, "scenario.end")[0] == {
        "scenario": "facture",
        "ending": "mécontent",
        "by": "agent",
        "step": "motif",
        "patience": 40,
    }


def test_the_model_student_finds_and_plays_the_good_path() -> None:
    from workstation.practice.model_student import Action, Line, NoPath, good_path, rehearse

    common = Common(
        intents=(
            *COMMON.intents[1:],
            Intent("greeting", {"fr": ("bonjour + orbelia",)}, {"fr": "Bonjour, Orbelia."}),
            Intent("closing", {"fr": ("au revoir",)}, {"fr": "Au revoir, madame."}),
        ),
        reactions=COMMON.reactions,
    )
    play = scenario(
        intents=(
            Intent(
                "frais",
                {"fr": ("mise en service",)},
                {"fr": "Ce sont les frais de mise en service."},
            ),
        )
    )
    assert good_path(play, common) == [
        Line("Bonjour, Orbelia."),
        Line("Ce sont les frais de mise en service."),
        Line("Au revoir, madame."),
    ]
    assert rehearse(play, common).ending == "satisfait"
    by_action = scenario(
        steps=(Step("a", on=(Reaction(action="identity_check", end="neutre"),)),),
    )
    assert good_path(by_action, common)[-1] == Action("identity_check")
    with pytest.raises(NoPath):
        good_path(scenario(), common)  # the "frais" intent of scenario() has no sample


def test_announcing_a_hold_is_not_taken_as_off_the_subject(customer: SimulatedCustomer) -> None:
    customer.answered(0.0)
    customer.heard(GREETING, 1.0)
    acts = customer.heard("Je vais vous mettre en attente un instant.", 2.0)
    assert said(acts) == [] and customer.patience == 100  # no `otherwise`
    assert said(customer.heard("Euh", 3.0)) == ["Je ne comprends pas."]


def test_a_good_move_is_credited_once_per_step_and_negations_do_not_count() -> None:
    customer = SimulatedCustomer(scenario(), COMMON, agent_name="Camille")
    customer.answered(0.0)
    customer.heard("Oui ?", 1.0)  # no greeting: 85
    customer.heard("Si je comprends bien, votre facture a augmenté", 2.0)
    customer.heard("Si je comprends bien, c'est la facture", 3.0)
    assert customer.patience == 90  # +5 once, not twice
    customer.did("kb_open", "FAQ-001", 4.0)
    customer.did("kb_open", "FAQ-001", 5.0)
    assert customer.patience == 95
    acts = customer.heard("Ce ne sont pas les frais de mise en service.", 6.0)
    assert customer.step.id == "motif" and said(acts) == ["Je ne comprends pas."]


def test_si_je_comprends_bien_is_a_reformulation_not_empathy() -> None:
    common = Common(
        intents=(*COMMON.intents, Intent("empathy", {"fr": ("je comprends",)})),
        reactions=COMMON.reactions,
    )
    play = scenario(
        steps=(Step("motif", on=(Reaction(intent="empathy", say="Merci…", patience=5),)),),
    )
    customer = SimulatedCustomer(play, common, agent_name="Camille")
    customer.answered(0.0)
    customer.heard(GREETING, 1.0)
    assert said(customer.heard("Je comprends votre colère.", 2.0)) == ["Merci…"]
    assert said(customer.heard("Si je comprends bien, la facture a doublé.", 3.0)) == [
        "Oui, c'est ça."
    ]


def test_un_instant_buys_a_longer_silence() -> None:
    customer = SimulatedCustomer(
        scenario(behaviour=Behaviour(patience=100, silence_after_s=10)),
        COMMON,
        agent_name="Camille",
    )
    customer.answered(0.0)
    customer.heard(GREETING + " Je vais devoir patienter un instant, je regarde.", 1.0)
    assert said(customer.tick(25.0)) == []  # 24 s of quiet: announced, tolerated up to 30 s
    assert said(customer.tick(32.0)) == ["Allô ? Vous êtes toujours là ?"]
