"""Fact-bearing pieces of text: sentences, names, numbers, dates and noun phrases, found deterministically.

Small generators invent facts (a city "Khvaletk", a year nobody wrote). Checking a sample against its source by
*shared words* does not catch that: an answer with one wrong name still shares most of its words. So the checks
compare *facts*: every name, number and date a sample states must be in its source, and a rewrite must keep the
ones of its source. The same extraction picks candidate answers for answer-aware question generation (the model
writes the question; the answer comes from the source) and tells which sentences a sample covers.

English-centred heuristics (capitalisation marks names); anything they miss falls back to the word-overlap share.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH_RE = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
             r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}\.?,?\s+\d{{4}}|{_MONTH_RE}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|{_MONTH_RE}\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}\b|{_MONTH_RE}\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})"
)
NUMBER_RE = re.compile(r"(?<![\w.])(?:[$£€]\s?)?\d+(?:[,.]\d+)*(?:\s?(?:%|percent|million|billion|thousand|bn))?(?![\w])")
NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30",
                "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90"}
# Capitalised words that start sentences or name calendar things, not entities.
FUNCTION_CAPS = {
    "a", "an", "the", "in", "on", "at", "by", "for", "from", "to", "of", "and", "or", "but", "as", "with", "after",
    "before", "during", "when", "while", "since", "until", "if", "then", "there", "here", "this", "that", "these",
    "those", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "my", "your", "him",
    "them", "us", "me", "who", "what", "which", "where", "why", "how", "whose", "whom", "is", "are", "was", "were",
    "do", "does", "did", "can", "could", "would", "should", "will", "not", "no", "yes", "also", "about", "into",
    "most", "many", "some", "all", "each", "every", "both", "one", "two", "three", "records", "so", "yet",
    "however", "although", "because", "mr", "mrs", "ms", "dr", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "visitors", "let", "please", "according", "name", "named", "describe", "explain", "give",
    "list", "state", "answer", "question", "passage", "text", "document", "true", "false", "today", "yesterday",
    "tomorrow", "tonight", "now", "later", "present", "apologies", "held", "dear", "yours", "note", "notes",
    "i'm", "i've", "i'd", "i'll", "i’m", "i’ve", "i’d", "i’ll",  # the writer, not a name: "I've started to wonder"
    *MONTHS,
}
CONNECTORS = {"of", "de", "du", "van", "von", "der", "la", "le", "da", "del", "and", "&"}
DETERMINERS = {"a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these", "those"}
STOPWORDS = FUNCTION_CAPS | {
    "be", "been", "being", "has", "have", "had", "than", "such", "only", "very", "over", "then", "there", "out", "up",
    "down", "off", "again", "more", "less", "other", "any", "same", "own", "just", "like", "known", "later",
    "kept", "stayed", "played", "worked", "lived", "made", "makes", "make", "came", "went", "got", "took", "put",
    "show", "shows", "showed", "whose", "it's", "s",
}
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their", "theirs"}
_TOKEN_RE = re.compile(r"[A-Za-z][\w'’-]*|\d[\d,.]*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


_HEADING_LINE = re.compile(r"^\s*(?:#{1,6}\s|\|)")  # markdown heading or table row
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•▪‣◦]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_QUESTION_END = re.compile(r"\?[)\]]*$")  # "… on her wall?"; a quoted question the narrator reports ends on its quote


def _is_label_line(line: str) -> bool:
    """A short line without sentence punctuation: a heading, caption or label ("The fleet", "Fares:")."""
    stripped = line.strip()
    return bool(stripped) and not _SENTENCE_END.search(stripped) and len(stripped.split()) <= 8


def _units(block: str) -> list[tuple[int, str]]:
    """A paragraph's lines joined into the units sentences are found in, with their offsets in ``block``.

    A single newline inside a paragraph is a line wrap (editors, e-mail and PDF text layers break lines there),
    not a sentence end: wrapped lines are joined with a space of the same length, so spans stay exact. Headings,
    table rows, list items and short label lines stay units of their own.
    """
    units: list[tuple[int, str]] = []
    offset = 0
    lines = block.split("\n")
    current_start, current = 0, ""
    previous = ""
    for i, line in enumerate(lines):
        starts_new = i == 0 or bool(_HEADING_LINE.match(line) or _LIST_ITEM.match(line)) or bool(
            _HEADING_LINE.match(previous)) or (_is_label_line(previous) and not _LIST_ITEM.match(previous)
                                                and line.strip()[:1].isupper())
        if starts_new:
            if current:
                units.append((current_start, current))
            current_start, current = offset, line
        else:
            current += " " + line
        previous = line
        offset += len(line) + 1
    if current:
        units.append((current_start, current))
    return units


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with exact character spans in ``text`` (pysbd).

    Blank lines, headings, list items and table rows end a sentence; a single newline inside a paragraph does not
    (hard-wrapped text and PDF text layers break lines mid-sentence). ``Sentence.text`` is the exact span.
    """
    out: list[Sentence] = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):  # paragraphs first: never join across them
        for unit_start, unit in _units(block.group()):
            if not unit.strip():
                continue
            offset = block.start() + unit_start
            for start_, end_ in _joined_titles(unit, [(sp.start, sp.end) for sp in _segmenter().segment(unit)]):
                raw = unit[start_:end_]
                stripped = raw.strip()
                if not stripped:
                    continue
                lead = len(raw) - len(raw.lstrip())
                start = offset + start_ + lead
                out.append(Sentence(start, start + len(stripped), text[start : start + len(stripped)]))
    return out


# Titles pysbd does not know as abbreviations: "chaired by Cllr. Ann Bede" is one sentence.
_TITLE_END = re.compile(r"\b(?:Cllr|Capt|Col|Gen|Sgt|Insp|Supt|Rev|Revd|Fr|Sr|Prof|Hon)\.\s*$")


def _joined_titles(unit: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a span that ends on a title's full stop joined to the next one."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and _TITLE_END.search(unit[out[-1][0] : out[-1][1]]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def is_fact_sentence(text: str) -> bool:
    """Whether a sentence can state a fact: not a heading, table row, caption, list label or lead-in ("Fares:").

    Headings read as facts give samples such as "The fleet was a military expedition."; a reader never sees a
    heading as a claim. A fact sentence has at least three words and ends as a statement does (a list item counts when
    it does); a question states nothing ("Does your dentist have a certificate of pain management on her wall?"
    gave "What do does your dentist have …?").
    """
    line = " ".join(text.split())
    if _HEADING_LINE.match(line):
        return False
    body = _LIST_ITEM.sub("", line, count=1)
    return len(body.split()) >= 3 and bool(_SENTENCE_END.search(body)) and not _QUESTION_END.search(body)


# Labels that introduce no value a question can ask for ("Present: ...", "To: ...", "Note: ...").
_NON_VALUE_LABELS = {"present", "apologies", "in attendance", "to", "from", "re", "cc", "note", "notes", "action",
                     "actions", "see", "tip", "warning", "caution", "example", "important", "attention", "subject"}
_LABEL_LINE = re.compile(r"^(?P<label>[A-Z][A-Za-z'’ -]{1,40}?):\s+(?P<value>[^:;]{1,120}?)\.?$")


def label_fact(text: str) -> tuple[str, str] | None:
    """A "Label: value" line's label and value ("- Capacity: 1.6 litres (about six large mugs)" -> ("Capacity",
    "1.6 litres")), or None.

    Specifications, fares and letter headers state facts as label lines, not sentences; the sentence splitter keeps
    them as units of their own and ``is_fact_sentence`` refuses them (no verb to build a question from). The label
    is what a question can ask for. A trailing bracket is dropped from the value (the answer's full text keeps it).
    Not for labels that introduce no value ("Present:", "To:", "Note:") nor for a value that goes on as a sentence.
    """
    line = plain(text).strip()
    m = _LABEL_LINE.match(line)
    if m is None:
        return None
    label, value = m.group("label").strip(), m.group("value").strip()
    value = re.sub(r"\s*\([^()]*\)\s*$", "", value).strip(" ,")
    value = re.split(r",\s+(?=(?:with|which|who|where)\b)", value)[0]  # "borosilicate glass, with a steel filter"
    words = label.split()
    if not value or len(words) > 4 or label.lower() in _NON_VALUE_LABELS or len(value.split()) > 14:
        return None
    if re.search(r"[.!?]\s+[A-Z]", re.sub(r"\b(?:Mr|Mrs|Ms|Dr|St|Prof|Cllr)\.", "", value)):
        return None  # "Note: the lid is fragile. Wash it by hand." is sentences, not a value
    return label, value


def plain(text: str) -> str:
    """A span as a reader sees it: a list marker and markdown emphasis dropped, line wraps as spaces."""
    text = _LIST_ITEM.sub("", " ".join((text or "").split()), count=1)
    return re.sub(r"(\*{1,3}|_{1,3}|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)


def paragraph_starts(text: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?:^|\n\s*\n)\s*\S", text)]


def normalise_number(token: str) -> str:
    token = token.lower().replace("percent", "%").replace(" ", "")
    token = re.sub(r"[$£€]", "", token)
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?%?", token):
        token = token.replace(",", "")
    return token.rstrip(".")


def numbers(text: str) -> set[str]:
    found = {normalise_number(m.group()) for m in NUMBER_RE.finditer(text or "")}
    words = {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", (text or "").lower()) if w in NUMBER_WORDS}
    return found | words


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text or "")]


def names(text: str, known: set[str] | None = None) -> list[str]:
    """Proper-noun spans ("Leander Orainell", "Bank of Marren"), in order of appearance.

    A capitalised word at a sentence start counts only when it is followed by another capitalised word, or is in
    ``known`` (words seen capitalised mid-sentence elsewhere in the document): "Records show..." is not a name,
    "Orainell joined..." is, once the document has "Leander Orainell".
    """
    known = known or set()
    toks = _tokens(text)
    spans: list[str] = []
    i = 0
    while i < len(toks):
        word, start, _ = toks[i]
        if not word[0].isupper() or word.lower() in FUNCTION_CAPS:
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            nxt = toks[j][0]
            if nxt[0].isupper() and nxt.lower() not in FUNCTION_CAPS:
                j += 1
            elif nxt.lower() in CONNECTORS and j + 1 < len(toks) and toks[j + 1][0][0].isupper() and \
                    toks[j + 1][0].lower() not in FUNCTION_CAPS:
                j += 2
            else:
                break
        sentence_start = start == 0 or re.search(r"[.!?:;\"“]\s*$|\n\s*$", text[:start]) is not None
        words = [t[0] for t in toks[i:j]]
        if sentence_start and j - i == 1 and word.lower() not in known:
            i = j
            continue
        spans.append(re.sub(r"['’]s?$", "", " ".join(words)))  # "Eluton's" -> "Eluton"
        i = j
    return spans


def known_name_words(document: str) -> set[str]:
    """Lower-cased words that appear capitalised mid-sentence in a document (to recognise names at sentence starts)."""
    found = set()
    for m in re.finditer(r"(?<=[a-z,;]) ([A-Z][\w'’-]+)", document or ""):
        if m.group(1).lower() not in FUNCTION_CAPS:
            found.add(m.group(1).lower())
    return found


def dates(text: str) -> list[str]:
    return [m.group() for m in DATE_RE.finditer(text or "")]


# Particles and adverbs that end a noun phrase, though lemminflect also lists some as nouns ("ups", "onces"):
# "with cold water *up* to the line" -> "cold water", "descale the cooling plate *once* a month" -> "cooling plate".
PARTICLES = {"up", "down", "out", "off", "away", "back", "together", "apart", "ahead", "once", "twice", "again",
             "also", "still", "now", "then", "alone", "only", "too", "instead"}


def noun_phrases(text: str) -> list[str]:
    """Lower-case phrases after a determiner ("a harpsichord tuner", "the zither"), without the determiner."""
    toks = _tokens(text)
    out = []
    for i, (word, _, _) in enumerate(toks):
        if word.lower() not in DETERMINERS:
            continue
        phrase = []
        for nxt, _, _ in toks[i + 1 : i + 4]:
            if not nxt.isalpha() or not nxt.islower() or nxt in STOPWORDS or nxt in PARTICLES:
                break
            phrase.append(nxt)
        if phrase:
            out.append(" ".join(phrase))
    return out


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if len(w) > 2 and w not in STOPWORDS}


def fact_terms(text: str, known: set[str] | None = None) -> dict[str, list[str]]:
    """The checkable facts a text states: names, numbers (normalised) and dates."""
    return {"names": list(dict.fromkeys(names(text, known))), "numbers": sorted(numbers(text)),
            "dates": list(dict.fromkeys(dates(text)))}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", (text or "").lower()))


def _missing(text: str, reference: str, known: set[str] | None) -> list[str]:
    """Names and numbers of ``text`` that ``reference`` does not contain."""
    reference_words, reference_numbers = _words(reference), numbers(reference)
    missing = [name for name in dict.fromkeys(names(text, known)) if not (_words(name) - CONNECTORS) <= reference_words]
    return missing + [n for n in sorted(numbers(text)) if n not in reference_numbers]


def unsupported_facts(claim: str, source: str, known: set[str] | None = None) -> list[str]:
    """Names and numbers stated in ``claim`` that ``source`` does not contain ("Khvaletk", "1994")."""
    return _missing(claim, source, known)


def dropped_facts(rewrite: str, source: str, known: set[str] | None = None, nouns: bool = False) -> list[str]:
    """Names and numbers of ``source`` that a rewrite left out (a rewrite must keep every one).

    ``nouns``: also the head word of each noun phrase ("a *donkey*"): for one-sentence sources, where a small
    model swapping "donkey" for "horse" is the typical invented fact.
    """
    missing = []
    if nouns:
        stems = {w.rstrip("s") for w in _words(rewrite)}
        missing = [head for head in dict.fromkeys(p.split()[-1] for p in noun_phrases(source))
                   if head.rstrip("s") not in stems]
    return missing + _missing(source, rewrite, known)


def candidate_answers(sentence: str, known: set[str] | None = None, topic: list[str] | None = None,
                      limit: int | None = None) -> list[str]:
    """Spans of a sentence worth asking about, best first: dates and numbers; names that are not what the passage
    is about; the last noun phrase (English puts new information at the end: "earned a living as a *ferry
    pilot*"); then the topic itself (asking "who" teaches the reverse direction too); then other noun phrases.

    ``topic``: names the surrounding passage is about (e.g. the person its paragraph introduces); a name at the
    sentence start counts as topic too.
    """
    out: list[str] = []

    def add(span: str) -> None:
        span = span.strip(" ,.;:'\"")
        if span and not any(span.lower() in o.lower() or o.lower() in span.lower() for o in out):
            out.append(span)

    for d in dates(sentence):
        add(d)
    for m in NUMBER_RE.finditer(sentence):
        add(m.group())
    found_names = names(sentence, known)
    first_word = (_tokens(sentence) or [("", 0, 0)])[0][0]
    topic_words = {w for t in (topic or []) for w in _words(t)}
    is_topic = [n.split()[0] == first_word or bool(_words(n) & topic_words) for n in found_names]
    for n, t in zip(found_names, is_topic, strict=True):
        if not t and n.lower() not in MONTHS:
            add(n)
    phrases = noun_phrases(sentence)
    if phrases:
        add(phrases[-1])
    for n, t in zip(found_names, is_topic, strict=True):
        if t and not any(n in other and n != other for other in found_names):
            add(n)
    for phrase in reversed(phrases[:-1]):
        add(phrase)
    return out[:limit] if limit else out


_HONORIFIC_RE = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Miss|Captain|Professor|Councillor|Cllr|Sister|Father|Sir|Dame)\.?\s+$")


# Nouns for a person's role: "the Clerk reported ..." asks "who"; a name in apposition to one is a person's ("The
# finance director, Owen Lydgate, expects ...").
ROLE_WORDS = {"clerk", "chair", "chairman", "chairwoman", "mayor", "secretary", "treasurer", "captain", "skipper",
              "doctor", "nurse", "director", "manager", "president", "councillor", "cllr", "headmaster", "headmistress",
              "minister", "reverend", "sergeant", "inspector", "officer", "engineer", "founder", "owner", "warden",
              "miller", "curator", "volunteer", "teacher", "schoolteacher", "librarian", "caretaker", "ranger",
              "pharmacist", "surgeon", "vicar", "priest", "trustee", "superintendent", "supervisor", "receptionist",
              "solicitor", "architect", "deckhand", "ferryman", "keeper", "steward", "governor", "headteacher"}
_KIN_WORDS = {"son", "daughter", "wife", "husband", "brother", "sister", "mother", "father", "physician", "consultant"}
_ROLE_APPOSITION_RE = re.compile(rf"\b(?:{'|'.join(sorted(ROLE_WORDS | _KIN_WORDS))}),\s*$", re.I)


def person_names(document: str, known: set[str] | None = None) -> set[str]:
    """Lower-cased names (and their last words) that a document uses for people: after an honorific ("Mrs. Dilys
    Ferrand"), before "who" ("Bethan Moss, who joined"), or opening a paragraph that goes on with "He"/"She".
    A question about one of them asks "who"; about anything else ("Fenwick Mills", "the Barge Fair") "what"."""
    known = known if known is not None else known_name_words(document)
    people: set[str] = set()

    def add(name: str) -> None:
        people.add(name.lower())
        people.add(name.split()[-1].lower())

    for sentence in split_sentences(document):
        text = sentence.text
        for name in names(text, known):
            at = text.find(name)
            if _HONORIFIC_RE.search(text[:at]) or re.match(r"\s*,?\s*who\b", text[at + len(name):]) or \
                    _ROLE_APPOSITION_RE.search(text[:at]):
                add(name)
    for block in re.split(r"\n\s*\n", document):
        sentences = split_sentences(block)
        if len(sentences) < 2:
            continue
        opener = names(sentences[0].text, known)
        if opener and any(re.match(r"\s*(He|She)\b", s.text) for s in sentences[1:]) and \
                sentences[0].text.find(opener[0]) <= len(" ".join(sentences[0].text.split()[:4])):
            add(opener[0])  # the paragraph is about this name, and goes on with "he"/"she"
    sentences = split_sentences(document)
    for first, after in itertools.pairwise(sentences):
        opener = names(first.text, known)
        pronoun = re.search(r"\b(?:he|his|him)\b", after.text)
        if not (opener and first.text.startswith(opener[0]) and pronoun):
            continue
        before = after.text[: pronoun.start()]
        rivals = [n for n in names(before, known) if not re.search(rf"\bthe\s+{re.escape(n)}", before)]
        if not rivals:  # "Lincoln faced a different situation. With the South seceding, he could only …"
            add(opener[0])
    return people
