"""Progress out of the training process: a JSONL the UI tails for the loss chart, and the run's row in the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    path = Path(run_dir) / "metrics.jsonl"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line being written right now
    # after a resume, steps logged before the checkpoint appear twice: keep the latest value per step
    by_step = {r["step"]: r for r in rows}
    return [by_step[s] for s in sorted(by_step)]


def record_final_metrics(run_dir: Path, final: dict[str, Any]) -> None:
    """Store the run's final metrics in the project database (the run folder lives in PROJECT/runs/); how the run
    ended is its job's status."""
    from smt_gui.project import Project, utc_now

    project_root = run_dir.parent.parent
    if not (project_root / "smt.sqlite").exists():
        return
    project = Project(project_root)
    now = utc_now()
    with project.connect() as conn:
        row = conn.execute("SELECT id FROM runs WHERE name = ?", (run_dir.name,)).fetchone()
        if row is None:
            return
        conn.execute("UPDATE runs SET updated_at = ? WHERE id = ?", (now, row["id"]))
        for name, value in final.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                conn.execute("INSERT INTO metrics(run_id, step, name, value, at) VALUES (?, ?, ?, ?, ?)",
                             (row["id"], final.get("step"), name, float(value), now))
