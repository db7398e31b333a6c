"""The Curate tab in headless chromium: filter, accept a sample, reload the page, the status is still accepted."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smt_gui.ingest import ingest_paths
from smt_gui.project import Project
from smt_gui.testing.samples import first_chunk, insert_sample

from .conftest import QUALITY_SMALL
from .test_browser_documents import open_project

pytestmark = pytest.mark.browser


def select_option(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_filter_accept_and_the_status_survives_a_reload(app_server, browser):
    project = Project.create(app_server["root"] / "curate-demo")
    ingest_paths(project, [QUALITY_SMALL])
    doc, chunk, _ = first_chunk(project, "CAPTAIN CHAOS")
    insert_sample(project, "qa", doc, chunk, "Where did the crew pick up their new cook?",
                  "They picked up the new cook on Phobos, the inner moon of Mars.")
    for i in range(30):
        insert_sample(project, "qa", doc, chunk, f"Filler question number {i} about the ship?", f"Filler answer {i} here.")

    page = browser.new_page()
    open_project(page, app_server["url"], "curate-demo")
    page.get_by_role("tab", name="Curate").click()
    info = page.locator("#cur-info")
    expect(info).to_contain_text("of 31 matching")

    page.locator("#cur-search textarea, #cur-search input").first.fill("Phobos")
    page.locator("#cur-search textarea, #cur-search input").first.press("Enter")
    expect(info).to_contain_text("of 1 matching")
    page.locator("#cur-table").get_by_text("Where did the crew pick up").filter(visible=True).first.click()
    expect(page.locator("#cur-source")).to_contain_text("Phobos")
    page.locator("#cur-accept").click()
    expect(page.locator("#cur-header")).to_contain_text("accepted")

    page.reload()
    open_project(page, app_server["url"], "curate-demo")
    page.get_by_role("tab", name="Curate").click()
    select_option(page, "cur-status", "accepted")
    expect(info).to_contain_text("of 1 matching")
    expect(page.locator("#cur-table")).to_contain_text("Where did the crew pick up")
