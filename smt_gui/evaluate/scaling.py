"""The scaling curve: tuned accuracy against the synthetic tokens each run trained on, one line per data recipe.

The paper's central plot: accuracy grows roughly log-linearly with synthetic volume, and mixing QAs with focal
rewrites scales best. Points come from the project's finished evaluation jobs that scored a tuned arm; a run's
recipe and synthetic token count are read from the mixture saved with it.
"""

from __future__ import annotations

from typing import Any

from smt_gui.project import Project

SYNTHETIC_KINDS = ("qa", "focal_rewrite", "rewrite")
RECIPES = ("QA only", "docs only", "mixed", "mixed + focal")


def recipe_of(tokens_by_kind: dict[str, int]) -> str:
    """Name a run's data recipe from the token counts of its mixture."""
    qa = tokens_by_kind.get("qa", 0) > 0
    focal = tokens_by_kind.get("focal_rewrite", 0) > 0
    docs = focal or tokens_by_kind.get("rewrite", 0) > 0 or tokens_by_kind.get("document", 0) > 0
    if qa and focal:
        return "mixed + focal"
    if qa and docs:
        return "mixed"
    return "QA only" if qa else "docs only"


def synthetic_tokens(tokens_by_kind: dict[str, int]) -> int:
    return sum(tokens_by_kind.get(k, 0) for k in SYNTHETIC_KINDS)


def scaling_points(project: Project) -> list[dict[str, Any]]:
    """One point per (finished evaluation, tuned arm): run, recipe, synthetic tokens, accuracy and its CI."""
    from smt_gui.evaluate.arms import summarise
    from smt_gui.evaluate.job import job_records, list_evaluations
    from smt_gui.train import runner

    points = []
    for job in list_evaluations(project):
        run_name = job["config"].get("run")
        if job["status"] != "done" or not run_name:
            continue
        try:
            run = runner.get_run(project, run_name)
        except KeyError:
            continue
        by_kind = run.summary.get("tokens_by_kind", {})
        for arm, records in job_records(project, job["id"]).items():
            if not arm.startswith("tuned") or not records:
                continue
            s = summarise(records)
            points.append({"job_id": job["id"], "run": run_name, "arm": arm, "recipe": recipe_of(by_kind),
                           "synthetic_tokens": synthetic_tokens(by_kind), "accuracy": s["accuracy"],
                           "ci95": s["ci95"], "n": s["n"], "mean_margin": s.get("mean_margin")})
    return sorted(points, key=lambda p: (p["recipe"], p["synthetic_tokens"]))
