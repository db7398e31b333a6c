"""The Evaluate tab in headless chromium: evaluate two arms, see the results table and bar chart, drill into a question."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smt_gui.ingest import ingest_paths
from smt_gui.project import Project
from smt_gui.testing.walk import expect_finished

from .conftest import QUALITY_SMALL
from .test_browser_documents import open_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EVAL_TABLES = ("eval-table", "eval-compare", "eval-docs-table", "eval-questions")


def columns_out_of_view(page, elem_id: str) -> list[str]:
    """Headers of a table that end beyond its visible box: cut off, or only reachable by a sideways scroll."""
    return page.evaluate("""(id) => {
        const root = document.getElementById(id);
        const box = root.getBoundingClientRect();
        return [...root.querySelectorAll('thead th')]
            .filter(th => th.getBoundingClientRect().right > box.right + 1 || th.getBoundingClientRect().width < 8)
            .map(th => th.innerText.trim());
    }""", elem_id)


def test_evaluate_two_arms_and_see_the_chart(app_server, browser):
    project = Project.create(app_server["root"] / "eval-demo")
    ingest_paths(project, [QUALITY_SMALL])

    page = browser.new_page()
    open_project(page, app_server["url"], "eval-demo")
    page.get_by_role("tab", name="Evaluate").click()
    expect(page.locator("#eval-status")).to_contain_text("No evaluation yet", timeout=60_000)
    expect(page.locator("#eval-arms input[type=checkbox]").nth(1)).to_be_checked()  # base and rag are preselected
    page.locator("#eval-limit input").fill("2")
    page.locator("#eval-letters input").uncheck()
    page.locator("#eval-start").click()

    status = page.locator("#eval-status")
    expect_finished(status, timeout=600_000)
    expect(status).to_contain_text("4/4 answers scored")
    expect(status).to_contain_text("eval-job")  # where the JSON/CSV report was written
    chart = page.locator("#eval-chart")
    expect(chart).to_contain_text("Accuracy by arm", timeout=30_000)
    expect(chart.locator(".bars path, .point path").first).to_be_attached()  # real bars, not the empty placeholder
    table = page.locator("#eval-table")
    for arm in ("base", "rag"):
        expect(table.get_by_text(arm, exact=True).filter(visible=True).first).to_be_visible()
    expect(page.locator("#eval-compare")).to_contain_text("rag vs base")
    expect(page.locator("#eval-docs-table")).to_contain_text("The Absurdity of Family Love")  # per-article accuracy

    questions = page.locator("#eval-questions")
    expect(questions).to_contain_text("The Absurdity of Family Love")
    for elem_id in EVAL_TABLES:  # wide tables wrap: the answers and margins at their right end are in view
        assert columns_out_of_view(page, elem_id) == [], elem_id
    questions.get_by_text("kin-selection").filter(visible=True).first.click()
    detail = page.locator("#eval-detail")
    expect(detail).to_contain_text("Gold:", timeout=30_000)
    expect(detail).to_contain_text("gold rank")
    expect(detail).to_contain_text("The Absurdity of Family Love")  # the RAG arm's retrieved chunks are listed
