"""A user's own document, no benchmark: upload a plain file, generate, hold out a share of the QAs, train, and
evaluate every arm on the held-out QAs, with confidence intervals and the retention figures, all in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from smt_gui import curate
from smt_gui.project import Project
from smt_gui.testing.walk import expect_finished, fewer_retention_items
from smt_gui.tokenizers import load_tokenizer
from smt_gui.train import runner
from smt_gui.train.mixture import MixtureConfig, build_mixture

from .conftest import REPO
from .test_browser_documents import open_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GOOD = REPO / "tests" / "data" / "good"


def test_plain_document_to_held_out_evaluation_with_retention(app_server, browser):
    page = browser.new_page()
    open_project(page, app_server["url"], "own-docs")
    page.locator("#doc-upload input[type=file]").set_input_files([str(GOOD / "handbook.md")])
    expect(page.locator("#doc-upload")).to_contain_text("handbook", timeout=30_000)
    page.locator("#doc-add").click()
    expect(page.locator("#doc-report")).to_contain_text("1 document(s) added", timeout=120_000)

    # Evaluate before anything: one clear message naming what is missing, and how to get it.
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#eval-arms").get_by_label("rag", exact=True).uncheck()
    page.locator("#eval-start").click()
    expect(page.get_by_text("hold out some accepted QAs in the Curate tab")).to_be_visible(timeout=60_000)

    page.get_by_role("tab", name="Generate").click()
    page.locator("#gen-kinds").get_by_label("Focal rewrites (conditioned on questions)").uncheck()
    page.locator("#gen-start").click()
    expect_finished(page.locator("#gen-status"), timeout=600_000)

    page.get_by_role("tab", name="Curate").click()
    expect(page.locator("#cur-table")).to_contain_text("pending", timeout=60_000)
    page.locator("#cur-accept-all").click()
    expect(page.locator("#cur-table")).not_to_contain_text("pending", timeout=60_000)
    page.get_by_text("Hold out an eval set").click()
    page.locator("#cur-holdout-pct input").fill("30")
    page.locator("#cur-holdout").click()
    expect(page.locator("#cur-holdout-out")).to_contain_text("Held out", timeout=60_000)
    expect(page.locator("#cur-table")).to_contain_text("accepted · eval")

    project = Project.open(app_server["root"] / "own-docs")
    held = set(curate.matching_ids(project, curate.SampleFilter(split="eval")))
    assert held

    page.get_by_role("tab", name="Train").click()
    page.locator("#train-steps input").fill("2")  # the split and the retention figures, not learning, are tested
    page.locator("#train-start").click()
    expect_finished(page.locator("#train-status"), timeout=900_000)
    [run] = runner.list_runs(project)
    assert not {int(i) for i in run.summary["sample_ids"]} & held  # the held-out QAs were not trained on

    page.get_by_role("tab", name="Evaluate").click()
    page.get_by_text("Your own eval questions").click()  # the accordion holding the eval-set line
    expect(page.locator("#eval-set")).to_contain_text(f"{len(held)} QA(s) held out", timeout=60_000)
    for arm in ("rag", "tuned", "tuned+rag"):
        page.locator("#eval-arms").get_by_label(arm, exact=True).check()
    page.locator("#eval-letters input").uncheck()
    fewer_retention_items(page)
    page.locator("#eval-start").click()
    expect_finished(page.locator("#eval-status"), timeout=900_000)
    table = page.locator("#eval-table")
    for arm in ("base", "rag", "tuned", "tuned+rag"):
        expect(table.get_by_text(arm, exact=True).filter(visible=True).first).to_be_visible()
    expect(table).to_contain_text("%–")  # every arm has its 95% interval
    expect(page.locator("#eval-compare")).to_contain_text("tuned vs base")
    extra = page.locator("#eval-extra")
    expect(extra).to_contain_text("held-out QA")
    expect(extra).to_contain_text("Retention")
    expect(extra).to_contain_text("generic text (held out)")
    expect(extra).to_contain_text("your documents")
    # and the mixture still has no eval item, however it is rebuilt
    mix = build_mixture(project, MixtureConfig(), load_tokenizer(None))
    assert not {int(i) for i in mix.summary["sample_ids"]} & held
