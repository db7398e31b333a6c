"""The Documents tab in a real headless chromium: create a project, upload, see the file listed, survive a reload."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import QUALITY_SMALL

pytestmark = pytest.mark.browser
GOOD = Path(__file__).parent / "data" / "good"
BAD = Path(__file__).parent / "data" / "bad"


def open_project(page, url: str, name: str) -> None:
    page.goto(url)
    page.locator("#project-name textarea, #project-name input").first.fill(name)
    page.locator("#project-open").click()
    page.locator("#project-status").get_by_text(f"Project: {name}").wait_for(timeout=30_000)


def test_create_project_upload_and_see_the_document_listed(app_server, browser, tmp_path):
    page = browser.new_page()
    open_project(page, app_server["url"], "field-notes")

    notes = tmp_path / "pump station notes.txt"
    shutil.copy(GOOD / "notes.txt", notes)
    words = len(notes.read_text().split())
    quality = QUALITY_SMALL
    page.locator("#doc-upload input[type=file]").set_input_files([str(notes), str(quality), str(BAD / "empty.txt")])
    expect(page.locator("#doc-upload")).to_contain_text("empty", timeout=30_000)  # both uploads arrived
    page.locator("#doc-add").click()

    report = page.locator("#doc-report")
    report.get_by_text("6 document(s) added from 2 file(s) — 1 file(s) could not be read").wait_for(timeout=120_000)
    assert "empty.txt is empty" in report.inner_text()
    table = page.locator("#doc-table")
    expect(table).to_contain_text("pump station notes.txt", timeout=30_000)
    expect(table.get_by_text(str(words), exact=True).filter(visible=True).first).to_be_visible()  # the word count column

    table.get_by_text("pump station notes", exact=True).filter(visible=True).first.click()
    expect(page.locator("#doc-preview textarea")).to_have_value(re.compile("Ada was replaced"), timeout=30_000)
    page.wait_for_timeout(500)

    # A reload (or an app restart) shows the same project content once it is opened again.
    page.reload()
    open_project(page, app_server["url"], "field-notes")
    expect(page.locator("#doc-table")).to_contain_text("pump station notes.txt", timeout=30_000)
