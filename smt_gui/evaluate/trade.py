"""The trade a tuned run made: knowledge gained on the documents against general ability kept.

A run that learned the documents and forgot how to answer an easy question is a worse demo than RAG, whatever its
accuracy; the Evaluate tab plots every evaluated run as one point so a user picks the run they want at a glance,
and ``smt eval`` prints the same two figures. Gained: the tuned arm's accuracy minus the base arm's on the same
questions (closed-book). Kept: the change in easy general-knowledge accuracy (0 = all kept), with instruction drift
and generic perplexity beside it.
"""

from __future__ import annotations

from typing import Any

from smt_gui.project import Project


def _row(retention: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    return next((v for k, v in (retention or {}).items() if k.startswith(prefix)), None)


def trade_of(accuracy: dict[str, float], retention: dict[str, Any] | None) -> dict[str, Any] | None:
    """Gained and kept for one finished evaluation: None unless it scored base and tuned and measured retention."""
    knowledge = _row(retention or {}, "general knowledge")
    if knowledge is None or "base" not in accuracy or "tuned" not in accuracy:
        return None
    drift = _row(retention, "instruction drift") or {}
    generic = _row(retention, "generic text") or {}
    return {"gained": accuracy["tuned"] - accuracy["base"], "kept": knowledge["change"],
            "base": accuracy["base"], "tuned": accuracy["tuned"], "general_base": knowledge["base"],
            "general_tuned": knowledge["tuned"], "drift": drift.get("change"), "perplexity_change": generic.get("change")}


def trade_points(project: Project) -> list[dict[str, Any]]:
    """One point per finished evaluation that scored base and tuned with retention, newest first."""
    from smt_gui.evaluate.job import list_evaluations

    points = []
    for job in list_evaluations(project):
        if job["status"] != "done":
            continue
        accuracy = (job["progress"].get("result") or {}).get("accuracy") or {}
        point = trade_of(accuracy, job["progress"].get("retention"))
        if point:
            points.append({"job_id": job["id"], "run": job["config"].get("run"), **point})
    return points
