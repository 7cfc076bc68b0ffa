"""The tracker canvas's content: each board's duties of the year, overdue first, in the
statuses the evidence pack and its CSV give, as plain canvas markdown."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from schedules.evidence import build_pack
from schedules.evidence.duties import STATUS_WORDS, DutyInfo, DutyRow
from schedules.evidence.year import PackYear
from schedules.tracker import (
    LIMIT,
    BoardDuties,
    plain,
    render,
    tracker_inputs,
    tracker_markdown,
)
from storage.models import Partnership
from storage.queries.partnerships import partnership_by_key
from tests.commands.conftest import BoundPartnership
from tests.schedules.evidence.year_of_activity import AT, moment, occurrence, run, seed_year

REVIEW_OPENS = date(2026, 10, 1)
SECTION = re.compile(r"^## (\w+): ", re.MULTILINE)


@pytest.fixture
def year(bound: BoundPartnership) -> BoundPartnership:
    seed_year(bound)
    return bound


def rutland(ws: BoundPartnership) -> Partnership:
    found = partnership_by_key("rutland", session=ws.session)
    assert found is not None
    return found


def sections(markdown: str) -> dict[str, list[str]]:
    """Board key -> its list items, in order."""
    parts = SECTION.split(markdown)
    return {
        key.lower(): [line for line in body.splitlines() if line.startswith("- ")]
        for key, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def status_of(item: str) -> str:
    word = item.split("**")[1].lower()
    return next(key for key, said in STATUS_WORDS.items() if said == word)


def test_each_board_lists_its_duties_with_the_overdue_first(year: BoundPartnership) -> None:
    markdown = tracker_markdown(rutland(year), AT, session=year.session)
    boards = sections(markdown)
    assert list(boards) == ["hwb", "lrlscb", "lrsab"]
    hwb = boards["hwb"]
    assert status_of(hwb[0]) == "overdue"
    assert hwb[0].startswith("- **Overdue**: HWB strategy review and refreshed JSNA")
    assert "due 26 Feb 2027" in hwb[0]
    order = ["overdue", "open", "upcoming", "done_late", "done", "waived"]
    for items in boards.values():
        ranks = [order.index(status_of(item)) for item in items]
        assert ranks == sorted(ranks)


def test_its_statuses_are_the_evidence_packs_and_its_csvs(year: BoundPartnership) -> None:
    partnership = rutland(year)
    markdown = tracker_markdown(partnership, AT, session=year.session)
    text = build_pack("rutland", 2026, AT, session=year.session).render("csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    boards = sections(markdown)
    for key, items in boards.items():
        owed = [r for r in rows if key in r["owners"].split()]
        assert sorted(status_of(i) for i in items) == sorted(r["status"] for r in owed), key
        for row in owed:
            assert any(
                plain(row["title"]) in i and STATUS_WORDS[row["status"]] in i.lower() for i in items
            ), (key, row["title"])
    counted = {s: sum(r["status"] == s for r in rows) for s in STATUS_WORDS}
    headline = next(line for line in markdown.splitlines() if line.startswith("**"))
    for status, count in counted.items():
        said = f"{count} {STATUS_WORDS[status]}"
        assert (said in headline) == (count > 0), (said, headline)


def test_a_joint_duty_is_listed_under_each_board_that_owes_it(year: BoundPartnership) -> None:
    boards = sections(tracker_markdown(rutland(year), AT, session=year.session))
    for key in ("hwb", "lrlscb", "lrsab"):
        assert sum("Refreshed plans shared" in item for item in boards[key]) == 1, key


def test_done_duties_say_when_by_whom_and_link_their_evidence(year: BoundPartnership) -> None:
    hwb = sections(tracker_markdown(rutland(year), AT, session=year.session))["hwb"]
    plans = next(item for item in hwb if "Refreshed plans shared" in item)
    assert plans == (
        "- **Done on time**: Refreshed plans shared (Apr–May 2026), due 29 May 2026, done 20 May"
        " 2026 by HWB business manager; [evidence](https://example.org/refreshed-plans.pdf)"
    )
    sab = sections(tracker_markdown(rutland(year), AT, session=year.session))["lrsab"]
    waived = next(item for item in sab if item.startswith("- **Waived**"))
    assert waived.endswith(
        "waived 10 Nov 2026 by U0SABBM: Presented jointly with the LRLSCB report"
    )


def test_the_content_holds_all_day_and_changes_with_the_record(year: BoundPartnership) -> None:
    partnership = rutland(year)
    morning, evening = AT.replace(hour=8), AT.replace(hour=17)
    assert tracker_markdown(partnership, morning, session=year.session) == tracker_markdown(
        partnership, evening, session=year.session
    )
    before = tracker_inputs(partnership, evening, session=year.session)
    assert before == tracker_inputs(partnership, morning, session=year.session)
    review = occurrence(year, "hwb-strategy-review-to-safeguarding-boards", REVIEW_OPENS)
    run(
        year,
        moment(2027, 3, 10, 13),
        "/duties",
        f"done {review.id} https://example.org/r",
        "U0HWBBM",
    )
    after = tracker_markdown(partnership, evening, session=year.session)
    assert "**Overdue**" not in after and "**Done late**: HWB strategy review" in after
    assert tracker_inputs(partnership, evening, session=year.session) != before
    tomorrow = evening + timedelta(days=1)
    assert tracker_inputs(partnership, tomorrow, session=year.session) != tracker_inputs(
        partnership, evening, session=year.session
    )


def test_free_text_stays_text_and_links_stay_whole(year: BoundPartnership) -> None:
    review = occurrence(year, "hwb-strategy-review-to-safeguarding-boards", REVIEW_OPENS)
    review.status, review.completed_by = "done", "U0HWBBM"
    review.completed_at = moment(2027, 3, 10, 9)
    review.evidence_link = "https://example.org/a_(draft)[v2].pdf"
    review.note = "**urgent** see [here](https://evil.example) <@U0HWBCHAIR>\n# not a heading"
    year.session.add(review)
    year.session.commit()
    hwb = sections(tracker_markdown(rutland(year), AT, session=year.session))["hwb"]
    item = next(i for i in hwb if "strategy review" in i)
    assert "[evidence](https://example.org/a_%28draft%29%5Bv2%5D.pdf)" in item
    assert (
        r"\*\*urgent\*\* see \[here\](https://evil.example) \<@U0HWBCHAIR\> # not a heading" in item
    )
    assert "\n" not in item


def test_a_board_without_duties_in_the_year_says_so() -> None:
    markdown = render("P", PackYear(2026), [], [BoardDuties("cpb", "Corporate parenting", [])], {})
    assert "## CPB: Corporate parenting\n\n- No duties this year." in markdown
    assert "**No duties this year.**" in markdown


def test_the_year_is_the_one_holding_the_instant(bound: BoundPartnership) -> None:
    partnership = rutland(bound)
    march = tracker_markdown(partnership, moment(2027, 3, 31, 12), session=bound.session)
    april = tracker_markdown(partnership, moment(2027, 4, 1, 12), session=bound.session)
    assert march.startswith("# ") and ": duties 2026/27\n" in march.splitlines()[0] + "\n"
    assert ": duties 2027/28" in april.splitlines()[0]


def many(count: int, status: str) -> list[DutyRow]:
    info = DutyInfo(
        1, "d", "duty", "A duty with a long enough title " * 3, "", "", ("b",), (), None
    )
    day = date(2026, 6, 1)
    done = day if status in ("done", "waived") else None
    return [
        DutyRow(info, i, f"q{i}", f"Q{i}", day, day, day, status, done_on=done, done_by="U1")
        for i in range(count)
    ]


def test_a_year_too_big_for_a_canvas_counts_its_settled_duties_and_then_is_cut() -> None:
    year = PackYear(2026)
    settled, unsettled = many(8000, "done"), many(200, "overdue")
    rows = settled + unsettled
    folded = render("P", year, rows, [BoardDuties("b", "Board", rows)], {})
    assert len(folded) <= LIMIT
    assert folded.count("- **Overdue**") == 200 and "- **Done on time**" not in folded
    assert "- 8000 more done or waived: the evidence pack lists them." in folded
    assert "**200 overdue, 8000 done on time.**" in folded
    huge = many(9000, "overdue")
    cut = render("P", year, huge, [BoardDuties("b", "Board", huge)], {})
    assert len(cut) <= LIMIT
    assert cut.endswith("\n- … and more than a canvas holds: the evidence pack lists every duty.\n")
    assert all(line.startswith("- **Overdue**") for line in cut.splitlines()[-2:-1])
