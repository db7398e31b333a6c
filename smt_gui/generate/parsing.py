"""Lenient parsing of model output, and checks that reject empty or degenerate items.

Small models wrap JSON in prose or code fences, truncate it, or use other key names; grammar-constrained backends
avoid most of that, but endpoints and transformers do not, so parsing is forgiving and the checks are strict.
"""

from __future__ import annotations

import json
import re
from typing import Any

QA_SCHEMA_ITEM = {
    "type": "object",
    "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
    "required": ["question", "answer"],
}


def qa_schema(n: int) -> dict[str, Any]:
    return {
        "type": "object",
        # minItems = n: a grammar-constrained backend cannot stop after one item when N were asked for.
        "properties": {"qas": {"type": "array", "items": QA_SCHEMA_ITEM, "minItems": max(1, n), "maxItems": max(1, n)}},
        "required": ["qas"],
    }


def json_candidates(text: str) -> list[Any]:
    """Every JSON object or array found in a model's text (fences stripped), outermost first: weak models wrap theirs
    in prose. Used by generation, the grounding judge and the answer judge."""
    text = re.sub(r"```(?:json)?", "", text)
    found = []
    for opener, closer in (("{", "}"), ("[", "]")):
        start = text.find(opener)
        while start != -1:
            end = text.rfind(closer)
            while end > start:
                try:
                    found.append(json.loads(text[start : end + 1]))
                    break
                except json.JSONDecodeError:
                    end = text.rfind(closer, start, end)
            if found:
                return found
            start = text.find(opener, start + 1)
    return found


def _pairs_from(obj: Any) -> list[tuple[str, str]]:
    if isinstance(obj, dict):
        q = obj.get("question") or obj.get("q") or obj.get("Q")
        a = obj.get("answer") or obj.get("a") or obj.get("A")
        if isinstance(q, str) and isinstance(a, str):
            return [(q, a)]
        pairs = []
        for value in obj.values():
            if isinstance(value, list | dict):
                pairs += _pairs_from(value)
        return pairs
    if isinstance(obj, list):
        return [pair for item in obj for pair in _pairs_from(item)]
    return []


def parse_qas(text: str) -> list[tuple[str, str]]:
    """Question/answer pairs from JSON (any nesting, common key names) or from 'Q: ... A: ...' lines."""
    for candidate in json_candidates(text):
        pairs = _pairs_from(candidate)
        if pairs:
            return [(q.strip(), a.strip()) for q, a in pairs]
    lines = re.findall(r"(?:^|\n)\s*(?:Q(?:uestion)?\s*\d*[:.)])\s*(.+?)\s*\n\s*(?:A(?:nswer)?\s*\d*[:.)])\s*(.+)", text)
    return [(q.strip(), a.strip()) for q, a in lines]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def qa_problem(question: str, answer: str, example_question: str = "") -> str | None:
    """Why a QA pair is unusable, or None if it is acceptable."""
    if len(_words(question)) < 3:
        return "question too short"
    if len(_words(answer)) < 2:
        return "answer too short"
    if "?" not in question and not re.match(r"(?i)(who|what|when|where|why|how|which|name|describe|explain)\b", question):
        return "not a question"
    if _words(question) == _words(answer):
        return "answer repeats the question"
    if example_question and _words(question) == _words(example_question):
        return "copied the prompt's example"
    return None


def repetition_ratio(text: str) -> float:
    """Share of repeated word trigrams: near 1 for looping output."""
    words = _words(text)
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


def rewrite_problem(text: str, source: str, min_words: int = 15) -> str | None:
    words = _words(text)
    if len(words) < min_words:
        return "rewrite too short"
    if repetition_ratio(text) > 0.5:
        return "rewrite repeats itself"
    if _words(source) == words:
        return "rewrite is an exact copy of the source"
    return None
