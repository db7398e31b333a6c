"""Automatic checks on samples, each stored in ``samples.scores`` as ``{check: {score, reason}}``.

* near_duplicate — how closely a sample copies an *earlier* one of the same kind that states the same names and
  numbers (QAs compared by question): word-for-word similarity among the candidates the bundled MiniLM embeddings
  find. Copies are flagged; paraphrases are kept (different wordings of a fact are what teaches it), and "born in
  1982" is never a copy of "born in 1994". The first copy keeps score 0 so a rule never rejects both.
* grounding — the *facts* of the answer (or rewrite) against its source (the fact window the generator saw, or
  the chunk): any name, number or date the source lacks scores 0 ("hallucinated: 'Khvaletk' not in source");
  otherwise the share of content words found in the source. Optionally an LLM judge with the chosen backend.
* format — length and shape checks (question mark, answer/rewrite length).
* question — a QA's question reads as an English question (``question_forms.form_problem``: no repeated words,
  no dangling "the", a verb, no unresolved "she") and, where the sample records its short answer, does not give
  that answer away and asks for its kind ("how many" takes a quantity). Edited QAs are re-checked the same way.
* meaning — a window rewrite (or focal document) against the sentences it was made from
  (``meaning.meaning_changes``): negations, limiters, modals, swapped or added nouns, changed verbs and
  prepositions, repeats. It ran when the rewrite was generated; stored here, it shows in Curate and re-runs on a
  rewrite a person edited ("the appliance" -> "appliances" is flagged).
* leakage — word-for-word similarity of a QA question or focal question to the project's held-out eval questions:
  an eval question copied into training data is flagged; a question made from the document that asks for the same
  fact in other words is not (that is what synthetic QAs are for).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from smt_gui.facts import content_words, fact_terms, known_name_words, unsupported_facts
from smt_gui.project import Project

LEAK_THRESHOLD = 0.8  # word-for-word similarity to an eval question (difflib ratio)
DUPLICATE_THRESHOLD = 0.9  # word-for-word similarity to another sample at which one of the pair is rejected
GROUNDING_THRESHOLD = 0.5  # below: flagged (and rejected by the rule); a hallucinated name or number scores 0
HALLUCINATED_BELOW = 1e-9  # grounding scores exactly 0 for a hallucinated fact
CHECKS = ("near_duplicate", "grounding", "format", "question", "meaning", "leakage")


def _samples(project: Project) -> list[dict[str, Any]]:
    with project.connect() as conn:
        rows = conn.execute(
            """SELECT s.id, s.kind, s.document_id, s.question, s.answer, s.text, s.scores, s.source_text, s.generator,
                      c.text AS chunk_text, d.text AS document_text
               FROM samples s LEFT JOIN chunks c ON c.id = s.chunk_id LEFT JOIN documents d ON d.id = s.document_id
               ORDER BY s.id"""
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


def fact_signature(sample: dict[str, Any]) -> frozenset[str]:
    """The names and numbers a sample states: two samples with different ones are never duplicates, however
    similar their words ("Who was born in 1982?" / "Who was born in 1994?")."""
    terms = fact_terms(sample_body(sample))
    return frozenset(t.lower() for t in terms["names"] + terms["numbers"])


def _dedup_text(sample: dict[str, Any]) -> str:
    # A QA is a copy when it asks the same thing; two questions about one sentence share their answer text.
    return (sample["question"] if sample["kind"] == "qa" and sample["question"] else sample_body(sample))[:2000]


def check_near_duplicates(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Score each sample by how closely it copies an earlier one of the same kind stating the same names and numbers.

    The score is word-for-word similarity (difflib ratio over words), looked up among the earlier samples whose
    MiniLM embedding is close (cosine >= 0.8): a copy or a copy with a word changed scores near 1, while a real
    paraphrase ("employed by whom?" / "Who employed ...?") scores low and is kept, since different wordings of the
    same fact are what teaches a model the fact.
    """
    from smt_gui.embeddings import embed

    results: dict[int, dict[str, Any]] = {}
    groups: dict[tuple[str, frozenset[str]], list[dict[str, Any]]] = {}
    for s in samples:
        groups.setdefault((s["kind"], fact_signature(s)), []).append(s)
    texts = {s["id"]: _dedup_text(s) for s in samples}
    vectors = dict(zip(texts, embed(list(texts.values())), strict=True)) if samples else {}
    for group in groups.values():
        matrix = np.stack([vectors[s["id"]] for s in group])
        sims = matrix @ matrix.T
        for i, s in enumerate(group):
            best, best_j = 0.0, -1
            for j in np.flatnonzero(sims[i, :i] >= 0.8):
                ratio = copy_score(texts[s["id"]], texts[group[j]["id"]])
                if ratio > best:
                    best, best_j = ratio, int(j)
            if best_j < 0:
                results[s["id"]] = {"near_duplicate": {"score": 0.0, "reason": "no earlier copy"}}
            else:
                results[s["id"]] = {"near_duplicate": {
                    "score": round(best, 3),
                    "reason": f"{best:.2f} of its words in order match earlier sample #{group[best_j]['id']}"}}
    return results


def grounding(sample: dict[str, Any], known: set[str] | None = None) -> dict[str, Any]:
    """Compare the *facts* of a sample with its source: names, numbers and dates first, then shared words.

    The source is what the generator saw (a fact window) or else the sample's chunk. Any name or number the
    source lacks scores 0 with the reason ("hallucinated: 'Khvaletk' not in source"): a wrong fact is wrong however
    many words it shares. Otherwise the score is the share of the claim's content words found in the source.
    """
    claim = sample["answer"] if sample["kind"] == "qa" else sample["text"]
    if sample["kind"] == "qa":
        claim = f"{sample['question'] or ''} {claim or ''}"
    source = sample.get("source_text") or sample.get("chunk_text")
    if not source:
        return {"score": 0.0, "reason": "source chunk missing (re-chunked?)"}
    if sample.get("source_text") and sample.get("chunk_text"):
        source = f"{sample['chunk_text']} {source}"  # window samples may name what their context sentence said
    invented = unsupported_facts(claim or "", source, known)
    if invented:
        listed = ", ".join(f"'{x}'" for x in invented[:4])
        return {"score": 0.0, "reason": f"hallucinated: {listed} not in source"}
    words = content_words(claim)
    if not words:
        return {"score": 0.0, "reason": "no content words to check"}
    found = words & content_words(source)
    missing = sorted(words - found)[:6]
    reason = f"names and numbers all in the source; {len(found)} of {len(words)} content words too"
    if missing:
        reason += f"; not found: {', '.join(missing)}"
    return {"score": round(len(found) / len(words), 3), "reason": reason}


def check_grounding(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    known_by_document: dict[int, set[str]] = {}
    results = {}
    for s in samples:
        doc = s.get("document_id")
        if doc not in known_by_document:
            known_by_document[doc] = known_name_words(s.get("document_text") or "")
        results[s["id"]] = {"grounding": grounding(s, known_by_document[doc])}
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
            source = s.get("source_text") or s.get("chunk_text") or ""
            shortest = min(30, max(4, len(source.split()) // 2))  # a one-sentence window makes a short rewrite
            if n < shortest:
                problems.append(f"rewrite has only {n} words")
            if n > 3000:
                problems.append(f"rewrite is very long ({n} words)")
        results[s["id"]] = {"format": {"score": 0.0 if problems else 1.0, "reason": "; ".join(problems) or "ok"}}
    return results


def check_meaning(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    from smt_gui.generate.meaning import meaning_changes

    results = {}
    for s in samples:
        if s["kind"] == "qa" or not s.get("source_text"):
            results[s["id"]] = {"meaning": {"score": 1.0, "reason": "not a window rewrite"}}
            continue
        problems = meaning_changes(s["text"] or "", s["source_text"], context=s.get("chunk_text") or "")
        results[s["id"]] = {"meaning": {"score": 0.0 if problems else 1.0, "reason": "; ".join(problems[:3]) or "ok"}}
    return results


def check_questions(samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    from smt_gui.generate.question_forms import answer_type, asked_type, compatible, form_problem, mentioned

    results = {}
    for s in samples:
        if s["kind"] != "qa":
            results[s["id"]] = {"question": {"score": 1.0, "reason": "not a QA"}}
            continue
        question = s["question"] or ""
        problem = form_problem(question)
        span = (json.loads(s.get("generator") or "{}") or {}).get("answer_span")
        if problem is None and span:
            sentence = s.get("source_text") or ""
            if mentioned(span, question) and asked_type(question) not in ("what", "which"):
                problem = f"question gives its answer away ('{span}')"
            elif not compatible(question, span, sentence):
                problem = f"asks '{asked_type(question)}' but its answer '{span}' is a {answer_type(span, sentence)}"
        results[s["id"]] = {"question": {"score": 0.0 if problem else 1.0, "reason": problem or "ok"}}
    return results


def copy_score(a: str, b: str) -> float:
    """How much of one question is the other, word for word in order (difflib ratio over normalised words).

    A paraphrase asking for the same fact is not a leak: questions made from the document are supposed to ask
    what the eval asks. A leak is an eval question copied (or lightly edited) into training data.
    """
    wa, wb = re.findall(r"\w+", (a or "").lower()), re.findall(r"\w+", (b or "").lower())
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio() if wa and wb else 0.0


def check_leakage(project: Project, samples: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Flag samples whose question copies (or nearly copies, word for word) an eval question of the project: an
    imported or typed one, or a QA held out as the project's own eval set (held-out QAs themselves are not flagged)."""
    with project.connect() as conn:
        evals = [dict(r) for r in conn.execute("SELECT id, question, document_id FROM eval_questions ORDER BY id")]
        evals += [{"id": f"s{r['id']}", "question": r["question"], "document_id": r["document_id"]} for r in conn.execute(
            "SELECT id, question, document_id FROM samples WHERE split = 'eval' AND question IS NOT NULL ORDER BY id")]
    held_out = {int(e["id"][1:]) for e in evals if isinstance(e["id"], str)}
    with_question = [s for s in samples if (s["question"] or "").strip() and s["id"] not in held_out]
    results = {s["id"]: {"leakage": {"score": 0.0, "reason": "no question"}} for s in samples}
    for sid in held_out & set(results):
        results[sid] = {"leakage": {"score": 0.0, "reason": "held out for evaluation (not trained on)"}}
    if not evals:
        for s in with_question:
            results[s["id"]] = {"leakage": {"score": 0.0, "reason": "project has no eval set"}}
        return results
    by_document: dict[Any, list[dict[str, Any]]] = {}
    for e in evals:
        by_document.setdefault(e["document_id"], []).append(e)
    for s in with_question:
        candidates = by_document.get(s.get("document_id")) or evals
        scored = [(copy_score(s["question"], e["question"]), e) for e in candidates]
        score, best = max(scored, key=lambda x: x[0])
        verdict = "copies" if score >= LEAK_THRESHOLD else "closest to"
        label = f"held-out QA #{best['id'][1:]}" if isinstance(best["id"], str) else f"eval question #{best['id']}"
        results[s["id"]] = {"leakage": {"score": round(score, 3),
                                        "reason": f"{verdict} {label} ({score:.2f}): {best['question'][:80]}"}}
    return results


def check_llm_judge(samples: list[dict[str, Any]], backend: Any) -> dict[int, dict[str, Any]]:
    """Ask the chosen backend whether the source supports each QA answer (optional; slow with big models)."""
    from smt_gui.generate.parsing import json_candidates
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
        verdict = next((c for c in json_candidates(result.text) if isinstance(c, dict) and "supported" in c), None)
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
        "question": lambda: check_questions(samples),
        "meaning": lambda: check_meaning(samples),
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
        return score >= (threshold if threshold is not None else DUPLICATE_THRESHOLD)
    if check == "leakage":
        return score >= (threshold if threshold is not None else LEAK_THRESHOLD)
    if check == "grounding":
        return score < (threshold if threshold is not None else GROUNDING_THRESHOLD)
    return score < 0.5  # format, question, meaning, judge


def failed_checks(scores: dict[str, Any]) -> list[str]:
    """The checks a sample's stored scores flag ("grounding: hallucinated: 'Khvaletk' not in source")."""
    return [f"{name}: {entry.get('reason', '')}" for name, entry in scores.items()
            if isinstance(entry, dict) and is_flagged(name, entry.get("score"))]


def accept_passing(project: Project, sample_ids: list[int], progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Bulk accept that never accepts an unchecked or failing sample: run the checks where any of the chosen
    samples lacks one, then accept those that pass every check and leave the rest as they are (pending), with
    the reasons counted. One undoable change."""
    from collections import Counter

    from smt_gui.curate.store import set_status

    def load() -> dict[int, dict[str, Any]]:
        with project.connect() as conn:
            rows = conn.execute(f"SELECT id, scores FROM samples WHERE id IN ({','.join('?' * len(sample_ids))})",
                                sample_ids).fetchall() if sample_ids else []
        return {r["id"]: json.loads(r["scores"] or "{}") for r in rows}

    scores = load()
    if any(not set(CHECKS) <= set(sc) for sc in scores.values()):
        run_checks(project, progress=progress)
        scores = load()
    passing, reasons = [], Counter()
    for sample_id, sc in scores.items():
        failed = failed_checks(sc)
        if failed:
            reasons.update(f.split(":")[0] for f in failed)
        else:
            passing.append(sample_id)
    accepted = set_status(project, passing, "accepted")
    return {"accepted": accepted, "passed": len(passing), "held_back": len(scores) - len(passing),
            "reasons": dict(reasons)}


def reject_hallucinated(project: Project) -> int:
    """Reject every sample with grounding score 0: it states a name or number its source lacks, or shares no
    content word with it. One undoable change."""
    return apply_rule(project, "grounding", threshold=HALLUCINATED_BELOW)


def auto_curate(project: Project, checks: tuple[str, ...] = CHECKS, judge_backend: Any = None,
                dup_threshold: float | None = None, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The default curation (``smt curate --auto``, the benchmarks): run the checks, then reject word-for-word
    copies, copies of eval questions and samples stating what their source lacks. One place, so the CLI and the
    measurements apply the same rules. Returns what each check flagged and each rule rejected."""
    flagged = run_checks(project, checks=checks, judge_backend=judge_backend, progress=progress)
    rejected = {"near_duplicate": apply_rule(project, "near_duplicate", dup_threshold),
                "leakage": apply_rule(project, "leakage"),
                "hallucinated": reject_hallucinated(project)}
    return {"flagged": flagged, "rejected": rejected}


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
