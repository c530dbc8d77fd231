"""Small scenarios built in code for the practice tests (no YAML, no seed data)."""

from __future__ import annotations

from workstation.practice.scenario import (
    Behaviour,
    Caller,
    CallScenario,
    Common,
    Intent,
    Reaction,
    Step,
)

COMMON = Common(
    intents=(
        Intent("greeting", {"fr": ("bonjour + orbelia + {agent}",), "en": ("orbelia + {agent}",)}),
        Intent("reformulation", {"fr": ("si je comprends bien", "vous souhaitez")}),
        Intent("announce_hold", {"fr": ("patienter", "mettre en attente")}),
        Intent("closing", {"fr": ("bonne journee", "au revoir")}),
    ),
    reactions={
        "greeting_missing": {"fr": ("Je suis bien chez Orbelia Télécom ?",)},
        "hold_unannounced": {"fr": ("Vous auriez pu me prévenir !",)},
        "long_hold": {"fr": ("C'était long…",)},
        "silence": {"fr": ("Allô ? Vous êtes toujours là ?",)},
        "reformulation_heard": {"fr": ("Oui, c'est ça.",)},
        "impatient": {"fr": ("Bon, on avance ?",)},
        "annoyed": {"fr": ("Ça commence à bien faire !",)},
        "hang_up": {"fr": ("Laissez tomber, je rappellerai.",)},
        "not_understood": {"fr": ("Pardon ?",)},
    },
)


def scenario(**changes: object) -> CallScenario:
    fields: dict[str, object] = {
        "id": "facture",
        "title": "Facture",
        "competences": ("C1.1",),
        "language": "fr",
        "direction": "inbound",
        "caller": Caller(customer="CL0000001"),
        "motive": "facture",
        "opening": "Bonjour, ma facture est trop élevée.",
        "steps": (
            Step(
                "motif",
                on=(
                    Reaction(intent="frais", say="Ah, c'est une seule fois ?", goto="fin"),
                    Reaction(action="kb_open", target="FAQ-001", patience=5),
                ),
                otherwise=Reaction(say="Je ne comprends pas.", patience=-5),
            ),
            Step(
                "fin",
                say="Et le mois prochain ?",
                on=(Reaction(intent="closing", say="Merci, au revoir.", end="satisfait"),),
            ),
        ),
        "behaviour": Behaviour(patience=100, silence_after_s=20, hold_after_s=45),
        "intents": (Intent("frais", {"fr": ("mise en service",)}),),
    }
    fields.update(changes)
    return CallScenario(**fields)  # type: ignore[arg-type]
