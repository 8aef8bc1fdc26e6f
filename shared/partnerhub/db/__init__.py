"""Database: engines, the platform tables (outbox, inbox, clock), migrations, unit of work."""

from partnerhub.db.engine import dialect_of, ensure_database, make_engine
from partnerhub.db.uow import Database, UnitOfWork

__all__ = ["Database", "UnitOfWork", "dialect_of", "ensure_database", "make_engine"]
