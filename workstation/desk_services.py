"""The application services the desk's panels use, built once per session from the runtime.

Each panel gets the one it needs; none of them holds a session or reads configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.campaign_desk import CampaignDesk, collection_rules_from
from workstation.customer_desk import CustomerDesk, motives_from_history
from workstation.inbox_desk import InboxDesk
from workstation.runtime import Runtime
from workstation.sales_desk import SalesDesk, company_rules_from


@dataclass(frozen=True)
class DeskServices:
    customers: CustomerDesk
    sales: SalesDesk
    campaigns: CampaignDesk
    inbox: InboxDesk


def build_desk_services(runtime: Runtime, agent_id: int | None = None) -> DeskServices:
    """Read the company's rules and history once and wire the services (blocking: worker)."""
    company = runtime.seed_dir / "company.yaml"
    motives = motives_from_history(runtime.seed_dir / "history.yaml")
    factory, clock = runtime.session_factory, runtime.clock
    return DeskServices(
        customers=CustomerDesk(factory, clock, motives=motives),
        sales=SalesDesk(factory, clock, company_rules_from(company)),
        campaigns=CampaignDesk(factory, clock, collection_rules_from(company)),
        inbox=InboxDesk(
            factory, clock, letters_dir=runtime.settings.letters_dir,
            templates_dir=runtime.templates_dir, agent_id=agent_id,
        ),
    )  # fmt: skip
