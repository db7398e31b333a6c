"""Evaluation with the real bundled model on QuALITY: log-likelihood scoring, arms as a resumable job, CIs,
retrieval from the article, the leakage guard and the scaling curve's points."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from smt_gui.chat import ChatEngine, build_messages
from smt_gui.evaluate.arms import extract_choice
from smt_gui.evaluate.job import EvalConfig, create_evaluation, evaluate, list_evaluations, save_report
from smt_gui.evaluate.leakage import leakage_message
from smt_gui.evaluate.multiple_choice import mc_prompt, option_logliks, score_options_loglik
from smt_gui.evaluate.scaling import recipe_of, scaling_points
from smt_gui.evaluate.stats import mcnemar_exact, wilson_interval
from smt_gui.ingest import ingest_paths
from smt_gui.jobs import JobContext, run_job
from smt_gui.retrieve import Hit
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig

from .conftest import QUALITY_SMALL, REPO

TITLE = "The Absurdity of Family Love"


@pytest.fixture
def quality(project):
    ingest_paths(project, [QUALITY_SMALL])
    with project.connect() as conn:
        doc = conn.execute("SELECT id FROM documents WHERE title = ?", (TITLE,)).fetchone()[0]
    return project, doc


def test_letter_answers_are_extracted_like_a_reader_would():
    options = ["a fish", "blue", "seven", "purple"]
    assert extract_choice("B", options) == 1
    assert extract_choice("The answer is (C).", options) == 2
    assert extract_choice("D. purple", options) == 3
    assert extract_choice("I think it is blue.", options) == 1
    assert extract_choice("no idea", options) is None


def test_an_open_answer_is_right_only_when_its_first_sentence_states_the_gold_option():
    """What a person reads first in Chat: "2019. The cooperative was founded in 1987." leads with a wrong value."""
    from types import SimpleNamespace

    from smt_gui.evaluate.arms import grade_open, open_answer

    class Streaming:  # yields the answer token by token, like ChatEngine.stream
        def __init__(self, text: str) -> None:
            self.text, self.read = text, 0

        def stream(self, arm, question, k, max_new_tokens):
            answer = SimpleNamespace(text="", error=None)
            for word in self.text.split(" "):
                answer.text += ("" if not answer.text else " ") + word
                self.read += 1
                yield answer

    options = ["1987", "2019", "1964", "2004"]
    cases = {"2019. The cooperative was founded in 1987.": False, "It was founded in 1987 by residents.": True,
             "In 1987 or in 2019.": False, "Nobody knows.": False}
    for text, right in cases.items():
        engine, record = Streaming(text), {}
        grade_open(record, open_answer(engine, "tuned", "When was it founded?", 4, 64), options, 0)
        assert record["open_correct"] is right, (text, record)
    engine = Streaming("It was founded in 1987. It has 1,140 members and a boat.")
    answer = open_answer(engine, "tuned", "When was it founded?", 4, 64)
    assert engine.read <= 7 and answer.text.startswith("It was founded in 1987.")  # stopped after the first sentence


def test_recipes_are_named_from_the_runs_token_mix():
    assert recipe_of({"qa": 10}) == "QA only"
    assert recipe_of({"rewrite": 10, "replay": 3}) == "docs only"
    assert recipe_of({"qa": 10, "rewrite": 10}) == "mixed"
    assert recipe_of({"qa": 10, "focal_rewrite": 10}) == "mixed + focal"


@pytest.mark.slow
def test_loglik_scoring_picks_the_right_option_on_an_easy_item(quality):
    project, _ = quality
    model, tokenizer = ChatEngine(project).model("base")
    # Options of one kind and similar length (per-character normalisation favours long options), on a fact even a
    # 135M model knows.
    messages = build_messages("base", "What is the capital of France?", [])
    result = score_options_loglik(model, tokenizer, messages, ["Berlin", "Paris", "Madrid", "Rome"], gold=1)
    assert result.correct and result.gold_rank == 1 and result.margin > 0


@pytest.mark.slow
def test_cached_prompt_scoring_equals_scoring_each_option_from_scratch(quality):
    import torch

    project, _ = quality
    model, tokenizer = ChatEngine(project).model("base")
    hits = [Hit(chunk_id=1, document_id=1, title="Phobos", text="The captain told us about the cook he picked up on Phobos.",
                score=0.9)]
    prompt = mc_prompt(tokenizer, build_messages("rag", "Who narrates the story?", hits))
    assert "The captain told us" in prompt and prompt.endswith("<|im_start|>assistant\n")  # what Chat sends for RAG
    options = ["the captain", "a cook from Phobos who never speaks", "nobody"]
    expected = []
    for option in options:
        p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        o_ids = tokenizer(option, add_special_tokens=False)["input_ids"]
        with torch.inference_mode():
            logprobs = torch.log_softmax(model(input_ids=torch.tensor([p_ids + o_ids])).logits[0].float(), dim=-1)
        expected.append(sum(float(logprobs[len(p_ids) - 1 + j, t]) for j, t in enumerate(o_ids)))
    assert option_logliks(model, tokenizer, prompt, options) == pytest.approx(expected, abs=1e-3)


@pytest.mark.slow
def test_base_and_rag_arms_on_one_article_report_accuracy_with_ci(quality, tmp_path):
    project, doc = quality
    report = evaluate(project, EvalConfig(arms=["base", "rag"], document_ids=[doc], limit=4, k=2))
    for arm in ("base", "rag"):
        summary, records = report["summary"][arm], report["records"][arm]
        correct = [bool(r["correct"]) for r in records]
        assert summary["n"] == 4 and summary["correct"] == sum(correct) and summary["accuracy"] == sum(correct) / 4
        assert summary["ci95"] == list(wilson_interval(sum(correct), 4))
        assert summary["mean_gold_rank"] == sum(r["gold_rank"] for r in records) / 4
        assert summary["gen_accuracy"] == sum(bool(r["gen_correct"]) for r in records) / 4
        # a record's verdict is its best-scoring option
        assert all(r["correct"] == (r["gold_rank"] == 1) for r in records)
        # and each question was also asked without its options, as Chat asks it, graded on its first sentence
        assert all(r["open_answer"] and r["open_first"] and r["open_reason"] for r in records)
        assert summary["n_open"] == 4 and summary["open_correct"] == sum(bool(r["open_correct"]) for r in records)
    rag = report["records"]["rag"]
    from_article = sum(any(h["title"] == TITLE for h in r["retrieved"]) for r in rag)
    assert from_article >= 3  # the RAG arm retrieves from the question's own article
    assert all(r["retrieved"] == [] for r in report["records"]["base"])
    [comparison] = report["comparisons"]
    base_right = [bool(r["correct"]) for r in report["records"]["base"]]
    rag_right = [bool(r["correct"]) for r in report["records"]["rag"]]
    assert comparison["mcnemar"] == mcnemar_exact(base_right, rag_right)
    open_base = [bool(r["open_correct"]) for r in report["records"]["base"]]
    open_rag = [bool(r["open_correct"]) for r in report["records"]["rag"]]
    assert comparison["open"]["p_value"] == mcnemar_exact(open_base, open_rag)["p_value"]
    assert {(r["document"], r["arm"], r["n"]) for r in report["by_document"]} == {(TITLE, "base", 4), (TITLE, "rag", 4)}
    out = save_report(project, report, tmp_path / "report.json")
    assert out.exists() and out.with_suffix(".csv").read_text().count("\n") == 9


@pytest.mark.slow
def test_a_cancelled_evaluation_resumes_without_rescoring(quality):
    project, doc = quality
    job_id = create_evaluation(project, EvalConfig(arms=["base"], document_ids=[doc], limit=4, generate_choice=False))
    from smt_gui.evaluate.job import run_evaluation

    context = JobContext(project, job_id)
    seen: list[int] = []

    def stop_after_two(done: int, total: int, arm: str) -> None:
        seen.append(done)
        if done == 2:
            context.cancel_event.set()

    target = lambda ctx, cfg: run_evaluation(ctx, cfg, stop_after_two)  # noqa: E731
    assert run_job(project, job_id, target, context) == "cancelled"
    with project.connect() as conn:
        first = {r[0]: r[1] for r in conn.execute("SELECT question_id, created_at FROM eval_results WHERE job_id = ?",
                                                   (job_id,))}
    assert len(first) == 2 and list_evaluations(project)[0]["status"] == "cancelled"
    report = evaluate(project, EvalConfig(), job_id=job_id)
    assert report["summary"]["base"]["n"] == 4
    with project.connect() as conn:
        after = {r[0]: r[1] for r in conn.execute("SELECT question_id, created_at FROM eval_results WHERE job_id = ?",
                                                   (job_id,))}
    assert all(after[q] == t for q, t in first.items())  # the two scored before the cancel were not redone
    assert (project.root / "evals" / f"eval-job{job_id}.json").exists()


@pytest.mark.slow
def test_tuned_arm_warns_about_leaked_eval_questions_and_feeds_the_scaling_curve(quality):
    project, doc = quality
    with project.connect() as conn:
        leaked = conn.execute("SELECT question FROM eval_questions WHERE document_id = ? ORDER BY id", (doc,)).fetchone()[0]
    _, chunk, _ = first_chunk(project, TITLE)
    insert_sample(project, "qa", doc, chunk, leaked, "Because humans can treat anyone as kin.", status="accepted")
    insert_sample(project, "focal_rewrite", doc, chunk, "Why do families love?", text="Family love is odd. " * 20,
                  status="accepted")
    run = runner.prepare_run(project, TrainConfig(method="lora", max_steps=1, batch_size=1, mixture=MixtureConfig(seq_len=64)))
    assert runner.wait(runner.launch(project, run), run, poll_s=0.5) == 0

    report = evaluate(project, EvalConfig(arms=["base", "tuned"], document_ids=[doc], limit=2, generate_choice=False,
                                          open_answers=False, retention=False))  # retention: test_own_split.py
    assert report["run"] == run.name and report["summary"]["tuned"]["n"] == 2
    assert report["leakage"]["checked"] == 2 and len(report["leakage"]["flagged"]) == 1
    assert "LEAKAGE" in leakage_message(report["leakage"])
    [point] = scaling_points(project)
    assert point["recipe"] == "mixed + focal" and point["synthetic_tokens"] > 0 and point["run"] == run.name


@pytest.mark.slow
def test_cli_eval_writes_a_report(quality, tmp_path):
    project, doc = quality
    out = tmp_path / "r.json"
    result = subprocess.run([sys.executable, "-m", "smt_gui", "eval", str(project.root), "--arms", "base", "--doc",
                             str(doc), "--limit", "3", "--out", str(out)], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "base       multiple choice (log-likelihood) accuracy" in result.stdout and "95% CI" in result.stdout
    assert "letter/generated answers" in result.stdout and "open answers (first sentence states the answer)" in result.stdout
    assert json.loads(out.read_text())["summary"]["base"]["n"] == 3


def test_cli_eval_without_questions_says_what_to_import(project):
    result = subprocess.run([sys.executable, "-m", "smt_gui", "eval", str(project.root), "--arms", "base"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "no eval questions" in result.stderr


@pytest.mark.slow
def test_financebench_free_form_answers_are_generated_and_graded_with_reasons(project):
    from .conftest import FINANCEBENCH_DOCS

    ingest_paths(project, [FINANCEBENCH_DOCS])
    report = evaluate(project, EvalConfig(arms=["base"], limit=2, max_new_tokens=24))
    records = report["records"]["base"]
    assert len(records) == 2 and all(r["predicted"] and r["reason"] for r in records)
    assert all(r.get("options") is None and "gold_rank" not in r for r in records)  # free form, not multiple choice
    assert report["summary"]["base"]["n"] == 2


def test_opening_the_tab_lets_the_timer_tick_once_more(project):
    """The tab's refresh can land after a click on Evaluate (2 busy cores): had it switched the timer off with the
    view from before the job existed, the tab would show "No evaluation yet" while the job ran and after."""
    from smt_gui.ui import evaluate as tab

    shown = tab.refresh(str(project.root))
    assert "No evaluation yet" in shown[3] and shown[-1].active is True
