"""Who "he" is across a whole document, when a title says so: the patient of a letter, the member of minutes.

The paragraph rule (``questions.resolve_sentence``) gives "he"/"she" back to the name a paragraph opens with. A
letter or a set of minutes names its person once, often in a header or in the middle of a sentence ("I am writing
to let you know that Mr. Spellman ... He is a retired signalman. ## Diagnosis On admission his blood pressure was
low"), and every later paragraph says "he"/"his". This module follows such a person through the document.

It resolves only what a reader cannot misread, since a wrong guess turns a true sentence into a false fact:
- the person is named with a title that says which pronoun stands for them ("Mr.", "Sir" for "he"; "Mrs.", "Ms.",
  "Miss", "Dame" for "she"); "Dr. Varga" could be either, and names without a title are left to the paragraph rule;
- the pronoun has taken that person in the section where they were named ("Mr. Spellman ... He is ..."), else a
  heading forgets them: "Mrs. Ferrand, who meets new members ... ## Crossing times ... she runs" is a ship;
- a sentence that names or speaks of anyone else who could be "he" ("Dr. Haddow", "the Chair"), or two people
  of that title, forgets the referent; a sentence opening with a name that is no person forgets "she" (ships);
- a sentence is resolved when nobody it names before its pronoun could be meant ("The Chair said that she" is
  the Chair's "she").
Only the first pronoun is replaced ("He" -> "Mr. Spellman", "his" -> "Mr. Spellman's"); "her" is left alone, as
it can be "of her" or "to her".
"""

from __future__ import annotations

import re

from smt_gui.facts import ROLE_WORDS, names, person_names, plain, split_sentences

_TITLES = {"mr": "he", "sir": "he", "lord": "he", "father": "he", "brother": "he",
           "mrs": "she", "ms": "she", "miss": "she", "dame": "she", "lady": "she", "sister": "she"}
_ANY_TITLE = r"Mr|Mrs|Ms|Miss|Sir|Lord|Father|Brother|Dame|Lady|Sister|Dr|Prof|Professor|Captain|Capt|Cllr|Councillor|Rev|Revd"
_TITLED = re.compile(rf"\b(?P<title>{_ANY_TITLE})\.?\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")
_ROLE_GENDER = {"wife": "she", "mother": "she", "daughter": "she", "sister": "she", "woman": "she", "girl": "she",
                "aunt": "she", "niece": "she", "widow": "she", "husband": "he", "father": "he", "son": "he",
                "brother": "he", "man": "he", "boy": "he", "uncle": "he", "nephew": "he", "widower": "he"}
_PERSON_NOUNS = ROLE_WORDS | set(_ROLE_GENDER) | {
    "patient", "member", "applicant", "resident", "visitor", "customer", "pilot", "driver", "teacher", "student",
    "child", "friend", "partner", "carer", "neighbour", "consultant", "surgeon", "physician", "gp", "pharmacist",
    "deckhand", "cook", "writer", "author", "speaker", "caller", "tenant", "landlord", "vicar", "priest", "baby"}
_ROLE = re.compile(rf"(?i)\b(?:{'|'.join(sorted(_PERSON_NOUNS, key=len, reverse=True))})\b")
_THING_SUBJECT = re.compile(r"^(?:The|A|An|Our|This)?\s*[A-Z][\w'’-]+")
_ALL_TITLES = {t.lower() for t in _ANY_TITLE.split("|")}
_PRONOUNS = {"he": re.compile(r"\b(?:he|He|his|His|him)\b"), "she": re.compile(r"\b(?:she|She)\b")}


def _people(sentence: str, known: set[str], persons: set[str]) -> list[tuple[int, str, str | None]]:
    """(position, mention as written, pronoun it takes or None if either) of each person a sentence names or
    speaks of ("the Chair", "his wife"). ``persons``: the lower-cased names the document uses for people
    (``facts.person_names``)."""
    found: list[tuple[int, str, str | None]] = []
    for m in _TITLED.finditer(sentence):
        found.append((m.start(), m.group(), _TITLES.get(m.group("title").lower())))
    taken = [(at, at + len(mention)) for at, mention, _ in found]
    for name in names(sentence, known):
        at = sentence.find(name)
        if at >= 0 and name.lower() in persons and not any(a <= at < b for a, b in taken):
            found.append((at, name, None))  # a name without a title: whose pronoun it takes is unknown
    for m in _ROLE.finditer(sentence):
        if not any(a <= m.start() < b for a, b in taken):
            found.append((m.start(), m.group(), _ROLE_GENDER.get(m.group().lower())))
    return sorted(found)


def _same(mention: str, referent: str) -> bool:
    """ "Mr. Spellman" and "Spellman" are "Mr. Rhodri Spellman": the same surname, and no other title."""
    a, b = mention.replace(".", "").split(), referent.replace(".", "").split()
    if a[-1] != b[-1]:
        return False
    return a[0].lower() not in _ALL_TITLES or a[0].lower() == b[0].lower()


def document_referents(text: str, known: set[str]) -> dict[int, dict[str, str]]:
    """For each sentence start (in ``text``) where "he" or "she" has one safe referent: {"he": "Mr. Spellman"}."""
    persons = person_names(text, known)
    state: dict[str, str | None] = {"he": None, "she": None}
    confirmed: dict[str, bool] = {"he": False, "she": False}
    out: dict[int, dict[str, str]] = {}
    for sentence in split_sentences(text):
        if sentence.text.lstrip().startswith("#"):  # a new section: only a referent its pronoun took carries on
            for gender in state:
                if not confirmed[gender]:
                    state[gender] = None
            continue
        line = plain(sentence.text)
        people = _people(line, known, persons)
        usable = {}
        for gender, referent in state.items():
            pronoun = _PRONOUNS[gender].search(line)
            if referent is None or pronoun is None:
                continue
            before = [m for at, m, g in people if g in (gender, None) and at < pronoun.start()]
            if not before:  # nobody else this sentence names could be the one the pronoun stands for
                usable[gender] = referent
                confirmed[gender] = True
        if usable:
            out[sentence.start] = usable
        for gender in ("he", "she"):  # who "he"/"she" can be from here on
            could_be = [m for _, m, g in people if g in (gender, None)]
            titled = [m for _, m, g in people if g == gender and _TITLED.fullmatch(m)]
            if gender == "she" and _THING_SUBJECT.match(line) and not people:
                state[gender] = None  # "The Gannet ... she": ships are "she" too
            if not could_be:
                continue
            if len(titled) == 1 and all(_same(m, titled[0]) for m in could_be):
                if state[gender] is None or not _same(titled[0], state[gender] or ""):
                    confirmed[gender] = False
                state[gender] = titled[0]
            elif state[gender] is None or not all(_same(m, state[gender] or "") for m in could_be):
                state[gender] = None  # somebody else who could be "he": forget, rather than guess
    return out


def resolve_pronoun(sentence: str, referents: dict[str, str]) -> str:
    """``sentence`` with its first "he"/"his"/"him" (or "she") replaced by the referent ``document_referents``
    found for it; unchanged when there is none."""
    best = None
    for gender, referent in referents.items():
        m = _PRONOUNS[gender].search(sentence)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, referent)
    if best is None:
        return sentence
    m, referent = best
    word = m.group().lower()
    replacement = f"{referent}'s" if word == "his" else referent
    return sentence[: m.start()] + replacement + sentence[m.end():]
