"""Create the demo company Orbelia Télécom in an empty, migrated database.

The facts come from the plain files of `seed_data/` (company.yaml, customers.yaml,
campaigns.yaml, objectives.yaml, messages.yaml, history.yaml, communes.csv); the generated
customers from `crm.seed_customers` (who they are), `crm.seed_phones` (their numbers) and
`crm.seed_rows` (their contracts, bills and history as rows). Rows go in with Core bulk
inserts, one transaction per chunk of customers, so a million customers fit in bounded
memory. The demo accounts are written last: a database with customers but no users was
interrupted while seeding.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from gettext import gettext as _
from operator import itemgetter
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Date, Dialect, Engine, Table, func, inspect, select, text
from sqlalchemy.orm import sessionmaker

from crm import models
from crm.errors import CrmError, ValidationError
from crm.models import CRM_TABLES, UTCDateTime
from crm.passwords import hash_password as default_hash_password
from crm.seed_customers import (
    PARIS,
    STUDENT_NAMES,
    CampaignInfo,
    CustomerSpec,
    OfferInfo,
    QuestionInfo,
    World,
    build_pools,
    cents,
    fixed_customer,
    random_customer,
)
from crm.seed_phones import PhoneFactory
from crm.seed_rows import CUSTOMER_TABLES, Writer
from crm.validation import phone as normalise_phone

Progress = Callable[[int, int], None]

# French labels of the fees of company.yaml (a fee missing here gets its key as label).
FEE_NAMES = {
    "activation_box": "Frais de mise en service box",
    "termination_box": "Frais de résiliation box",
    "technician_visit": "Intervention d'un technicien à domicile",
    "unreturned_box": "Box non restituée",
    "unreturned_decoder": "Décodeur non restitué",
    "direct_debit_rejection": "Frais de rejet de prélèvement",
    "sim_replacement": "Remplacement de carte SIM",
    "paper_invoice": "Facture papier (par mois)",
}
MONTHLY_FEES = {"paper_invoice"}
#: Customer numbers have seven digits.
MAX_CUSTOMERS = 9_999_999


class SeedError(CrmError):
    """The demo company cannot be created; the message (French) says why and what to do."""


@dataclass(frozen=True)
class SeedReport:
    """What was created: rows per table, and a few figures worth printing."""

    customers: int
    rows: Mapping[str, int]
    overdue_customers: int
    dropped_phone_numbers: int
    #: (login, role) of the accounts created.
    accounts: tuple[tuple[str, str], ...] = ()


def _table(name: str) -> Table:
    return models.Customer.metadata.tables[name]


def _engine_of(target: Engine | sessionmaker) -> Engine:
    if isinstance(target, Engine):
        return target
    bind = target.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("the session factory must be bound to an engine")
    return bind


def is_seeded(target: Engine | sessionmaker) -> bool:
    """Whether the database already holds a company (even a partly seeded one)."""
    engine = _engine_of(target)
    with engine.connect() as connection:
        return any(
            connection.execute(select(_table(name).c.id).limit(1)).first() is not None
            for name in ("services", "customers", "users")
        )


# -- reading the seed files ----------------------------------------------------------------
def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError as error:
        raise SeedError(
            _("Fichier de l'entreprise introuvable : {path}.").format(path=path)
        ) from error
    except yaml.YAMLError as error:
        raise SeedError(
            _("Fichier {path} illisible : {error}").format(path=path, error=error)
        ) from error
    if not isinstance(data, dict):
        raise SeedError(_("Fichier {path} : une liste de clés est attendue.").format(path=path))
    return data


def _bad_file(path: Path, error: Exception) -> SeedError:
    detail = f"clé manquante « {error.args[0]} »" if isinstance(error, KeyError) else str(error)
    return SeedError(_("Fichier {path} incorrect : {detail}.").format(path=path, detail=detail))


def _load_communes(path: Path) -> list[tuple[str, str, float]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return [
                (row["postcode"], row["city"], float(row["weight"]))
                for row in csv.DictReader(handle)
            ]
    except FileNotFoundError as error:
        raise SeedError(
            _("Fichier de l'entreprise introuvable : {path}.").format(path=path)
        ) from error
    except (KeyError, ValueError) as error:
        raise _bad_file(path, error) from error


def _check_codes(
    path: Path, items: list[dict[str, Any]], key: str, allowed: tuple[str, ...]
) -> None:
    for item in items:
        if item.get(key) not in allowed:
            message = _(
                "Fichier {path} : « {value} » n'est pas une valeur possible de {key} ({allowed})."
            )
            raise SeedError(
                message.format(path=path, value=item.get(key), key=key, allowed=", ".join(allowed))
            )


# -- the reference data ----------------------------------------------------------------------
def _offer_description(item: dict[str, Any]) -> str:
    parts = []
    if item.get("technology"):
        parts.append("Fibre" if item["technology"] == "fibre" else "ADSL/VDSL")
    if item.get("downlink"):
        parts.append(f"débit descendant {item['downlink']}, montant {item.get('uplink', '')}")
    for key in ("data", "calls", "sms", "europe"):
        if item.get(key):
            parts.append(str(item[key]))
    if item.get("includes"):
        parts.append("inclus : " + ", ".join(item["includes"]))
    if item.get("tv"):
        parts.append(str(item["tv"]))
    return " ; ".join(parts)


def _offer_rows(company: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(item: dict[str, Any], kind: str, **values: Any) -> None:
        row = {
            "id": len(rows) + 1,
            "code": item["code"],
            "name": item["name"],
            "kind": kind,
            "technology": item.get("technology"),
            "description": _offer_description(item),
            "monthly_price": None,
            "one_off_price": None,
            "engagement_months": int(item.get("engagement_months", 0)),
            "applies_to": None,
            "active": True,
        }
        row.update(values)
        rows.append(row)

    for item in company["boxes"]:
        if isinstance(item, dict):
            add(item, "box", monthly_price=Decimal(str(item["monthly_price"])))
    for item in company["mobile_plans"]:
        add(item, "mobile", monthly_price=Decimal(str(item["monthly_price"])))
    for item in company["options"]:
        price = {"monthly_price": None, "one_off_price": None}
        if "monthly_price" in item:
            price["monthly_price"] = Decimal(str(item["monthly_price"]))
        else:
            price["one_off_price"] = Decimal(str(item["one_off_price"]))
        add(item, "option", applies_to=item["for"], **price)
    for item in company["equipment"]:
        add(item, "equipment", one_off_price=Decimal(str(item["price"])))
    for key, value in company["fees"].items():
        name = FEE_NAMES.get(key, key.replace("_", " ").capitalize())
        code = "FEE-" + key.upper().replace("_", "-")
        price_key = "monthly_price" if key in MONTHLY_FEES else "one_off_price"
        add({"code": code, "name": name}, "fee", **{price_key: Decimal(str(value))})
    return rows


def _insert(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) in one executemany.

    Values are converted with the columns' own SQLAlchemy bind processors, so they are
    stored exactly as through the ORM, then handed to the driver directly: on a million
    customers, SQLAlchemy's per-row parameter handling would double the seeding time.
    """
    if not rows:
        return
    dialect = connection.dialect
    columns = list(rows[0])
    key = (dialect.name, table, tuple(columns))
    prepared = _PREPARED.get(key)
    if prepared is None:
        sql_table = _table(table)
        processors = [
            sql_table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
        ]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        quote = dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(name) for name in columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})"
        )
        prepared = (sql, [(i, p) for i, p in enumerate(processors) if p is not None])
        _PREPARED[key] = prepared
    sql, converters = prepared
    get = itemgetter(*columns)
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = get(row)
        if len(columns) == 1:
            values = (values,)
        if converters:
            values = list(values)
            for index, convert in converters:
                value = values[index]
                if value is not None:
                    values[index] = convert(value)
        params.append(tuple(values))
    if dialect.name == "postgresql":
        # COPY is an order of magnitude faster than one INSERT per row on PostgreSQL.
        quote = dialect.identifier_preparer.quote
        copy_sql = f"COPY {quote(table)} ({', '.join(quote(name) for name in columns)}) FROM STDIN"
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for values in params:
                copy.write_row(values)
        return
    connection.exec_driver_sql(sql, params)


def _sqlite_utc(value: datetime) -> str:
    # What UTCDateTime + SQLite's DATETIME processor store, in one C-level call.
    if value.tzinfo is None:
        raise ValueError("naive datetime: CRM datetimes must be timezone-aware")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _bind_processor(column_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor; on SQLite, dates and datetimes take a faster equivalent
    (tests check both give the same text)."""
    if dialect.name == "sqlite":
        if isinstance(column_type, UTCDateTime):
            return _sqlite_utc
        if type(column_type) is Date:
            return date.isoformat
    return column_type.dialect_impl(dialect).bind_processor(dialect)


_PREPARED: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[tuple[int, Any]]]] = {}


# -- the whole company -----------------------------------------------------------------------
def seed_demo_company(
    target: Engine | sessionmaker,
    seed_dir: Path,
    customers: int = 2000,
    seed: int = 42,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
    chunk_size: int = 2000,
    hash_password: Callable[[str], str] = default_hash_password,
) -> SeedReport:
    """Create Orbelia Télécom with `customers` customers (the hand-written ones included).

    The same `seed` and `now` always give the same data. `progress(done, total)` is called
    after each chunk. Raises `SeedError` (French message) when the database is not migrated
    or already holds a company, or when a seed file is wrong; every file is read and checked
    before the first row is written, and nothing is ever duplicated.
    """
    engine = _engine_of(target)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    _check_database(engine)
    plan = _plan_company(seed_dir, customers, seed, now, hash_password)
    world = plan.world

    with engine.begin() as connection:
        for table in ("services", "offers", "surveys", "survey_questions", "campaigns"):
            _insert(connection, table, plan.reference[table])

    writer = Writer(world)
    counts = {table: len(rows) for table, rows in plan.reference.items()}
    counts.update({table: 0 for table in CUSTOMER_TABLES})
    done = 0
    sqlite = engine.dialect.name == "sqlite"
    while done < customers:
        end = min(customers, done + chunk_size)
        for customer_id in range(done + 1, end + 1):
            if customer_id <= len(plan.fixed):
                writer.write(plan.fixed[customer_id - 1])
            else:
                writer.write(random_customer(world, customer_id))
        rows = writer.take()
        with engine.begin() as connection:
            if sqlite:
                # Index pages of a large base stay in memory while it fills (256 MiB).
                connection.exec_driver_sql("PRAGMA cache_size=-262144")
            for table in CUSTOMER_TABLES:
                _insert(connection, table, rows[table])
                counts[table] += len(rows[table])
        done = end
        if progress is not None:
            progress(done, customers)

    # Last: the people and what they find in their inboxes (see the module docstring).
    with engine.begin() as connection:
        for table in ("users", "objectives", "messages", "memos"):
            _insert(connection, table, plan.final[table])
            counts[table] = len(plan.final[table])
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
        elif sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
    return SeedReport(
        customers=customers,
        rows=counts,
        overdue_customers=writer.overdue_customers,
        dropped_phone_numbers=world.phones.dropped,
        accounts=tuple((row["login"], row["role"]) for row in plan.final["users"]),
    )


@dataclass
class _Plan:
    """Everything read and checked from the seed files, before anything is written."""

    world: World
    reference: dict[str, list[dict[str, Any]]]
    fixed: list[CustomerSpec]
    final: dict[str, list[dict[str, Any]]]


def _plan_company(
    seed_dir: Path,
    customers: int,
    seed: int,
    now: datetime,
    hash_password: Callable[[str], str],
) -> _Plan:
    company_path = seed_dir / "company.yaml"
    company = _load_yaml(company_path)
    customers_path = seed_dir / "customers.yaml"
    fixed_file = _load_yaml(customers_path)
    history_path = seed_dir / "history.yaml"
    history = _load_yaml(history_path)
    campaigns_path = seed_dir / "campaigns.yaml"
    campaigns_file = _load_yaml(campaigns_path)
    objectives_path = seed_dir / "objectives.yaml"
    objectives_file = _load_yaml(objectives_path)
    messages_path = seed_dir / "messages.yaml"
    messages_file = _load_yaml(messages_path)
    communes = _load_communes(seed_dir / "communes.csv")

    fixed_items = fixed_file.get("customers") or []
    if customers < len(fixed_items):
        raise SeedError(
            _(
                "Nombre de clients trop petit : au moins {minimum} (les clients de "
                "customers.yaml), {count} demandé."
            ).format(minimum=len(fixed_items), count=customers)
        )
    if customers > MAX_CUSTOMERS:
        raise SeedError(
            _("Nombre de clients trop grand : {maximum} au plus (numéros CL0000001 à CL9999999).")
            .format(maximum=MAX_CUSTOMERS)
        )  # fmt: skip
    _check_history(history_path, history)

    today = now.astimezone(PARIS).date()
    try:
        offer_rows = _offer_rows(company)
        services = company["services"]
        service_ids = {item["code"]: index for index, item in enumerate(services, start=1)}
        service_rows = [
            {
                "id": service_ids[item["code"]],
                "code": item["code"],
                "name": item["name"],
                "extension": str(item["extension"]),
                "queue": item.get("queue"),
                "role": item.get("role") or "",
            }
            for item in services
        ]
        fees = {key: cents(value) for key, value in company["fees"].items()}
        due_after_days = int(company["billing"]["due_after_days"])
        slots = [(int(slot[:2]), int(slot[6:8])) for slot in company["installation"]["slots"]]
        bundle_discount = _bundle_discount(company)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise _bad_file(company_path, error) from error
    offer_ids = {row["code"]: row["id"] for row in offer_rows}
    for item in history["requests"]:
        if item["service"] not in service_ids:
            raise SeedError(
                _("Fichier {path} : service inconnu « {code} ».").format(
                    path=history_path, code=item["service"]
                )
            )
    try:
        survey_rows, question_rows, campaign_rows = _campaign_rows(campaigns_file, offer_ids, today)
    except (KeyError, TypeError, ValueError) as error:
        raise _bad_file(campaigns_path, error) from error
    shares = {row["id"]: row.pop("_share") for row in campaign_rows}

    reserved: set[str] = set()
    try:
        for item in fixed_items:
            reserved.update(normalise_phone(str(p["number"])) for p in item["phones"])
            reserved.update(
                normalise_phone(str(c["line"])) for c in item["contracts"] if c.get("line")
            )
        reserved.update(normalise_phone(str(n)) for n in fixed_file.get("unknown_numbers") or [])
    except (KeyError, TypeError, ValidationError) as error:
        raise _bad_file(customers_path, error) from error

    survey_id = survey_rows[0]["id"] if survey_rows else None
    world = World(
        rng=random.Random(seed),
        now=now,
        today=today,
        offers={
            row["code"]: OfferInfo(
                id=row["id"],
                code=row["code"],
                kind=row["kind"],
                name=row["name"],
                monthly_cents=None if row["monthly_price"] is None else cents(row["monthly_price"]),
                one_off_cents=None if row["one_off_price"] is None else cents(row["one_off_price"]),
                engagement_months=row["engagement_months"],
                applies_to=row["applies_to"],
            )
            for row in offer_rows
        },
        fees=fees,
        bundle_discount=bundle_discount,
        due_after_days=due_after_days,
        service_ids=service_ids,
        campaigns={
            row["kind"]: CampaignInfo(
                id=row["id"], kind=row["kind"], share=shares[row["id"]], starts_on=row["starts_on"]
            )
            for row in campaign_rows
        },
        survey_id=survey_id,
        survey_questions=[
            QuestionInfo(
                id=q["id"],
                kind=q["kind"],
                choices=tuple(q["choices"] or ()),
                scale_min=q["scale_min"],
                scale_max=q["scale_max"],
                required=q["required"],
            )
            for q in question_rows
            if q["survey_id"] == survey_id
        ],
        history=history,
        slots=slots,
        phones=PhoneFactory(seed, reserved),
    )
    for needed in ("FEE-ACTIVATION-BOX", "EQ-KALO-A5", "EQ-KALO-S9"):
        if needed not in world.offers:
            raise SeedError(
                _("Fichier {path} : l'offre « {code} » est nécessaire.").format(
                    path=company_path, code=needed
                )
            )
    build_pools(world, seed, communes)

    fixed: list[CustomerSpec] = []
    for customer_id, item in enumerate(fixed_items, start=1):
        try:
            fixed.append(fixed_customer(world, customer_id, item))
        except (KeyError, TypeError, ValueError, ValidationError) as error:
            raise _bad_file(customers_path, error) from error
    fixed_ids = {spec.number: spec.id for spec in fixed}

    try:
        users = _user_rows(company, service_ids, hash_password, now)
    except (KeyError, TypeError, ValueError) as error:
        raise _bad_file(company_path, error) from error
    user_ids = {row["login"]: row["id"] for row in users}
    try:
        objective_rows = _objective_rows(objectives_file, service_ids, user_ids)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise _bad_file(objectives_path, error) from error
    try:
        message_rows, memo_rows = _inbox_rows(messages_file, fixed_ids, user_ids, service_ids, now)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _bad_file(messages_path, error) from error
    return _Plan(
        world=world,
        reference={
            "services": service_rows,
            "offers": offer_rows,
            "surveys": survey_rows,
            "survey_questions": question_rows,
            "campaigns": campaign_rows,
        },
        fixed=fixed,
        final={
            "users": users,
            "objectives": objective_rows,
            "messages": message_rows,
            "memos": memo_rows,
        },
    )


def _require(item: Mapping[str, Any], *keys: str) -> None:
    for key in keys:
        if key not in item:
            raise KeyError(key)


def _check_history(path: Path, history: dict[str, Any]) -> None:
    try:
        for key in ("interactions", "collection_interactions"):
            _check_codes(path, history[key], "nature", models.NATURES)
            _check_codes(path, history[key], "outcome", models.OUTCOMES)
            _check_codes(path, history[key], "channel", models.CHANNELS)
            _check_codes(path, history[key], "direction", models.DIRECTIONS)
            for item in history[key]:
                _require(item, "motive", "summary", "weight")
        _check_codes(path, history["requests"], "category", models.REQUEST_CATEGORIES)
        for item in history["requests"]:
            _require(item, "motive", "description", "service", "weight")
        _require(history, "agents")
        _require(history["appointments"], "technicians", "notes")
        if not history["agents"] or not history["appointments"]["technicians"]:
            raise ValueError("les listes agents et technicians ne peuvent pas être vides")
    except (KeyError, TypeError, ValueError) as error:
        raise _bad_file(path, error) from error


def _check_database(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    if not set(CRM_TABLES) <= tables:
        raise SeedError(_("La base n'est pas initialisée : lancez d'abord « acvd db upgrade »."))
    with engine.connect() as connection:
        customer_count = connection.execute(
            select(func.count()).select_from(_table("customers"))
        ).scalar_one()
        has_users = connection.execute(select(_table("users").c.id).limit(1)).first() is not None
        has_services = (
            connection.execute(select(_table("services").c.id).limit(1)).first() is not None
        )
    if has_users:
        raise SeedError(
            _(
                "La base contient déjà une entreprise de démonstration ({count} clients) : "
                "rien n'a été ajouté. Pour repartir de zéro, indiquez une autre base avec "
                "--db ou supprimez celle-ci."
            ).format(count=customer_count)
        )
    if has_services or customer_count:
        raise SeedError(
            _(
                "La base contient une entreprise de démonstration incomplète (remplissage "
                "interrompu, {count} clients) : supprimez-la ou indiquez une autre base avec "
                "--db, puis relancez « acvd seed »."
            ).format(count=customer_count)
        )


def _bundle_discount(company: dict[str, Any]) -> int:
    """The box + mobile discount, written among the boxes in company.yaml."""
    boxes = company.get("boxes")
    if isinstance(boxes, dict):
        return cents(boxes.get("bundle_discount", 0))
    value = company.get("bundle_discount")
    if value is None and isinstance(boxes, list):
        for item in boxes:
            if isinstance(item, dict) and "bundle_discount" in item:
                value = item["bundle_discount"]
    return cents(value or 0)


def _campaign_rows(
    data: dict[str, Any], offer_ids: dict[str, int], today: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    surveys, questions, campaigns = [], [], []
    survey_ids = {}
    for index, survey in enumerate(data.get("surveys") or [], start=1):
        survey_ids[survey["code"]] = index
        surveys.append(
            {
                "id": index,
                "code": survey["code"],
                "title": survey["title"],
                "introduction": survey.get("introduction", ""),
                "conclusion": survey.get("conclusion", ""),
                "active": True,
            }
        )
        for position, question in enumerate(survey["questions"], start=1):
            kind = question["kind"]
            if kind not in models.QUESTION_KINDS:
                raise ValueError(f"type de question inconnu « {kind} »")
            choices = question.get("choices")
            if kind in ("single", "multiple") and not choices:
                raise ValueError(f"la question {position} n'a pas de choix")
            questions.append(
                {
                    "id": len(questions) + 1,
                    "survey_id": index,
                    "position": position,
                    "text": " ".join(str(question["text"]).split()),
                    "kind": kind,
                    "choices": [str(c) for c in choices] if choices else None,
                    "scale_min": question.get("min") if kind == "scale" else None,
                    "scale_max": question.get("max") if kind == "scale" else None,
                    "required": bool(question.get("required", True)),
                }
            )
    for index, campaign in enumerate(data.get("campaigns") or [], start=1):
        kind = campaign["kind"]
        if kind not in models.CAMPAIGN_KINDS:
            raise ValueError(f"type de campagne inconnu « {kind} »")
        starts_on = today - timedelta(days=int(campaign.get("starts_days_ago", 0)))
        duration = campaign.get("duration_days")
        offer = campaign.get("offer")
        survey = campaign.get("survey")
        if offer is not None and offer not in offer_ids:
            raise ValueError(f"offre inconnue « {offer} »")
        if survey is not None and survey not in survey_ids:
            raise ValueError(f"questionnaire inconnu « {survey} »")
        campaigns.append(
            {
                "id": index,
                "code": campaign["code"],
                "kind": kind,
                "name": campaign["name"],
                "script": " ".join(str(campaign.get("script", "")).split()),
                "status": "running",
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=int(duration)) if duration else None,
                "survey_id": survey_ids.get(survey) if survey else None,
                "offer_id": offer_ids.get(offer) if offer else None,
                "_share": float(campaign.get("share", 1.0)),
            }
        )
    return surveys, questions, campaigns


def _user_rows(
    company: dict[str, Any],
    service_ids: dict[str, int],
    hash_password: Callable[[str], str],
    now: datetime,
) -> list[dict[str, Any]]:
    """The demo accounts of company.yaml, then more students (eleve2…): password = login."""
    home = {"student": "accueil", "trainer": "supervision", "grader": None}
    accounts = [
        (item["login"], item["password"], item["role"], item["name"], item.get("extension"))
        for item in company["demo_accounts"]
    ]
    first_extension = int(company.get("agent_extensions", {}).get("first", 101))
    for number, name in enumerate(STUDENT_NAMES, start=2):
        login = f"eleve{number}"
        accounts.append((login, login, "student", name, str(first_extension + number - 1)))
    rows = []
    for index, (login, password, role, name, extension) in enumerate(accounts, start=1):
        if role not in models.USER_ROLES:
            raise ValueError(f"rôle inconnu « {role} »")
        service = home.get(role)
        rows.append(
            {
                "id": index,
                "login": login,
                "display_name": name,
                "role": role,
                "password_hash": hash_password(str(password)),
                "extension": str(extension) if extension is not None else None,
                "service_id": service_ids.get(service) if service else None,
                "active": True,
                "created_at": now,
            }
        )
    return rows


def _objective_rows(
    data: dict[str, Any], service_ids: dict[str, int], user_ids: dict[str, int]
) -> list[dict[str, Any]]:
    rows = []
    items = [("service", item) for item in data.get("teams") or []]
    items += [("login", item) for item in data.get("agents") or []]
    for owner, item in items:
        if owner == "service" and item["service"] not in service_ids:
            raise ValueError(f"service inconnu « {item['service']} »")
        if owner == "login" and item["login"] not in user_ids:
            raise ValueError(f"compte inconnu « {item['login']} »")
        target = item.get("target")
        rows.append(
            {
                "id": len(rows) + 1,
                "user_id": user_ids[item["login"]] if owner == "login" else None,
                "service_id": service_ids[item["service"]] if owner == "service" else None,
                "kind": item["kind"],
                "metric": item["metric"],
                "label": item["label"],
                "description": item.get("description", ""),
                "target": Decimal(str(target)) if target is not None else None,
                "comparison": item.get("comparison"),
                "unit": item.get("unit"),
                "period": item["period"],
                "starts_on": None,
                "ends_on": None,
            }
        )
    return rows


def _inbox_rows(
    data: dict[str, Any],
    fixed_ids: dict[str, int],
    user_ids: dict[str, int],
    service_ids: dict[str, int],
    now: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def customer(number: str | None) -> int | None:
        if number is None:
            return None
        if number not in fixed_ids:
            raise ValueError(f"client inconnu « {number} »")
        return fixed_ids[number]

    messages = [
        {
            "id": index,
            "channel": item.get("channel", "email"),
            "language": item.get("language", "fr"),
            "sender": item["sender"],
            "recipient": item.get("recipient", "service.client@orbelia.fr"),
            "subject": item["subject"],
            "body": item["body"].rstrip("\n"),
            "received_at": now - timedelta(hours=float(item.get("hours_ago", 1))),
            "status": "unread",
            "folder": "inbox",
            "customer_id": customer(item.get("customer")),
            "in_reply_to_id": None,
            "agent_id": None,
        }
        for index, item in enumerate(data.get("messages") or [], start=1)
    ]
    memos = []
    for index, item in enumerate(data.get("memos") or [], start=1):
        if item["to_service"] not in service_ids:
            raise ValueError(f"service inconnu « {item['to_service']} »")
        memos.append(
            {
                "id": index,
                "author_id": user_ids.get(item.get("author", "")),
                "to_service_id": service_ids[item["to_service"]],
                "to_user_id": None,
                "customer_id": customer(item.get("customer")),
                "priority": item.get("priority", "normal"),
                "subject": item["subject"],
                "body": item["body"].rstrip("\n"),
                "status": "unread",
                "created_at": now - timedelta(hours=float(item.get("hours_ago", 1))),
            }
        )
    return messages, memos


def _reset_sequences(connection: Connection) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    for table in CRM_TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


__all__ = ["SeedError", "SeedReport", "is_seeded", "seed_demo_company"]
