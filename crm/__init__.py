"""The relational client database (SQLAlchemy 2) and the action journal."""
