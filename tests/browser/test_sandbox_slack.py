"""The sandbox page behaves as Slack does: reloads, grouping, hints, selects, calendar links."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bot.sandbox.server import Sandbox
from tests.browser.conftest import chromium_executable
from tests.browser.sandbox_page import (
    ask_lrlscb_for_an_agenda_item_and_press_accept,
    be,
    jump,
    open_channel,
    open_dm,
    send,
)

if chromium_executable() is None:
    pytest.skip("no Chromium executable (install the chromium package)", allow_module_level=True)

pytestmark = pytest.mark.browser


def test_ephemeral_answers_are_gone_after_a_reload(page: Page) -> None:
    be(page, "LRLSCB business manager")
    open_channel(page, "C0LRLSCB")
    send(page, "/duties lrlscb")
    expect(page.locator(".message.ephemeral")).to_contain_text("Duties: LRLSCB")

    page.reload()

    expect(page.locator(".empty")).to_contain_text("Nothing here yet")
    expect(page.locator(".message.ephemeral")).to_have_count(0)
    send(page, "/minutes list lrlscb")
    expect(page.locator(".message.ephemeral")).to_have_count(1)  # only what came since


def test_an_open_modal_is_closed_by_a_reload(page: Page, sandbox: Sandbox) -> None:
    be(page, "HWB business manager")
    send(page, "/agenda")
    expect(page.locator("#modal")).to_contain_text("Ask for an agenda item")

    page.reload()

    expect(page.locator("#composer")).to_be_focused()
    expect(page.locator("#modal-layer")).to_be_hidden()
    assert sandbox.relay.modals(sandbox.fake.state()) == {}
    send(page, "/agenda")  # and a new one opens as before
    expect(page.locator("#modal")).to_contain_text("Ask for an agenda item")


def test_consecutive_messages_from_boardbot_share_one_header(page: Page) -> None:
    be(page, "HWB business manager")
    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")
    open_dm(page)

    posted = page.locator("#messages .message")
    expect(posted).to_have_count(2)
    expect(posted.nth(0).locator(".author")).to_have_text("boardbot")
    expect(posted.nth(1)).to_have_class("message grouped")
    expect(posted.nth(1).locator(".author")).to_have_count(0)
    expect(posted.nth(1)).to_contain_text("LRSAB annual report to the HWB")

    jump(page, "+1 week", "Tue 8 Sep 2026, 09:05")  # a new day: a divider, and a new header
    expect(page.locator("#messages .message .author")).to_have_count(2)


@pytest.mark.parametrize(
    ("channel", "hint"),
    [
        ("C0HWB", "Try /duties hwb below"),
        ("C0LRLSCB", "Try /duties lrlscb below"),
        ("C0LRSAB", "Try /duties lrsab below"),
        ("C0DIGEST", "The weekly digest is posted here on Monday mornings"),
    ],
)
def test_an_empty_channel_suggests_a_command_for_its_own_board(
    page: Page, channel: str, hint: str
) -> None:
    open_channel(page, channel)

    expect(page.locator(".empty")).to_contain_text(hint)


def test_the_accept_form_shows_its_placeholder_and_refuses_an_empty_choice(page: Page) -> None:
    be(page, "HWB business manager")
    request = ask_lrlscb_for_an_agenda_item_and_press_accept(page)
    modal = page.locator("#modal")
    choice = modal.get_by_label("Meeting")
    expect(choice).to_have_value("")
    assert choice.evaluate("select => select.selectedOptions[0].textContent") == "Choose…"

    modal.get_by_role("button", name="Accept").click()

    expect(modal.locator(".bk-error")).to_have_text("choose one of LRLSCB's upcoming meetings")
    expect(request.get_by_role("button", name="Accept")).to_be_visible()  # still open
    choice.select_option(label="5 Nov 2026 at 14:00, LRLSCB meeting room")
    modal.get_by_role("button", name="Accept").click()
    expect(modal).to_be_hidden()
    expect(request).to_contain_text("for the meeting on 5 Nov 2026 at 14:00")


def test_each_boards_subscribe_link_serves_its_calendar(page: Page) -> None:
    open_channel(page, "C0HWB")
    expect(page.locator("#pane-subtitle")).to_contain_text("meetings from the council's calendar")
    hwb = page.get_by_role("link", name="Subscribe to calendar").get_attribute("href")
    open_channel(page, "C0LRLSCB")
    lrlscb = page.get_by_role("link", name="Subscribe to calendar").get_attribute("href")

    assert hwb and lrlscb and hwb != lrlscb and hwb.endswith(".ics")
    answer = page.request.get(hwb)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    feed = answer.text()
    assert feed.startswith("BEGIN:VCALENDAR")
    assert "Victoria Hall" in feed  # March's meeting, moved in the council's own calendar
    assert "LRLSCB meeting room" in page.request.get(lrlscb).text()
    open_channel(page, "C0DIGEST")
    expect(page.get_by_role("link", name="Subscribe to calendar")).to_be_hidden()


def test_the_composer_keeps_each_channels_draft_across_a_reload(page: Page) -> None:
    open_channel(page, "C0LRLSCB")
    page.fill("#composer", "/duties lrl")
    open_channel(page, "C0HWB")
    expect(page.locator("#composer")).to_have_value("")
    page.fill("#composer", "/meetings hwb")

    page.reload()

    expect(page.locator("#pane-title")).to_have_text("# hwb")  # the channel it was in
    expect(page.locator("#composer")).to_have_value("/meetings hwb")
    open_channel(page, "C0LRLSCB")
    expect(page.locator("#composer")).to_have_value("/duties lrl")
    page.press("#composer", "Enter")
    expect(page.locator("#composer")).to_have_value("")  # sent, and its draft gone
