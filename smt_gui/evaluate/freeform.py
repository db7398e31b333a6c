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
                return Grade(True, f"{value:g} is within {rel_tol:.0%} of {target:g}")
        return Grade(False, f"no number within {rel_tol:.0%} of {target:g} (found {', '.join(f'{v:g}' for v in found[:5]) or 'none'})")
    gold_norm, pred_norm = normalise_text(gold), normalise_text(predicted)
    if gold_norm and gold_norm in pred_norm:
        return Grade(True, "the gold answer appears in the answer")
    return Grade(False, "text does not match (use the LLM judge for long answers)")
