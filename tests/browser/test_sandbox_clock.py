"""The sandbox page's clock: a fixed demo day, relative jumps forward, days and times of posting."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import chromium_executable
from tests.browser.sandbox_page import be, jump, message, open_channel, open_dm

if chromium_executable() is None:
    pytest.skip("no Chromium executable (install the chromium package)", allow_module_level=True)

pytestmark = pytest.mark.browser


def test_the_page_starts_on_the_demo_day_and_offers_only_relative_jumps(page: Page) -> None:
    expect(page.locator("#today")).to_have_text("Mon 31 Aug 2026, 09:05")

    expect(page.locator("#jumps button")).to_have_text(
        [
            "Next working day Tue 1 Sep",
            "+1 week Mon 7 Sep",
            "Next window opening Tue 1 Sep",
            "Next Monday (digest) Mon 7 Sep",
        ]
    )
    expect(page.get_by_role("button", name="1 Sep 2026")).to_have_count(0)
    expect(page.locator("#jump-date")).to_have_attribute("min", "2026-09-01")


def test_each_relative_jump_moves_the_clock_forward_from_where_it_is(page: Page) -> None:
    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")
    jump(page, "+1 week", "Tue 8 Sep 2026, 09:05")
    jump(page, "Next window opening", "Thu 1 Oct 2026, 09:05")  # the HWB's strategy review
    jump(page, "Next Monday (digest)", "Mon 5 Oct 2026, 09:05")

    expect(page.locator("#jumps button").first).to_have_text("Next working day Tue 6 Oct")
    expect(page.locator(".toast.jumped").last).to_contain_text("boardbot posted 1 message")


def test_the_date_picker_goes_forward_and_a_day_in_the_past_is_refused_with_why(
    page: Page,
) -> None:
    page.fill("#jump-date", "2026-09-15")
    page.get_by_role("button", name="Jump", exact=True).click()
    expect(page.locator("#today")).to_have_text("Tue 15 Sep 2026, 09:05")
    expect(page.locator(".toast.jumped")).to_contain_text("ticked on 11 working days")

    page.fill("#jump-date", "2026-09-01")
    page.get_by_role("button", name="Jump", exact=True).click()

    refusal = page.locator(".toast.error")
    expect(refusal).to_contain_text("the sandbox's clock only goes forward: it is Tue 15 Sep 2026")
    expect(page.locator("#today")).to_have_text("Tue 15 Sep 2026, 09:05")


def test_day_dividers_separate_the_days_of_a_channel(page: Page) -> None:
    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")
    jump(page, "+1 week", "Tue 8 Sep 2026, 09:05")

    open_channel(page, "C0DIGEST")

    expect(page.locator("#messages .day-divider")).to_have_text(
        ["Tuesday 1 September", "Yesterday"]
    )
    digests = page.locator("#messages .message")
    expect(digests).to_have_count(2)
    expect(digests.nth(0)).to_contain_text("Week of 31 Aug 2026")
    expect(digests.nth(1)).to_contain_text("Week of 7 Sep 2026")


def test_message_times_are_when_they_were_posted_across_jumps_and_reloads(page: Page) -> None:
    be(page, "HWB business manager")
    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")
    open_dm(page)
    expect(page.locator("#messages .message .time").first).to_have_text("09:05")

    jump(page, "+1 week", "Tue 8 Sep 2026, 09:05")
    page.reload()
    expect(page.locator("#today")).to_have_text("Tue 8 Sep 2026, 09:05")

    posted = page.locator("#messages .message")  # two notices on 1 Sep, a pack on 8 Sep
    expect(posted).to_have_count(3)
    expect(posted.locator(".time")).to_have_text(["09:05", "09:05", "09:05"])
    dividers = page.locator("#messages .day-divider")
    expect(dividers).to_have_text(["Tuesday 1 September", "Today"])
    pack = message(page, "Agenda pack")
    expect(pack.locator(".time")).to_have_text("09:05")  # 8 Sep: five working days before 15 Sep
    expect(pack).to_contain_text("HWB meets on 15 September 2026")
