"""The generated customers of the demo company: who they are and what they subscribed to.

Faker is slow, so it only fills pools of names, streets and companies once per seed; every
other choice is drawn from one `random.Random(seed)` in a fixed order, so a seed always gives
the same company, whatever the chunk size. A customer is first decided as a `CustomerSpec`
(here); `crm.seed_rows` turns it into rows, `crm.seed_phones` draws its numbers.
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from faker import Faker

from crm.validation import phone as normalise_phone

if TYPE_CHECKING:
    from crm.seed_phones import PhoneFactory

PARIS = ZoneInfo("Europe/Paris")
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip

# Options that make no sense on a box because it already includes them.
BOX_OPTION_EXCLUSIONS = {
    "BOX-PLUS": {"OPT-DECODEUR"},
    "BOX-ULTRA": {"OPT-DECODEUR", "OPT-CINE", "OPT-REPETEUR"},
    "BOX-ADSL": {"OPT-DECODEUR"},
}

BANK_CODES = ("30004", "30003", "20041", "10278", "30002", "11306", "17515", "18206")
EMAIL_DOMAINS = (
    "gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr", "hotmail.fr", "yahoo.fr",
    "outlook.fr", "wanadoo.fr", "bbox.fr",
)  # fmt: skip
TRADES = (
    "Boulangerie", "Garage", "Cabinet", "Pharmacie", "Boucherie", "Salon", "Atelier",
    "Transports", "Plomberie", "Menuiserie", "Restaurant", "Librairie", "Fleurs",
)  # fmt: skip
LEGAL_FORMS = ("SARL", "SAS", "EURL", "SASU", "EI")
ADDRESS_EXTRAS = (
    "Bâtiment A", "Bâtiment B", "Résidence Les Tilleuls", "Résidence du Parc", "Escalier 2",
    "Appartement 12", "Appartement 4", "3e étage", "Lieu-dit Les Granges",
)  # fmt: skip
STUDENT_NAMES = ("Lina Haddad", "Enzo Fontaine", "Inès Dupuis", "Noah Lambert", "Jade Renaud")


def cents(value: Any) -> int:
    """Euros from a YAML number (24.99) to integer cents, exactly."""
    return int((Decimal(str(value)) * 100).to_integral_value())


_MONEY: dict[int, Decimal] = {}


def money(amount_cents: int) -> Decimal:
    """Cents to an exact Decimal of euros (cached: the same prices come back all the time)."""
    value = _MONEY.get(amount_cents)
    if value is None:
        value = Decimal(amount_cents).scaleb(-2)
        if len(_MONEY) < 100_000:
            _MONEY[amount_cents] = value
    return value


def euros_text(amount_cents: int) -> str:
    """'1 234,50 €' as written in French."""
    whole, rest = divmod(amount_cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


def fold(text: str) -> str:
    """Lower-case ASCII for e-mail addresses: 'Hélène Lefèvre' -> 'helene lefevre'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def luhn_complete(partial: str) -> str:
    """`partial` followed by its Luhn check digit (SIREN and SIRET numbers)."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return partial + str((10 - total % 10) % 10)


def french_iban(bank: str, branch: str, account: str) -> str:
    """A French IBAN with a correct RIB key and ISO 13616 check digits."""
    rib_key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    check = 98 - int(bban + "152700") % 97  # "FR00" -> F=15, R=27, 00
    return f"FR{check:02d}{bban}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the 28th to exist in every month)."""
    month_index = day.year * 12 + day.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, min(day.day, 28))


def paris_time(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A wall-clock time in Paris as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute, second), PARIS).astimezone(UTC)


def randint(rng: random.Random, low: int, high: int) -> int:
    """Like `rng.randint(low, high)`, several times faster (one call to `random()`)."""
    return low + int(rng.random() * (high - low + 1))


class WeightedChoice:
    """Fast repeated weighted choices from one sequence (bisect on cumulative weights)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative: list[float] = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class OfferInfo:
    id: int
    code: str
    kind: str
    name: str
    monthly_cents: int | None
    one_off_cents: int | None
    engagement_months: int
    applies_to: str | None


@dataclass
class ContractSpec:
    offer: str
    line: str | None
    options: list[str]
    start: date
    status: str = "active"
    end: date | None = None


@dataclass
class RequestSpec:
    category: str
    service: str
    motive: str
    description: str
    open: bool
    appointment: str | None = None


@dataclass
class CustomerSpec:
    """Everything decided about one customer before its rows are written."""

    id: int
    number: str
    kind: str
    civility: str
    first_name: str
    last_name: str
    company_name: str | None
    siret: str | None
    birth_date: date | None
    address_line1: str
    address_line2: str | None
    postcode: str
    city: str
    email: str | None
    marketing_consent: bool
    contact_preference: str
    segment: str
    payment_method: str
    iban: str | None
    since: date
    phones: list[tuple[str, str]]
    contracts: list[ContractSpec] = field(default_factory=list)
    #: How many of the most recent invoices already due are unpaid.
    unpaid: int = 0
    plan_instalments: int | None = None
    request: RequestSpec | None = None
    fixed: bool = False


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    kind: str
    share: float
    starts_on: date


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    kind: str
    choices: tuple[str, ...]
    scale_min: int | None
    scale_max: int | None
    required: bool


class Ids:
    """Explicit primary keys, so rows can refer to each other before they are inserted."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next(self, table: str) -> int:
        value = self.last.get(table, 0) + 1
        self.last[table] = value
        return value


@dataclass
class World:
    """What generation needs besides the random stream: the catalogue, the templates, time."""

    rng: random.Random
    now: datetime
    today: date
    offers: dict[str, OfferInfo]
    fees: dict[str, int]
    bundle_discount: int
    due_after_days: int
    service_ids: dict[str, int]
    campaigns: dict[str, CampaignInfo]
    survey_id: int | None
    survey_questions: list[QuestionInfo]
    history: dict[str, Any]
    slots: list[tuple[int, int]]
    phones: PhoneFactory
    ids: Ids = field(default_factory=Ids)
    pools: dict[str, Any] = field(default_factory=dict)
    choosers: dict[str, WeightedChoice] = field(default_factory=dict)
    #: The issue dates of the monthly invoices generated (the 1st of the last months).
    invoice_dates: list[date] = field(default_factory=list)


def build_pools(world: World, seed: int, communes: list[tuple[str, str, float]]) -> None:
    """Fill the name, street and company pools from Faker, once per seed."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    world.pools = {
        "male": [fake.first_name_male() for _ in range(400)],
        "female": [fake.first_name_female() for _ in range(400)],
        "last": [fake.last_name() for _ in range(1500)],
        "street": [fake.street_name() for _ in range(1500)],
        "company": [fake.company() for _ in range(600)],
    }
    world.choosers["commune"] = WeightedChoice(
        [(postcode, city) for postcode, city, _w in communes], [w for _p, _c, w in communes]
    )
    history = world.history
    for key in ("interactions", "collection_interactions", "requests"):
        world.choosers[key] = WeightedChoice(history[key], [t["weight"] for t in history[key]])
    world.choosers["box"] = WeightedChoice(
        ["BOX-ESS", "BOX-PLUS", "BOX-ULTRA", "BOX-ADSL"], [35, 35, 12, 18]
    )
    world.choosers["mobile"] = WeightedChoice(
        ["MOB-2H", "MOB-50", "MOB-150", "MOB-300"], [15, 40, 30, 15]
    )
    first = world.today.replace(day=1)
    world.invoice_dates = [add_months(first, -k) for k in range(5, -1, -1)]


def random_customer(world: World, customer_id: int) -> CustomerSpec:
    """A plausible customer drawn from the pools (about 80 % private, 20 % business)."""
    rng = world.rng
    pools = world.pools
    professional = rng.random() < 0.2
    civility = "M." if rng.random() < 0.5 else "Mme"
    first_name = rng.choice(pools["male"] if civility == "M." else pools["female"])
    last_name = rng.choice(pools["last"])
    postcode, city = world.choosers["commune"].pick(rng)
    since = world.today - timedelta(days=int(rng.triangular(20, 3650, 400)))
    company_name = siret = birth_date = None
    if professional:
        if rng.random() < 0.5:
            company_name = rng.choice(pools["company"])
        else:
            company_name = f"{rng.choice(TRADES)} {last_name} {rng.choice(LEGAL_FORMS)}"
        siret = luhn_complete(luhn_complete(f"{randint(rng, 10**7, 10**8 - 1)}") + "0001")
    else:
        birth_date = world.today - timedelta(days=randint(rng, 18 * 365 + 5, 88 * 365 - 1))
    email = None
    if rng.random() < 0.9:
        if professional and rng.random() < 0.6:
            slug = "".join(c if c.isalnum() else "-" for c in fold(last_name)).strip("-")
            email = f"contact@{slug}-{rng.choice(('pro', 'services', 'conseil', 'sarl'))}.fr"
        else:
            local = f"{fold(first_name)}.{fold(last_name)}".replace(" ", "-").replace("'", "")
            if rng.random() < 0.4:
                local += str(randint(rng, 1, 98))
            email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
    roll = rng.random()
    if professional:
        payment_method = "direct_debit" if roll < 0.6 else "transfer" if roll < 0.9 else "card"
    else:
        payment_method = (
            "direct_debit" if roll < 0.72 else "card" if roll < 0.9 else "cheque" if roll < 0.95
            else "transfer"
        )  # fmt: skip
    iban = None
    if payment_method == "direct_debit":
        iban = french_iban(
            rng.choice(BANK_CODES),
            f"{int(rng.random() * 100000):05d}",
            f"{int(rng.random() * 10**11):011d}",
        )
    roll = rng.random()
    preference = (
        "telephone" if roll < 0.5 else "email" if roll < 0.8 else "sms" if roll < 0.94
        else "courrier"
    )  # fmt: skip
    # Phones: 1 to 3, the first a mobile for most people.
    count = 1 if rng.random() < 0.55 else 2 if rng.random() < 0.8 else 3
    labels = ["mobile" if rng.random() < 0.85 else "fixe"]
    for _ in range(count - 1):
        labels.append("pro" if professional else ("fixe" if labels[0] == "mobile" else "mobile"))
    phones = [(label, world.phones.new(label, postcode)) for label in labels]
    line2 = rng.choice(ADDRESS_EXTRAS) if rng.random() < 0.12 else None
    spec = CustomerSpec(
        id=customer_id,
        number=f"CL{customer_id:07d}",
        kind="professionnel" if professional else "particulier",
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        company_name=company_name,
        siret=siret,
        birth_date=birth_date,
        address_line1=f"{randint(rng, 1, 120)} {rng.choice(pools['street'])}",
        address_line2=line2,
        postcode=postcode,
        city=city,
        email=email,
        marketing_consent=rng.random() < 0.55,
        contact_preference=preference,
        segment="premium" if rng.random() < 0.1 else "loyal" if since.year < 2020 else "standard",
        payment_method=payment_method,
        iban=iban,
        since=since,
        phones=phones,
    )
    _random_contracts(world, spec, professional)
    # A realistic few percent of customers are late paying, with days late spread out.
    if rng.random() < 0.05:
        spec.unpaid = rng.choice((1, 1, 2, 2, 3))
        spec.segment = "at_risk"
        if spec.unpaid >= 2 and rng.random() < 0.25:
            spec.plan_instalments = randint(rng, 2, 6)
    if rng.random() < 0.07:
        template = world.choosers["requests"].pick(rng)
        spec.request = RequestSpec(
            category=template["category"],
            service=template["service"],
            motive=template["motive"],
            description=template["description"],
            open=rng.random() < 0.45,
        )
    return spec


def fixed_customer(world: World, customer_id: int, data: dict[str, Any]) -> CustomerSpec:
    """A hand-written customer of customers.yaml (raises KeyError/ValueError on bad data)."""
    number = str(data["number"])
    if number != f"CL{customer_id:07d}":
        raise ValueError(f"le client n° {customer_id} doit porter le numéro CL{customer_id:07d}")
    since = data["since"]
    if not isinstance(since, date):
        since = date.fromisoformat(str(since))
    phones = [(str(p["label"]), normalise_phone(str(p["number"]))) for p in data["phones"]]
    contracts = []
    for item in data["contracts"]:
        if item["offer"] not in world.offers:
            raise ValueError(f"offre inconnue « {item['offer']} »")
        for code in item.get("options", []):
            if code not in world.offers:
                raise ValueError(f"option inconnue « {code} »")
        line = normalise_phone(str(item["line"])) if item.get("line") else None
        contracts.append(ContractSpec(item["offer"], line, list(item.get("options", [])), since))
    iban = None
    if data.get("payment_method", "direct_debit") == "direct_debit":
        iban = french_iban("30004", f"{customer_id:05d}", f"{customer_id * 7919:011d}")
    request = None
    if data.get("open_request"):
        item = data["open_request"]
        request = RequestSpec(
            category=item["category"],
            service=item["service"],
            motive=item["motive"],
            description=item["description"],
            open=True,
            appointment=item.get("appointment"),
        )
    birth = data.get("birth_date")
    return CustomerSpec(
        id=customer_id,
        number=number,
        kind=data["kind"],
        civility=data["civility"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        company_name=data.get("company_name"),
        siret=data.get("siret"),
        birth_date=birth if isinstance(birth, date) or birth is None else date.fromisoformat(birth),
        address_line1=data["address_line1"],
        address_line2=data.get("address_line2"),
        postcode=str(data["postcode"]),
        city=data["city"],
        email=data.get("email"),
        marketing_consent=bool(data.get("marketing_consent", False)),
        contact_preference=data.get("contact_preference", "telephone"),
        segment=data.get("segment", "standard"),
        payment_method=data.get("payment_method", "direct_debit"),
        iban=iban,
        since=since,
        phones=phones,
        contracts=contracts,
        unpaid=int(data.get("unpaid_invoices", 0)),
        plan_instalments=(data.get("payment_plan") or {}).get("instalments"),
        request=request,
        fixed=True,
    )


def _random_contracts(world: World, spec: CustomerSpec, professional: bool) -> None:
    rng = world.rng
    has_box = rng.random() < (0.8 if professional else 0.72)
    weights = (20, 40, 25, 15) if professional else (35, 40, 17, 8)
    mobiles = rng.choices((0, 1, 2, 3), weights=weights)[0]
    if not has_box and mobiles == 0:
        mobiles = 1
    mobile_phones = [e164 for label, e164 in spec.phones if label == "mobile"]
    span = max(1, (world.today - spec.since).days)
    if has_box:
        code = world.choosers["box"].pick(rng)
        options = []
        if rng.random() < 0.35:
            excluded = BOX_OPTION_EXCLUSIONS.get(code, set())
            choices = [
                o.code
                for o in world.offers.values()
                if o.applies_to in ("box", "any") and o.monthly_cents and o.code not in excluded
            ]
            options = sorted(set(rng.sample(choices, 2 if rng.random() < 0.25 else 1)))
        line = world.phones.new("box", spec.postcode)
        spec.contracts.append(ContractSpec(code, line, options, spec.since))
    for index in range(mobiles):
        code = world.choosers["mobile"].pick(rng)
        start = spec.since if index == 0 else spec.since + timedelta(days=int(rng.random() * span))
        line = (
            mobile_phones[index]
            if index < len(mobile_phones)
            else world.phones.new("mobile", spec.postcode)
        )
        options = ["OPT-ASSURANCE"] if rng.random() < 0.12 else []
        contract = ContractSpec(code, line, options, start)
        if index > 0 and rng.random() < 0.1 and start < world.today - timedelta(days=40):
            contract.status = "terminated"
            contract.end = start + timedelta(
                days=rng.randrange(30, max(31, (world.today - start).days))
            )
        spec.contracts.append(contract)
