"""Users: logging in, the org chart for transfers (C4.1) and objectives (C4.4)."""

from __future__ import annotations

from functools import cache
from gettext import gettext as _

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload, sessionmaker

from crm.errors import AuthenticationFailed, NotFound, ValidationError
from crm.models import Objective, Service, User
from crm.passwords import hash_password, verify_password
from crm.views import ObjectiveView, ServiceView, UserView


@cache
def _decoy_hash() -> str:
    # Checked when the login does not exist, so both failures take the same time.
    return hash_password("decoy", salt=bytes(16))


def authenticate(session_factory: sessionmaker, login: str, password: str) -> UserView:
    """The user whose login and password match; otherwise `AuthenticationFailed`, whose
    message does not say whether the login exists."""
    login = login.strip().lower() if isinstance(login, str) else ""
    if not login or not isinstance(password, str) or not password:
        raise ValidationError.single(
            "identifiant", _("Saisissez votre identifiant et votre mot de passe.")
        )
    with session_factory.begin() as session:
        user = session.scalar(
            select(User).where(User.login == login).options(selectinload(User.service))
        )
        stored = user.password_hash if user is not None else _decoy_hash()
        matches = verify_password(password, stored)
        if user is None or not matches or not user.active:
            raise AuthenticationFailed()
        return UserView(
            id=user.id,
            login=user.login,
            display_name=user.display_name,
            role=user.role,
            extension=user.extension,
            service_code=user.service.code if user.service else None,
        )


def org_chart(session_factory: sessionmaker) -> tuple[ServiceView, ...]:
    """The services with their extensions and active members, by extension (C4.1: whom to
    transfer a call to)."""
    with session_factory.begin() as session:
        services = session.scalars(
            select(Service).options(selectinload(Service.users)).order_by(Service.extension)
        ).all()
        return tuple(
            ServiceView(
                code=service.code,
                name=service.name,
                extension=service.extension,
                queue=service.queue,
                role=service.role,
                members=tuple(sorted(user.display_name for user in service.users if user.active)),
            )
            for service in services
        )


def objectives(session_factory: sessionmaker, user_id: int) -> tuple[ObjectiveView, ...]:
    """The objectives of an agent and of their team (C4.4), the agent's own first."""
    with session_factory.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(_("Utilisateur introuvable (identifiant {id}).").format(id=user_id))
        criteria = [Objective.user_id == user.id]
        if user.service_id is not None:
            criteria.append(Objective.service_id == user.service_id)
        rows = session.scalars(
            select(Objective)
            .where(or_(*criteria))
            .order_by(Objective.user_id.is_(None), Objective.kind, Objective.id)
        ).all()
        return tuple(
            ObjectiveView(
                id=row.id,
                scope="agent" if row.user_id is not None else "team",
                kind=row.kind,
                metric=row.metric,
                label=row.label,
                description=row.description,
                target=row.target,
                comparison=row.comparison,
                unit=row.unit,
                period=row.period,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
            )
            for row in rows
        )
