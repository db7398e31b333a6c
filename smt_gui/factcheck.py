"""Grade generated samples against the fictional-facts benchmark's known facts (``smt_gui.factbench``).

A sample *mentions* an entity when it names it (full name or surname: invented names are unique). It *states* a
fact when it mentions the entity and contains the fact's value. It is **correct** when it states at least one
fact and every benchmark value it contains belongs to an entity it mentions, with no name or number the document
lacks; **wrong** otherwise (a value attached to the wrong person, an invented town, ...). A benchmark fact is
**covered** when an accepted, correct sample states it.

Used by ``benchmarks/faithfulness.py`` and the tests; never by the app (real documents have no answer key).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from smt_gui.facts import STOPWORDS, known_name_words, unsupported_facts


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


# ---- grading against an answer key: does the short answer answer the question? ----------------------------------
# The checks above grade whether a sample's text states a true fact. A QA whose answer ends with its source sentence
# always does, whatever its question and short answer say; so these grade what a reader judges instead, and they can
# fail: the short answer must be the value the question asks for, by the document's answer key.


def _norm_words(text: str) -> list[str]:
    """Words for comparing answers: articles dropped, numbers in words as digits ("eleven" = "11")."""
    from smt_gui.facts import NUMBER_WORDS

    words = re.findall(r"[a-z0-9£$€%]+", (text or "").lower().replace(",", ""))
    return [NUMBER_WORDS.get(w, w) for w in words if w not in {"a", "an", "the", "about", "around", "up", "to"}]


def same_answer(short: str, value: str) -> bool:
    """Whether a short answer gives a key value: equal as words, or one holds all of the other's words and they
    share most of them ("forty minutes" / "forty", "old cider barn" / "the old cider barn")."""
    a, b = _norm_words(short), _norm_words(value)
    if not a or not b:
        return False
    if a == b:
        return True
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return set(small) <= set(large) and len(small) / len(large) >= 0.5


def key_facts(document: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Key facts with the character span of their sentence in the document (facts whose sentence is not found are
    dropped: they cannot be matched to a sample's source)."""
    out = []
    for f in facts:
        sentence = f.get("sentence") or ""
        at = document.find(sentence) if sentence else -1
        if at >= 0:
            out.append({**f, "start": at, "end": at + len(sentence)})
    return out


def _mentions(question: str, value: str) -> bool:
    words = set(_norm_words(value))
    return bool(words) and words <= set(_norm_words(question))


ASKS_SIMILAR = 0.55  # MiniLM cosine above which a generated question asks what a key fact's question asks


def grade_qa(sample: dict[str, Any], keys: list[dict[str, Any]]) -> tuple[bool | None, str]:
    """Whether a QA's short answer is what its question asks, by the document's answer key.

    Right when the short answer is a key value of its source sentence that the question does not state and that
    its wh-phrase can ask for (a year for "which year"; a fictional-facts key also takes the entity when the
    question states the value: "Who kept a goat?"). Otherwise the question is matched to the key fact it asks
    about: among the sentence's key facts whose own question (``asks``) has the same kind of wh-phrase and whose
    value it does not state, the closest by the bundled MiniLM embeddings, if close enough; then it is wrong:
    "What did the whole fleet switch to?" -> "2019" (a key value, but not a thing; the key asks "What did the fleet
    switch to?" -> "electric ferries"). Otherwise None: the key lists nothing it asks about, and only a reader can
    judge it (the audit).
    """
    from smt_gui.generate.question_forms import asked_type, compatible

    start, end = sample.get("source_start"), sample.get("source_end")
    generator = sample.get("generator")
    span = (json.loads(generator or "{}") if isinstance(generator, str) else (generator or {})).get("answer_span")
    question = sample.get("question") or ""
    if not span:
        return False, "no short answer recorded"
    if start is None:
        return False, "no source sentence recorded"
    here = [k for k in keys if k["start"] < end and start < k["end"]]
    if not here:
        return None, "its sentence states no key fact"

    def answers(k: dict[str, Any]) -> bool:
        entity = k.get("entity")
        return (same_answer(span, k["value"]) and not _mentions(question, k["value"])) or bool(
            entity and same_answer(span, entity) and _mentions(question, k["value"]))

    sentence = sample.get("source_text") or ""
    if asked_type(question) == "label":
        return _grade_label(question, span, [k for k in here if not _mentions(question, k["value"])])
    for k in here:  # the short answer is a key value the question can ask for and does not state
        if answers(k) and (compatible(question, k["value"], sentence) or k.get("entity")):
            return True, f"answers with the key value '{k['value']}'"
    groups = {"what": "thing", "which": "thing", "when": "time", "year": "time", "date": "time", "time": "time",
              "quantity": "quantity", "who": "who", "where": "place", "place": "place"}
    group = groups.get(asked_type(question) or "")
    # Which key fact does it ask about? One whose own question has the same kind of wh-phrase ("How long has X
    # worked on the crossing?" is not "What has X worked on?") and whose value the question does not state.
    asks = [k for k in here if k.get("asks") and groups.get(asked_type(k["asks"]) or "") == group
            and not _mentions(question, k["value"])]
    if asks:
        from smt_gui.embeddings import embed

        vectors = embed([question] + [k["asks"] for k in asks])
        sims = vectors[1:] @ vectors[0]
        best = int(sims.argmax())
        if sims[best] >= ASKS_SIMILAR:
            key = asks[best]
            return False, f"asks what the key asks ('{key['asks']}', {sims[best]:.2f}) but answers '{span}', not '{key['value']}'"
    values = ", ".join(f"'{k['value']}'" for k in here[:3])
    return None, f"short answer '{span}' is none of its sentence's key answers ({values}), and the question asks none of theirs"


def _grade_label(question: str, span: str, keys: list[dict[str, Any]]) -> tuple[bool | None, str]:
    """A label or table-cell question ("What does “report” give for “Touring bikes” under “Revenue”?") can take
    any kind of answer, so the wh-phrase rules nothing out: every cell of a row is a key value of the row. It is
    graded against the one key fact it asks, the closest by MiniLM: a value taken from the wrong column is wrong."""
    if not keys:
        return None, "its line states no key fact the question does not give away"
    from smt_gui.embeddings import embed

    asked = " ".join(re.findall(r"“([^”]+)”", question)[1:])  # the label and its heading, not the document's title
    vectors = embed([asked or question] + [k["asks"] for k in keys])
    sims = vectors[1:] @ vectors[0]
    best = int(sims.argmax())
    key = keys[best]
    if same_answer(span, key["value"]):
        return True, f"answers with the key value '{key['value']}' of '{key['asks']}' ({sims[best]:.2f})"
    if sims[best] >= ASKS_SIMILAR:
        return False, f"asks what the key asks ('{key['asks']}', {sims[best]:.2f}) but answers '{span}', not '{key['value']}'"
    return None, f"asks none of its line's key questions closely (best '{key['asks']}', {sims[best]:.2f})"


def _lemma_bag(text: str) -> Counter[str]:
    """The common words a text is made of, as lemmas ("tickets are" -> ticket, be): names and numbers left out, so
    that "she" resolved to "Ilsa Quilawick" or "1,200" written "£1,200" is no rewording; function words left out,
    so that a clause split ("..., which was built" -> ". It was built") is none either."""
    from smt_gui.generate.question_forms import word_forms  # the project's cached lemminflect lookup

    bag: Counter[str] = Counter()
    text = text or ""
    for match in re.finditer(r"[A-Za-z]+", text):
        word = match.group()
        if len(word) <= 2 or word.lower() in STOPWORDS:
            continue
        lemmas = word_forms(word.lower())
        opening = not text[: match.start()].rstrip() or text[: match.start()].rstrip()[-1] in ".!?:;\"'"
        if word[:1].isupper() and (not opening or not lemmas):
            continue  # a name ("Quilawick", "Captain Aled Rourke"); "Tickets" opening a sentence is a common word
        bag[next(iter(lemmas.values()))[0] if lemmas else word.lower()] += 1
    return bag


def reworded(rewrite: str, source: str) -> int:
    """How many common words (as lemmas) a rewrite changed, added or left out, whichever is more: 0 for a copy, a
    moved phrase, a split clause or a pronoun replaced by its name, 1 for one word swapped ("lived with" -> "had");
    a reader calls all of those near-copies (audit round 8)."""
    a, b = _lemma_bag(rewrite), _lemma_bag(source)
    return max(sum((a - b).values()), sum((b - a).values()))  # one word swapped for another is one change


def grade_rewrite(sample: dict[str, Any], keys: list[dict[str, Any]]) -> tuple[bool, bool, str]:
    """(keeps every key value of its source sentences, reworded: at least two common words changed, reason).

    Words are compared as bags, so a focal document's other sentences, copied from the section its ``source_text``
    holds, cancel out whatever their order; counted as edits, they made every focal document "differ" (the grade
    said 87% where a reader found 1 of 30 reworded)."""
    text = sample.get("text") or ""
    source = sample.get("source_text") or ""
    start, end = sample.get("source_start"), sample.get("source_end")
    here = [k for k in keys if start is not None and k["start"] < end and start < k["end"]]
    lost = [k["value"] for k in here if not _mentions(text, k["value"])]
    reason = ("loses " + ", ".join(f"'{v}'" for v in lost[:3])) if lost else "keeps every key value"
    return not lost, reworded(text, source) >= 2, reason


def first_sentence(answer: str) -> str:
    """What a person reads first in Chat: the answer's first sentence (its first line if that is shorter)."""
    from smt_gui.facts import split_sentences

    text = (answer or "").strip().split("\n")[0]
    sentences = split_sentences(text)
    return sentences[0].text if sentences else text


def states_option(answer: str, options: list[str], gold: int) -> tuple[bool, str]:
    """Whether an open answer's first sentence states the gold option and none of the others.

    Options are matched as words (articles dropped, number words as digits): "It was founded in 1987." states
    "1987"; "2019. The cooperative was founded in 1987" leads with a wrong value and fails, because what a reader
    takes from it is the first sentence. An option whose words all lie inside the gold one does not count against
    it ("Cally" inside "Cally's Yard").
    """
    lead = set(_norm_words(first_sentence(answer)))
    said = [i for i, o in enumerate(options) if _norm_words(o) and set(_norm_words(o)) <= lead]
    gold_words = set(_norm_words(options[gold]))
    rivals = [i for i in said if i != gold and not set(_norm_words(options[i])) <= gold_words]
    if gold not in said:
        return False, "first sentence does not state the answer" + (f" (says '{options[rivals[0]]}')" if rivals else "")
    if rivals:
        return False, f"first sentence also states '{options[rivals[0]]}'"
    return True, "first sentence states the answer"
