"""Grounded QAs from fact windows: who "she" is, whether a generated question is usable, what its answer is.

The model only writes the *question*. The answer is built from the source: the candidate span the question asks
for (a name, number, date or noun phrase of the sentence that the question leaves out), then the sentence itself,
so an answer can never state a fact the document does not. A question is rejected, with its reason, when it
invents a name or number, gives the answer away, does not say whom it is about, or is not a question; after the
retries a plain "wh-" question made from the sentence takes its place (marked as such in the sample's provenance),
so asking for N questions gives N.
"""

from __future__ import annotations

import re

from smt_gui.facts import NUMBER_RE, content_words, dates, names, unsupported_facts
from smt_gui.generate.windows import Window

_SUBJECT_PRONOUN = re.compile(r"\b(he|she|He|She)\b")
_WH_START = re.compile(r"(?i)^(who|whom|whose|what|when|where|which|why|how|in|on|at|for|from|by|to|with|during|after|"
                       r"before|is|are|was|were|did|does|do|has|have|had|can|could|would|name)\b")
GENERIC_QUESTION_WORDS = {"name", "kind", "type", "year", "date", "place", "town", "city", "person", "thing", "sort",
                          "many", "much", "long", "often", "number", "time", "called", "known", "did", "does"}


def _leading_subject(sentence: str, known: set[str]) -> str | None:
    """The first person-like mention of a sentence: a name, or "he"/"she" (whichever comes first)."""
    pronoun = _SUBJECT_PRONOUN.search(sentence)
    found = names(sentence, known)
    name_at = sentence.find(found[0]) if found else -1
    if pronoun and (name_at < 0 or pronoun.start() < name_at):
        return pronoun.group().lower()
    return found[0] if found else None


def resolve_sentence(window: Window, known: set[str]) -> str:
    """The focus sentence(s) with "he"/"she" or a bare surname replaced by the paragraph's named subject.

    Only when it is unambiguous: the paragraph opens with one multi-word name, and every sentence between the
    opener and the focus has that name, its surname or he/she as its first mention (a chain of the same subject).
    Otherwise the text is returned unchanged: a wrong guess would turn a true sentence into a false fact.
    """
    text = window.focus
    if len(window.topic) != 1 or len(window.topic[0].split()) < 2:
        return text
    topic = window.topic[0]
    surname = topic.split()[-1]
    from smt_gui.facts import split_sentences

    for sentence in split_sentences(window.context):
        lead = _leading_subject(sentence.text, known)
        if lead not in (topic, surname, "he", "she"):
            return text
    if topic in text:
        return text
    if re.search(rf"\b{re.escape(surname)}\b", text):
        return re.sub(rf"\b{re.escape(surname)}\b", topic, text, count=1)
    match = _SUBJECT_PRONOUN.search(text)
    if window.context and match and _leading_subject(text, known) in ("he", "she"):
        return text[: match.start()] + topic + text[match.end() :]
    return text


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def answer_for(question: str, candidates: list[str], used: set[str]) -> str | None:
    """The candidate a question asks for: the first one it leaves out (and that no earlier question of the same
    window has taken)."""
    q = f" {_norm(question)} "
    for candidate in candidates:
        if candidate in used:
            continue
        if f" {_norm(candidate)} " not in q:
            return candidate
    return None


def question_problem(question: str, sentence: str, source: str, known: set[str]) -> str | None:
    """Why a generated question is unusable for this sentence, or None."""
    q = question.strip()
    words = re.findall(r"\w+", q)
    if len(words) < 4:
        return "question too short"
    if len(words) > 40:
        return "question too long"
    if not q.endswith("?") or not _WH_START.match(q):
        return "not a question"
    invented = unsupported_facts(q, source, known)
    if invented:
        return "hallucinated: " + ", ".join(f"'{x}'" for x in invented[:3]) + " not in source"
    sentence_names = names(sentence, known)
    if sentence_names and not names(q, known):
        return "question does not name who or what it is about"
    name_words = {w for n in names(q, known) for w in content_words(n)}
    if not (content_words(q) - name_words) & content_words(sentence):
        return "question is not about the sentence (shares none of its words besides names)"
    foreign = content_words(q) - content_words(source) - GENERIC_QUESTION_WORDS
    if len(foreign) > 1:
        return "question asks about something the sentence does not say (" + ", ".join(sorted(foreign)[:3]) + ")"
    return None


def make_answer(candidate: str, sentence: str) -> str:
    """The candidate first, written as in the source (what a short-answer reader expects), then the source
    sentence as the full fact."""
    body = sentence.strip()
    if body and body[-1] not in ".!?":
        body += "."
    return f"{candidate}. {body}"


def _wh_phrase(candidate: str, sentence: str, start: int) -> str:
    before = sentence[:start].rstrip().lower()
    if re.fullmatch(r"\d{4}", candidate) and 1000 <= int(candidate) <= 2100:
        return "which year"
    if dates(candidate):
        return "what date"
    if NUMBER_RE.fullmatch(candidate):
        return "how much" if re.search(r"[$£€%]|million|billion|percent", candidate) else "how many"
    if candidate[:1].isupper():
        if re.search(r"\b(in|at|from|to|near|beside|on)$", before):
            return "which place"
        if re.search(r"\b(by|with|for)$", before):
            return "whom"
        return "who" if len(candidate.split()) > 1 else "what"
    return "what"


def template_question(candidate: str, sentence: str) -> str | None:
    """A plain wh- question made from the sentence by putting a question word where the answer was.

    "Leander Orainell kept a rabbit as a pet." + "rabbit" -> "Leander Orainell kept what as a pet?"
    """
    match = re.search(rf"(?:\b(?:a|an|the|his|her|its|their)\s+)?{re.escape(candidate)}", sentence)
    if not match:
        return None
    core = sentence[match.start() : match.end()]
    wh = _wh_phrase(candidate, sentence, match.start())
    if match.start() == 0:
        wh = wh[:1].upper() + wh[1:]
    question = sentence[: match.start()] + wh + sentence[match.end() :]
    question = re.sub(r"\bhow many\s+(?=\w)", "how many ", question)
    if re.fullmatch(r"\d[\d,.]*", candidate) and re.match(r"\s+[a-z]+", sentence[match.end() :]):
        pass  # "employs how many people" reads fine as it is
    question = re.sub(r"^(Records show that|According to [^,]+,)\s+", "", question).strip()
    question = question[:1].upper() + question[1:]
    question = re.sub(r"[.!;:,\s]+$", "", question) + "?"
    return question if core and _norm(candidate) not in _norm(question) else None
