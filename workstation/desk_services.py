"""The application services the desk's panels use, built once per session from the runtime.

Each panel gets the one it needs; none of them holds a session or reads configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.views import UserView
from workstation.campaign_desk import CampaignDesk, collection_rules_from
from workstation.customer_desk import CustomerDesk, motives_from_history
from workstation.file_desk import FileDesk
from workstation.inbox_desk import InboxDesk
from workstation.letters_desk import LettersDesk
from workstation.memo_tray_desk import TrayDesk
from workstation.notes_desk import NotesDesk
from workstation.runtime import Runtime
from workstation.sales_desk import SalesDesk, company_rules_from
from workstation.team_desk import TeamDesk


@dataclass(frozen=True)
class DeskServices:
    customers: CustomerDesk
    sales: SalesDesk
    campaigns: CampaignDesk
    inbox: InboxDesk
    letters: LettersDesk
    file: FileDesk
    team: TeamDesk
    notes: NotesDesk
    trays: TrayDesk


def build_desk_services(
    runtime: Runtime, user: UserView | None = None, shift_id: str | None = None
) -> DeskServices:
    """Read the company's rules and history once and wire the services (blocking: worker)."""
    agent_id = user.id if user else None
    company = runtime.seed_dir / "company.yaml"
    motives = motives_from_history(runtime.seed_dir / "history.yaml")
    factory, clock = runtime.session_factory, runtime.clock
    services = CustomerDesk(factory, clock, motives=motives)
    return DeskServices(
        customers=services,
        sales=SalesDesk(factory, clock, company_rules_from(company)),
        campaigns=CampaignDesk(factory, clock, collection_rules_from(company)),
        inbox=InboxDesk(
            factory, clock, letters_dir=runtime.settings.letters_dir,
            templates_dir=runtime.templates_dir, agent_id=agent_id,
        ),
        letters=LettersDesk(
            factory, clock, runtime.templates_dir, runtime.settings.letters_dir,
            agent_id=agent_id, agent_name=user.display_name if user else "",
            service_name=_service_name(services, user),
        ),
        file=FileDesk(factory, clock, agent_id=agent_id),
        team=TeamDesk(factory, runtime.engine, clock, agent_id=agent_id, shift_id=shift_id),
        notes=NotesDesk(factory, clock, agent_id=agent_id),
        trays=TrayDesk(factory, own_service=user.service_code if user else None),
    )  # fmt: skip


def _service_name(customers: CustomerDesk, user: UserView | None) -> str:
    """The agent's service, as letters sign it ("Service Accueil clients")."""
    if user is None or user.service_code is None:
        return ""
    return next((s.name for s in customers.services() if s.code == user.service_code), "")
