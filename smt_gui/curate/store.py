"""Finding, paging and changing samples. Every change is stored at once with its time, and can be undone."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from smt_gui.project import Project, utc_now

STATUSES = ("pending", "accepted", "rejected")
SPLITS = ("train", "eval")  # eval = held out: asked in the Evaluate tab, never trained on
SORTS = {
    "newest": "s.id DESC",
    "oldest": "s.id ASC",
    "tokens": "s.n_tokens DESC",
    "near-duplicate score": "json_extract(s.scores, '$.near_duplicate.score') DESC",
    "grounding score": "json_extract(s.scores, '$.grounding.score') ASC",
    "leakage score": "json_extract(s.scores, '$.leakage.score') DESC",
}
EDITABLE = ("question", "answer", "text")


@dataclass
class SampleFilter:
    kind: str | None = None
    document_id: int | None = None
    status: str | None = None
    split: str | None = None  # train | eval
    # Written by the model ("model") or built by code ("template"), or kept as written ("copy"): a QA's question,
    # a rewrite's (focal) sentence
    question_source: str | None = None
    search: str = ""
    score_name: str | None = None  # near_duplicate | grounding | leakage | format
    score_min: float | None = None
    score_max: float | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, args = [], []
        if self.kind:
            clauses.append("s.kind = ?")
            args.append(self.kind)
        if self.document_id is not None:
            clauses.append("s.document_id = ?")
            args.append(self.document_id)
        if self.status:
            clauses.append("s.status = ?")
            args.append(self.status)
        if self.split:
            clauses.append("s.split = ?")
            args.append(self.split)
        if self.question_source:
            clauses.append("COALESCE(json_extract(s.generator, '$.question_source'), "
                           "json_extract(s.generator, '$.rewrite_source')) = ?")
            args.append(self.question_source)
        if self.search.strip():
            like = f"%{self.search.strip()}%"
            clauses.append("(s.question LIKE ? OR s.answer LIKE ? OR s.text LIKE ?)")
            args += [like, like, like]
        if self.score_name:
            path = f"$.{self.score_name}.score"
            clauses.append("json_extract(s.scores, ?) IS NOT NULL")
            args.append(path)
            if self.score_min is not None:
                clauses.append("json_extract(s.scores, ?) >= ?")
                args += [path, self.score_min]
            if self.score_max is not None:
                clauses.append("json_extract(s.scores, ?) <= ?")
                args += [path, self.score_max]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def query_samples(project: Project, flt: SampleFilter | None = None, page: int = 1, page_size: int = 50,
                  sort: str = "newest") -> tuple[list[dict[str, Any]], int]:
    """One page of samples matching the filter, and how many match in all."""
    where, args = (flt or SampleFilter()).where()
    order = SORTS.get(sort, SORTS["newest"])
    page = max(1, page)
    with project.connect() as conn:
        total = conn.execute(f"SELECT COUNT(*) FROM samples s{where}", args).fetchone()[0]
        rows = conn.execute(
            f"""SELECT s.id, s.kind, s.status, s.document_id, d.title, s.question, s.answer, substr(s.text, 1, 400) AS text,
                       s.n_tokens, s.scores, s.edited_at, s.split
                FROM samples s LEFT JOIN documents d ON d.id = s.document_id{where}
                ORDER BY {order}, s.id DESC LIMIT ? OFFSET ?""",
            [*args, page_size, (page - 1) * page_size],
        ).fetchall()
    return [{**dict(r), "scores": json.loads(r["scores"] or "{}")} for r in rows], total


def matching_ids(project: Project, flt: SampleFilter) -> list[int]:
    where, args = flt.where()
    with project.connect() as conn:
        return [r[0] for r in conn.execute(f"SELECT s.id FROM samples s{where} ORDER BY s.id", args)]


def get_sample(project: Project, sample_id: int) -> dict[str, Any] | None:
    with project.connect() as conn:
        row = conn.execute(
            """SELECT s.*, d.title, c.text AS chunk_text FROM samples s
               LEFT JOIN documents d ON d.id = s.document_id LEFT JOIN chunks c ON c.id = s.chunk_id
               WHERE s.id = ?""", (sample_id,)
        ).fetchone()
    if row is None:
        return None
    sample = dict(row)
    for key in ("scores", "generator", "original"):
        sample[key] = json.loads(sample[key]) if sample[key] else {}
    return sample


def _record(conn, sample_id: int, action: str, before: dict[str, Any], batch: str, now: str) -> None:
    conn.execute("INSERT INTO sample_events(sample_id, action, before, at, batch) VALUES (?, ?, ?, ?, ?)",
                 (sample_id, action, json.dumps(before), now, batch))


def _set_column(project: Project, sample_ids: list[int], column: str, value: str, action: str,
                only_qas: bool = False) -> int:
    """Set ``column`` (status or split) of many samples as one undoable change; returns how many changed."""
    batch, now, changed = uuid.uuid4().hex, utc_now(), 0
    kind = " AND kind = 'qa'" if only_qas else ""
    with project.connect() as conn:
        for start in range(0, len(sample_ids), 500):
            chunk = sample_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT id, {column} AS old FROM samples WHERE id IN ({marks}) AND {column} != ?{kind}",
                                [*chunk, value]).fetchall()
            conn.executemany("INSERT INTO sample_events(sample_id, action, before, at, batch) VALUES (?, ?, ?, ?, ?)",
                             [(r["id"], action, json.dumps({column: r["old"]}), now, batch) for r in rows])
            conn.executemany(f"UPDATE samples SET {column} = ?, updated_at = ? WHERE id = ?",
                             [(value, now, r["id"]) for r in rows])
            changed += len(rows)
    return changed


def set_status(project: Project, sample_ids: list[int], status: str) -> int:
    """Accept/reject/reset many samples as one undoable change; returns how many changed."""
    if status not in STATUSES:
        raise ValueError(f"Status must be one of {', '.join(STATUSES)}.")
    return _set_column(project, sample_ids, "status", status, status)


def set_split(project: Project, sample_ids: list[int], split: str) -> int:
    """Hold samples out for evaluation (``eval``) or put them back into training (``train``): one undoable change.
    Only QAs can be eval items (a question with its answer)."""
    if split not in SPLITS:
        raise ValueError(f"Split must be one of {', '.join(SPLITS)}.")
    return _set_column(project, sample_ids, "split", split, f"split:{split}", only_qas=True)


HOLDOUT_SHARE = 0.2  # the share of each document's accepted QAs the Curate tab offers to hold out


def hold_out(project: Project, share: float, seed: int = 0, document_ids: list[int] | None = None) -> int:
    """Hold out ``share`` of each document's accepted training QAs (chosen with ``seed``) as the project's own eval
    set; one undoable change. Returns how many were held out."""
    import random

    if not 0 < share < 1:
        raise ValueError("The held-out share must be between 0 and 1 (e.g. 0.2 for 20%).")
    with project.connect() as conn:
        rows = conn.execute("SELECT id, document_id FROM samples WHERE kind = 'qa' AND status = 'accepted' "
                            "AND split = 'train' ORDER BY id").fetchall()
    by_doc: dict[int, list[int]] = {}
    for r in rows:
        if document_ids is None or r["document_id"] in document_ids:
            by_doc.setdefault(r["document_id"], []).append(r["id"])
    rng = random.Random(seed)
    chosen = [i for ids in by_doc.values() for i in rng.sample(ids, round(share * len(ids)))]
    return set_split(project, chosen, "eval")


def edit_sample(project: Project, sample_id: int, **fields: str | None) -> None:
    """Change a sample's text in place. The generated text stays in ``original``; the edit is undoable."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Only {', '.join(EDITABLE)} can be edited.")
    sample = get_sample(project, sample_id)
    if sample is None:
        raise KeyError(f"No sample {sample_id}.")
    changes = {k: v for k, v in fields.items() if v != sample[k]}
    if not changes:
        return
    now = utc_now()
    from smt_gui.tokenizers import count_tokens

    merged = {k: changes.get(k, sample[k]) for k in EDITABLE}
    n_tokens = count_tokens(" ".join(v for v in (merged["question"] if sample["kind"] == "qa" else None,
                                                  merged["answer"], merged["text"]) if v))
    with project.connect() as conn:
        original = sample["original"] or {k: sample[k] for k in EDITABLE}
        _record(conn, sample_id, "edit", {**{k: sample[k] for k in changes}, "n_tokens": sample["n_tokens"],
                                         "edited_at": sample["edited_at"]}, uuid.uuid4().hex, now)
        assignments = ", ".join(f"{k} = ?" for k in changes)
        conn.execute(f"UPDATE samples SET {assignments}, original = ?, n_tokens = ?, edited_at = ?, updated_at = ? "
                     "WHERE id = ?", [*changes.values(), json.dumps(original), n_tokens, now, now, sample_id])


def undo_last(project: Project) -> int:
    """Revert the most recent change (one click, one bulk action or one edit); returns how many samples reverted."""
    with project.connect() as conn:
        last = conn.execute("SELECT batch FROM sample_events ORDER BY id DESC LIMIT 1").fetchone()
        if last is None:
            return 0
        events = conn.execute("SELECT id, sample_id, before FROM sample_events WHERE batch = ? ORDER BY id DESC",
                              (last["batch"],)).fetchall()
        now = utc_now()
        for event in events:
            before = json.loads(event["before"])
            assignments = ", ".join(f"{k} = ?" for k in before)
            conn.execute(f"UPDATE samples SET {assignments}, updated_at = ? WHERE id = ?",
                         [*before.values(), now, event["sample_id"]])
        conn.execute("DELETE FROM sample_events WHERE batch = ?", (last["batch"],))
    return len(events)


def status_counts(project: Project) -> list[dict[str, Any]]:
    """Samples and tokens per kind and status; held-out eval QAs are counted as their own status "eval"."""
    with project.connect() as conn:
        rows = conn.execute("SELECT kind, CASE WHEN split = 'eval' THEN 'eval' ELSE status END AS status, COUNT(*) AS n, "
                            "SUM(n_tokens) AS tokens FROM samples GROUP BY 1, 2 ORDER BY 1, 2").fetchall()
    return [dict(r) for r in rows]


def all_scores(project: Project) -> list[dict[str, Any]]:
    with project.connect() as conn:
        rows = conn.execute("SELECT kind, n_tokens, scores FROM samples").fetchall()
    return [{"kind": r["kind"], "n_tokens": r["n_tokens"], "scores": json.loads(r["scores"] or "{}")} for r in rows]
