"""Grounded QAs from fact windows: who "she" is, whether a generated question is usable, what its answer is.

The model only writes the *question*, told which answer to ask for. The answer attached is chosen *from the
question*: the one candidate span of the sentence (a name, number, date, time or noun phrase) that the question
leaves out and whose kind its wh-phrase asks for ("which year" takes a year, "how many" a quantity); then comes
the sentence itself, so an answer never states a fact the document does not. A question is rejected, with its
reason, when it invents a name or number, gives the answer away, does not say whom it is about, is not English
(``question_forms.form_problem``), or when no candidate or more than one fits it. After the retries a wh-question
built from the sentence's syntax takes its place (marked as "template" in the sample's provenance) where one can
be built safely.
"""

from __future__ import annotations

import re

from smt_gui.facts import content_words, names, plain, split_sentences, unsupported_facts
from smt_gui.generate.meaning import misplaced_phrase
from smt_gui.generate.question_forms import (
    PRONOUN_SUBJECTS,
    ROLE_WORDS,
    analyse,
    asked_candidates,
    asked_type,
    clause_span,
    form_problem,
    join_words,
    pairing_problem,
    tense_problem,
    wh_question,
)
from smt_gui.generate.referents import resolve_pronoun
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
    """The focus sentence(s) with their subject named: by the paragraph's opener (``_resolve_paragraph``), else by
    the titled person the document has been speaking of (``referents``: "his blood pressure" in a letter's
    "Diagnosis" section is "Mr. Spellman's blood pressure")."""
    text = _resolve_paragraph(window, known)
    if text == window.focus and window.referents:
        return resolve_pronoun(text, dict(window.referents))
    return text


def _resolve_paragraph(window: Window, known: set[str]) -> str:
    """The focus sentence(s) with "he"/"she" or a bare surname replaced by the paragraph's named subject.

    Only when it is unambiguous: the paragraph opens with one multi-word name, and every sentence between the
    opener and the focus has that name, its surname or he/she as its first mention (a chain of the same subject).
    Otherwise the text is returned unchanged: a wrong guess would turn a true sentence into a false fact.
    """
    text = window.focus
    if len(window.topic) != 1 or not re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z'’-]+", window.topic[0]):
        return _resolve_it(window, text, known)  # "he"/"she" only ever stand for a two-word person's name
    topic = window.topic[0]
    surname = topic.split()[-1]
    for i, sentence in enumerate(split_sentences(window.context)):
        lead = _leading_subject(sentence.text, known)
        if lead not in ((topic, surname) if i == 0 else (topic, surname, "he", "she")):
            return text  # the opener must name the topic first: in "He was seen by Dr. Haddow" he is somebody else
    if topic in text:
        return text
    bare_surname = re.search(rf"(?<![A-Z][a-z]\s)(?<![A-Z][a-z]{{2}}\s)\b{re.escape(surname)}\b", text)
    if bare_surname and not re.search(rf"[A-Z][\w.]*\s+{re.escape(surname)}\b", text):
        return text[: bare_surname.start()] + topic + text[bare_surname.end() :]
    match = _SUBJECT_PRONOUN.search(text)
    if window.context and match and _leading_subject(text, known) in ("he", "she"):
        return text[: match.start()] + topic + text[match.end() :]
    return text


_EXPLETIVE_IT = re.compile(r"^It (?:is|was|will be|would be|has been) (?:\w+ )?(?:to|that|for|when|whether|not)\b")


def _resolve_it(window: Window, text: str, known: set[str]) -> str:
    """A sentence opening with "It"/"Its" about what the paragraph opened with ("The Harrowgate Ferry Cooperative
    runs ... It was founded in 1987") gets that subject back, when every sentence between says "it" or names it.

    Not for "It is important to ...", nor when the opener's subject is a person, a plural or a pronoun.
    """
    if not window.context or not re.match(r"^Its? ", text) or _EXPLETIVE_IT.match(text):
        return text
    sentences = [plain(s.text) for s in split_sentences(window.context)]
    clause = analyse(sentences[0]) if sentences else None
    if clause is None:
        return text
    subject = join_words([t.text for t in clause.tokens[clause.subject[0] : clause.subject[1]]])
    head = subject.split()[-1]
    if (subject.split()[0].lower() in PRONOUN_SUBJECTS or head.lower() in ROLE_WORDS or
            (head.endswith("s") and head[:1].islower()) or len(subject.split()) > 6 or not subject[:1].isupper()):
        return text
    if subject.split()[0].lower() == "the":
        subject = "the " + " ".join(subject.split()[1:]) if not subject.split()[1][:1].isupper() else subject
    for sentence in sentences[1:]:
        if not (sentence.startswith(("It ", "Its ")) or head.lower() in sentence.lower().split()[:4]):
            return text
    name = subject[:1].upper() + subject[1:]
    if text.startswith("Its "):
        return f"{name}'s " + text[4:]
    return name + text[2:]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def question_problem(question: str, sentence: str, source: str, known: set[str]) -> str | None:
    """Why a generated question is unusable for this sentence, or None (its answer is checked apart)."""
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
    misplaced = misplaced_phrase(q, source)
    if misplaced:
        return "question " + misplaced  # a false premise: the reader learns it along with the answer
    return form_problem(q) or tense_problem(q, sentence)


def answer_for(question: str, candidates: list[str], used: set[str], sentence: str) -> tuple[str | None, str | None]:
    """The answer a question asks for, chosen *from the question*: the one candidate of the sentence it leaves out
    and whose kind its wh-phrase asks for (a year for "which year", a quantity for "how many"). Returns
    ``(answer, None)``, or ``(None, why not)`` when no candidate or more than one fits."""
    asked = asked_candidates(question, candidates, sentence)
    if not asked:
        kind = asked_type(question)
        return None, f"asks for no answer the sentence has ({kind or 'no question word'})"
    if len(asked) > 1:
        return None, f"ambiguous: it could ask for '{asked[0]}' or '{asked[1]}'"
    answer = asked[0]
    if answer in used:
        return None, f"asks for '{answer}' again"
    problem = pairing_problem(question, answer, candidates, sentence)
    return (None, problem) if problem else (answer, None)


_ARTICLE_BEFORE_RE = r"\b(the|a|an)\s+$"


def make_answer(candidate: str, sentence: str) -> str:
    """The short answer first, written as in the source (what a reader expects first), then the source sentence as
    the full fact.

    The short answer is what Chat's first words repeat, so it reads as a phrase of English: with the article the
    source gives it ("whole day" -> "The whole day.", "donkey" -> "A donkey.") and a capital letter."""
    body = sentence.strip()
    if body and body[-1] not in ".!?":
        body += "."
    flat = " ".join(body.split())
    short = candidate
    found = re.search(rf"(?<![\w-]){re.escape(candidate)}(?![\w-])", flat)
    if found:
        article = re.search(_ARTICLE_BEFORE_RE, flat[: found.start()], re.I)
        if article:
            short = f"{article.group(1).lower()} {candidate}"
    first = short.split()[0] if short.split() else ""
    if first.isalpha() and first.islower():  # never "IPhone" from "iPhone"
        short = short[0].upper() + short[1:]
    return f"{short}. {body}"


def template_question(candidate: str, sentence: str, candidates: list[str] | None = None,
                      known: set[str] | None = None, people: set[str] | None = None) -> str | None:
    """A wh-question made from the sentence's syntax whose answer is ``candidate``, or None when none is safe.

    "Leander Orainell kept a rabbit as a pet." + "rabbit" -> "What did Leander Orainell keep as a pet?". The
    question must pass the same round trip as a model's: with ``candidates`` (all of the sentence's), no other
    candidate may be what it asks for.
    """
    question = wh_question(sentence, candidate, known, people)
    if question is None:
        return None
    span = clause_span(sentence)
    if span is not None and candidates:
        flat = " ".join(sentence.split())
        # Rivals are the answers of the clause the question was built from; a later clause ("..., and the last
        # returns from Ostley") is cut off the question, so its answers are not what it asks for.
        candidates = [c for c in candidates if 0 <= flat.find(c) < span[1]]
    if candidates and pairing_problem(question, candidate, candidates, sentence):
        return None
    return question


def label_question(label: str, title: str, heading: str = "") -> str | None:
    """A question about a "Label: value" line, which has no verb to build one from: "What does “Orvel Stillbrook
    SB-7: User Manual” give for “Capacity” under “Specifications”?" -> "1.6 litres".

    The document, the label and its section are quoted as written, because a label alone does not say whose it is
    or what it measures: guessing the owner from a heading can be wrong (a clinic letter's "Clinic number" is the
    patient's), and "What is the bicycle?" under "Fares" asks for a fare only because of the heading. None when
    the result is not a well-formed question.
    """
    under = "" if not heading or heading.lower() in title.lower() else f" under “{heading}”"
    question = f"What does “{title.strip()}” give for “{label.strip()}”{under}?"
    return None if form_problem(question) else question
