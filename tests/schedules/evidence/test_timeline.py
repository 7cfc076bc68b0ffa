"""The year at a glance: outcomes told apart by shape, windows as bars, meetings as ticks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime

from schedules.evidence import Pack, build_pack
from schedules.evidence.timeline import timeline_svg
from tests.commands.conftest import BoundPartnership

MARKED = ("done", "done_late", "waived", "overdue")


def svg_of(pack: Pack) -> ET.Element:
    """The timeline as the HTML pack carries it, parsed as XML (so it is well formed)."""
    html = pack.render("html").decode("utf-8")
    found = re.search(r"<svg class=\"timeline\".*?</svg>", html, re.S)
    assert found is not None
    return ET.fromstring(found.group(0))


def shape(element: ET.Element) -> str:
    """What a reader without colour sees."""
    if element.tag == "polygon":
        corners = len(element.get("points", "").split())
        filled = element.get("fill") != "#ffffff"
        return f"{'filled' if filled else 'hollow'} polygon of {corners}"
    if element.tag == "path":
        return f"path of {element.get('d', '').count('M')} strokes"
    return element.tag


def test_each_outcome_has_its_own_shape(pack: Pack) -> None:
    svg = svg_of(pack)
    shapes = {
        status: {shape(e) for e in svg.iter() if e.get("data-status") == status}
        for status in MARKED
    }
    assert shapes == {
        "done": {"circle"},
        "done_late": {"filled polygon of 3"},
        "waived": {"hollow polygon of 4"},
        "overdue": {"path of 2 strokes"},
    }


def test_there_is_one_mark_per_marked_occurrence_and_none_for_open_ones(pack: Pack) -> None:
    svg = svg_of(pack)
    marks = Counter(e.get("data-status") for e in svg.iter() if e.get("data-status"))
    wanted = Counter(r.status for r in pack.record.duties if r.status in MARKED)
    assert marks == wanted and sum(marks.values()) == 6
    windows = [e for e in svg.iter("rect") if "window" in e.get("class", "").split()]
    assert len(windows) - 2 == len(pack.record.duties)  # the legend shows two bars


def test_the_legend_shows_every_shape_with_its_meaning(pack: Pack) -> None:
    legend = next(g for g in svg_of(pack).iter("g") if g.get("class") == "legend")
    shown = {e.get("data-legend"): shape(e) for e in legend if e.get("data-legend")}
    assert shown == {
        "done": "circle",
        "done_late": "filled polygon of 3",
        "waived": "hollow polygon of 4",
        "overdue": "path of 2 strokes",
    }
    words = " ".join(t.text or "" for t in legend.iter("text"))
    for meaning in ("done on time", "done late", "waived", "overdue", "meeting", "not open yet"):
        assert meaning in words


def test_meetings_of_the_year_are_ticks_on_their_boards_lanes(pack: Pack) -> None:
    lanes = {g.get("data-board"): g for g in svg_of(pack).iter("g") if g.get("class") == "lane"}
    ticks = {board: [t.findtext("title") for t in g.iter("line")] for board, g in lanes.items()}
    assert ticks == {
        "hwb": ["HWB meeting 10 Jun 2026", "HWB meeting 16 Sep 2026"],
        "lrlscb": ["LRLSCB meeting 7 Oct 2026"],
        "lrsab": [],
    }


def test_a_window_not_open_yet_is_drawn_dashed_without_a_mark(year: BoundPartnership) -> None:
    early = build_pack("rutland", 2026, datetime(2026, 8, 3, 9, tzinfo=UTC), session=year.session)
    svg = svg_of(early)
    dashed = [e for e in svg.iter("rect") if "window-upcoming" in e.get("class", "")]
    upcoming = [r for r in early.record.duties if r.status == "upcoming"]
    assert len(upcoming) == 3 and len(dashed) == len(upcoming) + 1  # and one in the legend
    assert not [e for e in svg.iter() if e.get("data-status") == "upcoming"]


def test_it_has_a_title_and_a_description_for_screen_readers(pack: Pack) -> None:
    svg = svg_of(pack)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "timeline-title timeline-desc"
    assert svg.findtext("title") == "The year 2026/27 at a glance"
    description = svg.findtext("desc") or ""
    assert description.startswith("6 occurrences of 5 duties from 1 April 2026 to 31 March 2027")
    assert "1 overdue" in description and "3 board meetings" in description


def test_a_duty_owed_jointly_is_a_group_of_its_own(pack: Pack) -> None:
    groups = [t.text for t in svg_of(pack).iter("text") if t.get("class") == "group"]
    assert groups == ["HWB", "HWB + LRLSCB + LRSAB", "LRLSCB", "LRSAB"]


def test_text_in_the_picture_is_escaped(pack: Pack) -> None:
    record = pack.record
    picture = timeline_svg(
        record.duties,
        record.meetings,
        ["hwb", "lrlscb", "<lrsab & co>"],
        record.year,
        record.at,
        lambda user: '<img src=x onerror="alert(1)">',
    )
    parsed = ET.fromstring(str(picture))
    assert "<img" not in str(picture)
    texts = [t.text or "" for t in parsed.iter("text")] + [
        t.text or "" for t in parsed.iter("title")
    ]
    assert "<LRSAB & CO> meetings" in texts
    assert any('by <img src=x onerror="alert(1)">' in text for text in texts)
