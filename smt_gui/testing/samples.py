"""Insert realistic samples straight into a project's store (what a generation job would write)."""

from __future__ import annotations

import hashlib
import json

from smt_gui.project import Project, utc_now


def insert_sample(project: Project, kind: str, document_id: int, chunk_id: int | None = None, question: str | None = None,
                  answer: str | None = None, text: str | None = None, status: str = "pending", n_tokens: int = 20) -> int:
    now = utc_now()
    with project.connect() as conn:
        cursor = conn.execute(
            """INSERT INTO samples(kind, document_id, chunk_id, question, answer, text, original, status, n_tokens,
                                   generator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (kind, document_id, chunk_id, question, answer, text,
             json.dumps({"question": question, "answer": answer, "text": text}), status, n_tokens,
             json.dumps({"kind": "test", "prompt_version": "qa-v1"}), now, now),
        )
    return int(cursor.lastrowid)


def first_chunk(project: Project, title: str) -> tuple[int, int, str]:
    with project.connect() as conn:
        row = conn.execute("""SELECT d.id, c.id, c.text FROM documents d JOIN chunks c ON c.document_id = d.id
                              WHERE d.title = ? ORDER BY c.idx LIMIT 1""", (title,)).fetchone()
    return row[0], row[1], row[2]


def fingerprint(project: Project) -> str:
    """A digest of everything a user made: documents, chunks, eval questions and samples with their curation."""
    with project.connect() as conn:
        rows = [list(map(tuple, conn.execute(q))) for q in (
            "SELECT id, title, content_hash FROM documents ORDER BY id",
            "SELECT id, document_id, text FROM chunks ORDER BY id",
            "SELECT id, question, answer FROM eval_questions ORDER BY id",
            "SELECT id, kind, question, answer, text, status, edited_at FROM samples ORDER BY id")]
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
