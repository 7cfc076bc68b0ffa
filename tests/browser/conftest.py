"""Headless Chromium from the OS packages, driven by Playwright, against a fresh sandbox."""

from __future__ import annotations

import re
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.sandbox.server import Sandbox

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_executable() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's outcome on the test, so `page` knows to take a screenshot."""
    report = yield
    setattr(item, f"outcome_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no Chromium executable (install the chromium package)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# An answer arrives after its ack, from a machine busy with the rest of the suite: what a page
# is expected to show may take longer than Playwright's 5 s default; it passes as soon as it does.
expect.set_options(timeout=20_000)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(port=0, data_dir=tmp_path / "sandbox") as running:
        yield running


@pytest.fixture
def page(browser: Browser, sandbox: Sandbox, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh page on the sandbox; a failed test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(10_000)
    opened = context.new_page()
    opened.goto(sandbox.url)
    yield opened
    call = getattr(request.node, "outcome_call", None)
    if call is not None and call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        opened.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    context.close()
