"""The generated customers of the demo company: people, phones, contracts, bills and history.

Faker is slow, so it only fills pools of names, streets and companies once per seed; every
other choice is drawn from one `random.Random(seed)` in a fixed order, so a seed always gives
the same company, whatever the chunk size. Rows are plain dicts for Core bulk inserts.
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from faker import Faker

from crm.errors import ValidationError
from crm.validation import fold as fold_name
from crm.validation import phone as normalise_phone

PARIS = ZoneInfo("Europe/Paris")
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip

#: Tables filled per customer, in an order that respects foreign keys.
CUSTOMER_TABLES = (
    "customers",
    "phone_numbers",
    "contracts",
    "contract_options",
    "orders",
    "order_lines",
    "payment_plans",
    "invoices",
    "instalments",
    "payments",
    "requests",
    "interactions",
    "appointments",
    "call_list_entries",
    "survey_responses",
    "survey_answers",
)

# Options that make no sense on a box because it already includes them.
BOX_OPTION_EXCLUSIONS = {
    "BOX-PLUS": {"OPT-DECODEUR"},
    "BOX-ULTRA": {"OPT-DECODEUR", "OPT-CINE", "OPT-REPETEUR"},
    "BOX-ADSL": {"OPT-DECODEUR"},
}

# Overseas departments: (mobile prefixes, landline prefixes), national format, chosen in the
# ranges the numbering plan allocates (other overseas ranges are partly unallocated).
DOM_PREFIXES = {
    "971": (("0690",), ("05900", "05901", "05902", "05903", "05904", "05905")),
    "972": (("0696", "0697"), ("05960", "05963", "05964", "05965", "05966")),
    "973": (("06940", "06941", "06942", "06944"), ("05940", "05942", "05943", "05944")),
    "974": (("0692",), ("0262",)),
    "976": (("06392", "06396", "06397"), ("02696",)),
}
OVERSEAS_NATIONAL = {
    prefix[:4] for pair in DOM_PREFIXES.values() for side in pair for prefix in side
}
# Metropolitan landline zone (01 to 05) by department.
_ZONES = {
    "1": "75 77 78 91 92 93 94 95",
    "2": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 79 85 86",
    "3": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "4": "01 03 04 05 06 07 11 13 15 20 26 30 34 38 42 43 48 63 66 69 73 74 83 84",
}
LANDLINE_ZONE = {dep: zone for zone, deps in _ZONES.items() for dep in deps.split()}
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
SUGGESTIONS = (
    "Réduire le temps d'attente au téléphone.",
    "Rien à signaler, le conseiller était très aimable.",
    "Envoyer un SMS quand le technicien arrive.",
    "Proposer des offres plus claires sur le site.",
    "Pouvoir joindre le service client le dimanche.",
)
# The nature of the call in which a request of each category was opened.
REQUEST_NATURES = {
    "technical": "technical",
    "billing": "billing",
    "complaint": "complaint",
    "sales": "order",
    "termination": "termination",
}
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


class UniqueNumbers:
    """National numbers under one prefix, never twice: an affine bijection of a counter."""

    def __init__(self, prefix: str, digits: int, rng: random.Random) -> None:
        self.prefix = prefix
        self.digits = digits
        self.modulus = 10**digits
        # A multiplier prime to 10 makes counter -> number a bijection modulo 10**digits.
        self.multiplier = randint(rng, self.modulus // 7, self.modulus - 1) | 1
        if self.multiplier % 5 == 0:
            self.multiplier += 2
        self.offset = int(rng.random() * self.modulus)
        self.counter = 0

    def next(self) -> str:
        if self.counter >= self.modulus:
            raise OverflowError(f"no more numbers under {self.prefix}")
        value = (self.multiplier * self.counter + self.offset) % self.modulus
        self.counter += 1
        return f"{self.prefix}{value:0{self.digits}d}"


class PhoneFactory:
    """Phone numbers as customers write them, normalised to E.164 like the forms do.

    Every number comes from a per-prefix bijection, so none repeats; numbers that the
    numbering plan rejects (some overseas ranges) or that are reserved are dropped and
    another one is drawn.
    """

    def __init__(self, seed: int, reserved: Iterable[str]) -> None:
        self.rng = random.Random(f"{seed}:phones")
        self.reserved = set(reserved)
        self.generators: dict[str, UniqueNumbers] = {}
        self.dropped = 0

    def _generator(self, prefix: str) -> UniqueNumbers:
        generator = self.generators.get(prefix)
        if generator is None:
            generator = UniqueNumbers(prefix, 10 - len(prefix), self.rng)
            self.generators[prefix] = generator
        return generator

    def _prefix(self, kind: str, postcode: str) -> str:
        dom = DOM_PREFIXES.get(postcode[:3])
        if kind == "box":
            return "09" + str(randint(self.rng, 5, 8))
        if kind == "mobile":
            if dom:
                return self.rng.choice(dom[0])
            # 069x numbers are overseas mobiles: keep them for overseas customers.
            if self.rng.random() < 0.7:
                return "06" + str(randint(self.rng, 0, 8))
            return "07" + str(randint(self.rng, 5, 8))
        if dom:
            return self.rng.choice(dom[1])
        return "0" + LANDLINE_ZONE.get(postcode[:2], "5")

    def _written(self, national: str) -> str:
        """The number as a customer might have typed it in a form."""
        style = self.rng.random()
        overseas = national[:4] in OVERSEAS_NATIONAL
        if not overseas and national[:2] in ("06", "07", "01", "02", "03", "04", "05"):
            pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
            if style < 0.55:
                return pairs
            if style < 0.75:
                return national
            if style < 0.9:
                return "+33 " + pairs[1:]
            if style < 0.95:
                return "+33 (0)" + pairs[1:]
            return pairs.replace(" ", ".")
        # Overseas and 09 numbers: "0692 12 34 56" / "09 51 23 45 67".
        if national.startswith("09"):
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
        return national[:4] + " " + " ".join(national[i : i + 2] for i in range(4, 10, 2))

    def new(self, kind: str, postcode: str) -> str:
        """A fresh E.164 number: kind 'mobile', 'fixe' (or 'pro') or 'box' (VoIP line)."""
        for _attempt in range(50):
            written = self._written(self._generator(self._prefix(kind, postcode)).next())
            try:
                e164 = normalise_phone(written)
            except ValidationError:
                self.dropped += 1
                continue
            if e164 in self.reserved:
                self.dropped += 1
                continue
            return e164
        raise RuntimeError(f"cannot draw a valid {kind} number for {postcode}")


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


def _gender(spec: CustomerSpec) -> dict[str, str]:
    if spec.civility == "Mme":
        return {"Le_client": "La cliente", "le_client": "la cliente", "Client": "Cliente",
                "du_client": "de la cliente", "e": "e"}  # fmt: skip
    return {"Le_client": "Le client", "le_client": "le client", "Client": "Client",
            "du_client": "du client", "e": ""}  # fmt: skip


class Writer:
    """Turns customer specs into rows, table by table, for one chunk."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in CUSTOMER_TABLES}
        self.overdue_customers = 0
        self._folded: dict[str, str] = {}
        self._customer_invoices: list[dict[str, Any]] = []

    def take(self) -> dict[str, list[dict[str, Any]]]:
        rows = self.rows
        self.rows = {table: [] for table in CUSTOMER_TABLES}
        return rows

    # -- helpers ------------------------------------------------------------------------
    def _search_name(self, last_name: str) -> str:
        # The same folding as the name search (crm.validation.fold), cached: names repeat.
        folded = self._folded.get(last_name)
        if folded is None:
            folded = self._folded[last_name] = fold_name(last_name)
        return folded

    def _business_time(self, day: date) -> datetime:
        rng = self.world.rng
        if day.weekday() == 6:  # closed on Sundays
            day -= timedelta(days=1)
        return paris_time(day, randint(rng, 8, 19), int(rng.random() * 60), int(rng.random() * 60))

    def _random_day(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=int(self.world.rng.random() * ((end - start).days + 1)))

    # -- the customer -------------------------------------------------------------------
    def write(self, spec: CustomerSpec) -> None:
        world = self.world
        rng = world.rng
        self.rows["customers"].append(
            {
                "id": spec.id,
                "number": spec.number,
                "kind": spec.kind,
                "civility": spec.civility,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "search_name": self._search_name(spec.last_name),
                "company_name": spec.company_name,
                "siret": spec.siret,
                "birth_date": spec.birth_date,
                "address_line1": spec.address_line1,
                "address_line2": spec.address_line2,
                "postcode": spec.postcode,
                "city": spec.city,
                "email": spec.email,
                "marketing_consent": spec.marketing_consent,
                "contact_preference": spec.contact_preference,
                "segment": spec.segment,
                "payment_method": spec.payment_method,
                "iban": spec.iban,
                "created_at": paris_time(spec.since, 10, int(rng.random() * 60)),
            }
        )
        for index, (label, e164) in enumerate(spec.phones):
            self.rows["phone_numbers"].append(
                {
                    "id": world.ids.next("phone_numbers"),
                    "customer_id": spec.id,
                    "label": label,
                    "e164": e164,
                    "is_primary": index == 0,
                }
            )
        issue_dates = [d for d in world.invoice_dates if d > spec.since]
        due_dates = [d + timedelta(days=world.due_after_days) for d in issue_dates]
        already_due = [i for i, due in enumerate(due_dates) if due < world.today]
        overdue = set(already_due[len(already_due) - min(spec.unpaid, len(already_due)) :])
        days_late = (world.today - due_dates[min(overdue)]).days if overdue else 0
        if days_late >= 45 and spec.plan_instalments is None:
            # Collection rules: service restricted from day 45.
            for contract in spec.contracts:
                if contract.status == "active":
                    contract.status = "suspended"
        contracts = self._contracts(spec)
        if spec.since >= world.today - timedelta(days=120):
            self._order(spec, contracts)
        balances = self._invoices(spec, contracts, issue_dates, due_dates, overdue)
        plan_id = None
        if overdue and spec.plan_instalments:
            plan_id = self._plan(spec, balances)
        interaction_dates = self._history(spec, contracts, balances)
        if spec.request is not None:
            self._request(spec, contracts)
        self._installation(spec, contracts)
        if overdue:
            self.overdue_customers += 1
        self._call_lists(spec, contracts, balances, days_late, plan_id, interaction_dates)

    def _contracts(self, spec: CustomerSpec) -> list[tuple[int, ContractSpec, OfferInfo]]:
        world = self.world
        result = []
        for contract in spec.contracts:
            offer = world.offers[contract.offer]
            contract_id = world.ids.next("contracts")
            engagement_end = (
                add_months(contract.start, offer.engagement_months)
                if offer.engagement_months
                else None
            )
            self.rows["contracts"].append(
                {
                    "id": contract_id,
                    "customer_id": spec.id,
                    "offer_id": offer.id,
                    "status": contract.status,
                    "start_date": contract.start,
                    "end_date": contract.end,
                    "engagement_end": engagement_end,
                    "line_identifier": contract.line,
                    "monthly_price": money(offer.monthly_cents or 0),
                }
            )
            for code in contract.options:
                option = world.offers[code]
                self.rows["contract_options"].append(
                    {
                        "id": world.ids.next("contract_options"),
                        "contract_id": contract_id,
                        "offer_id": option.id,
                        "added_on": contract.start,
                        "removed_on": None,
                        "monthly_price": money(option.monthly_cents or 0),
                    }
                )
            result.append((contract_id, contract, offer))
        return result

    def _order(
        self, spec: CustomerSpec, contracts: list[tuple[int, ContractSpec, OfferInfo]]
    ) -> None:
        world = self.world
        rng = world.rng
        order_id = world.ids.next("orders")
        created = self._business_time(spec.since)
        lines: list[tuple[OfferInfo, str, int]] = []
        for _cid, contract, offer in contracts:
            if contract.start == spec.since:
                lines.append((offer, "monthly", offer.monthly_cents or 0))
                lines.extend(
                    (world.offers[code], "monthly", world.offers[code].monthly_cents or 0)
                    for code in contract.options
                )
                if offer.kind == "box":
                    fee = world.offers["FEE-ACTIVATION-BOX"]
                    lines.append((fee, "one_off", fee.one_off_cents or 0))
                elif rng.random() < 0.25:
                    phone = world.offers[rng.choice(("EQ-KALO-A5", "EQ-KALO-S9"))]
                    lines.append((phone, "one_off", phone.one_off_cents or 0))
        if not lines:
            world.ids.last["orders"] -= 1
            return
        age = (world.today - spec.since).days
        status = "delivered" if age > 7 else "shipped" if age > 2 else "confirmed"
        self.rows["orders"].append(
            {
                "id": order_id,
                "number": f"CM-{spec.since.year}-{order_id:07d}",
                "customer_id": spec.id,
                "created_at": created,
                "status": status,
                "channel": rng.choice(("telephone", "telephone", "web", "shop")),
                "agent_id": None,
                "total_monthly": money(sum(c for _o, b, c in lines if b == "monthly")),
                "total_one_off": money(sum(c for _o, b, c in lines if b == "one_off")),
                "note": "",
            }
        )
        for offer, billing, amount in lines:
            self.rows["order_lines"].append(
                {
                    "id": world.ids.next("order_lines"),
                    "order_id": order_id,
                    "offer_id": offer.id,
                    "label": offer.name,
                    "quantity": 1,
                    "unit_price": money(amount),
                    "billing": billing,
                }
            )

    def _invoices(
        self,
        spec: CustomerSpec,
        contracts: list[tuple[int, ContractSpec, OfferInfo]],
        issue_dates: list[date],
        due_dates: list[date],
        overdue: set[int],
    ) -> list[tuple[int, str, date, int]]:
        """Monthly invoices and their payments; returns the unpaid (id, month, due, balance)."""
        world = self.world
        rng = world.rng
        unpaid: list[tuple[int, str, date, int]] = []
        self._customer_invoices = []
        box_start = min((c.start for _i, c, o in contracts if o.kind == "box"), default=None)
        activation_billed = box_start is not None and box_start < add_months(
            world.invoice_dates[0], -1
        )
        for index, (issued, due) in enumerate(zip(issue_dates, due_dates, strict=True)):
            amount = 0
            mobiles = 0
            has_box = False
            for _cid, contract, offer in contracts:
                if contract.start >= issued or (contract.end and contract.end < issued):
                    continue
                amount += offer.monthly_cents or 0
                amount += sum(world.offers[code].monthly_cents or 0 for code in contract.options)
                has_box = has_box or offer.kind == "box"
                mobiles += offer.kind == "mobile"
            if has_box:
                amount -= world.bundle_discount * min(mobiles, 4)
                if not activation_billed:
                    amount += world.fees["activation_box"]
                    activation_billed = True
            if spec.contact_preference == "courrier":
                amount += world.fees["paper_invoice"]
            amount = max(amount, 0)
            invoice_id = world.ids.next("invoices")
            number = f"FA-{issued.year}-{invoice_id:07d}"
            paid = 0
            status = "paid"
            if index in overdue or due >= world.today:
                status = "unpaid"
                if index in overdue and index == min(overdue) and rng.random() < 0.2 and amount:
                    paid = amount * randint(rng, 2, 6) // 10
                    status = "partially_paid" if paid else "unpaid"
            else:
                paid = amount
            if amount == 0:
                status, paid = "paid", 0
            invoice_row = {
                "id": invoice_id,
                "number": number,
                "customer_id": spec.id,
                "issued_on": issued,
                "due_on": due,
                "period_start": issued,
                "period_end": add_months(issued, 1) - timedelta(days=1),
                "amount": money(amount),
                "paid_amount": money(paid),
                "status": status,
                "payment_plan_id": None,
            }
            self.rows["invoices"].append(invoice_row)
            self._customer_invoices.append(invoice_row)
            if paid:
                self._payment(spec, invoice_id, number, paid, issued, due, "accepted")
            if index in overdue:
                if spec.payment_method == "direct_debit":
                    self._payment(spec, invoice_id, number, amount, issued, due, "rejected")
                unpaid.append((invoice_id, MONTHS_FR[issued.month - 1], due, amount - paid))
        return unpaid

    def _payment(
        self,
        spec: CustomerSpec,
        invoice_id: int | None,
        number: str,
        amount: int,
        issued: date,
        due: date,
        status: str,
        instalment_id: int | None = None,
        method: str | None = None,
    ) -> None:
        world = self.world
        rng = world.rng
        method = method or spec.payment_method
        if method == "direct_debit":
            paid_on, reference = due, f"PRLV-{number}"
        else:
            paid_on = min(due + timedelta(days=randint(rng, -12, 3)), world.today)
            paid_on = max(paid_on, issued)
            prefix = {"card": "CB", "cheque": "CHQ", "transfer": "VIR"}[method]
            reference = f"{prefix}-{randint(rng, 10**7, 10**8 - 1)}"
        self.rows["payments"].append(
            {
                "id": world.ids.next("payments"),
                "customer_id": spec.id,
                "invoice_id": invoice_id,
                "instalment_id": instalment_id,
                "method": method,
                "reference": reference,
                "amount": money(amount),
                "paid_on": paid_on,
                "status": status,
            }
        )

    def _plan(self, spec: CustomerSpec, balances: list[tuple[int, str, date, int]]) -> int | None:
        """A payment plan (C1.8) covering the overdue balance, as a first-level agent may grant."""
        world = self.world
        rng = world.rng
        total = sum(balance for *_rest, balance in balances)
        count = min(spec.plan_instalments or 1, 6, max(1, total // 1500))
        if total <= 0:
            return None
        plan_id = world.ids.next("payment_plans")
        created_day = world.today - timedelta(
            days=randint(rng, 20, 40) if spec.fixed else randint(rng, 3, 40)
        )
        method = spec.payment_method if spec.payment_method != "cheque" else "card"
        self.rows["payment_plans"].append(
            {
                "id": plan_id,
                "customer_id": spec.id,
                "created_at": self._business_time(created_day),
                "total_amount": money(total),
                "status": "active",
                "method": method,
                "agent_id": None,
                "note": f"Échéancier en {count} fois accordé par téléphone.",
            }
        )
        first_due = created_day + timedelta(days=randint(rng, 7, 30))
        share, remainder = divmod(total, count)
        for number in range(1, count + 1):
            due = add_months(first_due, number - 1)
            amount = share + (remainder if number == 1 else 0)
            instalment_id = world.ids.next("instalments")
            paid = due < world.today
            self.rows["instalments"].append(
                {
                    "id": instalment_id,
                    "plan_id": plan_id,
                    "number": number,
                    "due_on": due,
                    "amount": money(amount),
                    "status": "paid" if paid else "pending",
                    "paid_on": due if paid else None,
                }
            )
            if paid:
                self._payment(
                    spec, None, f"ECH-{plan_id:07d}-{number}", amount, due, due, "accepted",
                    instalment_id=instalment_id, method=method,
                )  # fmt: skip
        invoice_ids = {invoice_id for invoice_id, *_rest in balances}
        for row in self._customer_invoices:
            if row["id"] in invoice_ids:
                row["payment_plan_id"] = plan_id
        return plan_id

    def _fill(self, text: str, spec: CustomerSpec, contracts: list[Any], amount: int) -> str:
        world = self.world
        rng = world.rng
        options = [o for o in world.offers.values() if o.kind == "option"]
        values = {
            "offre": contracts[0][2].name if contracts else "Orbelia",
            "montant": euros_text(amount),
            "mois": MONTHS_FR[int(rng.random() * 12)],
            "option": rng.choice(options).name if options else "",
            **_gender(spec),
        }
        return text.format(**values)

    def _history(
        self,
        spec: CustomerSpec,
        contracts: list[Any],
        balances: list[tuple[int, str, date, int]],
    ) -> list[date]:
        """Past interactions; returns the days of the calls (for the satisfaction survey)."""
        world = self.world
        rng = world.rng
        agents = world.history["agents"]
        count = rng.choices(range(7), weights=(14, 25, 22, 16, 10, 8, 5))[0]
        earliest = max(spec.since, world.today - timedelta(days=540))
        picks = [
            (
                world.choosers["interactions"].pick(rng),
                self._random_day(earliest, world.today - timedelta(days=1)),
            )
            for _ in range(count)
        ]
        if balances:
            oldest_due = balances[0][2]
            for _ in range(randint(rng, 1, 2)):
                day = self._random_day(
                    oldest_due + timedelta(days=10), world.today - timedelta(days=1)
                )
                if day < world.today:
                    picks.append((world.choosers["collection_interactions"].pick(rng), day))
        picks.sort(key=lambda pick: pick[1])
        call_days = []
        for template, day in picks:
            amount = balances[0][3] if balances else randint(rng, 1500, 8999)
            started = self._business_time(day)
            channel = template["channel"]
            ended = None
            if channel in ("call", "chat"):
                ended = started + timedelta(seconds=randint(rng, 90, 900))
                call_days.append(day)
            self.rows["interactions"].append(
                {
                    "id": world.ids.next("interactions"),
                    "customer_id": spec.id,
                    "channel": channel,
                    "direction": template["direction"],
                    "motive": template["motive"],
                    "nature": template["nature"],
                    "outcome": template["outcome"],
                    "summary": self._fill(template["summary"], spec, contracts, amount),
                    "agent_id": None,
                    "agent_name": rng.choice(agents),
                    "started_at": started,
                    "ended_at": ended,
                    "call_id": None,
                    "request_id": None,
                    "campaign_id": None,
                }
            )
        return call_days

    def _request(self, spec: CustomerSpec, contracts: list[Any]) -> None:
        world = self.world
        rng = world.rng
        request = spec.request
        assert request is not None
        request_id = world.ids.next("requests")
        if request.open:
            opened_day = world.today - timedelta(days=randint(rng, 1, 12) if not spec.fixed else 6)
            closed_at = None
            status = "open" if rng.random() < 0.6 else "in_progress"
        else:
            opened_day = self._random_day(
                max(spec.since, world.today - timedelta(days=400)), world.today - timedelta(days=15)
            )
            status = "closed"
        opened_at = self._business_time(opened_day)
        if not request.open:
            closed_at = opened_at + timedelta(days=randint(rng, 1, 10), hours=randint(rng, 0, 5))
        description = self._fill(request.description, spec, contracts, randint(rng, 1500, 8999))
        self.rows["requests"].append(
            {
                "id": request_id,
                "number": f"DM-{opened_day.year}-{request_id:07d}",
                "customer_id": spec.id,
                "motive": request.motive,
                "category": request.category,
                "status": status,
                "service_id": world.service_ids[request.service],
                "description": description,
                "resolution": None
                if request.open
                else "Demande traitée ; client informé par téléphone.",
                "opened_by_id": None,
                "opened_at": opened_at,
                "closed_at": closed_at,
            }
        )
        nature = REQUEST_NATURES.get(request.category, "information")
        self.rows["interactions"].append(
            {
                "id": world.ids.next("interactions"),
                "customer_id": spec.id,
                "channel": "call",
                "direction": "inbound",
                "motive": request.motive,
                "nature": nature,
                "outcome": "request_opened",
                "summary": f"Demande ouverte et transmise au service compétent. {description}",
                "agent_id": None,
                "agent_name": rng.choice(world.history["agents"]),
                "started_at": opened_at,
                "ended_at": opened_at + timedelta(seconds=randint(rng, 180, 720)),
                "call_id": None,
                "request_id": request_id,
                "campaign_id": None,
            }
        )
        wants_visit = request.appointment or (
            request.category == "technical" and rng.random() < 0.6
        )
        if wants_visit:
            kind = request.appointment or "repair"
            box = next((cid for cid, _c, o in contracts if o.kind == "box"), None)
            if request.open:
                day = self._slot_day(world.today + timedelta(days=3 + randint(rng, 0, 6)))
                status = "planned"
            else:
                day = self._slot_day(opened_at.date() + timedelta(days=3))
                status = "done"
            self._appointment(spec, kind, day, status, box, request_id)

    def _slot_day(self, day: date) -> date:
        return day + timedelta(days=1) if day.weekday() == 6 else day

    def _appointment(
        self,
        spec: CustomerSpec,
        kind: str,
        day: date,
        status: str,
        contract_id: int | None,
        request_id: int | None,
    ) -> None:
        world = self.world
        rng = world.rng
        start_hour, end_hour = rng.choice(world.slots) if not spec.fixed else world.slots[1]
        notes = world.history["appointments"]["notes"]
        self.rows["appointments"].append(
            {
                "id": world.ids.next("appointments"),
                "customer_id": spec.id,
                "contract_id": contract_id,
                "request_id": request_id,
                "kind": kind,
                "status": status,
                "slot_start": paris_time(day, start_hour),
                "slot_end": paris_time(day, end_hour),
                "technician": rng.choice(world.history["appointments"]["technicians"]),
                "note": notes.get(kind, ""),
                "booked_by_id": None,
                "created_at": self._business_time(min(day, world.today) - timedelta(days=3)),
            }
        )

    def _installation(self, spec: CustomerSpec, contracts: list[Any]) -> None:
        world = self.world
        for contract_id, contract, offer in contracts:
            if offer.kind == "box" and offer.code != "BOX-ADSL":
                age = (world.today - contract.start).days
                if 0 <= age <= 20:
                    day = self._slot_day(contract.start + timedelta(days=5))
                    status = "planned" if day > world.today else "done"
                    self._appointment(spec, "installation", day, status, contract_id, None)

    def _call_lists(
        self,
        spec: CustomerSpec,
        contracts: list[Any],
        balances: list[tuple[int, str, date, int]],
        days_late: int,
        plan_id: int | None,
        call_days: list[date],
    ) -> None:
        world = self.world
        rng = world.rng
        campaigns = world.campaigns
        phone = spec.phones[0][1]
        collection = campaigns.get("collection")
        if collection and balances and plan_id is None and days_late >= 10:
            amount = sum(balance for *_rest, balance in balances)
            self._entry(spec, collection, phone, priority=max(1, 1000 - days_late),
                        amount_due=money(amount), days_late=days_late)  # fmt: skip
        prospection = campaigns.get("prospection")
        if prospection and spec.marketing_consent and not balances:
            boxes = [o.code for _cid, c, o in contracts if o.kind == "box" and c.status == "active"]
            if (not boxes or boxes == ["BOX-ADSL"]) and rng.random() < prospection.share:
                self._entry(spec, prospection, phone, priority=randint(rng, 100, 199))
        survey = campaigns.get("survey")
        recent = [d for d in call_days if d >= world.today - timedelta(days=60)]
        if survey and recent and rng.random() < survey.share:
            self._entry(spec, survey, phone, priority=randint(rng, 100, 199))

    def _entry(
        self,
        spec: CustomerSpec,
        campaign: CampaignInfo,
        phone: str,
        *,
        priority: int,
        amount_due: Decimal | None = None,
        days_late: int | None = None,
    ) -> None:
        world = self.world
        rng = world.rng
        entry_id = world.ids.next("call_list_entries")
        status, outcome, attempts = "pending", None, 0
        callback_at = last_attempt_at = None
        roll = 0.0 if spec.fixed else rng.random()
        if roll > 0.7:
            attempt_day = self._random_day(
                max(campaign.starts_on, world.today - timedelta(days=5)),
                world.today - timedelta(days=1),
            )
            last_attempt_at = self._business_time(attempt_day)
            if roll < 0.85:
                attempts = randint(rng, 1, 3)
                outcome = rng.choice(("no_answer", "no_answer", "busy", "voicemail"))
            elif roll < 0.92:
                status, outcome, attempts = "callback", "callback", randint(rng, 1, 2)
                hours = randint(rng, 2, 72)
                callback_at = (world.now + timedelta(hours=hours)).replace(
                    minute=(world.now.minute // 15) * 15, second=0, microsecond=0
                )
            else:
                status, attempts = "done", randint(rng, 1, 2)
                outcome = {
                    "prospection": rng.choice(("sale", "no_sale", "refused")),
                    "survey": "survey_completed",
                    "collection": rng.choice(("promise_to_pay", "promise_to_pay", "dispute")),
                }[campaign.kind]
        self.rows["call_list_entries"].append(
            {
                "id": entry_id,
                "campaign_id": campaign.id,
                "customer_id": spec.id,
                "phone_e164": phone,
                "status": status,
                "outcome": outcome,
                "attempts": attempts,
                "priority": priority,
                "callback_at": callback_at,
                "last_attempt_at": last_attempt_at,
                "last_agent_id": None,
                "amount_due": amount_due,
                "days_late": days_late,
                "note": "",
            }
        )
        if outcome == "survey_completed" and last_attempt_at is not None:
            self._survey_response(spec, campaign, entry_id, last_attempt_at)

    def _survey_response(
        self, spec: CustomerSpec, campaign: CampaignInfo, entry_id: int, started: datetime
    ) -> None:
        world = self.world
        rng = world.rng
        response_id = world.ids.next("survey_responses")
        self.rows["survey_responses"].append(
            {
                "id": response_id,
                "survey_id": world.survey_id,
                "customer_id": spec.id,
                "campaign_id": campaign.id,
                "call_list_entry_id": entry_id,
                "agent_id": None,
                "call_id": None,
                "status": "complete",
                "started_at": started,
                "completed_at": started + timedelta(seconds=randint(rng, 150, 400)),
            }
        )
        for question in world.survey_questions:
            value: Any
            if question.kind == "single":
                value = rng.choice(question.choices)
            elif question.kind == "multiple":
                value = sorted(
                    rng.sample(question.choices, randint(rng, 1, min(3, len(question.choices)))),
                    key=question.choices.index,
                )
            elif question.kind == "scale":
                low, high = question.scale_min or 0, question.scale_max or 10
                value = round(rng.triangular(low, high, high - (high - low) // 4))
            else:
                if not question.required and rng.random() < 0.5:
                    continue
                value = rng.choice(SUGGESTIONS)
            self.rows["survey_answers"].append(
                {
                    "id": world.ids.next("survey_answers"),
                    "response_id": response_id,
                    "question_id": question.id,
                    "value": value,
                }
            )
