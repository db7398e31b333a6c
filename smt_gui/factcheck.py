"""Grade generated samples against the fictional-facts benchmark's known facts (``smt_gui.factbench``).

A sample *mentions* an entity when it names it (full name or surname: invented names are unique). It *states* a
fact when it mentions the entity and contains the fact's value. It is **correct** when it states at least one
fact and every benchmark value it contains belongs to an entity it mentions, with no name or number the document
lacks; **wrong** otherwise (a value attached to the wrong person, an invented town, ...). A benchmark fact is
**covered** when an accepted, correct sample states it.

Used by ``benchmarks/faithfulness.py`` and the tests; never by the app (real documents have no answer key).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from smt_gui.facts import known_name_words, unsupported_facts


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text.lower()) is not None


@dataclass
class Grade:
    correct: bool
    stated: list[tuple[str, str]] = field(default_factory=list)  # (entity, attribute) stated correctly
    reason: str = ""


def grade_text(text: str, facts: list[dict[str, str]], document: str) -> Grade:
    entities: dict[str, list[dict[str, str]]] = defaultdict(list)
    for f in facts:
        entities[f["entity"]].append(f)
    mentioned = [e for e in entities if _has(text, e) or _has(text, e.split()[-1])]
    invented = unsupported_facts(text, document, known_name_words(document))
    if invented:
        return Grade(False, reason=f"not in the document: {', '.join(invented[:3])}")
    if not mentioned:
        return Grade(False, reason="names no entity of the document")
    own_values = {f["value"].lower() for e in mentioned for f in entities[e]}
    foreign = sorted({f["value"] for f in facts if f["entity"] not in mentioned and _has(text, f["value"])
                      and f["value"].lower() not in own_values and not _name_part(f["value"], mentioned)})
    stated = [(e, f["attribute"]) for e in mentioned for f in entities[e] if _has(text, f["value"])]
    if foreign:
        return Grade(False, stated, f"states another entity's value: {', '.join(foreign[:3])}")
    if not stated:
        return Grade(False, reason="states no fact of the entities it names")
    return Grade(True, stated, "ok")


def _name_part(value: str, mentioned: list[str]) -> bool:
    """A value that is itself an entity the text names (an employer that is also described) is not foreign."""
    return any(value.lower() in e.lower() for e in mentioned)


def sample_text(sample: dict[str, Any]) -> str:
    if sample["kind"] == "qa":
        return f"{sample.get('question') or ''} {sample.get('answer') or ''}"
    return sample.get("text") or ""


def grade_samples(samples: list[dict[str, Any]], facts_by_document: dict[int, list[dict[str, str]]],
                  documents: dict[int, str]) -> dict[str, Any]:
    """Correct share per kind (all generated samples), and fact coverage by the accepted correct ones."""
    per_kind: dict[str, list[bool]] = defaultdict(list)
    covered: set[tuple[int, str, str]] = set()
    wrong_examples: list[dict[str, Any]] = []
    for s in samples:
        facts = facts_by_document.get(s["document_id"], [])
        grade = grade_text(sample_text(s), facts, documents.get(s["document_id"], ""))
        per_kind[s["kind"]].append(grade.correct)
        if grade.correct and s.get("status", "accepted") == "accepted":
            covered |= {(s["document_id"], e, a) for e, a in grade.stated}
        if not grade.correct and len(wrong_examples) < 8:
            wrong_examples.append({"kind": s["kind"], "text": sample_text(s)[:200], "why": grade.reason})
    total_facts = sum(len(f) for f in facts_by_document.values())
    return {
        "correct": {k: {"n": len(v), "correct": sum(v), "share": sum(v) / len(v) if v else 0.0} for k, v in per_kind.items()},
        "correct_all": sum(sum(v) for v in per_kind.values()) / max(1, sum(len(v) for v in per_kind.values())),
        "facts": total_facts, "covered": len(covered), "coverage": len(covered) / total_facts if total_facts else 0.0,
        "wrong_examples": wrong_examples,
    }
