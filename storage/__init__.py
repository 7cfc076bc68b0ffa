"""SQLModel tables, repository functions, the engine and session, Alembic migrations."""
