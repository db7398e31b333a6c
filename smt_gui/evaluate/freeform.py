"""Grading free-form answers (FinanceBench style): numbers within a relative tolerance, else normalised text.

Numbers are parsed with their units: currency signs, thousands separators, percent, parentheses for negatives,
and scale words (thousand/million/billion, k/m/bn). "$1,577.00" and "1577" match; "1600" does not (1% tolerance).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12}
NUMBER = re.compile(
    r"(\()?\s*-?\s*[$€£¥]?\s*-?\d[\d,]*(?:\.\d+)?\s*(%|percent\b)?"
    r"\s*(thousand|million|billion|trillion|bn|mn|tn|k|m|b)?\b\)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Grade:
    correct: bool
    reason: str
    numeric: bool = False  # graded as a number: an LLM judge must not overrule the tolerance check


def parse_numbers(text: str, apply_scale: bool = True) -> list[float]:
    """Every number in the text, with sign, percent and scale applied (percent kept as the number shown: 12% -> 12)."""
    values = []
    for match in NUMBER.finditer(text or ""):
        raw = match.group(0)
        digits = re.search(r"\d[\d,]*(?:\.\d+)?", raw).group(0).replace(",", "")
        value = float(digits)
        scale = match.group(3)
        if apply_scale and scale and not match.group(2):
            value *= SCALES[scale.lower()]
        negative = (raw.strip().startswith("(") and raw.strip().endswith(")")) or re.match(r"\s*\(?\s*-", raw)
        values.append(-value if negative else value)
    return values


def normalise_text(text: str) -> str:
    text = (text or "").lower().translate(str.maketrans("", "", string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def numbers_match(predicted: float, gold: float, rel_tol: float = 0.01) -> bool:
    if gold == 0:
        return abs(predicted) <= rel_tol
    return abs(predicted - gold) <= rel_tol * abs(gold)


def grade_freeform(predicted: str, gold: str, rel_tol: float = 0.01) -> Grade:
    """Numeric gold: right if any number in the answer is within ``rel_tol`` of the gold's first number
    (also trying the gold's scale, e.g. '1.6 billion' vs '1,600 million'). Text gold: normalised containment."""
    gold_numbers = parse_numbers(gold)
    if gold_numbers and len(normalise_text(gold).split()) <= 6:
        target = gold_numbers[0]
        targets = {target, parse_numbers(gold, apply_scale=False)[0]}  # "1,577" may mean "1,577 million"
        found = parse_numbers(predicted)
        written = parse_numbers(predicted, apply_scale=False)
        for value in found + written:
            if any(numbers_match(value, t, rel_tol) for t in targets):
                return Grade(True, f"{value:g} is within {rel_tol:.0%} of {target:g}", numeric=True)
        shown = ", ".join(f"{v:g}" for v in found[:5]) or "none"
        return Grade(False, f"no number within {rel_tol:.0%} of {target:g} (found {shown})", numeric=True)
    gold_norm, pred_norm = normalise_text(gold), normalise_text(predicted)
    if gold_norm and gold_norm in pred_norm:
        return Grade(True, "the gold answer appears in the answer")
    return Grade(False, "text does not match (use the LLM judge for long answers)")


JUDGE_SCHEMA = {"type": "object", "properties": {"correct": {"type": "boolean"}, "reason": {"type": "string"}},
                "required": ["correct", "reason"]}


def judge_freeform(backend, question: str, predicted: str, gold: str) -> Grade:
    """Ask an LLM whether a long answer says the same as the gold answer (for text the string match cannot grade).

    The verdict is JSON-schema constrained where the backend supports it and parsed leniently; an unparsable or
    failed verdict counts as wrong, with the reason saying so, so a judge outage never inflates accuracy.
    """
    from smt_gui.generate.parsing import json_candidates
    from smt_gui.llm import BackendError, GenerationRequest

    prompt = (f"Question: {question}\nReference answer: {gold}\nCandidate answer: {predicted}\n\n"
              "Does the candidate answer give the same answer as the reference (wording may differ)? "
              'Reply as JSON: {"correct": true|false, "reason": "..."}')
    request = GenerationRequest(messages=[{"role": "user", "content": prompt}], temperature=0.0, max_tokens=96,
                                json_schema=JUDGE_SCHEMA)
    try:
        text = backend.complete(request).text
    except BackendError as exc:
        return Grade(False, f"judge failed: {exc}")
    verdict = next((c for c in json_candidates(text) if isinstance(c, dict) and "correct" in c), None)
    if verdict is None:
        return Grade(False, f"judge gave no verdict: {text[:80]}")
    return Grade(bool(verdict["correct"]), f"LLM judge: {str(verdict.get('reason', ''))[:200]}")
