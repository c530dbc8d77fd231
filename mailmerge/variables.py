"""The French vocabulary of merge variables a letter template may use (C3.3).

Each variable names a CRM concept, so the workstation can fill a record from a customer, an
invoice or a campaign, and a student can read what a field means. The table is frozen: a
template using another name is reported as "unknown" with the closest known names.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Kind = Literal["texte", "date", "montant", "nombre"]


@dataclass(frozen=True)
class Variable:
    """A merge variable: its name in templates, what it holds, its type and a CRM source."""

    name: str
    description: str
    kind: Kind
    source: str
    example: str


def _table(*variables: Variable) -> MappingProxyType[str, Variable]:
    return MappingProxyType({v.name: v for v in variables})


V = Variable
VOCABULARY: MappingProxyType[str, Variable] = _table(
    # Recipient (the customer)
    V("Civilite", "Civilité du destinataire : « Mme » ou « M. »", "texte",
      "client.civilite", "Mme"),
    V("Nom", "Nom de famille du destinataire", "texte", "client.nom", "Durand"),
    V("Prenom", "Prénom du destinataire", "texte", "client.prenom", "Claire"),
    V("RaisonSociale", "Raison sociale (client professionnel)", "texte",
      "client.raison_sociale", "Boulangerie Durand"),
    V("Adresse", "Numéro et voie de l'adresse postale", "texte", "client.adresse",
      "12 rue des Lilas"),
    V("ComplementAdresse", "Complément d'adresse (bâtiment, étage)", "texte",
      "client.complement_adresse", "Bâtiment B"),
    V("CodePostal", "Code postal", "texte", "client.code_postal", "69003"),
    V("Ville", "Ville", "texte", "client.ville", "Lyon"),
    V("NumeroClient", "Numéro client (CLNNNNNNN)", "texte", "client.numero", "CL0004512"),
    V("Telephone", "Téléphone du client", "texte", "client.telephone", "06 12 34 56 78"),
    V("Email", "Adresse électronique du client", "texte", "client.email",
      "claire.durand@example.fr"),
    # Contract and offer
    V("Offre", "Offre souscrite (box ou forfait)", "texte", "contrat.offre.nom", "Box Plus"),
    V("PrixMensuel", "Prix mensuel TTC de l'offre", "montant", "contrat.offre.prix_mensuel",
      "34,99"),
    V("DateSouscription", "Date de souscription du contrat", "date",
      "contrat.date_souscription", "2026-11-02"),
    V("DateResiliation", "Date d'effet de la résiliation", "date",
      "contrat.date_resiliation", "2027-03-31"),
    V("NumeroLigne", "Numéro de la ligne (fixe ou mobile)", "texte", "contrat.numero_ligne",
      "04 78 12 34 56"),
    # Billing and collection
    V("NumeroFacture", "Numéro de facture (FA-AAAA-NNNNNNN)", "texte", "facture.numero",
      "FA-2027-0012345"),
    V("DateFacture", "Date d'émission de la facture", "date", "facture.date_emission",
      "2027-02-01"),
    V("MontantFacture", "Montant TTC de la facture", "montant", "facture.montant", "82,99"),
    V("MontantDu", "Montant restant dû TTC", "montant", "facture.reste_du", "82,99"),
    V("DateEcheance", "Date d'échéance de la facture", "date", "facture.date_echeance",
      "2027-02-15"),
    V("DateLimite", "Date limite de paiement ou de réponse", "date", "relance.date_limite",
      "2027-03-12"),
    V("Frais", "Frais facturés (rejet, résiliation, intervention)", "montant", "frais.montant",
      "7,50"),
    V("NombreEcheances", "Nombre d'échéances de l'échéancier", "nombre",
      "echeancier.nombre_echeances", "3"),
    V("MontantEcheance", "Montant de chaque échéance", "montant",
      "echeancier.montant_echeance", "27,66"),
    V("DatePremiereEcheance", "Date de la première échéance", "date",
      "echeancier.date_premiere_echeance", "2027-03-05"),
    V("ModePaiement", "Mode de paiement", "texte", "contrat.mode_paiement",
      "prélèvement SEPA"),
    # Orders, appointments, claims
    V("NumeroCommande", "Numéro de commande", "texte", "commande.numero", "CO-2027-004211"),
    V("DateCommande", "Date de la commande", "date", "commande.date", "2027-03-01"),
    V("MontantCommande", "Montant TTC de la commande", "montant", "commande.montant", "59,00"),
    V("DateLivraison", "Date de livraison prévue", "date", "commande.date_livraison",
      "2027-03-04"),
    V("DateRendezVous", "Date du rendez-vous", "date", "rendez_vous.date", "2027-03-16"),
    V("Creneau", "Créneau horaire du rendez-vous", "texte", "rendez_vous.creneau",
      "10:00-12:00"),
    V("NumeroReclamation", "Numéro de la réclamation", "texte", "reclamation.numero",
      "RC-2027-000318"),
    V("DateReclamation", "Date de réception de la réclamation", "date", "reclamation.date",
      "2027-02-20"),
    V("MontantGeste", "Montant du geste commercial", "montant", "reclamation.geste", "15,00"),
    # Transmission elements and signature
    V("Reference", "N/Réf. : notre référence du courrier", "texte", "courrier.reference",
      "REC/CM/2027-0412"),
    V("VotreReference", "V/Réf. : la référence du destinataire (courrier, appel)", "texte",
      "courrier.votre_reference", "Votre courrier du 20 février 2027"),
    V("Objet", "Objet du courrier", "texte", "courrier.objet", "Votre réclamation"),
    V("ModeEnvoi", "Mode d'envoi (lettre simple, recommandée avec AR...)", "texte",
      "courrier.mode_envoi", "Lettre recommandée avec accusé de réception"),
    V("DateCourrier", "Date du courrier", "date", "courrier.date", "2027-03-12"),
    V("Conseiller", "Prénom et nom du conseiller signataire", "texte", "agent.nom",
      "Camille Martin"),
    V("Service", "Service du conseiller", "texte", "agent.service", "Service Recouvrement"),
)  # fmt: skip
del V


def normalise(name: str) -> str:
    """A field name compared the way Word matches columns: no case, accents, spaces or _."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return "".join(c for c in folded.casefold() if c.isalnum())


_BY_KEY: MappingProxyType[str, Variable] = MappingProxyType(
    {normalise(name): variable for name, variable in VOCABULARY.items()}
)


def lookup(name: str) -> Variable | None:
    """The vocabulary entry of a field name ("code postal" finds CodePostal), or None."""
    return _BY_KEY.get(normalise(name))


def suggestions(name: str, count: int = 3) -> tuple[str, ...]:
    """The known names closest to an unknown one (difflib), best first."""
    keys = difflib.get_close_matches(normalise(name), list(_BY_KEY), n=count, cutoff=0.5)
    return tuple(_BY_KEY[key].name for key in keys)
