"""The CRM's use cases, one module per family (customers, billing, orders, surveys…).

Every service function takes a `session_factory` (a SQLAlchemy `sessionmaker`), validates its
input first, runs in one `with session_factory.begin()` transaction, and returns frozen views
from `crm.views`. A `crm.errors.CrmError` carries a French message for the user; when one is
raised nothing has been written.
"""
