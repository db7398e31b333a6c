"""Leakage guard: did the tuned run train on samples that copy eval questions?

A tuned model that saw the eval questions during training scores well for the wrong reason. The run's exact sample
ids are saved with it, so the guard checks precisely what it trained on (with the same embedding similarity the
Curate tab's leakage check uses), not what the project holds today.
"""

from __future__ import annotations

from typing import Any

from smt_gui.project import Project


def run_leakage(project: Project, run_name: str) -> dict[str, Any]:
    """Samples of ``run_name``'s training data whose question nearly copies an eval question."""
    from smt_gui.curate.checks import LEAK_THRESHOLD, check_leakage
    from smt_gui.train import runner

    try:
        run = runner.get_run(project, run_name)
    except (KeyError, ValueError):
        return {"checked": 0, "flagged": [], "threshold": LEAK_THRESHOLD, "note": f"run {run_name} not found"}
    ids = [int(i) for i in run.summary.get("sample_ids", {})]
    if not ids:
        return {"checked": 0, "flagged": [], "threshold": LEAK_THRESHOLD}
    with project.connect() as conn:
        samples = [dict(r) for r in conn.execute(
            f"SELECT id, question FROM samples WHERE id IN ({','.join('?' * len(ids))})", ids)]
    results = check_leakage(project, samples)
    flagged = [{"sample_id": sid, **r["leakage"]} for sid, r in results.items()
               if (r["leakage"]["score"] or 0) >= LEAK_THRESHOLD]
    return {"checked": len(samples), "flagged": sorted(flagged, key=lambda f: -f["score"]), "threshold": LEAK_THRESHOLD}


def leakage_message(leakage: dict[str, Any] | None) -> str | None:
    """A loud one-line warning when the tuned run trained on copies of eval questions, else None."""
    if not leakage or not leakage.get("flagged"):
        return None
    n = len(leakage["flagged"])
    worst = leakage["flagged"][0]
    return (f"⚠ LEAKAGE: the tuned run trained on {n} sample(s) whose question copies an eval question "
            f"(similarity ≥ {leakage['threshold']:.2f}; worst: sample #{worst['sample_id']} {worst['reason']}). "
            "Tuned accuracy is inflated: reject them in Curate (rule 'leakage') and retrain.")
