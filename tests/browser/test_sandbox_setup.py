"""Setting a partnership up from the App Home of the sandbox's empty second workspace."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.sandbox_page import be

BAD_PROTOCOL = "partnership:\n  key: mine\n  name: Mine\nboards: 3\n"


def switch_to_second(page: Page) -> None:
    page.select_option("#workspace-switch", label="Second workspace (empty)")
    expect(page.locator("#workspace-name")).to_have_text("Second workspace (empty)")


def open_home(page: Page) -> None:
    page.click("#dms .nav-item")
    page.get_by_role("tab", name="Home").click()


def test_a_partnership_is_set_up_from_the_empty_workspaces_home(page: Page, tmp_path: Path) -> None:
    switch_to_second(page)
    be(page, "HWB business manager")
    open_home(page)
    expect(page.locator("#home")).to_contain_text("No partnership is set up")
    page.locator("#home").get_by_role("button", name="Set up a partnership").click()

    form = page.locator("#modal")
    expect(form).to_contain_text("Choose the protocol your boards signed")
    bad = tmp_path / "mine.yaml"
    bad.write_text(BAD_PROTOCOL)
    page.set_input_files("#input-upload", str(bad))
    # the page uploads it to the stand-in Slack at once, as Slack's client does
    expect(page.locator("#input-upload")).not_to_have_attribute("data-files", "[]")
    form.get_by_role("button", name="Next").click()
    expect(form.locator(".bk-input[data-block='upload'] .bk-error")).to_contain_text("mine.yaml:4:")

    page.set_input_files("#input-upload", [])
    page.select_option("#input-protocol", value="bundled:rutland")
    form.get_by_role("button", name="Next").click()
    expect(form).to_contain_text("give each board its channel and its people")
    page.select_option("#input-channel\\.hwb", label="# hwb-board")
    page.select_option("#input-channel\\.lrsab", label="# leaders-private")
    page.select_option("#input-people\\.hwb\\.business_manager", label="HWB business manager")
    form.get_by_role("button", name="Preview").click()
    expect(form).to_contain_text("In the year ahead boardbot sends")
    form.get_by_role("button", name="Set up").click()
    expect(form).to_contain_text("is set up")
    expect(form).to_contain_text("/invite @boardbot")

    page.locator(".modal-footer").get_by_role("button", name="Close").click()
    expect(page.locator("#home").get_by_role("button", name="Export setup")).to_be_visible()


def test_the_first_workspace_keeps_its_own_partnership(page: Page) -> None:
    switch_to_second(page)
    page.locator("#workspace-switch").select_option(index=0)
    expect(page.locator("#workspace-name")).not_to_have_text("Second workspace (empty)")
    expect(page.locator(".nav-item[data-channel='C0HWB']")).to_be_visible()
