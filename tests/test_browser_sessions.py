"""Two browser sessions working on two different projects at once never see each other's data."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from .conftest import REPO
from .test_browser_documents import open_project

pytestmark = pytest.mark.browser
GOOD = REPO / "tests" / "data" / "good"


def upload(page, path) -> None:
    page.locator("#doc-upload input[type=file]").set_input_files([str(path)])
    expect(page.locator("#doc-upload")).to_contain_text(path.stem, timeout=30_000)
    page.locator("#doc-add").click()
    expect(page.locator("#doc-report")).to_contain_text("1 document(s) added", timeout=120_000)


def test_two_sessions_on_two_projects_stay_apart(app_server, browser, tmp_path):
    alice, bob = browser.new_page(), browser.new_page()
    open_project(alice, app_server["url"], "alice-project")
    open_project(bob, app_server["url"], "bob-project")
    alice_file, bob_file = tmp_path / "alice notes.txt", tmp_path / "bob handbook.md"
    shutil.copy(GOOD / "notes.txt", alice_file)
    shutil.copy(GOOD / "handbook.md", bob_file)
    upload(alice, alice_file)
    upload(bob, bob_file)

    # Each session still has its own project open, and lists only its own document, also after refreshing a tab.
    expect(alice.locator("#project-status")).to_contain_text("alice-project")
    expect(bob.locator("#project-status")).to_contain_text("bob-project")
    for page, mine, theirs in ((alice, "alice notes.txt", "bob handbook.md"), (bob, "bob handbook.md", "alice notes.txt")):
        page.get_by_role("tab", name="Generate").click()
        page.get_by_role("tab", name="Documents").click()
        table = page.locator("#doc-table")
        expect(table).to_contain_text(mine)
        expect(table).not_to_contain_text(theirs)
