"""Opening the workstation's database: the engine, migrated to the newest schema.

The first run on a new database upgrades it automatically (issue 2: "the first run upgrades
automatically"); an unreachable server gives a French message rather than a traceback.
"""

from __future__ import annotations

from gettext import gettext as _

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from crm import schema
from crm.db import make_engine


class DatabaseUnavailable(Exception):
    """The database cannot be opened; the message says why and what to do."""


def open_database(db_url: str, upgrade: bool = True) -> Engine:
    """An engine on `db_url`, its schema brought to the newest revision when `upgrade`.

    The check reads the database's revision without Alembic (`schema.is_up_to_date`); Alembic
    is loaded only when a migration is due, so an ordinary start does not pay for it.
    """
    try:
        engine = make_engine(db_url)
    except ArgumentError as error:
        raise DatabaseUnavailable(
            _("Adresse de base de données invalide : « {url} ».").format(url=db_url)
        ) from error
    try:
        if upgrade and not schema.is_up_to_date(engine):
            schema.upgrade(engine)
    except OperationalError as error:
        engine.dispose()
        raise DatabaseUnavailable(
            _(
                "Base de données injoignable ({url}) : {reason}. Vérifiez que le serveur est "
                "démarré et l'adresse passée à --db."
            ).format(url=engine.url.render_as_string(hide_password=True), reason=error.orig)
        ) from error
    return engine
