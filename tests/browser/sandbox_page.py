"""What a person does on the sandbox page, as the browser tests say it."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def be(page: Page, person: str) -> None:
    page.select_option("#person", label=person)


def open_channel(page: Page, channel: str) -> None:
    page.click(f".nav-item[data-channel='{channel}']")
    expect(page.locator("#pane-title")).to_contain_text(channel.removeprefix("C0").lower())


def open_dm(page: Page) -> None:
    """The person's direct messages with boardbot (its Messages tab)."""
    page.click("#dms .nav-item")
    page.get_by_role("tab", name="Messages").click()


def send(page: Page, text: str) -> None:
    page.fill("#composer", text)
    page.press("#composer", "Enter")


def message(page: Page, text: str) -> Locator:
    return page.locator(".message", has_text=text)


def jump(page: Page, button: str, lands: str) -> None:
    """Press one of the relative jumps and wait until the clock reads `lands`."""
    page.locator("#jumps").get_by_role("button", name=button).click()
    expect(page.locator("#today")).to_have_text(lands)
    expect(page.locator(".toast.jumped", has_text=lands)).to_be_visible()


def ask_lrlscb_for_an_agenda_item_and_press_accept(page: Page) -> Locator:
    """HWB asks LRLSCB for an agenda item; LRLSCB's chair presses Accept on it in LRLSCB's
    channel. Returns the request's message (its form is open)."""
    send(page, "/agenda request hwb lrlscb Joint work on exploitation")
    expect(message(page, "sent to LRLSCB's channel")).to_be_visible()
    be(page, "LRLSCB chair")
    open_channel(page, "C0LRLSCB")
    request = message(page, "Agenda request #1")
    request.get_by_role("button", name="Accept").click()
    return request
