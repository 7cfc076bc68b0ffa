"""/evidence builds the year's pack and hands the edge its HTML and CSV for the person's DM."""

from __future__ import annotations

import csv
import io

import pytest

from storage.errors import BoardbotError
from tests.commands.conftest import OUTSIDER, BoundPartnership

HEADER = (
    "partnership,duty_id,title,clause,owners,counterparts,opens,closes,due,status,done_on,"
    "done_by,evidence,note,waived_reason"
)


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_it_sends_the_current_years_pack_as_html_and_csv(bound: BoundPartnership) -> None:
    reply = bound.run("/evidence", "", "U0HWBCHAIR")
    assert reply.ephemeral and "on its way to your direct messages" in reply.message.text
    html, table = reply.files
    assert html.filename == "rutland-evidence-2026-27.html" and html.content.startswith(b"<!")
    assert table.filename == "rutland-evidence-2026-27.csv"
    assert table.content.decode("utf-8-sig").splitlines()[0] == HEADER
    assert {row["partnership"] for row in rows(table.content)} == {"rutland"}
    assert "2026/27" in reply.files_comment


def test_a_board_and_a_year_narrow_it(bound: BoundPartnership) -> None:
    whole = rows(bound.run("/evidence", "2025/26", "U0HWBBM").files[1].content)
    reply = bound.run("/evidence", "lrsab 2025/26", "U0HWBBM")
    html, table = reply.files
    assert html.filename == "rutland-lrsab-evidence-2025-26.html"
    mine = rows(table.content)
    assert mine and len(mine) < len(whole)
    assert all("lrsab" in f"{r['owners']} {r['counterparts']}".split() for r in mine)
    assert all(r["due"] < "2026-04-01" for r in mine)


@pytest.mark.parametrize(
    ("text", "user", "message"),
    [
        ("", OUTSIDER, "chair or business manager or secretariat of one of"),
        ("2026/28", "U0HWBBM", "'2026/28' is not a year"),
        ("nope", "U0HWBBM", "no board called 'nope'"),
        ("hwb lrsab", "U0HWBBM", "is not an /evidence command"),
        ("hwb 2026/27 extra", "U0HWBBM", "is not an /evidence command"),
    ],
)
def test_it_refuses_what_it_cannot_send(
    bound: BoundPartnership, text: str, user: str, message: str
) -> None:
    with pytest.raises(BoardbotError, match=message):
        bound.run("/evidence", text, user)


def test_a_board_may_be_named_by_its_channel(bound: BoundPartnership) -> None:
    reply = bound.run("/evidence", "#C0SAB 2026/27", "U0SABBM")
    assert reply.files[0].filename == "rutland-lrsab-evidence-2026-27.html"
