"""The HTML evidence pack in headless Chromium: it loads nothing, and prints to PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Request
from sqlmodel import Session

from schedules.evidence import build_pack
from storage.db import make_engine
from tests.browser.conftest import chromium_executable
from tests.commands.conftest import BoundPartnership, bind_rutland
from tests.schedules.evidence.year_of_activity import AT, seed_year

if chromium_executable() is None:
    pytest.skip("no Chromium executable (install the chromium package)", allow_module_level=True)

pytestmark = pytest.mark.browser
SECTIONS = 7  # after the cover, each starts a printed page


@pytest.fixture
def html(sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    with Session(engine, expire_on_commit=False) as session:
        bind_rutland(session)
        seed_year(BoundPartnership(session))
        made = build_pack("rutland", 2026, AT, session=session).render("html")
    engine.dispose()
    return made.decode("utf-8")


def test_the_pack_prints_to_pdf_one_section_per_page(browser: Browser, html: str) -> None:
    context = browser.new_context()
    asked: list[str] = []

    def refuse(route: object, request: Request) -> None:
        asked.append(request.url)
        route.abort()  # type: ignore[attr-defined]

    context.route("**/*", refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content(html, wait_until="load")
    assert page.locator("svg.timeline").is_visible()
    assert page.locator("h2").count() == SECTIONS + 1  # and the contents
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    context.close()
    assert pdf.startswith(b"%PDF-")
    pages = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(pages) >= SECTIONS + 1
    # A4 is 595.3 x 841.9 points, as the print stylesheet asks (Chromium rounds a little).
    assert all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in pages)
    assert (asked, errors) == ([], [])  # self-contained: it asked for nothing
