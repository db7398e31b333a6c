"""Automatic checks on samples, each stored in ``samples.scores`` as ``{check: {score, reason}}``.

* near_duplicate — cosine similarity (bundled MiniLM) to the most similar *earlier* sample of the same kind; finds
  paraphrases that shingle-based MinHash misses. The first copy keeps score 0 so a rule never rejects both.
* grounding — share of the answer's (or rewrite's) content words found in its source chunk; optionally an LLM
  judge with the chosen backend.
* format — length and shape checks (question mark, answer/rewrite length).
* leakage — similarity of a QA question or focal question to the project's held-out eval questions: imported
  benchmark questions must never leak into training data silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from smt_gui.project import Project

STOPWORDS = set(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "their",
        "we",
        "you",
        "i",
        "not",
        "no",
        "yes",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "what",
        "which",
        "who",
        "whom",
        "when",
        "where",
        "why",
        "how",
        "than",
        "then",
        "there",
        "here",
        "so",
        "such",
        "into",
        "about",
        "over",
        "after",
        "before",
        "also",
        "only",
        "very",
        "can",
        "could",
        "would",
        "should",
        "will",
    ]
)
LEAK_THRESHOLD = 0.9
CHECKS = ("near_duplicate", "grounding", "format", "leakage")


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if len(w) > 2 and w not in STOPWORDS}


def _samples(project: Project) -> list[dict[str, Any]]:
    with project.connect() as conn:
        rows = conn.execute(
            """SELECT s.id, s.kind, s.question, s.answer, s.text, s.scores, c.text AS chunk_text
               FROM samples s LEFT JOIN chunks c ON c.id = s.chunk_id ORDER BY s.id"""
        ).fetchall()
    return [dict(r) for r in rows]


def sample_body(sample: dict[str, Any]) -> str:
    if sample["kind"] == "qa":
        return f"{sample['question'] or ''} {sample['answer'] or ''}".strip()
    return sample["text"] or ""


def _save(project: Project, updates: dict[int, dict[str, Any]]) -> None:
    with project.connect() as conn:
        for sample_id, new_scores in updates.items():
            row = conn.execute("SELECT scores FROM samples WHERE id = ?", (sample_id,)).fetchone()
            merged = {**json.loads(row["scores"] or "{}"), **new_scores}
            conn.execute("UPDATE samples SET scores = ? WHERE id = ?", (json.dumps(merged), sample_id))


def check_near_duplicates(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    from smt_gui.embeddings import embed, max_similarity_to_earlier

    results: dict[int, dict[str, Any]] = {}
    for kind in sorted({s["kind"] for s in samples}):
        group = [s for s in samples if s["kind"] == kind]
        vectors = embed([sample_body(s)[:2000] for s in group])
        best, best_idx = max_similarity_to_earlier(vectors)
        for s, score, idx in zip(group, best, best_idx, strict=True):
            if idx < 0:
                results[s["id"]] = {"near_duplicate": {"score": 0.0, "reason": "first of its kind"}}
            else:
                results[s["id"]] = {
                    "near_duplicate": {
                        "score": round(float(score), 3),
                        "reason": f"similarity {score:.2f} to earlier sample #{group[idx]['id']}",
                    }
                }
    return results


def check_grounding(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    results = {}
    for s in samples:
        claim = s["answer"] if s["kind"] == "qa" else s["text"]
        words = content_words(claim)
        if not s["chunk_text"]:
            results[s["id"]] = {"grounding": {"score": 0.0, "reason": "source chunk missing (re-chunked?)"}}
            continue
        if not words:
            results[s["id"]] = {"grounding": {"score": 0.0, "reason": "no content words to check"}}
            continue
        found = words & content_words(s["chunk_text"])
        missing = sorted(words - found)[:6]
        reason = f"{len(found)} of {len(words)} content words appear in the source"
        if missing:
            reason += f"; not found: {', '.join(missing)}"
        results[s["id"]] = {"grounding": {"score": round(len(found) / len(words), 3), "reason": reason}}
    return results


def check_format(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    results = {}
    for s in samples:
        problems = []
        if s["kind"] == "qa":
            if "?" not in (s["question"] or ""):
                problems.append("question has no question mark")
            n = len((s["answer"] or "").split())
            if n < 3:
                problems.append(f"answer has only {n} word(s)")
            if n > 300:
                problems.append(f"answer is long ({n} words)")
        else:
            n = len((s["text"] or "").split())
            if n < 30:
                problems.append(f"rewrite has only {n} words")
            if n > 3000:
                problems.append(f"rewrite is very long ({n} words)")
        results[s["id"]] = {"format": {"score": 0.0 if problems else 1.0, "reason": "; ".join(problems) or "ok"}}
    return results


def check_leakage(project: Project, samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Flag samples whose question copies (or nearly copies) an eval question of the project."""
    from smt_gui.embeddings import embed

    with project.connect() as conn:
        evals = [dict(r) for r in conn.execute("SELECT id, question FROM eval_questions ORDER BY id")]
    with_question = [s for s in samples if (s["question"] or "").strip()]
    results = {s["id"]: {"leakage": {"score": 0.0, "reason": "no question"}} for s in samples}
    if not evals:
        for s in with_question:
            results[s["id"]] = {"leakage": {"score": 0.0, "reason": "project has no eval set"}}
        return results
    eval_vectors = embed([e["question"] for e in evals])
    sample_vectors = embed([s["question"] for s in with_question])
    for start in range(0, len(with_question), 1024):
        sims = sample_vectors[start : start + 1024] @ eval_vectors.T
        for offset, row in enumerate(sims):
            s = with_question[start + offset]
            j = int(row.argmax())
            score = float(row[j])
            verdict = "copies" if score >= LEAK_THRESHOLD else "closest to"
            results[s["id"]] = {
                "leakage": {
                    "score": round(score, 3),
                    "reason": f"{verdict} eval question #{evals[j]['id']} ({score:.2f}): {evals[j]['question'][:80]}",
                }
            }
    return results


def check_llm_judge(samples: list[dict[str, Any]], backend: Any) -> dict[int, dict[str, Any]]:
    """Ask the chosen backend whether the source supports each QA answer (optional; slow with big models)."""
    from smt_gui.generate.parsing import _json_candidates
    from smt_gui.llm import BackendError, GenerationRequest

    schema = {
        "type": "object",
        "properties": {"supported": {"type": "boolean"}, "reason": {"type": "string"}},
        "required": ["supported", "reason"],
    }
    qas = [s for s in samples if s["kind"] == "qa" and s["chunk_text"]]
    requests = [
        GenerationRequest(
            messages=[
                {
                    "role": "user",
                    "content": f"Passage:\n{s['chunk_text']}\n\nQuestion: {s['question']}\nAnswer: {s['answer']}\n\n"
                    'Does the passage support the answer? Reply as JSON: {"supported": true|false, "reason": "..."}',
                }
            ],
            temperature=0.0,
            max_tokens=96,
            json_schema=schema,
        )
        for s in qas
    ]
    results = {}
    for index, result in backend.complete_many(requests):
        s = qas[index]
        if isinstance(result, BackendError):
            results[s["id"]] = {"judge": {"score": None, "reason": f"judge failed: {result}"}}
            continue
        verdict = next((c for c in _json_candidates(result.text) if isinstance(c, dict) and "supported" in c), None)
        if verdict is None:
            results[s["id"]] = {"judge": {"score": None, "reason": f"unparsable verdict: {result.text[:80]}"}}
        else:
            results[s["id"]] = {"judge": {"score": 1.0 if verdict["supported"] else 0.0, "reason": str(verdict.get("reason", ""))[:200]}}
    return results


def run_checks(
    project: Project, checks: tuple[str, ...] = CHECKS, judge_backend: Any = None, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Run the chosen checks over all samples and store their scores; returns how many samples each flagged."""
    samples = _samples(project)
    runners: dict[str, Callable[[], dict[int, dict[str, Any]]]] = {
        "near_duplicate": lambda: check_near_duplicates(samples),
        "grounding": lambda: check_grounding(samples),
        "format": lambda: check_format(samples),
        "leakage": lambda: check_leakage(project, samples),
    }
    flagged: dict[str, int] = {}
    for name in checks:
        if progress:
            progress(name)
        results = runners[name]()
        _save(project, results)
        flagged[name] = sum(1 for r in results.values() if is_flagged(name, r[name]["score"]))
    if judge_backend is not None:
        if progress:
            progress("judge")
        results = check_llm_judge(samples, judge_backend)
        _save(project, results)
        flagged["judge"] = sum(1 for r in results.values() if r["judge"]["score"] == 0.0)
    return flagged


def is_flagged(check: str, score: float | None, threshold: float | None = None) -> bool:
    if score is None:
        return False
    if check == "near_duplicate":
        return score >= (threshold if threshold is not None else 0.9)
    if check == "leakage":
        return score >= (threshold if threshold is not None else LEAK_THRESHOLD)
    if check == "grounding":
        return score < (threshold if threshold is not None else 0.5)
    return score < 0.5  # format, judge


def apply_rule(project: Project, check: str, threshold: float | None = None, status: str = "rejected") -> int:
    """One-click rule, e.g. 'reject all near-duplicates above 0.9'; one undoable change. Returns samples changed."""
    from smt_gui.curate.store import set_status

    with project.connect() as conn:
        rows = conn.execute("SELECT id, scores FROM samples").fetchall()
    ids = []
    for row in rows:
        entry = json.loads(row["scores"] or "{}").get(check)
        if entry and is_flagged(check, entry.get("score"), threshold):
            ids.append(row["id"])
    return set_status(project, ids, status)
