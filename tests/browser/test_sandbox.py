"""The sandbox page in headless Chromium: what someone trying boardbot would do."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.sandbox.clock import DEMO_DAY
from bot.sandbox.server import Sandbox
from tests.browser.conftest import chromium_executable
from tests.browser.sandbox_page import be, jump, message, open_channel, send

if chromium_executable() is None:
    pytest.skip("no Chromium executable (install the chromium package)", allow_module_level=True)

pytestmark = pytest.mark.browser
REQUEST = "/agenda request hwb lrlscb Neglect strategy: progress and shared priorities"


def ask_lrlscb_for_an_item(page: Page) -> None:
    be(page, "HWB business manager")
    open_channel(page, "C0HWB")
    send(page, REQUEST)
    expect(message(page, "sent to LRLSCB's channel")).to_contain_text("Only visible to you")
    be(page, "LRLSCB chair")
    open_channel(page, "C0LRLSCB")


def test_the_page_shows_a_channel_per_board(page: Page) -> None:
    channels = page.locator("#channels .nav-item")

    expect(channels).to_have_text(["# hwb", "# lrlscb", "# lrsab", "# digest"])
    expect(page.locator("#workspace-name")).to_contain_text("Rutland")


def test_duties_answers_only_the_person_who_asked(page: Page) -> None:
    be(page, "LRLSCB business manager")
    open_channel(page, "C0LRLSCB")

    send(page, "/duties lrlscb")

    reply = page.locator(".message.ephemeral")
    expect(reply).to_contain_text("Duties: LRLSCB")
    expect(reply).to_contain_text("Only visible to you")


def test_an_accepted_agenda_request_reaches_the_requester(page: Page) -> None:
    ask_lrlscb_for_an_item(page)
    request = message(page, "Agenda request #1")

    request.get_by_role("button", name="Accept").click()
    modal = page.locator("#modal")
    expect(modal).to_contain_text("Which LRLSCB meeting")
    modal.get_by_label("Meeting").select_option(label="17 Sep 2026 at 14:00, LRLSCB meeting room")
    modal.get_by_role("button", name="Accept").click()

    expect(modal).to_be_hidden()
    expect(request).to_contain_text("for the meeting on 17 Sep 2026 at 14:00")
    be(page, "HWB business manager")
    expect(page.locator("#dms .badge")).to_have_text("1")
    page.click("#dms .nav-item")
    page.get_by_role("tab", name="Messages").click()
    expect(message(page, "Your agenda request #1")).to_contain_text("is accepted for the meeting")


def test_declining_asks_for_a_reason_and_shows_what_is_missing(page: Page) -> None:
    ask_lrlscb_for_an_item(page)
    message(page, "Agenda request #1").get_by_role("button", name="Decline").click()
    modal = page.locator("#modal")

    modal.get_by_role("button", name="Decline").click()
    expect(modal.locator(".bk-error")).to_have_text("give the reason the item is declined")
    modal.get_by_label("Reason").fill("Already on the joint meeting's agenda")
    modal.get_by_role("button", name="Decline").click()

    expect(modal).to_be_hidden()
    expect(message(page, "Agenda request #1")).to_contain_text("Reason: Already on the joint")


def test_agenda_alone_opens_the_request_form(page: Page) -> None:
    be(page, "HWB business manager")
    open_channel(page, "C0HWB")

    send(page, "/agenda")
    modal = page.locator("#modal")
    expect(modal).to_contain_text("Ask for an agenda item")
    modal.get_by_label("To board").select_option("lrsab")
    modal.get_by_label("The item").fill("Transitions from children's to adult services")
    modal.get_by_role("button", name="Send").click()

    expect(modal).to_be_hidden()
    open_channel(page, "C0LRSAB")
    expect(message(page, "Agenda request #1")).to_contain_text("Transitions from children")


def test_the_next_working_day_opens_the_annual_report_windows(page: Page) -> None:
    be(page, "LRLSCB business manager")
    open_channel(page, "C0LRLSCB")

    jump(page, "Next working day", "Tue 1 Sep 2026, 09:05")

    prompt = message(page, "LRLSCB annual report to the HWB")
    expect(prompt.get_by_role("button", name="Done")).to_be_visible()
    expect(prompt.get_by_role("button", name="Snooze")).to_be_visible()
    expect(page.locator(".nav-item[data-channel='C0LRSAB'] .badge")).to_have_text("1")
    open_channel(page, "C0LRSAB")
    expect(message(page, "LRSAB annual report to the HWB")).to_be_visible()


def test_the_home_tab_shows_the_persons_boards(page: Page) -> None:
    be(page, "LRSAB chair")

    page.click("#dms .nav-item")

    expect(page.locator("#home")).to_contain_text("LRSAB")
    expect(page.get_by_role("tab", name="Home")).to_have_attribute("aria-selected", "true")


def test_a_page_on_another_site_cannot_drive_the_sandbox(
    browser: Browser, sandbox: Sandbox
) -> None:
    """Another origin's page posts to the API as a hostile site would: the sandbox refuses."""
    started = sandbox.fake.calls  # the first tick's: the digest channel's canvas
    with serving_elsewhere() as elsewhere:
        context = browser.new_context()
        try:
            other = context.new_page()
            other.goto(elsewhere)
            statuses = other.evaluate(
                """async ([api, body]) => {
                    const tries = [
                        fetch(api + "api/jump", {method: "POST", body}),
                        fetch(api + "api/jump", {method: "POST", mode: "no-cors", body}),
                    ];
                    return Promise.all(tries.map((t) => t.then((r) => r.status, () => "blocked")));
                }""",
                [sandbox.url, json.dumps({"date": "2027-03-01"})],
            )
        finally:
            context.close()
    assert all(status in ("blocked", 0) for status in statuses), statuses
    assert sandbox.clock.today() == DEMO_DAY  # not moved
    assert sandbox.fake.calls == started


@contextmanager
def serving_elsewhere() -> Iterator[str]:
    """A page on another origin (another port of this machine)."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>elsewhere</title><p>another site</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
