"""The wrap-up codes (codes de clôture) of procedure PRO-006, defined once for the workstation.

The qualification form (C1.2) and the after-call work (C2.2 "clôturer") offer the same codes.
Each code is stored on the interaction as the CRM outcome closest to it (`crm.models.OUTCOMES`
has no column for the code itself), and written out in the history note, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from gettext import gettext as _
from types import MappingProxyType


def N_(text: str) -> str:
    """Mark a string for translation without translating it yet (labels are read later)."""
    return text


@dataclass(frozen=True)
class Disposition:
    """One wrap-up code: its code, its French description and the CRM outcome it records."""

    code: str
    description: str
    outcome: str

    @property
    def label(self) -> str:
        """The description in the user's language, e.g. "Information donnée"."""
        return _(self.description)


DISPOSITIONS: tuple[Disposition, ...] = (
    Disposition("INFORMATION", N_("Information donnée"), "information_given"),
    Disposition("EXPLICATION", N_("Facture ou offre expliquée"), "resolved"),
    Disposition("ASSISTANCE", N_("Problème technique résolu au premier niveau"), "resolved"),
    Disposition("RECLAMATION", N_("Réclamation enregistrée ou traitée"), "request_opened"),
    Disposition("VENTE", N_("Souscription, option ou changement d'offre conclu"), "sale"),
    Disposition("RECOUVREMENT", N_("Paiement obtenu ou échéancier accordé"), "promise_to_pay"),
    Disposition("TRANSFERT", N_("Appel transféré à un autre service"), "transferred"),
    Disposition("RAPPEL", N_("Rappel programmé"), "callback"),
    Disposition("ENQUETE", N_("Enquête de satisfaction menée"), "survey_completed"),
    Disposition(
        "SANS_SUITE", N_("Faux numéro, appel coupé, identification échouée"), "wrong_number"
    ),
    Disposition("NRP", N_("Appel sortant : ne répond pas, occupé ou répondeur"), "no_answer"),
)

#: The dispositions by code ("TRANSFERT" -> Disposition), read-only.
BY_CODE: Mapping[str, Disposition] = MappingProxyType({item.code: item for item in DISPOSITIONS})

#: The code a transferred call must be closed with (PRO-006).
TRANSFER_CODE = "TRANSFERT"
