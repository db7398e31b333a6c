"""Evaluate arms (base, rag, tuned, tuned+rag) on the same eval questions and compare them pairwise.

Multiple-choice questions are scored by log-likelihood (accuracy with a Wilson 95% interval, gold rank, margin);
free-form questions are answered by generation and graded (numbers within 1%, else normalised text). Every graded
answer is kept with its reason in the report. Reports are JSON (and CSV) under ``PROJECT/evals/``.
"""

from __future__ import annotations

import csv
import itertools
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smt_gui.chat import ARMS, ChatEngine, uses_adapter, uses_retrieval
from smt_gui.documents import list_eval_questions
from smt_gui.evaluate.freeform import grade_freeform
from smt_gui.evaluate.multiple_choice import score_options_loglik
from smt_gui.evaluate.stats import mcnemar_exact, paired_bootstrap, wilson_interval
from smt_gui.project import Project


def _summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(records)
    correct = sum(r["correct"] for r in records)
    low, high = wilson_interval(correct, n)
    summary = {"n": n, "correct": correct, "accuracy": correct / n if n else 0.0, "ci95": [low, high]}
    ranks = [r["gold_rank"] for r in records if r.get("gold_rank") is not None]
    if ranks:
        summary["mean_gold_rank"] = statistics.mean(ranks)
        summary["mean_margin"] = statistics.mean(r["margin"] for r in records if r.get("margin") is not None)
    return summary


def evaluate_arms(project: Project, arms: list[str], run_name: str | None = None, document_ids: list[int] | None = None,
                  limit: int | None = None, k: int = 4, max_new_tokens: int = 64,
                  progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    unknown = set(arms) - set(ARMS)
    if unknown:
        raise ValueError(f"Unknown arms {sorted(unknown)}; choose from {', '.join(ARMS)}.")
    questions = [q for q in list_eval_questions(project) if document_ids is None or q["document_id"] in document_ids]
    questions = questions[:limit] if limit else questions
    if not questions:
        raise ValueError("The project has no eval questions: import a QuALITY/FinanceBench/generic JSONL with questions.")
    engine = ChatEngine(project, run_name)
    if any(uses_retrieval(a) for a in arms):
        engine.index.sync()
    with project.connect() as conn:
        titles = {r["id"]: r["title"] for r in conn.execute("SELECT id, title FROM documents")}
    records: dict[str, list[dict[str, Any]]] = {arm: [] for arm in arms}
    started = time.perf_counter()
    total, done = len(questions) * len(arms), 0
    for arm in arms:
        model, tokenizer = engine.model("tuned" if uses_adapter(arm) else "base")
        for q in questions:
            hits = engine.index.query(q["question"], k=k) if uses_retrieval(arm) else []
            context = "\n\n".join(f"[{i + 1}] {h.text}" for i, h in enumerate(hits)) or None
            record: dict[str, Any] = {"question_id": q["id"], "document": titles.get(q["document_id"]),
                                      "question": q["question"], "gold": q["answer"],
                                      "retrieved": [{"title": h.title, "score": round(h.score, 3)} for h in hits]}
            if q["options"]:
                result = score_options_loglik(model, tokenizer, q["question"], q["options"], q["answer_index"], context)
                record.update(correct=result.correct, predicted=q["options"][result.predicted],
                              gold_rank=result.gold_rank, margin=result.margin, scores=result.scores,
                              reason=f"picked option {result.predicted + 1}, gold is option {q['answer_index'] + 1}")
            else:
                answer = engine.ask(arm, q["question"], k=k, max_new_tokens=max_new_tokens)
                grade = grade_freeform(answer.text, q["answer"] or "")
                record.update(correct=grade.correct, predicted=answer.text.strip(), reason=grade.reason)
            records[arm].append(record)
            done += 1
            if progress:
                progress(done, total, arm)
    summaries = {arm: _summary(rs) for arm, rs in records.items()}
    comparisons = []
    for a, b in itertools.combinations(arms, 2):
        right_a = [r["correct"] for r in records[a]]
        right_b = [r["correct"] for r in records[b]]
        comparisons.append({"a": a, "b": b, "mcnemar": mcnemar_exact(right_a, right_b),
                            "bootstrap": paired_bootstrap(right_a, right_b, rounds=2000)})
    return {"arms": arms, "run": run_name, "questions": len(questions), "summary": summaries,
            "comparisons": comparisons, "records": records, "seconds": round(time.perf_counter() - started, 1)}


def save_report(project: Project, report: dict[str, Any], out: Path | None = None) -> Path:
    """Write the report as JSON, and its per-question records as CSV beside it."""
    out = Path(out) if out else project.subdir("evals") / time.strftime("eval-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=float))
    with out.with_suffix(".csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["arm", "question_id", "document", "correct", "gold_rank", "margin", "predicted", "gold", "reason"])
        for arm, rows in report["records"].items():
            for r in rows:
                writer.writerow([arm, r["question_id"], r["document"], r["correct"], r.get("gold_rank"),
                                 r.get("margin"), r["predicted"], r["gold"], r["reason"]])
    return out
