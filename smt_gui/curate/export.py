"""Export accepted samples (JSONL, Hugging Face ``datasets`` on disk, parquet) and re-import edited JSONL by id."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smt_gui.curate.store import EDITABLE, STATUSES, edit_sample, set_status
from smt_gui.project import Project

FORMATS = ("jsonl", "dataset", "parquet")


def accepted_records(project: Project, statuses: tuple[str, ...] = ("accepted",)) -> list[dict[str, Any]]:
    marks = ",".join("?" * len(statuses))
    with project.connect() as conn:
        rows = conn.execute(
            f"""SELECT s.id, s.kind, s.status, s.question, s.answer, s.text, s.n_tokens, s.document_id,
                       d.title AS document, s.chunk_id, s.generator, s.scores, s.edited_at
                FROM samples s LEFT JOIN documents d ON d.id = s.document_id
                WHERE s.status IN ({marks}) ORDER BY s.id""", statuses
        ).fetchall()
    records = []
    for r in rows:
        record = dict(r)
        record["generator"] = json.loads(record["generator"] or "{}")
        record["scores"] = json.dumps(json.loads(record["scores"] or "{}"))  # a string: stable Arrow schema
        record["edited"] = record.pop("edited_at") is not None
        records.append(record)
    return records


def export_samples(project: Project, fmt: str, out: Path | None = None,
                   statuses: tuple[str, ...] = ("accepted",)) -> Path:
    """Write the samples with the given statuses; returns the file or folder written (under exports/ by default)."""
    if fmt not in FORMATS:
        raise ValueError(f"Export format must be one of {', '.join(FORMATS)}.")
    records = accepted_records(project, statuses)
    if not records:
        raise ValueError("No accepted samples to export yet: accept some in the Curate tab first.")
    suffix = {"jsonl": ".jsonl", "dataset": "", "parquet": ".parquet"}[fmt]
    out = Path(out) if out else project.subdir("exports") / f"samples_{'_'.join(statuses)}{suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        with out.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        return out
    from datasets import Dataset
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()

    for record in records:
        record["generator"] = json.dumps(record["generator"])
    dataset = Dataset.from_list(records)
    if fmt == "dataset":
        dataset.save_to_disk(str(out))
    else:
        dataset.to_parquet(str(out))
    return out


@dataclass
class ImportReport:
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{self.updated} sample(s) updated, {self.unchanged} unchanged, {len(self.problems)} line(s) skipped."]
        return "\n".join(lines + [f"  ⚠ {p}" for p in self.problems[:20]])


def import_jsonl(project: Project, path: Path) -> ImportReport:
    """Apply a JSONL edited elsewhere: lines are matched to samples by ``id``; text fields and status are updated."""
    report = ImportReport()
    with project.connect() as conn:
        known = {r[0]: dict(r) for r in conn.execute("SELECT id, question, answer, text, status FROM samples")}
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            sample_id = int(record["id"])
        except (ValueError, KeyError, TypeError) as exc:
            report.problems.append(f"line {line_no}: not a sample record with an 'id' ({exc})")
            continue
        current = known.get(sample_id)
        if current is None:
            report.problems.append(f"line {line_no}: no sample #{sample_id} in this project")
            continue
        changes = {k: record[k] for k in EDITABLE if k in record and record[k] != current[k]}
        status = record.get("status")
        if status is not None and status not in STATUSES:
            report.problems.append(f"line {line_no}: unknown status {status!r}")
            status = None
        if changes:
            edit_sample(project, sample_id, **changes)
        if status and status != current["status"]:
            set_status(project, [sample_id], status)
        if changes or (status and status != current["status"]):
            report.updated += 1
        else:
            report.unchanged += 1
    return report
