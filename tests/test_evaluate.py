"""Evaluation with the real bundled model on QuALITY: log-likelihood scoring, arms, CIs, retrieval from the article."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smt_gui.chat import ChatEngine
from smt_gui.evaluate.arms import evaluate_arms, save_report
from smt_gui.evaluate.multiple_choice import score_options_loglik
from smt_gui.ingest import ingest_paths

from .conftest import QUALITY_SMALL, REPO, require_shared

pytestmark = pytest.mark.slow


@pytest.fixture
def quality(project):
    ingest_paths(project, [require_shared(QUALITY_SMALL)])
    with project.connect() as conn:
        doc = conn.execute("SELECT id FROM documents WHERE title = 'The Absurdity of Family Love'").fetchone()[0]
    return project, doc


def test_loglik_scoring_picks_the_right_option_on_an_easy_item(quality):
    project, _ = quality
    model, tokenizer = ChatEngine(project).model("base")
    result = score_options_loglik(model, tokenizer, "What colour is the sky on a clear day?",
                                  ["a fish sandwich", "blue", "the number seven", "purple elephant lawyers"], gold=1)
    assert result.correct and result.gold_rank == 1 and result.margin > 0


def test_base_and_rag_arms_on_one_article_report_accuracy_with_ci(quality, tmp_path):
    project, doc = quality
    report = evaluate_arms(project, ["base", "rag"], document_ids=[doc], limit=4, k=2)
    for arm in ("base", "rag"):
        summary = report["summary"][arm]
        assert summary["n"] == 4 and 0 <= summary["ci95"][0] <= summary["accuracy"] <= summary["ci95"][1] <= 1
        assert 1 <= summary["mean_gold_rank"] <= 4
    rag = report["records"]["rag"]
    from_article = sum(any(h["title"] == "The Absurdity of Family Love" for h in r["retrieved"]) for r in rag)
    assert from_article >= 3  # the RAG arm retrieves from the question's own article
    assert all(r["retrieved"] == [] for r in report["records"]["base"])
    [comparison] = report["comparisons"]
    assert 0 <= comparison["mcnemar"]["p_value"] <= 1
    out = save_report(project, report, tmp_path / "report.json")
    assert out.exists() and out.with_suffix(".csv").read_text().count("\n") == 9


def test_cli_eval_writes_a_report(quality, tmp_path):
    project, doc = quality
    out = tmp_path / "r.json"
    result = subprocess.run([sys.executable, "-m", "smt_gui", "eval", str(project.root), "--arms", "base", "--doc",
                             str(doc), "--limit", "3", "--out", str(out)], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "base       accuracy" in result.stdout and "95% CI" in result.stdout and out.exists()
