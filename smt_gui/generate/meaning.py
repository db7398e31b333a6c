"""Does a rewrite still say what its source says? Checks on content words and the words that turn a meaning round.

Names and numbers are checked elsewhere (``facts``). A small model's typical flips keep every name and number:
"served in *glass* mugs" for "enamel mugs", "is *not* allowed to carry livestock" for "is the only ship allowed
to", "*all* ships" for "two ships". So a sentence rewrite is rejected, with the reason, when it

* negates what the source affirms or the other way round (``not``, ``never``, ``no``, ``without``, ...);
* drops or adds a word that limits a claim (``only``, ``except``, ``all``, ``every``, ``always``, ...);
* adds a noun or adjective the source lacks ("the *ancient city* of Eliosholm"), repeats a phrase ("in 1955 in
  1955"), or puts the source's numbers in another order (two times swapped);
* drops a modal ("should be put in writing" -> "were put in writing" states a past fact, not a rule);
* swaps a content word for another, or drops one: a noun or adjective of the source is missing (while the rewrite
  may bring one the source lacks); compared as lemmas, so "mug" and "mugs" are the same word (lemminflect).

* leaves a word of the source out (``omissions``): a clause the rewrite ends before ("joined Ulasby Foundry *and
  stayed there*", "the Barge Fair*, which remembers the boats that gave it its name*") is a fact the document lost,
  even when every noun the rewrite keeps is right; only function words, pronouns (a name may stand for them) and
  a verb that became "be"/"have" may go.

* changes a relation (``relation_changes``): the source's verbs must stay (or become "be"/"have": "worked as a
  tuner" -> "was a tuner"), each preposition keeps its object ("closed *in* 1964" -> "*until* 1964", "staffed
  *from* seven" -> "*by* seven", "worked *for* Zelogar" -> "Zelogar worked for him" are refused; an active
  "Zelogar employed him" for "was employed *by* Zelogar" is not), no content word is said more often than the
  source says it ("To wash X, wash them"), a noun keeps its number ("the appliance" -> "appliances"), and "a"/"an"
  fit the word after them.

These are the failures a reader found in the labelled audit (``benchmarks/audit/``); a verb swapped for a
synonym ("was awarded" -> "received") is refused too: a weak generator's verb swaps changed the meaning as often as
not ("was raised in" -> "lived in", "keeps for five days" -> "is served five days").
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter

from smt_gui.facts import PRONOUNS, STOPWORDS
from smt_gui.generate.question_forms import (
    AUXILIARIES,
    CLAUSE_WORDS,
    DETERMINERS,
    MODAL_WORDS,
    PREPOSITIONS,
    PRONOUN_SUBJECTS,
    declarative,
    is_inflected_verb,
    word_forms,
)

NEGATORS = {"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "nowhere"}
MODALS = MODAL_WORDS | {"cannot", "need"}  # "cannot" is one word; "need" obliges as "must" does
LIMITERS = {"only", "except", "unless", "all", "every", "each", "always", "sole", "solely", "alone", "any",
            "both", "either", "until", "before", "after", "more", "less", "fewer", "most", "least", "first", "last"}
# Connectives that claim a relation ("and it changed the town" -> "but it changed the town" adds a contrast).
RELATIONS = {"but", "although", "though", "however", "yet", "whereas", "because", "therefore", "thus", "hence"}
# Words a paraphrase may bring or drop freely: they add no claim.
_FREE = STOPWORDS | {"also", "whose", "which", "that", "there", "here", "thing", "one", "ones", "way", "part",
                     "type", "kind", "sort", "lot", "number", "place", "time", "area", "people", "person"}


def _tokens(text: str, numbers: bool = False) -> list[str]:
    """Lower-case words, "n't" as "not"; with ``numbers``, figures and amounts too ("£4.50", "1964")."""
    text = re.sub(r"n[’']t\b", " not", (text or "").lower())
    return re.findall(r"[a-z0-9£$€%]+(?:[.,][0-9]+)*" if numbers else r"[a-z]+", text)


def lemma(word: str) -> str:
    forms = word_forms(word)
    for pos in ("NOUN", "ADJ", "VERB", "ADV", "AUX"):
        if forms.get(pos):
            return forms[pos][0]
    return word


def _content_lemmas(text: str) -> dict[str, str]:
    """Nouns and adjectives of a text (lemma -> word as written); words that can only be verbs are left out."""
    out: dict[str, str] = {}
    for word in _tokens(text):
        if len(word) < 3 or word in _FREE or word in NEGATORS or word in LIMITERS:
            continue
        forms = word_forms(word)
        if forms and not ({"NOUN", "ADJ", "PROPN"} & set(forms)):
            continue
        if is_inflected_verb(word):
            continue  # "owns", "holds": verbs, which a paraphrase may change
        out.setdefault(lemma(word), word)
    return out


def _value_order(text: str) -> list[str]:
    """The numbers and times of a text in order, normalised ("eleven" = "11"): a rewrite that keeps them all but
    swaps two ("leaves at twenty past ten ... returns at a quarter to seven") says something else."""
    from smt_gui.facts import NUMBER_WORDS

    out = []
    for w in re.findall(r"\d[\d,.]*|[a-z]+", (text or "").lower()):
        value = NUMBER_WORDS.get(w, w.replace(",", "") if w[:1].isdigit() else None)
        if value and value not in out:
            out.append(value)
    return out


def meaning_changes(rewrite: str, source: str, context: str = "") -> list[str]:
    """Why ``rewrite`` no longer says what ``source`` says (``context``: what else the reader was shown)."""
    problems = []
    src, new = _tokens(source), _tokens(rewrite)
    src_neg, new_neg = sum(w in NEGATORS for w in src), sum(w in NEGATORS for w in new)
    if src_neg != new_neg:
        word = next((w for w in new if w in NEGATORS), None) if new_neg > src_neg else next(w for w in src if w in NEGATORS)
        problems.append(f"negation changed ('{word}' {'added' if new_neg > src_neg else 'dropped'})")
    dropped = sorted({w for w in src if w in LIMITERS | MODALS} - set(new))
    added = sorted({w for w in new if w in LIMITERS} - set(src) - set(_tokens(context)))
    if dropped:
        problems.append("drops " + ", ".join(f"'{w}'" for w in dropped[:3]))
    if added:
        problems.append("adds " + ", ".join(f"'{w}'" for w in added[:3]))
    claimed = sorted({w for w in new if w in RELATIONS} - set(src) - set(_tokens(context)))
    if claimed:
        problems.append("adds a relation the source does not state (" + ", ".join(f"'{w}'" for w in claimed[:3]) + ")")
    new_all = re.findall(r"[a-z0-9]+", rewrite.lower())
    src_all = re.findall(r"[a-z0-9]+", source.lower())
    new_pairs, src_pairs = Counter(itertools.pairwise(new_all)), Counter(itertools.pairwise(src_all))
    named = _mid_sentence_capitals(f"{source} {context}")
    for (a, b), n in new_pairs.items():
        if (a in _FREE and b in _FREE) or (lemma(a) in named and lemma(b) in named):
            continue  # a name may stand where the source says "he"
        if n > max(1, src_pairs[(a, b)]):
            problems.append(f"repeats '{a} {b}'")  # "in 1955 in 1955", "a meteorologist was how ... a meteorologist"
            break
    order = _value_order(source)
    if len(order) > 1 and [v for v in _value_order(rewrite) if v in order] not in (order, []):
        problems.append("puts its numbers, times or names in another order (" + ", ".join(order[:3]) + ")")
    source_words = _content_lemmas(source)
    rewrite_words = _content_lemmas(rewrite)
    known = set(source_words) | set(_content_lemmas(context)) | {lemma(w) for w in src}
    missing = [w for lem, w in source_words.items() if lem not in rewrite_words and lem not in {lemma(x) for x in new}]
    brought = [w for lem, w in rewrite_words.items() if lem not in known]
    if missing and brought:
        problems.append(f"swaps '{missing[0]}' for '{brought[0]}'")
    elif missing:
        problems.append("drops " + ", ".join(f"'{w}'" for w in missing[:3]))
    elif brought:
        problems.append("adds " + ", ".join(f"'{w}'" for w in brought[:3]))  # "the *ancient city* of Eliosholm"
    if not brought:
        adverb = _added_adverb(new, src + _tokens(context), _mid_sentence_capitals(rewrite))
        if adverb:
            problems.append(f"adds '{adverb}'")  # "... a different situation than the one in which he was originally"
    joined = _fewer_joins(rewrite, source)
    if joined:
        problems.append(joined)
    if not any(p.startswith(("drops", "swaps")) for p in problems):
        left_out = omissions(rewrite, source)
        if left_out:
            problems.append("leaves out " + ", ".join(f"'{w}'" for w in left_out[:3]))
    if not problems and small_word_edit(rewrite, source):
        problems.append(SMALL_WORDS_ONLY)
    return problems + relation_changes(rewrite, source, context)


def _added_adverb(new: list[str], said: list[str], names: set[str]) -> str | None:
    """An adverb the rewrite brings that the source and context never say in any form ("originally", "usually",
    "together"): it adds a claim, which the noun and adjective checks (``_content_lemmas``) do not see. ``names``
    (capitalised mid-sentence) are no adverbs, whatever an unknown word's guessed forms."""
    known = _all_lemmas(said)
    for word in new:
        if len(word) < 3 or word in _OMITTABLE or word in _FREE or word in said or word in {"too"} or word in names:
            continue
        forms = word_forms(word)
        if forms.get("ADV") and not ({word} | {f for fs in forms.values() for f in fs}) & known:
            return word
    return None


@functools.lru_cache(maxsize=4096)
def _sentence_count(text: str) -> int:
    """Sentences in ``text``, cached: ``_fewer_joins`` and ``small_word_edit`` ask it of the same pair of texts."""
    from smt_gui.facts import split_sentences

    return len(split_sentences(text))


def _fewer_joins(rewrite: str, source: str) -> str | None:
    """A rewrite in as many sentences with fewer "and"/"or" than its source: what the word joined is now said of
    something else ("Roosevelt may belong in the third phase and Harding-Coolidge-Hoover in the second" ->
    "Roosevelt, Harding-Coolidge-Hoover in the second may belong in the third phase", QuALITY 20051)."""
    def count(text: str, words: set[str]) -> int:
        return sum(w in words for w in _tokens(text))

    joins, relatives = {"and", "or"}, {"who", "which", "whose", "where"}
    dropped = count(source, joins) - count(rewrite, joins)
    relinked = count(rewrite, relatives) - count(source, relatives)  # ", and he lives" -> "who lives"
    if dropped > max(relinked, 0) and _sentence_count(rewrite) == _sentence_count(source):
        word = "and" if count(source, {"and"}) > count(rewrite, {"and"}) else "or"
        return f"no longer joins with '{word}': what it joined may now be said of something else"
    return None


SMALL_WORDS_ONLY = ("changes only small words, every other word kept in order: a near-copy in which the change can "
                    "only break the sentence")


def small_word_edit(rewrite: str, source: str) -> bool:
    """Whether a rewrite keeps every other word of its source in the same order and changes only function words,
    in as many sentences ("Two, the ideal ... requires" -> "Two is the ideal ... requires"; "whose results" ->
    "where the results"). Such an edit rephrases nothing, and it is where a small model breaks the grammar
    ("QuALITY 20027", 2026-12-07). A moved phrase or a split clause is a rewrite, not this."""
    def kept(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in _OMITTABLE]

    same_text = " ".join(re.findall(r"\w+", rewrite.lower())) == " ".join(re.findall(r"\w+", source.lower()))
    return not same_text and kept(rewrite) == kept(source) and _sentence_count(rewrite) == _sentence_count(source)


# Words a rewrite may leave out without losing a fact: grammar, pronouns (a name may stand for "she"), and
# fillers a reader does not miss ("Today Kelmsby has ..." -> "Kelmsby has ...", "Please read ..." -> "Read ...").
_OMITTABLE = (AUXILIARIES | DETERMINERS | PREPOSITIONS | PRONOUNS | PRONOUN_SUBJECTS | CLAUSE_WORDS | MODAL_WORDS
              | {"and", "or", "also", "then", "there", "here", "today", "please", "just", "very", "really", "so",
                 "as", "than", "such", "do", "does", "did", "done", "being", "been", "be", "s"})


def omissions(rewrite: str, source: str) -> list[str]:
    """Words of ``source`` that ``rewrite`` does not say in any form (lemmas, so "worked" is kept by "work").

    Unlike ``_content_lemmas`` this counts verbs and words that could be either ("boats", "remembers"): a dropped
    clause takes its verb with it, and that is the omission a reader notices. A verb the rewrite replaced by
    "be"/"have" ("worked as a tuner" -> "was a tuner") is a light paraphrase, not an omission.
    """
    new_tokens = _tokens(rewrite)
    said = _all_lemmas(new_tokens)
    light = any((word_forms(w).get("AUX") or word_forms(w).get("VERB") or ("",))[0] in LIGHT_VERBS
                for w in new_tokens if w not in _tokens(source))
    out: list[str] = []
    for word in _tokens(source):
        if len(word) < 3 or word in _OMITTABLE or word in out:
            continue
        forms = word_forms(word)
        if ({word} | {f for fs in forms.values() for f in fs}) & said:
            continue
        if light and set(forms) <= {"VERB", "AUX"}:
            continue
        out.append(word)
    return out


LIGHT_VERBS = {"be", "have"}  # "worked as a tuner" -> "was a tuner", "lived with a rabbit" -> "had a rabbit"
_VOWEL_SOUND_EXCEPTIONS = ("uni", "use", "usu", "uti", "eu", "one", "once", "ur")  # "a university", "a one-way"
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")


def _verb_lemmas(tokens: list[str]) -> dict[str, int]:
    """Finite verbs of a text (lemma -> position), auxiliaries and light verbs left out; a word after a
    determiner or number is a noun ("the boats")."""
    out: dict[str, int] = {}
    for i, word in enumerate(tokens):
        if word in NEGATORS or word in MODALS or not is_inflected_verb(word):
            continue
        if i and (tokens[i - 1] in DETERMINERS or tokens[i - 1][:1].isdigit()):
            continue
        verb = (word_forms(word).get("VERB") or (None,))[0]
        if verb and verb not in LIGHT_VERBS | {"do"}:
            out.setdefault(verb, i)
    return out


def _sentence_ids(text: str, tokens: list[str]) -> list[int]:
    """For each token of ``_tokens(text, numbers=True)``, the index of its sentence (all 0 if they do not line up)."""
    ids: list[int] = []
    for n, piece in enumerate(re.split(r"[.!?;](?:\s|$)", text or "")):
        ids += [n] * len(_tokens(piece, numbers=True))
    return ids if len(ids) == len(tokens) else [0] * len(tokens)


def _changed_verbs(src: list[str], new: list[str], src_ids: list[int] | None = None) -> tuple[list[str], set[int]]:
    """Source verbs the rewrite lost while keeping what they were about, and the positions of excused ones.

    A verb whose object the rewrite also dropped went with its clause (dropping is judged elsewhere); one replaced
    by "be"/"have" with no other new verb is a light paraphrase ("worked as a tuner" -> "was a tuner").
    """
    new_lemmas = _all_lemmas(new)
    new_verbs = set(_verb_lemmas(new)) - set(_verb_lemmas(src))
    light = any((word_forms(w).get("AUX") or word_forms(w).get("VERB") or ("",))[0] in LIGHT_VERBS for w in new)
    changed, excused = [], set()
    for verb, i in _verb_lemmas(src).items():
        if verb in new_lemmas:
            continue
        same = [j for j in range(i + 1, min(i + 5, len(src))) if src_ids is None or src_ids[j] == src_ids[i]]
        about = next((src[j] for j in same if src[j] not in PREPOSITIONS and src[j] not in DETERMINERS
                      and src[j] not in STOPWORDS), None)
        if about is None or lemma(about) not in {lemma(w) for w in new} or (light and not new_verbs):
            excused.add(i)
        else:
            changed.append(src[i])
    return changed, excused


def _added_verb(src: list[str], new: list[str], ctx: list[str]) -> str | None:
    """A verb the rewrite says and neither the source nor its context does, while every source verb is still there:
    an action added, not a paraphrase of one (audit round 6: "The old mill, which was restored ... in 1989" ->
    "The old mill, originally built in 1989, ..., restored by ..." moves the year onto a building it never had)."""
    new_lemmas, said = _all_lemmas(new), _verb_lemmas(src)
    if not said or any(verb not in new_lemmas for verb in said):
        return None  # "was a pilot" -> "worked as a pilot"; a source verb replaced is judged by ``_changed_verbs``
    known = _all_lemmas(src) | _all_lemmas(ctx) | {"call", "name", "know"}  # "a town called Quilarcross"
    return next((new[i] for verb, i in _verb_lemmas(new).items() if verb not in known and new[i] not in known), None)


def _all_lemmas(tokens: list[str]) -> set[str]:
    out = set(tokens)
    for word in tokens:
        for forms in word_forms(word).values():
            out.update(forms)
    return out


def _prep_objects(tokens: list[str]) -> list[tuple[str, str, int]]:
    """(preposition, the first content word or number after it, position): "closed in 1964" -> ("in", "1964")."""
    out = []
    for i, word in enumerate(tokens):
        if word not in PREPOSITIONS:
            continue
        for j in range(i + 1, min(i + 5, len(tokens))):
            nxt = tokens[j]
            if nxt in PREPOSITIONS and nxt != "to":
                break
            if nxt in DETERMINERS or (nxt in STOPWORDS and not nxt[:1].isdigit()):
                continue
            out.append((word, lemma(nxt), i))
            break
    return out


_PLACING = {"in", "at", "on", "from", "into", "near", "during", "since", "until", "after", "before", "inside",
            "outside"}  # where and when: "built a mill in Quennock" is another fact than "a merchant from Quennock"
_WH = {"who", "whom", "whose", "what", "which", "when", "where", "how", "why"}


def misplaced_phrase(text: str, source: str) -> str | None:
    """A place or time phrase that puts a word of the source after a preposition the source never puts it after:
    "Which year did Jonas Treddick build a mill in Quennock?" where the source says "a corn merchant from Quennock"
    (the mill stands elsewhere). A question's own wh-phrase ("In which year") is no such phrase."""
    src, new = _tokens(source, numbers=True), _tokens(text, numbers=True)
    src_pairs = {(p, o) for p, o, _ in _prep_objects(src)}
    src_lemmas = {lemma(w) for w in src}
    for prep, obj, at in _prep_objects(new):
        if prep not in _PLACING or any(w in _WH for w in new[at + 1 : at + 5]):
            continue
        if obj in src_lemmas and (prep, obj) not in src_pairs:
            said = sorted(p for p, o in src_pairs if o == obj)
            return f"says '{prep} {obj}' where the source says " + (f"'{said[0]} {obj}'" if said else f"'{obj}' otherwise")
    return None


def relation_changes(rewrite: str, source: str, context: str = "") -> list[str]:
    """Changed verbs, prepositions, repeated content words, noun number and a/an (see the module docstring)."""
    src, new = _tokens(source, numbers=True), _tokens(rewrite, numbers=True)
    ctx = _tokens(context, numbers=True)
    problems = []
    changed, excused = _changed_verbs(src, new, _sentence_ids(source, src))
    if changed:
        problems.append("changes the verb " + ", ".join(f"'{w}'" for w in changed[:2]))
    else:
        added = _added_verb(src, new, ctx)
        if added:
            problems.append(f"adds the verb '{added}'")
    src_pairs = {(p, obj) for p, obj, i in _prep_objects(src) if i - 1 not in excused}
    new_pairs = _prep_objects(new)
    new_objects = {obj for _, obj, _ in new_pairs}
    new_lemma_seq = [lemma(w) for w in new]
    lost = []
    for prep, obj in sorted(src_pairs):
        if (obj not in new_objects and obj not in new_lemma_seq) or (prep, obj) in {(p, o) for p, o, _ in new_pairs}:
            continue
        if prep == "by" and _made_active(obj, src, new):
            continue  # "was employed by Zelogar" -> "Zelogar employed him"
        if re.search(rf"\b{prep}\s*(?:[.,;:!?]|$)", rewrite.lower()):
            continue  # stranded: "Enamel mugs are what tea is served in."
        lost.append(f"'{prep} {obj}'")
    if lost:
        problems.append("changes " + ", ".join(lost[:3]))
    else:
        src_lemmas = {lemma(w) for w in src}
        for prep, obj, _ in new_pairs:
            if obj in src_lemmas and (prep, obj) not in src_pairs:
                problems.append(f"says '{prep} {obj}' where the source does not")  # "At Greta Eskouven looked ..."
                break
    def counts(words: list[str]) -> Counter[str]:
        return Counter(lemma(w) for w in words if w not in _FREE and len(w) > 2 and not w.isdigit())

    said_src, said_ctx = counts(src), counts(ctx)  # the context often holds the source itself: never add them up
    named = _mid_sentence_capitals(f"{source} {context}")  # a name for "he" or "it" may come back: not a repeat
    for lem, n in counts(new).items():
        if n > max(1, said_src[lem], said_ctx[lem]) and lem not in named:
            problems.append(f"says '{lem}' {n} times")  # "To wash the chamber, wash it", "add it to the filter"
            break
    for lem, word in _content_lemmas(source).items():
        forms_new = {w for w in new if lemma(w) == lem}
        forms_src = {w for w in src if lemma(w) == lem}
        if forms_new and not forms_new & forms_src and word_forms(word).get("NOUN"):
            problems.append(f"changes '{word}' to '{sorted(forms_new)[0]}'")  # "the appliance" -> "appliances"
            break
    article = _article_problem(rewrite, source)
    if article:
        problems.append(article)
    fragment = _fragment(rewrite, source)
    if fragment:
        problems.append(fragment)
    return problems


_RELATIVE_ONLY = re.compile(r"^[^,.;]+, (?:who|which|whose|where)\b[^,;]*\.?$")


def _fragment(rewrite: str, source: str = "") -> str | None:
    """A sentence of the rewrite that is not one: no finite verb ("Mirela Drawyn a keen player of the mandolin."),
    or a name with only a relative clause ("Corliss Rosowick, who earned a living as a bookbinder."). A sentence
    copied whole from the source is the writer's, not a fragment the rewrite made: the word lists misjudge some
    ("few economists take them seriously": a plural verb in its base form)."""
    from smt_gui.facts import split_sentences

    written = " ".join(source.split())
    for sentence in split_sentences(rewrite):
        text = sentence.text.strip()
        if text and " ".join(text.split()) in written:
            continue
        if _RELATIVE_ONLY.match(text):
            return f"not a sentence: '{text[:60]}'"
        words = _tokens(text)
        instruction = declarative(text)[1]
        if words and not instruction and not any(w in AUXILIARIES or w in MODALS or is_inflected_verb(w)
                                                 for w in words):
            return f"no verb in '{text[:60]}'"
    return None


def _opens_sentence(text: str, at: int) -> bool:
    """Whether a word starting at ``at`` opens a sentence (a capital there says nothing about a name)."""
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:\"“"


def _mid_sentence_capitals(text: str) -> set[str]:
    """Lemmas of names: words written with a capital inside a sentence, or before another capitalised word."""
    out = {lemma(w.lower()) for m in re.finditer(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+", text)
           for w in m.group().split()[1:]}  # "Dorian Nelewick" at a sentence's start: a name, not "The Gannet"
    out |= {lemma(m.group(1).lower()) for m in re.finditer(r"\b([A-Z][a-z]+)\s+[A-Z][a-z]+", text)
            if m.group(1).lower() not in STOPWORDS}
    for m in re.finditer(r"\b[A-Z][a-z]+", text):
        if not _opens_sentence(text, m.start()):
            out.add(lemma(m.group().lower()))
    return out


def recase(rewrite: str, source: str) -> str:
    """The rewrite with a common word lowered where a moved phrase left its capital mid-sentence: "In 1887,
    Milling stopped, ..." -> "In 1887, milling stopped, ..." (the source wrote "Milling" only to open its sentence).
    A word the source capitalises inside a sentence is a name and keeps its capital, as does a word no dictionary
    knows ("Treddick")."""
    named = _mid_sentence_capitals(source)

    def lower(match: re.Match) -> str:
        word = match.group()
        low = word.lower()
        common = low in DETERMINERS or low in PRONOUN_SUBJECTS or bool(word_forms(low))
        if _opens_sentence(rewrite, match.start()) or lemma(low) in named or not common \
                or re.match(r"\s+[A-Z]", rewrite[match.end():]):  # "Marian Oakhollow": one name of two words
            return word
        return word.lower()

    return re.sub(r"\b[A-Z][a-z]+\b", lower, rewrite)


def _made_active(agent: str, src: list[str], new: list[str]) -> bool:
    """The passive's agent is the rewrite's subject: it comes before a form of the passive verb."""
    verbs = {(word_forms(w).get("VERB") or (None,))[0] for w in src if is_inflected_verb(w)} - {None}
    positions = [i for i, w in enumerate(new) if lemma(w) == agent]
    return any((word_forms(w).get("VERB") or (None,))[0] in verbs for i0 in positions[:1] for w in new[i0 + 1:])


def _article_problem(rewrite: str, source: str) -> str | None:
    """"a archivist", "an harpsichord": an article that does not fit its word, unless the source wrote it."""
    for match in re.finditer(r"\b(a|an)\s+([A-Za-z]+)", rewrite):
        article, word = match.group(1).lower(), match.group(2).lower()
        vowel = (word[0] in "aeiou" and not word.startswith(_VOWEL_SOUND_EXCEPTIONS)) or word.startswith(_SILENT_H)
        if (article == "a") == vowel and match.group(0).lower() not in source.lower():
            return f"'{match.group(0)}' is not English"
    return None
