"""The debriefing of a practice call: expected actions and C2 timings, from its entries."""

from __future__ import annotations

from practice_builders import scenario

from workstation.practice.debrief import CallEntry, Debrief, debrief, summary
from workstation.practice.scenario import Expectation, Targets

EXPECTED = (
    Expectation("identity_check", within_s=30),
    Expectation("kb_open", "FAQ-001"),
    Expectation("transfer", "technique"),
)
TARGETS = Targets(answer_s=10, identify_s=45, talk_s=300, wrapup_s=20)


def inbound_call() -> list[CallEntry]:
    return [
        CallEntry("practice.call", {}, 0.0),
        CallEntry("call.ringing", {}, 5.0),
        CallEntry("call.answered", {}, 9.0),
        CallEntry("crm.identity_check", {"verified": False}, 15.0),  # one box ticked
        CallEntry("crm.identity_check", {"verified": True}, 49.0),
        CallEntry("kb.open", {"article_id": "FAQ-001"}, 60.0),
        CallEntry("call.hangup", {}, 129.0),
        CallEntry("wrapup.done", {}, 159.0),
    ]


def test_expected_actions_and_timings_of_an_inbound_call() -> None:
    call = scenario(expected=EXPECTED, targets=TARGETS)
    result = debrief(call, inbound_call(), {"210": "technique"})
    assert [(e.action, e.done_after_s, e.ok) for e in result.expected] == [
        ("identity_check", 40.0, False),  # verified 40 s after the answer, 30 s asked
        ("kb_open", 51.0, True),
        ("transfer", None, False),
    ]
    assert result.score == (1, 3)
    assert {t.name: (t.value_s, t.ok) for t in result.timings} == {
        "answer_s": (4.0, True),  # from the ring, not from the queue
        "identify_s": (40.0, True),  # the complete check, not the first box
        "talk_s": (120.0, True),
        "wrapup_s": (30.0, False),
    }
    text = summary(result, "Facture")
    assert "actions attendues réalisées : 1/3" in text
    assert "post-appel 30 s / 20 s !" in text
    assert "Manquées : vérification d'identité, transfert (technique)." in text


def test_outbound_calls_are_not_judged_on_the_customers_ringing() -> None:
    call = scenario(direction="outbound", expected=(), targets=TARGETS)
    entries = [
        CallEntry("call.ringing", {}, 0.0),
        CallEntry("call.answered", {}, 25.0),
        CallEntry("call.hangup", {}, 85.0),
    ]
    result = debrief(call, entries, {})
    timings = {t.name: (t.value_s, t.ok) for t in result.timings}
    assert timings["answer_s"] == (None, None)
    assert timings["wrapup_s"] == (None, None)  # no after-call work asked: not a fault
    assert timings["talk_s"] == (60.0, True)


def test_an_abandoned_call_says_so() -> None:
    result = Debrief("facture", (), (), "abandon")
    assert summary(result, "Facture") == (
        "« Facture » : appel manqué, le client a raccroché avant d'être pris."
    )
