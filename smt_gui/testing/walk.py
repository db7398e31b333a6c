"""The newcomer's path through the app, in a real browser: shared by the golden-path test (quick settings) and
``benchmarks/sample_path.py`` (the sample's own settings, timed, with the README's screenshots).

Try the sample -> Documents -> Generate -> Curate (accept) -> Train -> Chat (index, ask) -> Evaluate.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

SAMPLE_TITLE = "Fictional records 11-0"
LONG = 1_800_000  # ms: generation and training on 2 shared cores


FINISHED = re.compile(r": (done|failed|cancelled|interrupted)\b")  # a job's status line once it has ended


def expect_finished(status: Locator, timeout: float = LONG) -> None:
    """Wait until the job shown in ``status`` has ended, then require that it ended ``done``.

    Why not simply wait for "done": a job that failed would keep the wait going for the whole timeout (30 minutes
    here) and then report only that "done" never showed; this stops at once and shows the status, error included.
    """
    expect(status).to_contain_text(FINISHED, timeout=timeout)
    text = status.inner_text()
    assert FINISHED.search(text).group(1) == "done", f"the job did not finish: {text}"


def fewer_retention_items(page: Page, questions: int = 12, instructions: int = 2) -> None:
    """In the Evaluate tab's "More settings": ask fewer general-knowledge questions (one per set) and generic
    instructions for retention. Retention of a tuned arm is measured either way; the defaults (60 and 8) took most
    of a quick evaluation's time, and tests check that the figures are there, not how precise they are."""
    page.locator("#eval-more").get_by_text("More settings").click()
    page.locator("#eval-general-questions input").fill(str(questions))
    page.locator("#eval-drift-instructions input").fill(str(instructions))


def shot(page: Page, shots: Path | None, name: str) -> None:
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / name), full_page=True)


def walk_sample(page: Page, url: str, shots: Path | None = None, quick: bool = False) -> dict[str, float]:
    """Walk every tab on the invented-facts sample; returns the seconds each stage took.

    ``quick``: after checking the sample's own settings are filled in, lower them (1 QA per window, 1 question to
    focus on with 1 rewrite, 4 training steps of 2 examples, 10 eval questions without letter answers, 12 general-knowledge questions and 2
    instructions for retention) so the test suite stays short; the benchmark walks
    the real settings.
    """
    times: dict[str, float] = {}
    t = time.perf_counter()
    page.goto(url)
    expect(page.locator("#project-status")).to_contain_text("Try the sample", timeout=60_000)
    page.locator("#project-sample").click()
    expect(page.locator("#project-status")).to_contain_text("sample-invented-facts", timeout=120_000)

    # Documents: the sample document with its 20 eval questions, nothing covered yet.
    table = page.locator("#doc-table")
    expect(table).to_contain_text(SAMPLE_TITLE, timeout=60_000)
    expect(table.get_by_text("20", exact=True).filter(visible=True).first).to_be_visible()
    expect(table).to_contain_text(re.compile(r"\b0/1\d \(0%\)"))  # its ~18 fact-bearing sentences, none covered
    times["open sample"] = time.perf_counter() - t

    # Generate with the sample's settings (filled in): answer-aware QAs, then focal rewrites on their questions.
    t = time.perf_counter()
    page.get_by_role("tab", name="Generate").click()
    expect(page.locator("#gen-qa-window input")).to_have_value("3")
    if quick:
        page.locator("#gen-qa-window input").fill("1")
        page.locator("#gen-focal-q input").fill("1")
        page.locator("#gen-focal-n input").fill("1")
    page.locator("#gen-start").click()
    status = page.locator("#gen-status")
    expect(status).to_contain_text("running", timeout=60_000)
    expect_finished(status)
    expect(status).to_contain_text("asked")  # made N of M asked: a shortfall would show here
    expect(page.locator("#gen-preview")).to_contain_text("focal_rewrite")
    times["generate"] = time.perf_counter() - t
    shot(page, shots, "generate_tab.png")

    # Curate: accept all that pass the checks.
    t = time.perf_counter()
    page.get_by_role("tab", name="Curate").click()
    expect(page.locator("#cur-info")).to_contain_text("matching", timeout=60_000)
    expect(page.locator("#cur-table")).to_contain_text("pending")
    page.locator("#cur-accept-all").click()
    expect(page.locator("#cur-table")).to_contain_text("accepted", timeout=60_000)
    # Only what passes every check is accepted; the toast counts what was held back and why (near copies, ...).
    expect(page.get_by_text(re.compile(r"Accepted \d+ of \d+ filtered sample\(s\) that pass every check"))).to_be_visible()
    page.locator("#cur-table").get_by_text("focal_rewrite", exact=True).filter(visible=True).first.click()  # beside its source
    expect(page.locator("#cur-header")).to_contain_text("Made from", timeout=30_000)
    shot(page, shots, "curate_tab.png")
    times["curate"] = time.perf_counter() - t

    # Documents again: the accepted samples now cover the document.
    page.get_by_role("tab", name="Documents").click()
    page.locator("#doc-table").get_by_text(SAMPLE_TITLE, exact=True).filter(visible=True).first.click()
    expect(page.locator("#doc-coverage")).to_contain_text("Coverage:", timeout=60_000)
    expect(page.locator("#doc-coverage")).to_contain_text("(100%)")
    shot(page, shots, "documents_tab.png")

    # Train with the recommended recipe (full fine-tuning), the loss chart live.
    t = time.perf_counter()
    page.get_by_role("tab", name="Train").click()
    expect(page.locator("#train-epochs input")).to_have_value("6", timeout=60_000)
    if quick:
        page.locator("#train-steps input").fill("4")
        page.locator("#train-batch input").fill("2")
    page.locator("#train-start").click()
    expect(page.locator("#train-mix")).to_contain_text("Training mixture", timeout=180_000)
    expect(page.locator("#train-advice")).to_contain_text("each covered sentence is stated")
    train_status = page.locator("#train-status")
    expect(train_status).to_contain_text("running", timeout=180_000)
    expect_finished(train_status)
    expect(page.locator("#train-loss")).to_contain_text("step")
    times["train"] = time.perf_counter() - t
    shot(page, shots, "train_tab.png")

    # Chat: index, ask one of the eval questions; the tuned and RAG columns answer.
    t = time.perf_counter()
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#chat-index-status")).to_contain_text("Not indexed yet", timeout=60_000)
    page.locator("#chat-index").click()
    expect(page.locator("#chat-index-status")).to_contain_text("added", timeout=180_000)
    page.locator("#chat-eval-pick input").click()
    page.get_by_role("option").first.click()
    expect(page.locator("#chat-gold")).to_contain_text("Gold answer", timeout=30_000)
    page.locator("#chat-ask").click()
    tuned, rag = page.locator("#chat-col-tuned"), page.locator("#chat-col-rag")
    expect(rag.locator("details").first).to_contain_text(SAMPLE_TITLE, timeout=180_000)
    for column in (tuned, rag):
        expect(column).to_contain_text("tokens/s", timeout=300_000)
        expect(column).not_to_contain_text("generating", timeout=300_000)
        expect(column).not_to_contain_text("⚠")
    times["chat"] = time.perf_counter() - t
    shot(page, shots, "chat_tab.png")

    # Evaluate base, RAG and tuned on the 20 questions: table, comparison, chart.
    t = time.perf_counter()
    page.get_by_role("tab", name="Evaluate").click()
    expect(page.locator("#eval-arms")).to_be_visible()
    questions = 20
    if quick:
        questions = 10
        page.locator("#eval-limit input").fill(str(questions))
        page.locator("#eval-letters input").uncheck()  # log-likelihood and open answers (as in Chat) stay
        fewer_retention_items(page)
    page.locator("#eval-start").click()
    eval_status = page.locator("#eval-status")
    expect_finished(eval_status)
    expect(eval_status).to_contain_text(f"{3 * questions}/{3 * questions} answers scored")  # base, RAG, tuned
    expect(page.locator("#eval-chart")).to_contain_text("Accuracy by arm")
    expect(page.locator("#eval-compare")).to_contain_text("tuned vs base")
    times["evaluate"] = time.perf_counter() - t
    shot(page, shots, "evaluate_tab.png")
    return times


def accuracy_cells(page: Page) -> dict[str, float]:
    """The Evaluate table's accuracy per arm, as shown to the user (read from the rendered text: Gradio's grid
    draws the visible cells outside the table's own, empty ``<td>`` elements)."""
    text = page.locator("#eval-table").inner_text()
    return {arm: float(pct) / 100 for arm, pct in re.findall(r"^(base|rag|tuned\+rag|tuned)\s+\d+\s+([\d.]+)%", text, re.M)}
