"""The sandbox shows what boardbot keeps outside messages: the digest channel's tracker canvas as
a tab, and files shared in a DM that open in the browser (a page) or download (a CSV)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from slack_sdk import WebClient
from sqlmodel import Session

from bot.files import OutgoingFile, send_files
from bot.sandbox.server import Sandbox
from schedules.evidence import build_pack
from tests.browser.conftest import chromium_executable
from tests.browser.sandbox_page import be, jump, open_channel, open_dm

if chromium_executable() is None:
    pytest.skip("no Chromium executable (install the chromium package)", allow_module_level=True)

pytestmark = pytest.mark.browser


def open_canvas(page: Page) -> None:
    open_channel(page, "C0DIGEST")
    page.get_by_role("tab", name="Canvas").click()


def test_the_digest_channel_shows_its_tracker_canvas_as_a_tab(page: Page) -> None:
    be(page, "HWB business manager")
    open_channel(page, "C0HWB")
    expect(page.locator("#tabs")).to_be_hidden()  # a board's channel has no canvas

    open_canvas(page)

    doc = page.locator("article.canvas-doc")
    expect(doc.locator("h1")).to_contain_text("duties 2026/27")
    expect(doc.locator("h2")).to_have_text(
        [
            "HWB: Rutland Health and Well-Being Board",
            "LRLSCB: Leicestershire and Rutland Local Safeguarding Children Board",
            "LRSAB: Leicestershire and Rutland Safeguarding Adults Board",
        ]
    )
    report = doc.locator("li", has_text="LRLSCB annual report to the HWB")
    expect(report.locator("strong")).to_have_text("Not open yet")
    expect(page.locator("#composer")).to_be_hidden()
    page.get_by_role("tab", name="Messages").click()
    expect(page.locator("#composer")).to_be_visible()


def test_the_canvas_follows_the_clock(page: Page) -> None:
    open_canvas(page)
    report = page.locator("article.canvas-doc li", has_text="LRLSCB annual report to the HWB")
    expect(report.locator("strong")).to_have_text("Not open yet")

    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")

    expect(report.locator("strong")).to_have_text("Open")
    expect(report).to_contain_text("due 30 Nov 2026")
    done = page.locator("article.canvas-doc li", has_text="Refreshed plans shared").first
    expect(done.locator("a")).to_have_count(0)  # the sandbox's history records no links


def test_files_in_a_dm_open_as_a_page_or_download(page: Page, sandbox: Sandbox) -> None:
    person = sandbox.demo.person("lrlscb", "business_manager")
    with Session(sandbox.engine) as session:
        pack = build_pack("rutland", None, sandbox.clock.now(), session=session)
    files = [
        OutgoingFile(pack.filename(fmt), f"Evidence pack ({fmt.upper()})", pack.render(fmt))
        for fmt in ("html", "csv")
    ]
    client = WebClient(
        token=sandbox.settings.slack_bot_token, base_url=sandbox.settings.slack_api_url
    )
    send_files(client, person.id, files, comment="The evidence pack of rutland, 2026/27")
    be(page, person.name)
    open_dm(page)

    shared = page.locator("#messages .message", has_text="The evidence pack of rutland")
    cards = shared.locator("a.file")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Evidence pack (HTML)")
    expect(cards.nth(0)).to_contain_text("opens in the browser")
    expect(cards.nth(1)).to_contain_text("downloads")

    with page.expect_popup() as opened:
        cards.nth(0).click()
    document = opened.value
    expect(document).to_have_title(re.compile(r"^Evidence pack: Rutland .*, 2026/27$"))
    expect(document.locator("h1").first).to_contain_text("Rutland Health and Well-Being Board")
    document.close()

    with page.expect_download() as downloading:
        cards.nth(1).click()
    download = downloading.value
    assert download.suggested_filename == "rutland-evidence-2026-27.csv"
    path = download.path()
    assert path is not None
    assert path.read_bytes() == files[1].content
