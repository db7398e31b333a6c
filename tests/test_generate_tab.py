"""The Generate tab's live view: the status line every second, the heavier table, chart and failures every few
seconds while a job runs (redrawing them each second slowed the job on the same cores), all of it once it ends."""

from __future__ import annotations

import os
import time

from smt_gui.ingest import ingest_paths
from smt_gui.jobs import create_job, update_job
from smt_gui.testing.samples import insert_sample
from smt_gui.ui import generate as tab


def skipped(*outputs) -> list[bool]:
    """Which outputs are ``gr.skip()``: the browser keeps showing what it had."""
    return [isinstance(x, dict) and x == {"__type__": "update"} for x in outputs]


def test_a_running_job_shows_its_status_each_tick_and_its_samples_every_few_seconds(project, tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("# Ledger\n\nMirela Stanek keeps the harbour ledger in Quellport.\n")
    ingest_paths(project, [doc])
    with project.connect() as conn:
        doc_id = conn.execute("SELECT id FROM documents").fetchone()[0]
    job = create_job(project, "generate", {})
    # as run by another live process (e.g. `smt generate`): this one has no thread for it
    update_job(project, job, status="running", phase="qa", phase_done=1, phase_total=10, samples=0, pid=os.getppid())
    path = str(project.root)

    status, preview, chart, failures, timer, shown = tab.poll(path)  # first look: everything
    assert "1/10 units" in status and not any(skipped(preview, chart, failures)) and shown is not None

    insert_sample(project, "qa", doc_id, None, "Who keeps the harbour ledger?", "Mirela Stanek keeps it.")
    update_job(project, job, phase_done=2, samples=1)
    status, preview, chart, failures, timer, again = tab.poll(path, shown)  # a second later
    assert "2/10 units" in status and "1 samples" in status, status  # the status line is always fresh...
    assert all(skipped(preview, chart, failures)) and again == shown  # ...the rest waits
    assert timer.active

    status, preview, *_ , later = tab.poll(path, shown - tab.DETAIL_EVERY_S)  # a few seconds later
    assert "Who keeps the harbour ledger?" in preview.to_string() and later > shown

    update_job(project, job, status="done", phase_done=10)
    status, preview, chart, failures, timer, _ = tab.poll(path, time.monotonic())  # the end: all of it at once
    assert "done" in status and not any(skipped(preview, chart, failures)) and not timer.active
    assert "Who keeps the harbour ledger?" in preview.to_string()
