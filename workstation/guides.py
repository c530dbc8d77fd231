"""Which interview guides go with which call motive (C1.1, C1.4, C1.6, C1.7, C1.8).

The `scripts` knowledge base holds the company's guides d'entretien, argumentaires and
réponses aux objections. Their tags are free words chosen by the authors ("vente",
"objections", "client agressif"…) and do not name a motive cleanly, so the table below maps
each motive to explicit article ids, in the order the student should read them. A test checks
that every id exists in the seed content and that every script is reachable from a motive.
"""

from __future__ import annotations

from dataclasses import dataclass
from gettext import gettext as _
from types import MappingProxyType

#: The knowledge base the guides come from.
GUIDE_BASE = "scripts"


@dataclass(frozen=True)
class Guide:
    """The script articles to show for one call motive, most useful first."""

    motive: str
    article_ids: tuple[str, ...]


GUIDES: tuple[Guide, ...] = (
    Guide("accueil", ("SCR-001", "SCR-010")),
    Guide("identification", ("SCR-002",)),
    Guide("vente", ("SCR-003", "SCR-004", "SCR-006", "SCR-005")),
    Guide("objection", ("SCR-005",)),
    Guide("reclamation", ("SCR-011", "SCR-010")),
    Guide("recouvrement", ("SCR-008",)),
    Guide("fidelisation", ("SCR-009", "SCR-005")),
    Guide("enquete", ("SCR-007",)),
    Guide("prospection", ("SCR-012", "SCR-005")),
)

MOTIVES: tuple[str, ...] = tuple(guide.motive for guide in GUIDES)

#: The guide to open for the nature of a request (the CRM's nature codes, PRO-003). Natures
#: with no guide of their own (information, billing question, technical help…) keep the
#: inbound-call script, whose steps hold for any call.
NATURE_MOTIVES = MappingProxyType(
    {
        "order": "vente",
        "complaint": "reclamation",
        "payment": "recouvrement",
        "termination": "fidelisation",
        "survey": "enquete",
        "prospection": "prospection",
    }
)
DEFAULT_MOTIVE = "accueil"


def motive_label(motive: str) -> str:
    """The French name of a motive, as shown in the selector."""
    labels = {
        "accueil": _("Accueil d'un appel entrant"),
        "identification": _("Identification du client"),
        "vente": _("Vente et argumentaires"),
        "objection": _("Réponses aux objections"),
        "reclamation": _("Réclamation, client mécontent"),
        "recouvrement": _("Relance d'impayé"),
        "fidelisation": _("Fidélisation avant résiliation"),
        "enquete": _("Enquête de satisfaction"),
        "prospection": _("Appel sortant de prospection"),
    }
    return labels.get(motive, motive)


def motive_for_nature(nature: str) -> str:
    """The guide motive that goes with a request nature; the inbound script otherwise."""
    return NATURE_MOTIVES.get(nature.strip().lower(), DEFAULT_MOTIVE)


def guide_for(motive: str) -> Guide:
    """The guide of `motive`; ValueError with a French message for an unknown motive."""
    key = motive.strip().lower()
    for guide in GUIDES:
        if guide.motive == key:
            return guide
    raise ValueError(
        _("Motif d'appel inconnu « {motive} » : choisissez parmi {known}.").format(
            motive=motive.strip()[:40], known=", ".join(MOTIVES)
        )
    )
