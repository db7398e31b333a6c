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

Verbs may change (that is what paraphrase is), unless a negation comes with it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from smt_gui.facts import STOPWORDS
from smt_gui.generate.question_forms import is_inflected_verb, word_forms

NEGATORS = {"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without", "cannot", "nowhere"}
MODALS = {"must", "should", "may", "might", "can", "could", "will", "would", "shall", "cannot", "need"}
LIMITERS = {"only", "except", "unless", "all", "every", "each", "always", "sole", "solely", "alone", "any",
            "both", "either", "until", "before", "after", "more", "less", "fewer", "most", "least", "first", "last"}
# Words a paraphrase may bring or drop freely: they add no claim.
_FREE = STOPWORDS | {"also", "whose", "which", "that", "there", "here", "thing", "one", "ones", "way", "part",
                     "type", "kind", "sort", "lot", "number", "place", "time", "area", "people", "person"}


def _tokens(text: str) -> list[str]:
    text = re.sub(r"n[’']t\b", " not", text or "")
    return re.findall(r"[a-z]+", text.lower())


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
    new_all = re.findall(r"[a-z0-9]+", rewrite.lower())
    src_all = re.findall(r"[a-z0-9]+", source.lower())
    new_pairs, src_pairs = Counter(itertools.pairwise(new_all)), Counter(itertools.pairwise(src_all))
    for (a, b), n in new_pairs.items():
        if a in _FREE and b in _FREE:
            continue
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
    return problems
