"""Coverage: which sentences of a document at least one accepted sample covers, and what is left.

A model can only learn facts its training data states. Coverage shows that per sentence: a sample made from a
fact window covers the sentences of its window; any other sample (chunk strategy, imported) covers a sentence of
its chunk when it repeats the sentence's names and numbers and at least half of its content words. Headings, labels
(``facts.is_fact_sentence``) and lines with fewer than three content words carry no facts and are not counted.

``uncovered_spans`` feeds "generate for uncovered sentences only" (``GenerateConfig.only_spans``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from smt_gui.facts import Sentence, content_words, is_fact_sentence, names, numbers, split_sentences
from smt_gui.project import Project

MIN_CONTENT_WORDS = 3


@dataclass
class SentenceCoverage:
    start: int
    end: int
    text: str
    samples: list[int] = field(default_factory=list)  # ids of the accepted samples covering it

    @property
    def covered(self) -> bool:
        return bool(self.samples)


@dataclass
class DocumentCoverage:
    document_id: int
    title: str
    text: str
    sentences: list[SentenceCoverage]  # fact-bearing sentences only

    @property
    def n_covered(self) -> int:
        return sum(s.covered for s in self.sentences)

    @property
    def share(self) -> float:
        return self.n_covered / len(self.sentences) if self.sentences else 0.0

    def uncovered(self) -> list[SentenceCoverage]:
        return [s for s in self.sentences if not s.covered]


@lru_cache(maxsize=64)
def _fact_sentences(text: str) -> tuple[Sentence, ...]:
    return tuple(s for s in split_sentences(text)
                 if is_fact_sentence(s.text) and len(content_words(s.text)) >= MIN_CONTENT_WORDS)


def _states(sample_body: str, sentence: str) -> bool:
    body_words = content_words(sample_body)
    words = content_words(sentence)
    if not words or len(words & body_words) < 0.5 * len(words):
        return False
    lowered = sample_body.lower()
    return all(n.lower() in lowered for n in names(sentence)) and numbers(sentence) <= numbers(sample_body)


def _body(sample: dict[str, Any]) -> str:
    return " ".join(x for x in (sample["question"], sample["answer"], sample["text"]) if x)


def document_coverage(project: Project, document_id: int, statuses: tuple[str, ...] = ("accepted",)) -> DocumentCoverage:
    with project.connect() as conn:
        doc = conn.execute("SELECT id, title, text FROM documents WHERE id = ?", (document_id,)).fetchone()
        if doc is None:
            raise KeyError(f"No document {document_id} in this project.")
        samples = [dict(r) for r in conn.execute(
            f"""SELECT s.id, s.question, s.answer, s.text, s.source_start, s.source_end, c.start_char, c.end_char
                FROM samples s LEFT JOIN chunks c ON c.id = s.chunk_id
                WHERE s.document_id = ? AND s.status IN ({','.join('?' * len(statuses))})""",
            (document_id, *statuses))]
    sentences = [SentenceCoverage(s.start, s.end, s.text) for s in _fact_sentences(doc["text"])]
    for sample in samples:
        if sample["source_start"] is not None:
            for s in sentences:
                if s.start < sample["source_end"] and sample["source_start"] < s.end:
                    s.samples.append(sample["id"])
            continue
        if sample["start_char"] is None:
            continue
        body = _body(sample)
        for s in sentences:
            if sample["start_char"] <= s.start < sample["end_char"] and _states(body, s.text):
                s.samples.append(sample["id"])
    return DocumentCoverage(doc["id"], doc["title"], doc["text"], sentences)


def coverage_summary(project: Project) -> list[dict[str, Any]]:
    """Per document: fact-bearing sentences, how many are covered by accepted samples, and the share."""
    with project.connect() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    rows = []
    for doc_id in ids:
        cov = document_coverage(project, doc_id)
        rows.append({"document_id": doc_id, "title": cov.title, "sentences": len(cov.sentences),
                     "covered": cov.n_covered, "share": cov.share})
    return rows


def uncovered_spans(project: Project, document_ids: list[int] | None = None) -> dict[str, list[list[int]]]:
    """``{document id: [[start, end], ...]}`` of the sentences no accepted sample covers (for generation)."""
    with project.connect() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    out = {}
    for doc_id in ids:
        if document_ids and doc_id not in document_ids:
            continue
        spans = [[s.start, s.end] for s in document_coverage(project, doc_id).uncovered()]
        if spans:
            out[str(doc_id)] = spans
    return out
