"""Generate the seed letter templates of Orbelia Télécom (seed_data/templates/*.docx).

Run: .venv/bin/python scripts/make_templates.py

The documents are built with python-docx, and their merge fields are written as raw XML the
way Word saves them: complex fields (begin / instrText / separate / «Nom» / end), some with
the instruction split across runs ("MERGE" + "FIELD No" + "m"), some simple fields
(w:fldSimple), IF fields with a nested MERGEFIELD for the civility. Company facts (letterhead,
legal mentions, fees, delays) come from seed_data/company.yaml. Sample records for each letter
are written to seed_data/templates/exemples/, and a French Excel-style CSV for batches.
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "seed_data" / "templates"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BRAND = RGBColor(0x1F, 0x4E, 0x79)
DATE = '\\@ "d MMMM yyyy"'
AMOUNT = '\\# "# ##0,00 €"'


# --- raw field XML, as Word writes it ------------------------------------------------------


def _rpr(bold: bool) -> str:
    return "<w:rPr><w:b/></w:rPr>" if bold else ""


def text(value: str, bold: bool = False) -> str:
    """A plain run."""
    return f'<w:r>{_rpr(bold)}<w:t xml:space="preserve">{escape(value)}</w:t></w:r>'


def _instr(piece: str, bold: bool) -> str:
    return f'<w:r>{_rpr(bold)}<w:instrText xml:space="preserve">{escape(piece)}</w:instrText></w:r>'


def _char(kind: str, bold: bool) -> str:
    return f'<w:r>{_rpr(bold)}<w:fldChar w:fldCharType="{kind}"/></w:r>'


def complex_field(pieces: list[str], shown: str, bold: bool = False) -> str:
    """A complex field; each piece is an instrText run, or an already built nested field."""
    xml = _char("begin", bold)
    for piece in pieces:
        xml += piece if piece.startswith("<w:") else _instr(piece, bold)
    return xml + _char("separate", bold) + text(shown, bold) + _char("end", bold)


def field(name: str, switches: str = "", bold: bool = False, split: bool = False) -> str:
    """A MERGEFIELD; `split` cuts the instruction and the name as Word often does."""
    tail = f" {switches} " if switches else " "
    if split:
        cut = max(1, len(name) // 2)
        pieces = [" MERGE", f"FIELD {name[:cut]}", f"{name[cut:]}{tail}"]
    else:
        pieces = [f" MERGEFIELD {name}{tail}"]
    return complex_field(pieces, f"«{name}»", bold)


def simple_field(name: str, switches: str = "", bold: bool = False) -> str:
    """A MERGEFIELD saved as w:fldSimple."""
    instr = escape(f" MERGEFIELD {name} {switches} ".replace("  ", " "), {'"': "&quot;"})
    return f'<w:fldSimple w:instr="{instr}">{text(f"«{name}»", bold)}</w:fldSimple>'


def civility(if_madame: str, otherwise: str) -> str:
    """{ IF { MERGEFIELD Civilite } = "Mme" "…" "…" } with the civility field nested."""
    nested = complex_field([" MERGEFIELD Civilite "], "«Civilite»")
    return complex_field([" IF ", nested, f' = "Mme" "{if_madame}" "{otherwise}" '], otherwise)


def if_filled(name: str, before: str) -> str:
    """{ IF { MERGEFIELD X } <> "" "before{ MERGEFIELD X }" "" }: an optional line."""
    test = complex_field([f" MERGEFIELD {name} "], f"«{name}»")
    value = complex_field([f" MERGEFIELD {name} "], f"«{name}»")
    return complex_field([" IF ", test, f' <> "" "{before}', value, '" "" '], "")


# --- the letter layout ----------------------------------------------------------------------

Segment = str  # raw run XML
Para = list[Segment] | str


@dataclass(frozen=True)
class Letter:
    """One lettre-type: its file, its object line, its body and its sample record."""

    file: str
    title: str
    objet: list[Segment]
    body: list[Para]
    sample: dict[str, object]
    english: bool = False
    service_phone: bool = True


def _add(paragraph, segments: list[Segment]) -> None:
    wrapper = parse_xml(f"<w:wrapper {W_NS}>{''.join(segments)}</w:wrapper>")
    for element in list(wrapper):
        paragraph._p.append(element)


def _letterhead(document, company: dict) -> None:
    section = document.sections[0]
    header = section.header
    first = header.paragraphs[0]
    run = first.add_run(company["name"])
    run.bold = True
    run.font.size = Pt(18)
    run.font.color.rgb = BRAND
    line = header.add_paragraph()
    line.add_run(
        f"{company['address']} — {company['postcode']} {company['city']} — {company['website']}"
    ).font.size = Pt(9)
    footer = section.footer
    legal = footer.paragraphs[0]
    legal.alignment = WD_ALIGN_PARAGRAPH.CENTER
    small = legal.add_run(
        f"{company['name']} — {company['legal_form']} — {company['rcs']} — "
        f"Siège social : {company['address']}, {company['postcode']} {company['city']}"
    )
    small.font.size = Pt(7.5)
    contact = footer.add_paragraph()
    contact.alignment = WD_ALIGN_PARAGRAPH.CENTER
    contact.add_run(
        f"Service clients : {company['customer_service_phone']} (appel non surtaxé), "
        f"{company['customer_service_hours']} — {company['website']}"
    ).font.size = Pt(7.5)


def build(letter: Letter, company: dict) -> None:
    """Write one template."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    _letterhead(document, company)
    core = document.core_properties
    core.title, core.author = letter.title, company["name"]
    core.comments = "Modèle produit par scripts/make_templates.py"
    core.created = core.modified = datetime(2026, 1, 1)

    def para(segments: list[Segment], indent: bool = False, after: float = 0, align=None):
        paragraph = document.add_paragraph()
        if indent:
            paragraph.paragraph_format.left_indent = Cm(9)
        if after:
            paragraph.paragraph_format.space_after = Pt(after)
        if align is not None:
            paragraph.alignment = align
        _add(paragraph, segments)
        return paragraph

    # Sender (the service) on the left, recipient block on the right.
    para([field("Service", bold=True)])
    para([text(company["name"])])
    para([text(company["address"])])
    para([text(f"{company['postcode']} {company['city']}")], after=12)
    title = civility("Ms", "Mr") if letter.english else field("Civilite")
    para([title, text(" "), field("Prenom", split=True), text(" "), field("Nom", "\\* Upper")],
         indent=True)  # fmt: skip
    para([field("Adresse", split=True)], indent=True)
    para([simple_field("CodePostal"), text(" "), field("Ville", "\\* Upper")], indent=True,
         after=18)  # fmt: skip
    if letter.english:
        para([text("Lyon, "), field("DateCourrier", '\\@ "dd/MM/yyyy"')], indent=True, after=18)
        refs = [text("Our ref.: "), field("Reference"), text("   "),
                if_filled("VotreReference", "Your ref.: ")]  # fmt: skip
        para([text("Customer number: "), simple_field("NumeroClient")])
    else:
        para([text("Lyon, le "), field("DateCourrier", DATE, split=True)], indent=True, after=18)
        refs = [text("N/Réf. : "), field("Reference"), text("   "),
                if_filled("VotreReference", "V/Réf. : ")]  # fmt: skip
        para([text("Client n° "), simple_field("NumeroClient")])
    para(refs, after=6)
    if not letter.english:
        para([field("ModeEnvoi", "\\* Upper", bold=True)], after=6)
    label = "Subject: " if letter.english else "Objet : "
    para([text(label, bold=True), *letter.objet], after=18)
    if letter.english:
        para([civility("Dear Ms ", "Dear Mr "), field("Nom"), text(",")], after=12)
    else:
        para([civility("Madame,", "Monsieur,")], after=12)
    for item in letter.body:
        segments = [text(item)] if isinstance(item, str) else item
        para(segments, after=8, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if letter.english:
        para([text("Yours sincerely,")], after=30)
    else:
        para(
            [text("Nous vous prions d'agréer, "), civility("Madame", "Monsieur"),
             text(", l'expression de nos salutations distinguées.")],
            after=30, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )  # fmt: skip
    para([field("Conseiller", bold=True)], indent=True)
    para([field("Service")], indent=True)
    para([text(company["name"])], indent=True)
    document.save(str(OUT / letter.file))
    _stable_zip(OUT / letter.file)


def _stable_zip(path: Path) -> None:
    """Rewrite the .docx with fixed entry dates, so regenerating changes nothing in git."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip


# --- the letters ----------------------------------------------------------------------------


def letters(company: dict) -> list[Letter]:
    """The ten lettres-types; every fact agrees with company.yaml."""
    fees = company["fees"]
    collection = company["collection"]
    plan = collection["plan"]
    billing = company["billing"]
    c = company["company"]
    phone = c["customer_service_phone"]
    hours = c["customer_service_hours"]

    def euros(value: float) -> str:
        return f"{value:.2f}".replace(".", ",") + "\u00a0€"

    base = {
        "Civilite": "M.",
        "Prenom": "Thomas",
        "Nom": "Petit",
        "Adresse": "27 avenue Jean Jaurès\nAppartement 14",
        "CodePostal": "69007",
        "Ville": "Lyon",
        "NumeroClient": "CL0000003",
        "DateCourrier": "2027-03-12",
        "Reference": "REC/CM/2027-0412",
        "VotreReference": "",
        "ModeEnvoi": "Lettre simple",
        "Conseiller": "Camille Martin",
        "Service": "Service Recouvrement",
    }
    unpaid = {
        **base,
        "NumeroFacture": "FA-2027-0012345",
        "DateFacture": "2027-02-01",
        "DateEcheance": "2027-02-15",
        "MontantDu": 49.98,
    }
    invoice_sentence = [
        text("Sauf erreur de notre part, votre facture n° "), field("NumeroFacture"),
        text(" du "), field("DateFacture", DATE), text(", d'un montant de "),
        field("MontantDu", AMOUNT, bold=True), text(", arrivée à échéance le "),
        field("DateEcheance", DATE), text(", reste impayée à ce jour."),
    ]  # fmt: skip
    pay_ways = (
        "par carte bancaire depuis votre espace client (www.orbelia.fr/espace-client) ou "
        "l'application Orbelia & Moi, par virement, ou par chèque à l'ordre d'Orbelia Télécom "
        "en rappelant votre numéro client au dos."
    )
    difficulties = (
        f"Si vous rencontrez des difficultés de paiement, appelez notre service clients au "
        f"{phone} (appel non surtaxé), {hours} : un conseiller étudiera avec vous la "
        "possibilité d'un échéancier."
    )
    return [
        Letter(
            "relance-impaye-1.docx",
            "Relance d'impayé — premier rappel",
            [text("Facture n° "), field("NumeroFacture"), text(" impayée — premier rappel")],
            [
                invoice_sentence,
                "Il s'agit peut-être d'un simple oubli. Nous vous remercions de bien vouloir "
                "régler cette somme " + pay_ways,
                [
                    text("Votre règlement doit nous parvenir au plus tard le "),
                    field("DateLimite", DATE, bold=True),
                    text("."),
                ],
                difficulties,
                "Si votre règlement a été effectué entre-temps, nous vous prions de ne pas tenir "
                "compte de ce courrier.",
            ],
            {**unpaid, "DateCourrier": "2027-02-25", "DateLimite": "2027-03-07"},
        ),
        Letter(
            "relance-impaye-2.docx",
            "Relance d'impayé — second rappel",
            [text("Facture n° "), field("NumeroFacture"), text(" impayée — second rappel")],
            [
                [
                    text("Malgré notre premier rappel, nous constatons que votre facture n° "),
                    field("NumeroFacture", split=True),
                    text(" d'un montant de "),
                    field("MontantDu", AMOUNT, bold=True),
                    text(", échue depuis le "),
                    field("DateEcheance", DATE),
                    text(", n'est toujours pas réglée."),
                ],
                [
                    text("Nous vous demandons de régulariser votre situation avant le "),
                    field("DateLimite", DATE, bold=True),
                    text(", " + pay_ways),
                ],
                f"Sans règlement de votre part, une mise en demeure vous sera adressée, puis vos "
                f"services seront restreints {collection['suspension_days']} jours après "
                "l'échéance de la facture (les appels d'urgence restant toujours possibles).",
                difficulties,
            ],
            {**unpaid, "DateCourrier": "2027-03-12", "DateLimite": "2027-03-26"},
        ),
        Letter(
            "mise-en-demeure.docx",
            "Mise en demeure de payer",
            [text("Mise en demeure — facture n° "), field("NumeroFacture")],
            [
                [
                    text("Malgré nos relances, votre facture n° "),
                    field("NumeroFacture"),
                    text(", échue le "),
                    field("DateEcheance", DATE),
                    text(", reste impayée. Le montant restant dû s'élève à "),
                    field("MontantDu", AMOUNT, bold=True),
                    text("."),
                ],
                [
                    text(
                        "Par la présente, nous vous mettons en demeure de régler cette somme au "
                        "plus tard le "
                    ),
                    field("DateLimite", DATE, bold=True),
                    text("."),
                ],
                [
                    text(
                        "À défaut de paiement à cette date, vos services seront restreints (les "
                        "appels d'urgence restant possibles). Sans régularisation, votre contrat "
                        f"sera résilié pour impayé {collection['termination_days']} jours après "
                        "l'échéance de la facture ; les frais de résiliation ("
                        f"{euros(fees['termination_box'])} pour une box) vous seraient alors "
                        "facturés et le recouvrement de votre dette pourrait être confié à un "
                        "organisme spécialisé."
                    )
                ],
                difficulties,
            ],
            {
                **unpaid,
                "DateCourrier": "2027-03-27",
                "DateLimite": "2027-04-01",
                "ModeEnvoi": "Lettre recommandée avec accusé de réception",
                "Reference": "REC/MD/2027-0093",
            },
        ),
        Letter(
            "confirmation-echeancier.docx",
            "Confirmation d'échéancier",
            [text("Confirmation de votre échéancier de paiement")],
            [
                [
                    text(
                        "Comme convenu lors de notre entretien téléphonique, nous vous accordons "
                        "un échéancier pour le règlement de la somme de "
                    ),
                    field("MontantDu", AMOUNT, bold=True),
                    text("."),
                ],
                [
                    text("Vous réglerez "),
                    field("NombreEcheances", bold=True),
                    text(" échéances mensuelles de "),
                    field("MontantEcheance", AMOUNT, bold=True),
                    text(" (la dernière étant ajustée au centime près), la première le "),
                    field("DatePremiereEcheance", DATE, bold=True),
                    text(", les suivantes à la même date les mois suivants, par "),
                    field("ModePaiement"),
                    text("."),
                ],
                "Vos factures courantes restent à régler à leur échéance habituelle. Si une "
                "échéance n'était pas honorée, l'échéancier serait annulé et la totalité du "
                "solde deviendrait immédiatement exigible.",
                f"Cet échéancier est accordé une seule fois sur douze mois, dans la limite de "
                f"{plan['max_instalments']} échéances d'au moins {euros(plan['min_instalment'])}.",
            ],
            {
                **base,
                "Civilite": "M.",
                "Prenom": "Lucas",
                "Nom": "Moreau",
                "Adresse": "3 impasse des Tilleuls",
                "CodePostal": "42000",
                "Ville": "Saint-Étienne",
                "NumeroClient": "CL0000005",
                "MontantDu": 119.94,
                "NombreEcheances": 4,
                "MontantEcheance": 29.99,
                "DatePremiereEcheance": "2027-04-05",
                "ModePaiement": "prélèvement SEPA",
                "Reference": "REC/ECH/2027-0057",
            },
        ),
        Letter(
            "confirmation-commande.docx",
            "Confirmation de commande",
            [text("Confirmation de votre commande n° "), field("NumeroCommande")],
            [
                [
                    text(
                        "Nous vous remercions de votre confiance et vous confirmons votre "
                        "commande n° "
                    ),
                    field("NumeroCommande"),
                    text(" du "),
                    field("DateCommande", DATE),
                    text(" : "),
                    field("Offre", bold=True),
                    text(", au prix de "),
                    field("PrixMensuel", AMOUNT),
                    text(" par mois."),
                ],
                f"Des frais de mise en service de {euros(fees['activation_box'])} figureront "
                "sur votre première facture. Vos factures sont émises le 1er de chaque mois et "
                f"payables {billing['due_after_days']} jours plus tard.",
                [
                    text(
                        "Votre box vous sera livrée en Colissimo sous 48 heures ouvrées, ou en "
                        "point relais si vous l'avez choisi ; la livraison est prévue le "
                    ),
                    field("DateLivraison", DATE, bold=True),
                    text("."),
                ],
                f"Vous disposez d'un délai de rétractation de {billing['withdrawal_days']} jours "
                "à compter de la réception de votre box, sans avoir à justifier de motif.",
            ],
            {
                **base,
                "Civilite": "Mme",
                "Prenom": "Sophie",
                "Nom": "Durand",
                "Adresse": "12 rue des Lilas",
                "CodePostal": "69003",
                "NumeroClient": "CL0000001",
                "NumeroCommande": "CO-2027-004211",
                "DateCommande": "2027-03-01",
                "Offre": "Box Plus",
                "PrixMensuel": 34.99,
                "DateLivraison": "2027-03-04",
                "Service": "Service Ventes et fidélisation",
                "Reference": "VTE/2027-004211",
            },
        ),
        Letter(
            "rendez-vous-technicien.docx",
            "Rendez-vous technicien",
            [text("Confirmation de votre rendez-vous avec un technicien")],
            [
                [
                    text(
                        "Suite à votre appel, nous vous confirmons le passage d'un technicien à "
                        "votre domicile le "
                    ),
                    field("DateRendezVous", '\\@ "dddd d MMMM yyyy"', bold=True),
                    text(", sur le créneau "),
                    field("Creneau", bold=True),
                    text(", à l'adresse ci-dessus, pour votre ligne n° "),
                    field("NumeroLigne"),
                    text("."),
                ],
                "Une personne majeure devra être présente pendant toute l'intervention. Merci de "
                "laisser un accès libre à votre box et à la prise fibre.",
                f"Si la panne provient de votre installation intérieure ou d'un équipement qui "
                f"ne nous appartient pas, l'intervention vous sera facturée "
                f"{euros(fees['technician_visit'])}.",
                f"Pour déplacer ce rendez-vous, contactez-nous au {phone} (appel non surtaxé) au "
                "plus tard la veille.",
            ],
            {
                **base,
                "Civilite": "Mme",
                "Prenom": "Sophie",
                "Nom": "Durand",
                "Adresse": "12 rue des Lilas",
                "CodePostal": "69003",
                "NumeroClient": "CL0000001",
                "DateRendezVous": "2027-03-16",
                "Creneau": "10 h - 12 h",
                "NumeroLigne": "09 51 23 45 67",
                "Service": "Assistance technique",
                "Reference": "TEC/RDV/2027-1187",
            },
        ),
        Letter(
            "reponse-reclamation.docx",
            "Réponse à une réclamation",
            [field("Objet"), text(" — réclamation n° "), field("NumeroReclamation")],
            [
                [
                    text("Nous avons bien reçu votre réclamation du "),
                    field("DateReclamation", DATE),
                    text(
                        " et vous remercions de nous avoir fait part de votre mécontentement. "
                        "Nous vous présentons nos excuses pour la gêne occasionnée."
                    ),
                ],
                "Après examen de votre dossier, nous avons constaté que l'interruption de votre "
                "service était due à un incident sur notre réseau, désormais résolu.",
                [
                    text("À titre de geste commercial, un avoir de "),
                    field("MontantGeste", AMOUNT, bold=True),
                    text(" sera déduit de votre prochaine facture."),
                ],
                "Si cette réponse ne vous donne pas satisfaction, vous pouvez saisir gratuitement "
                "le Médiateur des communications électroniques sur www.mediateur-telecom.fr.",
            ],
            {
                **base,
                "Civilite": "Mme",
                "Prenom": "Marie-Claire",
                "Nom": "Hoarau",
                "Adresse": "8 rue de Paris",
                "CodePostal": "97400",
                "Ville": "Saint-Denis",
                "NumeroClient": "CL0000004",
                "Objet": "Interruption de votre service Internet",
                "NumeroReclamation": "RC-2027-000318",
                "DateReclamation": "2027-02-20",
                "MontantGeste": 15,
                "VotreReference": "Votre courrier du 20 février 2027",
                "Service": "Service Réclamations",
                "Reference": "RCL/2027-000318",
            },
        ),
        Letter(
            "bienvenue.docx",
            "Lettre de bienvenue",
            [text("Bienvenue chez Orbelia Télécom")],
            [
                [
                    text("Nous sommes heureux de vous compter parmi nos clients depuis le "),
                    field("DateSouscription", DATE),
                    text(" et vous remercions d'avoir choisi "),
                    field("Offre", bold=True),
                    text(", au prix de "),
                    field("PrixMensuel", AMOUNT),
                    text(" par mois."),
                ],
                [
                    text("Votre numéro client est le "),
                    field("NumeroClient", bold=True),
                    text(" : rappelez-le à chacun de vos contacts avec nous."),
                ],
                "Votre espace client (www.orbelia.fr/espace-client) et l'application Orbelia & "
                "Moi vous permettent de consulter vos factures, de suivre votre consommation et "
                "de modifier vos options à tout moment.",
                [
                    text("Vos factures sont émises le 1er de chaque mois et réglées par "),
                    field("ModePaiement"),
                    text(f", {billing['due_after_days']} jours après leur émission."),
                ],
                f"Notre service clients est à votre écoute au {phone} (appel non surtaxé), "
                f"{hours}.",
            ],
            {
                **base,
                "Civilite": "Mme",
                "Prenom": "Sophie",
                "Nom": "Durand",
                "Adresse": "12 rue des Lilas",
                "CodePostal": "69003",
                "NumeroClient": "CL0000001",
                "DateSouscription": "2027-03-01",
                "Offre": "Box Plus",
                "PrixMensuel": 34.99,
                "ModePaiement": "prélèvement SEPA",
                "Service": "Service Accueil clients",
                "Reference": "ACC/2027-0301",
            },
        ),
        Letter(
            "confirmation-resiliation.docx",
            "Confirmation de résiliation",
            [text("Confirmation de la résiliation de votre contrat")],
            [
                [
                    text(
                        "Nous accusons réception de votre demande et vous confirmons la "
                        "résiliation de votre offre "
                    ),
                    field("Offre", bold=True),
                    text(" (ligne n° "),
                    field("NumeroLigne"),
                    text("), qui prendra effet le "),
                    field("DateResiliation", DATE, bold=True),
                    text("."),
                ],
                f"Des frais de résiliation de {euros(fees['termination_box'])} figureront sur "
                "votre dernière facture, avec les sommes restant dues jusqu'à la date d'effet.",
                f"Merci de nous retourner votre box et, le cas échéant, votre décodeur dans les "
                f"30 jours suivant la résiliation, avec le bon de retour prépayé joint. À défaut, "
                f"{euros(fees['unreturned_box'])} pour la box et "
                f"{euros(fees['unreturned_decoder'])} pour le décodeur vous seront facturés.",
                "Nous regrettons votre départ et restons à votre disposition si vous souhaitez "
                "revenir chez Orbelia Télécom.",
            ],
            {
                **base,
                "Civilite": "M.",
                "Prenom": "Lucas",
                "Nom": "Moreau",
                "Adresse": "3 impasse des Tilleuls",
                "CodePostal": "42000",
                "Ville": "Saint-Étienne",
                "NumeroClient": "CL0000005",
                "Offre": "Box Plus",
                "NumeroLigne": "09 53 44 55 66",
                "DateResiliation": "2027-03-31",
                "ModeEnvoi": "Lettre recommandée avec accusé de réception",
                "Service": "Service Ventes et fidélisation",
                "Reference": "RES/2027-0211",
            },
        ),
        Letter(
            "reply-english-customer.docx",
            "Reply to an English-speaking customer",
            # The subject the agent types in "Objet" (letters_desk passes it as `Objet`).
            [field("Objet")],
            [
                [
                    text("Thank you for your message about using your "),
                    field("Offre", bold=True),
                    text(" plan during your stay abroad."),
                ],
                "Your plan includes data in Europe and in the French overseas departments, at no "
                "extra cost, within the allowance shown in your customer area. Calls and texts "
                "within Europe are billed as in France.",
                "For other destinations, you can add the Pass Monde (5 GB for 30 days, €19.99) "
                "from the Orbelia & Moi app before you leave.",
                "If you need any further help, please call us on +33 9 70 80 90 00, Monday to "
                "Saturday, 8 am to 9 pm (French time).",
            ],
            {
                **base,
                "Civilite": "Mme",
                "Prenom": "Emily",
                "Nom": "Parker",
                "Adresse": "5 rue Mercière",
                "CodePostal": "69002",
                "NumeroClient": "CL0000042",
                "Offre": "Forfait 150 Go 5G",
                "Objet": "Using your mobile plan abroad",
                "VotreReference": "Your e-mail of 8 March 2027",
                "Service": "Customer Service",
                "Reference": "ACC/EN/2027-0042",
            },
            english=True,
        ),
    ]


README_INTRO = """# Lettres-types d'Orbelia Télécom

Modèles de courriers au format Word (.docx) pour l'épreuve « produire un message personnalisé »
(compétence C3.3). Chaque modèle contient de vrais champs de fusion Word (MERGEFIELD) : on peut
l'ouvrir et le modifier dans Word ou LibreOffice, puis le fusionner avec le poste de travail.

Ces fichiers sont produits par `scripts/make_templates.py` (ne les modifiez pas à la main :
modifiez le script puis relancez-le). Les chiffres (frais, délais, adresses) sont ceux de
`seed_data/company.yaml`.

## Utilisation

```
acvd merge fields seed_data/templates/relance-impaye-1.docx
acvd merge one seed_data/templates/relance-impaye-1.docx \\
    --data seed_data/templates/exemples/relance-impaye-1.json --out lettres/
acvd merge batch seed_data/templates/relance-impaye-1.docx \\
    --data seed_data/templates/exemples/clients-relance.csv --out lettres/ --single-file
```

Options utiles :

- `--customer CL0000003` (avec `one`) remplit la lettre depuis la fiche du client dans le CRM
  (identité, adresse, offre, plus ancienne facture impayée) ; `--data` complète alors ce que
  le CRM ne connaît pas (Conseiller, Service, Reference, ModeEnvoi…).
- `--preview` affiche la lettre en texte dans le terminal ; sans `--out`, rien n'est écrit.
- `--single-file` (avec `batch`) produit un seul document : chaque lettre est une section qui
  commence sur une nouvelle page, avec son propre en-tête.
- `--pdf` produit aussi le PDF avec LibreOffice, s'il est installé.
- Un fichier n'est jamais écrasé : si le nom est pris, la lettre reçoit le suffixe `-2`, `-3`…
  Avec `--no-clobber`, la commande refuse au contraire d'écrire (et n'écrit rien du tout) dès
  qu'un fichier du même nom existe. Les noms sont sans accents ni séparateurs
  (`relance-impaye-1-CL0000003-Petit.docx`) ; `--name "{NumeroClient}-{Nom}"` les choisit.
- Si une valeur manque, la fusion est refusée avec la liste des champs à compléter et rien
  n'est écrit ; `--allow-missing` laisse ces champs vides.

Le dossier `exemples/` contient un enregistrement complet (JSON) pour chaque modèle, et un
export Excel à la française (`clients-relance.csv` : séparateur `;`, décimales à virgule,
dates jj/mm/aaaa, encodage Windows-1252) pour un publipostage.

Présentation des lettres : en-tête de la société, bloc expéditeur (service), bloc destinataire
à droite, lieu et date (« Lyon, le 12 mars 2027 »), numéro client, références N/Réf. – V/Réf.
(la V/Réf. n'apparaît que si elle est renseignée), mode d'envoi, objet, appel (« Madame, » ou
« Monsieur, » selon la civilité), corps, formule de politesse, signature (conseiller, service),
mentions légales en pied de page.

Règles de mise en forme à la fusion : les dates s'écrivent en français (« 1er avril 2027 »,
« 12 mars 2027 »), les montants avec une espace insécable comme séparateur des milliers et une
virgule décimale (« 1 234,50 € »).

## Les modèles

| Fichier | Courrier | Variables utilisées |
|---|---|---|
"""


def write_readme(all_letters: list[Letter]) -> None:
    """The French README of the templates: the letters and the vocabulary, from the code."""
    from mailmerge.engine import Template
    from mailmerge.variables import VOCABULARY

    lines = [README_INTRO.rstrip("\n")]
    for letter in all_letters:
        names = ", ".join(f.name for f in Template.open(OUT / letter.file).fields)
        lines.append(f"| `{letter.file}` | {letter.title} | {names} |")
    lines += [
        "",
        "## Les variables",
        "",
        "Noms reconnus dans les champs de fusion (la casse, les accents et les espaces ne "
        "comptent pas : « Code postal » désigne CodePostal). Un champ inconnu est signalé par "
        "`acvd merge fields`, avec les noms connus les plus proches. Un champ placé seulement "
        "dans une condition SI (IF) est facultatif ; tous les autres doivent être renseignés.",
        "",
        "| Variable | Type | Description | Exemple |",
        "|---|---|---|---|",
    ]
    for variable in VOCABULARY.values():
        lines.append(
            f"| {variable.name} | {variable.kind} | {variable.description} | {variable.example} |"
        )
    (OUT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_batch_sample(path: Path) -> None:
    """A French Excel export (Windows-1252, ';', comma decimals, dd/mm/yyyy) for batches."""
    rows = [
        ["Civilite", "Prenom", "Nom", "Adresse", "CodePostal", "Ville", "NumeroClient",
         "NumeroFacture", "DateFacture", "DateEcheance", "MontantDu", "DateLimite",
         "DateCourrier", "Reference", "VotreReference", "ModeEnvoi", "Conseiller", "Service"],
        ["M.", "Thomas", "Petit", "27 avenue Jean Jaurès", "69007", "Lyon", "CL0000003",
         "FA-2027-0012345", "01/02/2027", "15/02/2027", "49,98", "07/03/2027", "25/02/2027",
         "REC/CM/2027-0412", "", "Lettre simple", "Camille Martin", "Service Recouvrement"],
        ["M.", "Lucas", "Moreau", "3 impasse des Tilleuls", "42000", "Saint-Étienne",
         "CL0000005", "FA-2027-0012388", "01/02/2027", "15/02/2027", "39,98", "07/03/2027",
         "25/02/2027", "REC/CM/2027-0413", "", "Lettre simple", "Camille Martin",
         "Service Recouvrement"],
        ["Mme", "Hélène", "Lefèvre", "14 cours Gambetta", "69003", "Lyon", "CL0000012",
         "FA-2027-0012402", "01/02/2027", "15/02/2027", "1 234,50", "07/03/2027",
         "25/02/2027", "REC/CM/2027-0414", "Votre appel du 20 février 2027", "Lettre simple",
         "Camille Martin", "Service Recouvrement"],
    ]  # fmt: skip
    lines = [";".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def main() -> None:
    """Write every template, its sample record, and a CSV for batches."""
    facts = yaml.safe_load((ROOT / "seed_data" / "company.yaml").read_text(encoding="utf-8"))
    company = {**facts["company"], **facts}
    OUT.mkdir(parents=True, exist_ok=True)
    samples = OUT / "exemples"
    samples.mkdir(exist_ok=True)
    for letter in letters(company):
        build(letter, company["company"])
        record = {k: v for k, v in letter.sample.items()}
        name = Path(letter.file).stem
        (samples / f"{name}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    write_batch_sample(OUT / "exemples" / "clients-relance.csv")
    write_readme(letters(company))
    print(f"{len(letters(company))} modèles écrits dans {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
