"""slack_sdk's OAuth stores expect exactly the tables boardbot's migrations build."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData, text

from bot.oauth import app_options
from bot.settings import Settings
from storage.db import make_engine
from storage.installations import BOTS, INSTALLATIONS, OAUTH_STATES
from storage.migrate import model_drift


def stores_metadata(engine: Engine) -> list[MetaData]:
    """The MetaData slack_sdk's installation store and state store build for themselves."""
    settings = Settings(SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="secret")
    options = app_options(settings, engine)
    return [options["installation_store"].metadata, options["oauth_settings"].state_store.metadata]


def differences(engine: Engine, metadata: MetaData) -> list[Any]:
    """What separates the database from `metadata`, for `metadata`'s own tables only."""

    def ours(name: str | None, kind: str, _parent: Any) -> bool:
        return kind != "table" or name in metadata.tables

    with engine.connect() as connection:
        options = {"compare_type": True, "include_name": ours}
        return list(
            compare_metadata(MigrationContext.configure(connection, opts=options), metadata)
        )


def test_the_stores_tables_are_the_ones_the_migrations_built(engine: Engine) -> None:
    stores = stores_metadata(engine)
    names = sorted(name for metadata in stores for name in metadata.tables)
    assert names == sorted([BOTS, INSTALLATIONS, OAUTH_STATES])
    for metadata in stores:
        assert differences(engine, metadata) == []


@pytest.mark.parametrize("table", [BOTS, INSTALLATIONS, OAUTH_STATES])
def test_the_drift_check_notices_a_slack_table_that_is_missing(sqlite_url: str, table: str) -> None:
    engine = make_engine(sqlite_url)  # a copy of its own: the table is gone for good
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {table}"))
    drift = model_drift(engine)
    engine.dispose()
    assert drift and drift[0][0] == "add_table" and drift[0][1].name == table
