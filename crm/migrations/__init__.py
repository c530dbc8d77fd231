"""Alembic migrations of the CRM schema (run them with `crm.schema.upgrade`)."""
