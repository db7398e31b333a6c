"""Score one eval question with one arm (base, rag, tuned, tuned+rag), and summarise and compare arms.

Multiple-choice questions are scored two ways: by log-likelihood of each option (lm-eval's ``acc_norm``: the
headline accuracy, with gold rank and margin), and by letting the model answer with a letter that is then
extracted (``gen_accuracy``), and by asking the question *without* its options, exactly as the Chat tab asks it, and
grading the answer's first sentence against the gold option (``open_accuracy``: what a person reads first in Chat;
a model can pick the right option by likelihood and still lead with another fact). Free-form questions are answered by generation and graded
(numbers within 1%, else normalised text). Every graded answer keeps its reason and the retrieved chunks.
"""

from __future__ import annotations

import itertools
import re
import statistics
from typing import Any

from smt_gui.evaluate.freeform import grade_freeform, judge_freeform
from smt_gui.evaluate.multiple_choice import mc_prompt, option_logliks, score_options_loglik
from smt_gui.evaluate.own_split import HELD_OUT_SET
from smt_gui.evaluate.stats import mcnemar_exact, mean_interval, paired_bootstrap, wilson_interval

LETTERS = "ABCDEFGH"


def choice_question(question: str, options: list[str]) -> str:
    """The question with lettered options, for the model to answer with a letter (passages come from the arm)."""
    lines = "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(options))
    return f"{question}\n{lines}\nAnswer with the letter of the correct option."


def extract_choice(text: str, options: list[str]) -> int | None:
    """The option a generated answer picks: a leading/standalone letter, else an option's text quoted in it."""
    letters = LETTERS[: len(options)]
    match = re.search(rf"(?:^|answer is|answer:|option)\s*\(?([{letters}])\b", text.strip(), re.IGNORECASE) or \
        re.search(rf"\b([{letters}])[.)]", text) or re.search(rf"\b([{letters}])\b", text)
    if match:
        return letters.index(match.group(1).upper())
    lowered = text.lower()
    found = [i for i, o in enumerate(options) if o.strip() and o.strip().lower()[:40] in lowered]
    return found[0] if len(found) == 1 else None


def open_answer(engine: Any, arm: str, question: str, k: int, max_new_tokens: int) -> Any:
    """The arm's answer to the bare question, as Chat gives it (``ChatEngine.stream``, same messages and decoding),
    stopped once its first sentence is complete: only that sentence is graded, so the rest is not generated."""
    from smt_gui.factcheck import first_sentence

    answer = None
    stream = engine.stream(arm, question, k=k, max_new_tokens=max_new_tokens)
    try:
        for answer in stream:
            text = answer.text.strip()
            if text and re.search(r"\w", text[len(first_sentence(text)):]):
                break
    finally:
        stream.close()
    return answer


def grade_open(record: dict[str, Any], answer: Any, options: list[str], gold: int) -> None:
    """Store an open answer and its grade: right only when its first sentence states the gold option and no other
    (``factcheck.states_option``)."""
    from smt_gui.factcheck import first_sentence, states_option

    text = (answer.text if answer else "").strip()
    right, why = states_option(text, options, gold)
    if answer is not None and answer.error:
        right, why = False, f"no answer: {answer.error}"
    record.update(open_answer=text, open_first=first_sentence(text), open_correct=right, open_reason=why)


def score_question(engine: Any, arm: str, question: dict[str, Any], hits: list[Any], title: str | None,
                   max_new_tokens: int = 64, generate_choice: bool = True, judge: Any = None,
                   open_answers: bool = True) -> dict[str, Any]:
    """One arm's answer to one eval question, graded, as a JSON-able record (``judge``: a backend that grades
    free-form text answers the string match rejects; ``open_answers``: multiple-choice questions are also asked
    without their options). One question is one turn on the machine's cores (``smt_gui.cores``), so an evaluation
    beside a generation job or a training run interleaves with them instead of slowing all of them down."""
    from smt_gui.cores import compute_turn

    with compute_turn():
        return _score_question(engine, arm, question, hits, title, max_new_tokens, generate_choice, judge,
                               open_answers)


def _score_question(engine: Any, arm: str, question: dict[str, Any], hits: list[Any], title: str | None,
                    max_new_tokens: int, generate_choice: bool, judge: Any, open_answers: bool) -> dict[str, Any]:
    from smt_gui.chat import build_messages, uses_adapter
    from smt_gui.train.probe import generate_messages

    model, tokenizer = engine.model("tuned" if uses_adapter(arm) else "base")
    record: dict[str, Any] = {
        "question_id": question["id"], "document": title, "question": question["question"], "gold": question["answer"],
        "options": question["options"],
        "retrieved": [{"title": h.title, "score": round(h.score, 3), "text": h.text[:400]} for h in hits],
    }
    options = question["options"]
    messages = build_messages(arm, question["question"], hits)  # exactly what the Chat tab sends for this arm
    reference = question.get("reference") or (question["answer"] if not options else None)
    if reference and model is not None:
        # How likely the arm finds the reference answer, per token: needs no judge, and moves before accuracy does.
        # (An engine with no local weights, such as an endpoint, has no likelihoods: the record simply lacks it.)
        [total] = option_logliks(model, tokenizer, mc_prompt(tokenizer, messages), [reference])
        n_tokens = max(1, len(tokenizer(reference.strip(), add_special_tokens=False)["input_ids"]))
        record["ref_loglik"] = total / n_tokens
    if question.get("set"):
        record["set"] = question["set"]
    if options:
        result = score_options_loglik(model, tokenizer, messages, options, question["answer_index"])
        record.update(correct=result.correct, predicted=options[result.predicted], gold_rank=result.gold_rank,
                      margin=result.margin, scores=result.scores,
                      reason=f"log-likelihood picks option {LETTERS[result.predicted]}, gold is "
                             f"{LETTERS[question['answer_index']]}")
        if generate_choice:
            # A letter is a few tokens after a long prompt: transformers reads prompts ~3x faster than llama.cpp on
            # these CPUs (benchmarks/serve_speed.py), so letters stay on the model the log-likelihoods use.
            text = generate_messages(model, tokenizer, build_messages(arm, choice_question(question["question"], options), hits),
                                     max_new_tokens=12)
            picked = extract_choice(text, options)
            record.update(generated=text.strip(), gen_choice=picked, gen_correct=picked == question["answer_index"])
        if open_answers and question.get("set") != HELD_OUT_SET:  # a held-out QA's own answer is graded below
            answer = open_answer(engine, arm, question["question"], len(hits) or 4, max_new_tokens)
            grade_open(record, answer, options, question["answer_index"])
    if not options or question.get("set") == HELD_OUT_SET:
        answer = engine.ask(arm, question["question"], k=len(hits) or 4, max_new_tokens=max_new_tokens)
        grade = grade_freeform(answer.text, question["answer"] or "")
        if not grade.correct and judge is not None and not grade.numeric:
            grade = judge_freeform(judge, question["question"], answer.text, question["answer"] or "")
        if options:  # a held-out QA: multiple choice is the headline, the generated answer is graded beside it
            record.update(generated=answer.text.strip(), gen_correct=grade.correct, gen_reason=grade.reason)
            if open_answers:  # the same answer, read as Chat shows it: its first sentence against the options
                grade_open(record, answer, options, question["answer_index"])
        else:
            record.update(correct=grade.correct, predicted=answer.text.strip(), reason=grade.reason)
    return record


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy with its Wilson 95% interval, and (multiple choice) gold rank, margin and generated-letter accuracy."""
    n = len(records)
    correct = sum(bool(r["correct"]) for r in records)
    low, high = wilson_interval(correct, n)
    summary: dict[str, Any] = {"n": n, "correct": correct, "accuracy": correct / n if n else 0.0, "ci95": [low, high]}
    ranks = [r["gold_rank"] for r in records if r.get("gold_rank") is not None]
    if ranks:
        summary["mean_gold_rank"] = statistics.mean(ranks)
        summary["mean_margin"] = statistics.mean(r["margin"] for r in records if r.get("margin") is not None)
    generated = [bool(r["gen_correct"]) for r in records if "gen_correct" in r]
    if generated:
        summary["gen_accuracy"] = sum(generated) / len(generated)
        summary["gen_ci95"] = list(wilson_interval(sum(generated), len(generated)))
    opened = [bool(r["open_correct"]) for r in records if "open_correct" in r]
    if opened:
        summary["open_accuracy"] = sum(opened) / len(opened)
        summary["open_correct"] = sum(opened)
        summary["n_open"] = len(opened)
        summary["open_ci95"] = list(wilson_interval(sum(opened), len(opened)))
    refs = [r["ref_loglik"] for r in records if r.get("ref_loglik") is not None]
    if refs:
        summary["mean_ref_loglik"] = statistics.mean(refs)
        summary["ref_loglik_ci95"] = list(mean_interval(refs))
        summary["n_ref"] = len(refs)
    return summary


def by_set(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Accuracy per (eval set, arm): imported benchmark questions, typed questions, held-out QAs."""
    rows = []
    for arm, recs in records.items():
        for name in sorted({r.get("set") or "imported" for r in recs}):
            mine = [r for r in recs if (r.get("set") or "imported") == name]
            s = summarise(mine)
            rows.append({"set": name, "arm": arm, "n": s["n"], "correct": s["correct"], "accuracy": s["accuracy"],
                         "ci95": s["ci95"], "mean_ref_loglik": s.get("mean_ref_loglik")})
    return rows


def by_document(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Accuracy per (document, arm) with Wilson intervals: QuALITY results are read per article as well as overall."""
    rows = []
    for arm, recs in records.items():
        for doc in sorted({r["document"] or "?" for r in recs}):
            mine = [r for r in recs if (r["document"] or "?") == doc]
            s = summarise(mine)
            rows.append({"document": doc, "arm": arm, "n": s["n"], "correct": s["correct"], "accuracy": s["accuracy"],
                         "ci95": s["ci95"]})
    return rows


def compare(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every pair of arms on the questions both answered: exact McNemar and a paired bootstrap of the difference."""
    comparisons = []
    for a, b in itertools.combinations(records, 2):
        by_question = {r["question_id"]: bool(r["correct"]) for r in records[b]}
        pairs = [(bool(r["correct"]), by_question[r["question_id"]]) for r in records[a] if r["question_id"] in by_question]
        if not pairs:
            continue
        right_a, right_b = [p[0] for p in pairs], [p[1] for p in pairs]
        comparison = {"a": a, "b": b, "n": len(pairs), "mcnemar": mcnemar_exact(right_a, right_b),
                      "bootstrap": paired_bootstrap(right_a, right_b, rounds=2000)}
        open_b = {r["question_id"]: r["open_correct"] for r in records[b] if "open_correct" in r}
        open_pairs = [(bool(r["open_correct"]), bool(open_b[r["question_id"]])) for r in records[a]
                      if "open_correct" in r and r["question_id"] in open_b]
        if open_pairs:  # the same test on the answers without options
            comparison["open"] = mcnemar_exact([p[0] for p in open_pairs], [p[1] for p in open_pairs])
            comparison["open"]["n"] = len(open_pairs)
            comparison["open"]["difference"] = (sum(p[1] for p in open_pairs) - sum(p[0] for p in open_pairs)) / len(open_pairs)
        ref_b = {r["question_id"]: r.get("ref_loglik") for r in records[b]}
        ref_pairs = [(r["ref_loglik"], ref_b[r["question_id"]]) for r in records[a]
                     if r.get("ref_loglik") is not None and ref_b.get(r["question_id"]) is not None]
        if ref_pairs:  # the reference answer's log-likelihood per token, paired the same way
            comparison["ref_loglik"] = paired_bootstrap([p[0] for p in ref_pairs], [p[1] for p in ref_pairs], rounds=2000)
            comparison["ref_loglik"]["n"] = len(ref_pairs)
        comparisons.append(comparison)
    return comparisons
