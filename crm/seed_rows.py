"""Rows for the generated customers: contracts, orders, invoices and payments, payment
plans, history, requests, appointments, call lists and survey answers, as plain dicts for
Core bulk inserts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from crm.seed_customers import (
    MONTHS_FR,
    CampaignInfo,
    ContractSpec,
    CustomerSpec,
    OfferInfo,
    World,
    add_months,
    euros_text,
    money,
    paris_time,
    randint,
)
from crm.validation import fold as fold_name

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
