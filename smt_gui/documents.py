"""Documents, their chunks and their held-out eval questions in the project store.

Imports go one way: ``smt_gui.ingest`` (parsing, chunking) writes through this module, which never imports it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smt_gui.project import Project, utc_now

if TYPE_CHECKING:
    from smt_gui.ingest.base import ParsedDocument


@dataclass
class Chunk:
    """A chunk of a document: an exact character span of its text, with its token count."""

    idx: int
    text: str
    start_char: int
    end_char: int
    n_tokens: int


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    source_name: str
    source_kind: str
    n_words: int
    n_tokens: int
    n_chunks: int
    n_questions: int
    created_at: str


# A CJK character is a word of its own (Chinese and Japanese do not put spaces between words).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def content_hash(text: str) -> str:
    """Hash of the text with whitespace collapsed, so the same content re-saved or re-wrapped is a duplicate."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().lower().encode("utf-8")).hexdigest()


def _insert_chunks(conn, doc_id: int, chunks: list[Chunk]) -> None:
    conn.executemany(
        "INSERT INTO chunks(document_id, idx, text, start_char, end_char, n_tokens) VALUES (?, ?, ?, ?, ?, ?)",
        [(doc_id, c.idx, c.text, c.start_char, c.end_char, c.n_tokens) for c in chunks],
    )


def find_by_hash(project: Project, digest: str) -> tuple[int, str] | None:
    with project.connect() as conn:
        row = conn.execute("SELECT id, title FROM documents WHERE content_hash = ?", (digest,)).fetchone()
    return (row["id"], row["title"]) if row else None


def add_document(
    project: Project, doc: ParsedDocument, source_name: str, chunks: list[Chunk], n_tokens: int
) -> int | None:
    """Store a document with its chunks and questions in one transaction; None if its content is already there."""
    digest = content_hash(doc.text)
    now = utc_now()
    with project.connect() as conn:
        cursor = conn.execute(
            """INSERT INTO documents(title, source_name, source_kind, external_id, content_hash, text,
                                     n_chars, n_words, n_tokens, meta, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_hash) DO NOTHING""",
            (doc.title, source_name, doc.source_kind, doc.external_id, digest, doc.text, len(doc.text),
             count_words(doc.text), n_tokens, json.dumps(doc.meta, default=str), now),
        )
        if cursor.rowcount == 0:
            return None
        doc_id = cursor.lastrowid
        _insert_chunks(conn, doc_id, chunks)
        conn.executemany(
            """INSERT INTO eval_questions(document_id, external_id, question, options, answer_index, answer, meta)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [(doc_id, q.external_id, q.question, json.dumps(q.options) if q.options else None, q.answer_index,
              q.answer, json.dumps(q.meta, default=str)) for q in doc.questions],
        )
    return doc_id


def list_documents(project: Project) -> list[DocumentRow]:
    with project.connect() as conn:
        rows = conn.execute(
            """SELECT d.id, d.title, d.source_name, d.source_kind, d.n_words, d.n_tokens, d.created_at,
                      (SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id) AS n_chunks,
                      (SELECT COUNT(*) FROM eval_questions q WHERE q.document_id = d.id) AS n_questions
               FROM documents d ORDER BY d.id"""
        ).fetchall()
    return [DocumentRow(**dict(row)) for row in rows]


def get_document_text(project: Project, doc_id: int) -> tuple[str, str] | None:
    with project.connect() as conn:
        row = conn.execute("SELECT title, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return (row["title"], row["text"]) if row else None


def get_chunks(project: Project, doc_id: int) -> list[Chunk]:
    with project.connect() as conn:
        rows = conn.execute(
            "SELECT idx, text, start_char, end_char, n_tokens FROM chunks WHERE document_id = ? ORDER BY idx",
            (doc_id,),
        ).fetchall()
    return [Chunk(**dict(row)) for row in rows]


def list_eval_questions(project: Project, doc_id: int | None = None) -> list[dict]:
    query = "SELECT id, document_id, external_id, question, options, answer_index, answer FROM eval_questions"
    args: tuple = ()
    if doc_id is not None:
        query += " WHERE document_id = ?"
        args = (doc_id,)
    with project.connect() as conn:
        rows = conn.execute(query + " ORDER BY id", args).fetchall()
    return [{**dict(r), "options": json.loads(r["options"]) if r["options"] else None} for r in rows]


def delete_documents(project: Project, doc_ids: list[int]) -> int:
    """Delete documents with their chunks, eval questions and samples; returns how many were deleted."""
    with project.connect() as conn:
        return sum(conn.execute("DELETE FROM documents WHERE id = ?", (i,)).rowcount for i in doc_ids)


def replace_chunks(project: Project, doc_id: int, chunks: list[Chunk]) -> None:
    with project.connect() as conn:
        conn.execute("DELETE FROM chunks WHERE document_id = ?", (doc_id,))
        _insert_chunks(conn, doc_id, chunks)
