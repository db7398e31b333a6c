"""Background jobs with progress, cancel and resume, recorded in the project's ``jobs`` table.

Generation and evaluation jobs run in a thread of the app (or the CLI); a training job runs in the worker
subprocess, which writes its own status and progress into the same table (``update_job``). One kind of record, one
"interrupted" rule (the recorded process is gone), one "one at a time" rule (``refuse_if_busy``).

A job's *work* must be idempotent per unit (see ``generation_log``), so resuming simply runs the same config again
under the same job id and skips finished units. A job row left ``running`` by a process that died (kill -9, power
cut) is reported as ``interrupted`` and can be resumed the same way.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smt_gui.project import Project, utc_now

ACTIVE = ("queued", "running")


class JobCancelled(Exception):
    """Raised inside a job when the user pressed Cancel; the job stops between units."""


class JobBusy(ValueError):
    """A job of the same kind is still running in this project: one at a time (the message names it)."""


@dataclass
class JobContext:
    project: Project
    job_id: int
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise JobCancelled

    def report(self, **progress: Any) -> None:
        """Merge ``progress`` into the job's stored progress (read by the UI's poller and the CLI)."""
        with self.project.connect() as conn:
            row = conn.execute("SELECT progress FROM jobs WHERE id = ?", (self.job_id,)).fetchone()
            merged = {**json.loads(row["progress"] or "{}"), **progress}
            conn.execute("UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(merged, default=str), utc_now(), self.job_id))


JobTarget = Callable[[JobContext, dict[str, Any]], dict[str, Any]]

# Jobs alive in this process, by (database path, job id).
_live: dict[tuple[str, int], tuple[threading.Thread, JobContext]] = {}
_live_lock = threading.Lock()


def create_job(project: Project, kind: str, config: dict[str, Any]) -> int:
    now = utc_now()
    with project.connect() as conn:
        cursor = conn.execute(
            "INSERT INTO jobs(kind, status, config, progress, created_at, updated_at) VALUES (?, 'queued', ?, ?, ?, ?)",
            (kind, json.dumps(config, default=str), json.dumps({"pid": os.getpid()}), now, now),
        )
    return int(cursor.lastrowid)


def _set_status(project: Project, job_id: int, status: str, error: str | None = None) -> None:
    with project.connect() as conn:
        conn.execute("UPDATE jobs SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                     (status, error, utc_now(), job_id))


def run_job(project: Project, job_id: int, target: JobTarget, context: JobContext | None = None) -> str:
    """Run a job in the current thread and record how it ended; returns the final status."""
    context = context or JobContext(project, job_id)
    _set_status(project, job_id, "running")
    context.report(pid=os.getpid(), thread=threading.get_ident())
    config = get_job(project, job_id)["config"]
    try:
        result = target(context, config)
    except JobCancelled:
        _set_status(project, job_id, "cancelled")
        return "cancelled"
    except Exception as exc:
        context.report(traceback=traceback.format_exc(limit=5))
        _set_status(project, job_id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    context.report(result=result)
    _set_status(project, job_id, "done")
    return "done"


def start_job(project: Project, job_id: int, target: JobTarget) -> JobContext:
    """Run a job in a background thread; returns its context (``cancel_event`` stops it)."""
    key = (str(project.db_path), job_id)
    with _live_lock:
        if key in _live and _live[key][0].is_alive():
            return _live[key][1]
        context = JobContext(project, job_id)
        thread = threading.Thread(target=run_job, args=(project, job_id, target, context), daemon=True,
                                  name=f"smt-job-{job_id}")
        _live[key] = (thread, context)
        _set_status(project, job_id, "queued")
        thread.start()
    return context


def cancel_job(project: Project, job_id: int) -> bool:
    """Ask a running job to stop after its current unit (a generation item, a training step, which then saves a
    checkpoint); False if it is not running. A job of this process gets its cancel event; one in a process group
    of its own (the training worker, torchrun's ranks) gets SIGTERM, which the worker turns into a stop."""
    entry = _live.get((str(project.db_path), job_id))
    if entry and entry[0].is_alive():
        entry[1].cancel_event.set()
        return True
    job = get_job(project, job_id)
    pgid = job["progress"].get("pgid")
    if job["status"] not in ACTIVE or not pgid:
        return False
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def is_live(project: Project, job_id: int) -> bool:
    entry = _live.get((str(project.db_path), job_id))
    return bool(entry and entry[0].is_alive())


def wait_job(project: Project, job_id: int, timeout: float | None = None) -> None:
    entry = _live.get((str(project.db_path), job_id))
    if entry:
        entry[0].join(timeout)


def pid_alive(pid: int | None) -> bool:
    """Whether a process is running (a zombie, exited but not yet reaped by its parent, is not)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return True


def get_job(project: Project, job_id: int) -> dict[str, Any]:
    with project.connect() as conn:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise KeyError(f"No job {job_id} in this project.")
    job = dict(row)
    job["config"] = json.loads(job["config"] or "{}")
    job["progress"] = json.loads(job["progress"] or "{}")
    if job["status"] in ACTIVE and not is_live(project, job_id):
        pid = job["progress"].get("pid")
        # Another process (the CLI, another app) may legitimately be running it; otherwise it died mid-way.
        if pid == os.getpid() or not pid_alive(pid):
            job["status"] = "interrupted"
    return job


def active_job(project: Project, kind: str) -> dict[str, Any] | None:
    """The job of this kind still queued or running (in this process or another live one), if any."""
    with project.connect() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE kind = ? AND status IN ('queued', 'running') "
                                          "ORDER BY id DESC", (kind,))]
    for job_id in ids:
        job = get_job(project, job_id)
        if job["status"] in ACTIVE:
            return job
    return None


def refuse_if_busy(project: Project, kind: str, what: str) -> None:
    """Raise ``JobBusy`` when a job of ``kind`` is running: the UI and the CLI get the same rule and message."""
    job = active_job(project, kind)
    if job is not None:
        raise JobBusy(f"{what} job {job['id']} is still running; cancel it (or wait for it) first.")


def update_job(project: Project, job_id: int, status: str | None = None, **progress: Any) -> None:
    """Merge ``progress`` into a job's record and set its status: how a job running in another process (the
    training worker) reports, through the same table as the in-process jobs."""
    with project.connect() as conn:
        row = conn.execute("SELECT progress FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return
        merged = {**json.loads(row["progress"] or "{}"), **progress}
        if status is None:
            conn.execute("UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(merged, default=str), utc_now(), job_id))
        else:
            conn.execute("UPDATE jobs SET progress = ?, status = ?, error = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(merged, default=str), status, progress.get("error"), utc_now(), job_id))


def latest_job(project: Project, kind: str) -> dict[str, Any] | None:
    with project.connect() as conn:
        row = conn.execute("SELECT id FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)).fetchone()
    return get_job(project, row["id"]) if row else None
