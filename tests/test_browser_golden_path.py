"""The whole journey a newcomer takes, in headless chromium on the bundled models, from the "Try the sample" button:

sample project -> documents listed -> generate QAs and focal rewrites -> accept them in Curate -> train a few steps
-> chat with the tuned and RAG columns -> evaluate two arms -> see the chart. Each tab's screenshot is saved into
``assets/`` for the README.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = REPO / "assets"


def test_golden_path_from_the_sample_to_the_evaluation_chart(app_server, browser):
    page = browser.new_page()
    page.goto(app_server["url"])
    page.locator("#project-sample").click()
    expect(page.locator("#project-status")).to_contain_text("sample-lost-in-translation", timeout=60_000)

    # Documents: the bundled article is there with its 16 eval questions.
    expect(page.locator("#doc-table")).to_contain_text("LOST IN TRANSLATION", timeout=60_000)
    expect(page.locator("#doc-table").get_by_text("16", exact=True).filter(visible=True).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "documents_tab.png"), full_page=True)

    # Generate: the sample's small settings are filled in; QAs, then focal rewrites conditioned on them.
    page.get_by_role("tab", name="Generate").click()
    expect(page.locator("#gen-max-chunks input")).to_have_value("2")
    page.locator("#gen-start").click()
    status = page.locator("#gen-status")
    expect(status).to_contain_text("running", timeout=60_000)
    expect(status).to_contain_text("done", timeout=600_000)
    expect(page.locator("#gen-preview")).to_contain_text("qa")
    expect(page.locator("#gen-preview")).to_contain_text("focal_rewrite")
    page.screenshot(path=str(SHOTS / "generate_tab.png"), full_page=True)

    # Curate: accept everything generated.
    page.get_by_role("tab", name="Curate").click()
    expect(page.locator("#cur-info")).to_contain_text("matching", timeout=60_000)
    expect(page.locator("#cur-table")).to_contain_text("pending")
    page.locator("#cur-accept-all").click()
    expect(page.locator("#cur-table")).to_contain_text("accepted", timeout=60_000)
    expect(page.locator("#cur-table")).not_to_contain_text("pending")
    page.screenshot(path=str(SHOTS / "curate_tab.png"), full_page=True)

    # Train: a few LoRA steps on the accepted mix, loss chart live.
    page.get_by_role("tab", name="Train").click()
    expect(page.locator("#train-steps input")).to_have_value("6")
    page.locator("#train-start").click()
    expect(page.locator("#train-mix")).to_contain_text("Training mixture", timeout=180_000)  # token mix preview
    train_status = page.locator("#train-status")
    expect(train_status).to_contain_text("running", timeout=180_000)
    expect(train_status).to_contain_text("done", timeout=600_000)
    expect(train_status).to_contain_text("step 6/6")
    expect(page.locator("#train-loss")).to_contain_text("step")
    page.screenshot(path=str(SHOTS / "train_tab.png"), full_page=True)

    # Chat: index the article, ask once, the tuned and RAG columns both answer.
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#chat-index-status")).to_contain_text("Not indexed yet", timeout=60_000)
    page.locator("#chat-index").click()
    expect(page.locator("#chat-index-status")).to_contain_text("added", timeout=180_000)
    page.locator("#chat-question textarea").fill("What is the name of the planet the crew is trying to reach an agreement with?")
    page.locator("#chat-ask").click()
    tuned, rag = page.locator("#chat-col-tuned"), page.locator("#chat-col-rag")
    expect(rag.locator("details").first).to_contain_text("LOST IN TRANSLATION", timeout=120_000)
    for column in (tuned, rag):
        expect(column).to_contain_text("tokens/s", timeout=240_000)
        expect(column).not_to_contain_text("generating", timeout=240_000)
        expect(column).not_to_contain_text("⚠")
    page.screenshot(path=str(SHOTS / "chat_tab.png"), full_page=True)

    # Evaluate: base vs tuned (the sample's default arms) on 4 questions, then the bar chart.
    page.get_by_role("tab", name="Evaluate").click()
    expect(page.locator("#eval-limit input")).to_have_value("4")
    page.locator("#eval-start").click()
    eval_status = page.locator("#eval-status")
    expect(eval_status).to_contain_text("done", timeout=600_000)
    expect(eval_status).to_contain_text("8/8 answers scored")
    expect(page.locator("#eval-chart")).to_contain_text("Accuracy by arm")
    expect(page.locator("#eval-compare")).to_contain_text("tuned vs base")
    expect(page.locator("#eval-scaling")).to_contain_text("synthetic tokens")  # the run is the curve's first point
    page.screenshot(path=str(SHOTS / "evaluate_tab.png"), full_page=True)
