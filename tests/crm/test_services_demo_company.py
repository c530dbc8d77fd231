"""The services on the seeded demo company (read-only): what a shift starts from agrees with
seed_data/company.yaml and seed_data/customers.yaml."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import sessionmaker

from crm.errors import AuthenticationFailed
from crm.services import billing, campaigns, customers, orders, surveys, users
from crm.services.billing import CollectionRules

# The seeded fixture's clock (workstation.clock.DEFAULT_START).
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
COMPANY = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "seed_data" / "company.yaml").read_text("utf-8")
)
RULES = CollectionRules.from_company(COMPANY["collection"])


def test_screen_pop_and_card_of_sophie_durand(seeded_company: sessionmaker) -> None:
    found = customers.find_by_phone(seeded_company, "06 12 34 56 78")
    assert found is not None
    assert (found.number, found.display_name) == ("CL0000001", "Mme Sophie Durand")
    assert customers.find_by_number(seeded_company, "CL0000001") == found
    assert found in customers.search_customers(seeded_company, name="durand").items
    card = customers.customer_card(seeded_company, found.id, now=NOW)
    assert {c.offer_code for c in card.contracts} >= {"BOX-PLUS", "MOB-50"}
    box = next(c for c in card.contracts if c.offer_code == "BOX-PLUS")
    assert "Pack Sport" in box.options
    assert {p.display for p in card.phones} == {"06 12 34 56 78", "04 78 62 15 30"}
    # She pays by direct debit: only the invoice not yet due is open, and it is not late.
    assert all(invoice.days_late == 0 for invoice in card.open_invoices)


def test_collection_list_holds_the_late_payers(seeded_company: sessionmaker) -> None:
    page = billing.collection_list(seeded_company, rules=RULES, now=NOW, page_size=100)
    late = {item.customer.number: item for item in page.items}
    assert "CL0000003" in late and "CL0000001" not in late
    thomas = late["CL0000003"]
    assert len(thomas.invoice_numbers) == 2 and thomas.amount_due > 0
    assert thomas.days_late >= RULES.reminder_1_days
    assert thomas.reminders[0] == "Relance 1"
    assert all(item.days_late > 0 for item in page.items)


def test_catalogue_and_org_chart_follow_company_yaml(seeded_company: sessionmaker) -> None:
    prices = {offer.code: offer.monthly_price for offer in orders.catalogue(seeded_company)}
    for box in COMPANY["boxes"]:
        assert prices[box["code"]] == Decimal(str(box["monthly_price"])).quantize(Decimal("0.01"))
    chart = users.org_chart(seeded_company)
    assert {(s.code, s.extension) for s in chart} == {
        (s["code"], s["extension"]) for s in COMPANY["services"]
    }


@pytest.mark.parametrize("account", COMPANY["demo_accounts"], ids=lambda a: a["login"])
def test_demo_accounts_log_in(seeded_company: sessionmaker, account: dict[str, str]) -> None:
    user = users.authenticate(seeded_company, account["login"], account["password"])
    assert (user.role, user.display_name, user.extension) == (
        account["role"],
        account["name"],
        account["extension"],
    )
    with pytest.raises(AuthenticationFailed):
        users.authenticate(seeded_company, account["login"], account["password"] + "x")


def test_campaigns_and_survey_are_ready(seeded_company: sessionmaker) -> None:
    survey = surveys.get_survey(seeded_company, "SAT-2026")
    assert [q.kind for q in survey.questions][:2] == ["single", "scale"]
    contacts = campaigns.next_contacts(seeded_company, "RECOUVREMENT", now=NOW, limit=100)
    assert contacts and all(entry.amount_due and entry.amount_due > 0 for entry in contacts)
    rate = surveys.completion_rate(seeded_company, "SATISFACTION-T4")
    assert rate.contacts > 0 and 0.0 <= rate.rate <= 1.0
