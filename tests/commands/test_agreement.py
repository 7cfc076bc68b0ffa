"""The agreement itself (when it was agreed, when it is next reviewed) is shown by /boards and on
the evidence pack's cover."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from schedules.evidence import build_pack
from tests.commands.anyborough import Anyborough, bind_anyborough
from tests.commands.conftest import OUTSIDER, BoundPartnership

AGREEMENT = "Agreed 28 October 2014; next review 28 October 2026"


@pytest.fixture
def anyborough(engine: Engine) -> Iterator[Anyborough]:
    with Session(engine, expire_on_commit=False) as session:
        yield bind_anyborough(session)


def test_boards_shows_when_the_protocol_was_agreed_and_is_next_reviewed(
    anyborough: Anyborough,
) -> None:
    assert AGREEMENT in str(anyborough.run("/boards", "", OUTSIDER).message.blocks)


def test_boards_says_nothing_of_an_agreement_the_protocol_does_not_date(
    bound: BoundPartnership,
) -> None:
    assert "Agreed" not in str(bound.run("/boards", "", OUTSIDER).message.blocks)


def test_the_evidence_packs_cover_names_the_agreement(anyborough: Anyborough) -> None:
    html = build_pack("anyborough", 2026, anyborough.now, session=anyborough.session).render("html")
    cover = html.decode().split('<nav aria-label="Contents">')[0]
    assert "<dt>Agreement</dt>" in cover and AGREEMENT in cover
