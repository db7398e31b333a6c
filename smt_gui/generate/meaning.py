"""Does a rewrite still say what its source says? Checks on content words and the words that turn a meaning round.

Names and numbers are checked elsewhere (``facts``). A small model's typical flips keep every name and number:
"served in *glass* mugs" for "enamel mugs", "is *not* allowed to carry livestock" for "is the only ship allowed
to", "*all* ships" for "two ships". So a sentence rewrite is rejected, with the reason, when it

* negates what the source affirms or the other way round (``not``, ``never``, ``no``, ``without``, ...);
* drops or adds a word that limits a claim (``only``, ``except``, ``all``, ``every``, ``always``, ...);
* drops a modal ("should be put in writing" -> "were put in writing" states a past fact, not a rule);
* swaps a content word for another, or drops one: a noun or adjective of the source is missing (while the rewrite
  may bring one the source lacks); compared as lemmas, so "mug" and "mugs" are the same word (lemminflect).

Verbs may change (that is what paraphrase is), unless a negation comes with it.
"""

from __future__ import annotations

import itertools
import re

from smt_gui.facts import STOPWORDS
from smt_gui.generate.question_forms import _is_inflected_verb, _lemmas

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
    forms = _lemmas(word)
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
        forms = _lemmas(word)
        if forms and not ({"NOUN", "ADJ", "PROPN"} & set(forms)):
            continue
        if _is_inflected_verb(word):
            continue  # "owns", "holds": verbs, which a paraphrase may change
        out.setdefault(lemma(word), word)
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
    for a, b in itertools.pairwise(new):
        if a in _FREE or b in _FREE:
            continue
        pair = f" {a} {b} "
        if f" {' '.join(new)} ".count(pair) > max(1, f" {' '.join(src)} ".count(pair)):
            problems.append(f"repeats '{a} {b}'")
            break
    source_words = _content_lemmas(source)
    rewrite_words = _content_lemmas(rewrite)
    known = set(source_words) | set(_content_lemmas(context)) | {lemma(w) for w in src}
    missing = [w for lem, w in source_words.items() if lem not in rewrite_words and lem not in {lemma(x) for x in new}]
    brought = [w for lem, w in rewrite_words.items() if lem not in known]
    if missing and brought:
        problems.append(f"swaps '{missing[0]}' for '{brought[0]}'")
    elif missing:
        problems.append("drops " + ", ".join(f"'{w}'" for w in missing[:3]))
    return problems
