"""The HTML pack: self-contained, escaped, and built of real headings and table headers."""

from __future__ import annotations

from html.parser import HTMLParser

from schedules.evidence import Pack, build_pack
from storage.queries.people import ensure_person
from tests.commands.conftest import BoundPartnership
from tests.schedules.evidence.year_of_activity import AT, MINUTES, PLANS, REPORT, moment, run

LOADING_TAGS = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}
LOADING_ATTRIBUTES = {"src", "srcset", "href", "xlink:href", "action", "poster", "data", "style"}


class Outline(HTMLParser):
    """The tags, links and headings of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.headings: list[tuple[str, str]] = []
        self.style = ""
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.references += [(tag, k, v or "") for k, v in attrs if k in LOADING_ATTRIBUTES]
        self._open = tag

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open in ("h1", "h2", "h3"):
            self.headings.append((self._open, data.strip()))
        if self._open == "style":
            self.style += data


def outline(pack: Pack) -> Outline:
    parsed = Outline()
    parsed.feed(pack.render("html").decode("utf-8"))
    return parsed


def test_the_pack_loads_nothing_from_anywhere(pack: Pack) -> None:
    parsed = outline(pack)
    assert not LOADING_TAGS & set(parsed.tags)
    assert "url(" not in parsed.style and "@import" not in parsed.style
    outside = [(t, a, v) for t, a, v in parsed.references if not v.startswith("#")]
    # The only addresses are the evidence links people recorded, as links to follow.
    assert {(t, a) for t, a, _ in outside} == {("a", "href")}
    assert {v for _, _, v in outside} == {PLANS, REPORT, MINUTES}


def test_no_address_appears_but_the_recorded_evidence(pack: Pack) -> None:
    html = pack.render("html").decode("utf-8")
    for link in (PLANS, REPORT, MINUTES):
        html = html.replace(link, "")
    assert "http:" not in html and "https:" not in html and "//" not in html


def test_only_web_addresses_become_links(bound: BoundPartnership) -> None:
    from sqlmodel import select

    from storage.models import DutyOccurrence

    run(bound, moment(2026, 5, 20), "/duties", "hwb", "U0HWBBM")
    row = bound.session.exec(select(DutyOccurrence)).first()
    assert row is not None
    row.status, row.evidence_link, row.completed_by = "done", "javascript:alert(1)", "U0HWBBM"
    row.completed_at = moment(2026, 5, 21)
    bound.session.commit()
    parsed = outline(build_pack("rutland", 2026, AT, session=bound.session))
    assert not [v for _, _, v in parsed.references if v.startswith("javascript")]


def test_it_has_a_cover_and_a_heading_for_every_section(pack: Pack) -> None:
    headings = outline(pack).headings
    assert headings[0] == (
        "h1",
        "Rutland Health and Well-Being Board and the Leicestershire and Rutland safeguarding "
        "boards",
    )
    assert [text for level, text in headings if level == "h2"] == [
        "Contents",
        "The year at a glance",
        "Summary by board",
        "Duties and their occurrences",
        "Minutes shared",
        "Agenda requests",
        "Escalations",
        "Appendix: the audit trail",
    ]
    duties = [text for level, text in headings if level == "h3"]
    assert "LRLSCB annual report to the HWB" in duties and "Escalation #1: HWB → LRLSCB" in duties


def test_tables_have_header_cells_and_every_section_starts_a_printed_page(pack: Pack) -> None:
    html = pack.render("html").decode("utf-8")
    assert html.count("<table") == html.count("<thead>") > 8
    assert '<th scope="col">Done late</th>' in html
    assert "main > section { break-before: page; }" in html
    assert "@page { size: A4;" in html


def test_the_cover_says_the_period_and_the_instant(pack: Pack) -> None:
    html = pack.render("html").decode("utf-8")
    assert "1 April 2026 to 31 March 2027 (2026/27)" in html
    assert "10 Mar 2027 12:00 (London time)" in html
    for board in ("HWB", "LRLSCB", "LRSAB"):
        assert f"<strong>{board}</strong>" in html


def test_people_are_named_where_known(pack: Pack) -> None:
    html = pack.render("html").decode("utf-8")
    assert "HWB business manager" in html  # a stored name
    assert "U0SABBM" in html  # no name stored: the Slack id


def test_everything_recorded_is_escaped(bound: BoundPartnership) -> None:
    ensure_person("U0HWBBM", session=bound.session, name="<img src=x onerror=alert(1)>")
    bound.session.commit()
    item = "<script>alert('item')</script> & \"quotes\""
    run(bound, moment(2026, 7, 1), "/agenda", f"request hwb lrlscb {item}", "U0HWBBM")
    html = build_pack("rutland", 2026, AT, session=bound.session).render("html").decode()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;item&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
