"""The README's tour of the sandbox, step by step and in order, as a newcomer takes it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import chromium_executable
from tests.browser.sandbox_page import (
    ask_lrlscb_for_an_agenda_item_and_press_accept,
    be,
    jump,
    message,
    open_channel,
    open_dm,
    send,
)

if chromium_executable() is None:
    pytest.skip("no Chromium executable (install the chromium package)", allow_module_level=True)

pytestmark = pytest.mark.browser
# Set to a path (docs/sandbox.png) to save the page as the README shows it; read before the
# tests move into their own directories.
SCREENSHOT = (
    Path(os.environ["SANDBOX_SCREENSHOT"]).resolve() if "SANDBOX_SCREENSHOT" in os.environ else None
)


def test_the_readme_tour_works_step_by_step(page: Page) -> None:
    step_1_the_lrlscb_business_manager_asks_what_lrlscb_owes(page)
    step_2_the_next_working_day_opens_the_annual_report_windows(page)
    step_3_hwb_asks_lrlscb_for_an_agenda_item_and_its_chair_accepts(page)
    step_4_hwb_raises_a_concern_with_lrlscb(page)
    step_5_meetings_typed_in_and_read_from_the_councils_calendar(page)
    step_6_the_home_tab_shows_a_persons_boards(page)
    step_7_next_monday_brings_the_weekly_digest(page)
    step_8_the_lrlscb_chair_marks_the_annual_report_done_with_its_evidence(page)
    step_9_the_evidence_pack_arrives_as_files(page)


def step_1_the_lrlscb_business_manager_asks_what_lrlscb_owes(page: Page) -> None:
    expect(page.locator("#today")).to_have_text("Mon 31 Aug 2026, 09:05")
    be(page, "LRLSCB business manager")
    open_channel(page, "C0LRLSCB")
    send(page, "/duties lrlscb")
    duties = page.locator(".message.ephemeral")
    expect(duties).to_contain_text("LRLSCB annual report to the HWB")
    expect(duties).to_contain_text("opens 1 Sep 2026")
    expect(duties).not_to_contain_text("Overdue")  # last year's duties are on record as done


def step_2_the_next_working_day_opens_the_annual_report_windows(page: Page) -> None:
    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")
    opening = message(page, "The window for “LRLSCB annual report to the HWB” is open")
    expect(opening.get_by_role("button", name="Done")).to_be_visible()
    expect(opening.get_by_role("button", name="Snooze")).to_be_visible()
    expect(page.locator(".nav-item[data-channel='C0LRSAB'] .badge")).to_have_text("1")
    expect(page.locator(".nav-item[data-channel='C0DIGEST'] .badge")).to_have_text("1")
    be(page, "HWB business manager")
    open_dm(page)
    expect(page.locator("#messages .message")).to_have_count(2)  # two reports are coming
    expect(message(page, "LRSAB is due to")).to_be_visible()


def step_3_hwb_asks_lrlscb_for_an_agenda_item_and_its_chair_accepts(page: Page) -> None:
    open_channel(page, "C0HWB")
    request = ask_lrlscb_for_an_agenda_item_and_press_accept(page)
    page.locator("#modal").get_by_label("Meeting").select_option(index=1)
    page.locator("#modal").get_by_role("button", name="Accept").click()
    expect(request).to_contain_text("for the meeting on 17 Sep 2026 at 14:00")
    if SCREENSHOT:
        page.mouse.move(0, 0)
        page.locator(".toast").first.wait_for(state="detached", timeout=15_000)
        page.screenshot(path=SCREENSHOT)
    be(page, "HWB business manager")
    open_dm(page)
    expect(message(page, "Your agenda request #1 to LRLSCB")).to_contain_text("is accepted")


def step_4_hwb_raises_a_concern_with_lrlscb(page: Page) -> None:
    open_channel(page, "C0HWB")
    send(page, "/escalate open hwb lrlscb Data for the JSNA is late")
    expect(message(page, "Escalation #1 raised with LRLSCB")).to_be_visible()
    send(page, "/escalate show 1")
    expect(
        page.locator(".message.ephemeral", has_text="Escalation #1: HWB → LRLSCB")
    ).to_be_visible()


def step_5_meetings_typed_in_and_read_from_the_councils_calendar(page: Page) -> None:
    send(page, "/meetings add hwb tomorrow at 10; Council Chamber")
    expect(message(page, "Wednesday 2 September 2026, 10:00, Council Chamber")).to_be_visible()
    send(page, "/meetings hwb")
    listing = page.locator(".message.ephemeral", has_text="Meetings: HWB")
    expect(listing).to_contain_text("Victoria Hall")  # March's, moved to the Wednesday morning
    calendar = page.get_by_role("link", name="Subscribe to calendar").get_attribute("href")
    assert calendar is not None
    assert "DTSTART;TZID=Europe/London:20260902T100000" in page.request.get(calendar).text()


def step_6_the_home_tab_shows_a_persons_boards(page: Page) -> None:
    page.click("#dms .nav-item")
    page.get_by_role("tab", name="Home").click()
    home = page.locator("#home")
    expect(home).to_contain_text("HWB")
    expect(home).to_contain_text("Council Chamber")


def step_7_next_monday_brings_the_weekly_digest(page: Page) -> None:
    jump(page, "Next Monday (digest)", "Mon 7 Sep 2026, 09:05")
    open_channel(page, "C0DIGEST")
    expect(page.locator("#messages .day-divider")).to_have_text(["Tuesday 1 September", "Today"])
    expect(page.locator("#messages .message").last).to_contain_text("Week of 7 Sep 2026")


def step_8_the_lrlscb_chair_marks_the_annual_report_done_with_its_evidence(page: Page) -> None:
    be(page, "LRLSCB chair")
    open_channel(page, "C0LRLSCB")
    opening = message(page, "The window for “LRLSCB annual report to the HWB” is open")
    opening.get_by_role("button", name="Done").click()
    form = page.locator("#modal")
    form.get_by_role("button", name="Done").click()  # neither a link nor a note
    expect(form).to_contain_text("give a link to the evidence, or a note")
    form.get_by_label("Evidence link").fill("https://example.org/lrlscb-annual-report.pdf")
    form.get_by_label("Note").fill("presented at the HWB")
    form.get_by_role("button", name="Done").click()
    expect(opening).to_contain_text("Done by")
    expect(opening).to_contain_text("presented at the HWB")
    expect(opening.get_by_role("button", name="Done")).to_have_count(0)
    expect(message(page, "marked done")).to_be_visible()


def step_9_the_evidence_pack_arrives_as_files(page: Page) -> None:
    send(page, "/evidence")
    expect(message(page, "on its way to your direct messages")).to_be_visible()
    open_dm(page)
    cards = page.locator(".message .file")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Evidence pack 2026/27")
    href = cards.first.get_attribute("href")
    assert href is not None
    assert "LRLSCB annual report to the HWB" in page.request.get(href).text()
