"""Synthetic data generation: QAs, Focal Rewriting and plain rewrites, as resumable jobs.

Python use::

    from smt_gui.generate import GenerateConfig, generate
    summary = generate(project, GenerateConfig(kinds=["qa", "focal_rewrite"], qa_per_chunk=3))
"""

from __future__ import annotations

from typing import Any

from smt_gui.generate.job import KINDS, GenerateConfig, generation_target
from smt_gui.jobs import JobContext, create_job, get_job, refuse_if_busy, run_job, start_job
from smt_gui.llm import Backend
from smt_gui.project import Project

__all__ = ["KINDS", "GenerateConfig", "failures", "generate", "newest_samples", "resume_generation", "sample_stats", "start_generation"]


def start_generation(project: Project, config: GenerateConfig, backend: Backend | None = None) -> JobContext:
    """Create a generation job and run it in a background thread (the app's path); one at a time per project."""
    refuse_if_busy(project, "generate", "Generation")
    job_id = create_job(project, "generate", config.validate().to_dict())
    return start_job(project, job_id, generation_target(backend))


def resume_generation(project: Project, job_id: int, background: bool = True,
                      backend: Backend | None = None) -> JobContext | str:
    """Run an interrupted/cancelled/failed generation job again; finished units are skipped."""
    job = get_job(project, job_id)
    if job["kind"] != "generate":
        raise ValueError(f"Job {job_id} is a {job['kind']} job, not a generation job.")
    if job["status"] == "done":
        raise ValueError(f"Generation job {job_id} already finished: nothing to resume (start a new round instead).")
    refuse_if_busy(project, "generate", "Generation")
    if background:
        return start_job(project, job_id, generation_target(backend))
    return run_job(project, job_id, generation_target(backend))


def generate(project: Project, config: GenerateConfig, backend: Backend | None = None) -> dict[str, Any]:
    """Run a generation job in this thread (the CLI's path); returns the job record. ``backend``: use this one
    instead of building the config's (tests and benchmarks pass a loaded or scripted backend)."""
    refuse_if_busy(project, "generate", "Generation")
    job_id = create_job(project, "generate", config.validate().to_dict())
    run_job(project, job_id, generation_target(backend))
    return get_job(project, job_id)


def sample_stats(project: Project) -> list[dict[str, Any]]:
    """Synthetic tokens and sample counts per kind and document (for the token chart)."""
    with project.connect() as conn:
        rows = conn.execute(
            """SELECT s.kind, d.title, COUNT(*) AS n, SUM(s.n_tokens) AS tokens
               FROM samples s LEFT JOIN documents d ON d.id = s.document_id
               GROUP BY s.kind, d.title ORDER BY d.title, s.kind"""
        ).fetchall()
    return [dict(r) for r in rows]


def newest_samples(project: Project, limit: int = 8) -> list[dict[str, Any]]:
    with project.connect() as conn:
        rows = conn.execute(
            """SELECT s.id, s.kind, d.title, s.question, s.answer, s.text, s.n_tokens FROM samples s
               LEFT JOIN documents d ON d.id = s.document_id ORDER BY s.id DESC LIMIT ?""", (limit,)
        ).fetchall()
    return [dict(r) for r in rows]


def failures(project: Project, limit: int = 50) -> list[dict[str, Any]]:
    with project.connect() as conn:
        rows = conn.execute(
            """SELECT unit_key, kind, status, n_samples, n_requested, attempts, error, raw FROM generation_log
               WHERE status != 'ok' OR error IS NOT NULL ORDER BY id DESC LIMIT ?""",
            (limit,),
        ).fetchall()
    return [dict(r) for r in rows]
