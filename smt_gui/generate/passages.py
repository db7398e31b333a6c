"""Focal documents: a section of several sentences, stitched in source order from checked sentence rewrites.

The paper's synthetic documents are passages rewritten with the focus on a question. A weak generator asked to
rewrite a whole passage invents and flips facts; asked to rewrite one sentence, its output can be checked word by
word (``meaning.meaning_changes``). So a focal rewrite is made in two steps:

1. the model rewrites the question's own sentence, conditioned on the question, and the rewrite is checked
   (``kinds.FocalRewrites``);
2. ``stitch_focal_documents`` then builds the document: the section around that sentence (its paragraph from
   the first sentence, joined by the next paragraphs when short, never across a heading; at most
   ``SECTION_SENTENCES``), the focal sentence's rewrite first, the others in source order, with the focal
   sentence replaced by
   its rewrite and each other sentence either as written or by one of the checked rewrites the project already
   has for it (focal or plain, not rejected), picked by a seed; a draw that repeats another focal document of
   the project word for word is drawn again, so the documents of one section differ.

Every sentence of a focal document is thus either the source's own or a rewrite that passed the meaning checks;
``generator.parts`` records which, so Curate can say where each sentence came from; the sample's
``source_text`` is the section's sentences in the document's order, so the checks compare like with like. The sentence rewrite itself
is kept in ``generator.sentence_rewrite``.
"""

from __future__ import annotations

import bisect
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smt_gui.facts import Sentence, is_fact_sentence, paragraph_starts, plain, split_sentences
from smt_gui.project import Project

SECTION_SENTENCES = 6  # at most this many sentences per focal document: a short section, not the whole chunk
MIN_SENTENCES = 3  # a shorter paragraph is joined by the next ones of its section


@dataclass(frozen=True)
class Part:
    start: int
    end: int
    text: str
    origin: str  # "focal" (this sample's rewrite), "rewrite #id", or "source"
    source: str = ""  # the sentence as the document writes it


def section(text: str, start: int, end: int, limit: int = SECTION_SENTENCES,
            sentences: list[Sentence] | None = None) -> list[Sentence]:
    """The focus sentence's paragraph, from its first sentence (which says who "she" and "it" are), and the
    following paragraphs while it has fewer than ``MIN_SENTENCES`` and no heading, label or table line comes between.

    At most ``limit`` sentences; a long paragraph is cut after the focus, never before its opener.
    """
    sentences = sentences if sentences is not None else split_sentences(text)
    starts = paragraph_starts(text)
    paragraphs: list[list[Sentence]] = []
    current = -1
    for s in sentences:
        index = bisect.bisect_right(starts, s.start) - 1
        if not is_fact_sentence(s.text):
            paragraphs.append([])  # a heading or label line: a section boundary
            current = -2
            continue
        if index != current:
            paragraphs.append([])
            current = index
        paragraphs[-1].append(s)
    for p, paragraph in enumerate(paragraphs):
        inside = [i for i, s in enumerate(paragraph) if s.start < end and start < s.end]
        if not inside:
            continue
        run = list(paragraph)
        for following in paragraphs[p + 1:]:
            if len(run) >= MIN_SENTENCES or not following:
                break
            run += following
        return run[: max(limit, inside[-1] + 1)]
    return []


_PRONOUN_START = re.compile(r"^(?:he|she|it|they|this|these|his|her|its|their)\b", re.IGNORECASE)
# A sentence that says "she"/"her" for what an earlier sentence named: put first, the pronoun would name nothing
# ("She carries up to ninety-six passengers …" before "The cooperative owns one vessel, the Marigold Prentice").
_PRONOUN_ANYWHERE = re.compile(r"\b(?:he|she|it|they|him|them|his|her|its|their)\b", re.IGNORECASE)


def stitch(sentences: list[Sentence], focus: tuple[int, int], focal_text: str,
           rewrites: dict[tuple[int, int], list[tuple[int, str]]], seed: str) -> list[Part]:
    """Parts of a focal document: the focal rewrite first (what the question asks leads the document), then the
    section's other sentences in source order, each as written or one of its rewrites.

    The focal sentence stays in its place when the sentence after it starts with "she", "it", ... (moving it
    would hand the pronoun to another sentence's subject), and when the source sentence itself says "she", "her",
    "it", ... and is not the section's first (moved first, the pronoun would come before what it stands for).
    """
    rng = random.Random(seed)
    focal: Part | None = None
    others: list[Part] = []
    keep_order = False
    for i, s in enumerate(sentences):
        if s.start < focus[1] and focus[0] < s.end:
            if focal is None:
                focal = Part(focus[0], focus[1], focal_text, "focal", plain(s.text))
                others.append(focal)
                following = sentences[i + 1] if i + 1 < len(sentences) else None
                keep_order = (following is not None and bool(_PRONOUN_START.match(following.text.strip()))) or (
                    i > 0 and bool(_PRONOUN_ANYWHERE.search(plain(s.text))))
            continue
        options = rewrites.get((s.start, s.end), [])
        pick = rng.randrange(len(options) + 1)  # the sentence as written is one of the choices
        if pick < len(options):
            sample_id, body = options[pick]
            others.append(Part(s.start, s.end, body, f"rewrite #{sample_id}", plain(s.text)))
        else:
            others.append(Part(s.start, s.end, plain(s.text), "source", plain(s.text)))
    if focal is None or keep_order:
        return others
    return [focal] + [p for p in others if p is not focal]


DRAWS = 8  # seeds tried for a focal document that does not repeat another one word for word


def stitch_focal_documents(project: Project, job_id: int | None, count_tokens: Callable[[str], int]) -> int:
    """Turn the job's focal sentence rewrites into focal documents; returns how many were stitched.

    Only samples of ``job_id`` that are still pending and unedited are touched: a sample a person has already
    read keeps its text. Idempotent (a stitched sample records its parts and is skipped), so a resumed job
    stitches what a crash left.
    """
    with project.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            """SELECT id, kind, document_id, text, original, status, generator, job_key, source_start, source_end
               FROM samples
               WHERE kind IN ('focal_rewrite', 'rewrite') AND status != 'rejected' AND source_start IS NOT NULL
               ORDER BY id""")]
        documents = {r["id"]: r["text"] for r in conn.execute(
            "SELECT id, text FROM documents WHERE id IN (SELECT DISTINCT document_id FROM samples)")}
    pool: dict[int, dict[tuple[int, int], list[tuple[int, str]]]] = {}
    todo: list[dict[str, Any]] = []
    for row in rows:
        generator = json.loads(row["generator"] or "{}")
        row["meta"] = generator
        sentence = generator.get("sentence_rewrite", row["text"] if row["kind"] == "rewrite" else None)
        span = tuple(generator.get("sentence_span") or (row["source_start"], row["source_end"]))
        if sentence:
            pool.setdefault(row["document_id"], {}).setdefault(span, []).append((row["id"], sentence))
        unedited = json.loads(row["original"] or "{}").get("text") == row["text"]
        if (row["kind"] == "focal_rewrite" and "parts" not in generator and generator.get("job_id") == job_id
                and row["status"] == "pending" and unedited):
            todo.append(row)
    split_cache: dict[int, list[Sentence]] = {}
    made: dict[int, set[str]] = {}  # focal documents' texts so far, per document (a repeat is drawn again)
    for row in rows:
        if row["kind"] == "focal_rewrite" and "parts" in row["meta"]:
            made.setdefault(row["document_id"], set()).add(row["text"])
    updates = []
    for row in todo:
        text = documents.get(row["document_id"])
        if not text:
            continue
        sentences = split_cache.setdefault(row["document_id"], split_sentences(text))
        focus = (row["source_start"], row["source_end"])
        run = section(text, *focus, sentences=sentences)
        if not run:
            continue
        own = row["meta"].get("sentence_rewrite", row["text"])
        others = {span: [(i, body) for i, body in options if i != row["id"]]
                  for span, options in pool.get(row["document_id"], {}).items() if span != focus}
        seed = row["job_key"] or str(row["id"])
        for draw in range(DRAWS):  # one rewrite per sentence would make every document of a section the same
            parts = stitch(run, focus, own, others, f"{seed}|{draw}")
            body = " ".join(p.text for p in parts)
            if body not in made.setdefault(row["document_id"], set()):
                break
        made[row["document_id"]].add(body)
        source_text = " ".join(p.source for p in parts)  # in the document's order: checks compare like with like
        meta = {**row["meta"], "sentence_rewrite": own, "sentence_span": list(focus),
                "parts": [{"start": p.start, "end": p.end, "origin": p.origin} for p in parts]}
        original = {**json.loads(row["original"] or "{}"), "text": body}
        updates.append((body, json.dumps(original), count_tokens(body),
                        json.dumps(meta), run[0].start, run[-1].end, source_text, row["id"]))
    with project.connect() as conn:
        conn.executemany(
            """UPDATE samples SET text = ?, original = ?, n_tokens = ?,
                      generator = ?, source_start = ?, source_end = ?, source_text = ? WHERE id = ?""", updates)
    return len(updates)
