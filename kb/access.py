"""Who may read which base: declared per base in `bases.yaml` (C2, "accès sécurisé").

The role is always passed in by the caller (today from the command line or the session,
later from the CRM user); nothing here knows where it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from gettext import gettext as _

from kb.articles import ROLES, Base
from kb.errors import UnknownRole


def check_role(role: str) -> str:
    """`role` if it is a known role, UnknownRole otherwise."""
    if role not in ROLES:
        raise UnknownRole(
            _("Rôle inconnu « {role} » : choisissez {roles}.").format(
                role=role, roles=", ".join(ROLES)
            )
        )
    return role


def readable_bases(bases: Iterable[Base], role: str) -> list[Base]:
    """The bases `role` may read, in declaration order."""
    check_role(role)
    return [base for base in bases if role in base.roles]
