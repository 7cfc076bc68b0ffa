"""Run Alembic from code: `boardbot db upgrade`, and the models-versus-migrations check."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import storage.installations  # registers Slack's OAuth tables
import storage.models  # noqa: F401 - registers the tables
from storage.db import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


TEAM_REVISION = "0012"  # the migration that gives every partnership its workspace


def upgrade(url: str | None, revision: str = "head", *, team: str | None = None) -> None:
    """Migrate to `revision`; `team` is the workspace existing partnerships are assigned to."""
    config = alembic_config(url)
    config.attributes["boardbot_team"] = team
    command.upgrade(config, revision)


def assigns_workspaces(engine: Engine, revision: str = "head") -> bool:
    """True when upgrading to `revision` runs the migration that assigns partnerships a
    workspace, on a database that already has tables (so it may hold partnerships)."""
    current = current_revision(engine)
    if current is None:
        return False
    scripts = ScriptDirectory(str(MIGRATIONS))
    pending = {s.revision for s in scripts.iterate_revisions(revision, current)}
    return TEAM_REVISION in pending


def downgrade(url: str | None, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def code_heads() -> frozenset[str]:
    """The revisions this code's migrations end at (read once per process)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def schema_problem(engine: Engine) -> str | None:
    """Why the database's schema does not match this code, or None when it does."""
    with engine.connect() as connection:
        current = frozenset(MigrationContext.configure(connection).get_current_heads())
        tables = inspect(connection).get_table_names() if not current else []
    heads = code_heads()
    if current == heads:
        return None
    if not current:
        return "schema unknown: no migration recorded" if tables else "no tables"
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if current <= known:
        return "schema behind: run `boardbot db upgrade`"
    return f"schema at revision {', '.join(sorted(current - known))}, unknown to this code"


def model_drift(engine: Engine) -> list[object]:
    """Differences between the tables the models declare and what the migrations built."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))
