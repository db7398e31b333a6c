"""The paper's ablation at toy scale: QA only, documents only, mixed 1:1, mixed + focal, at several token budgets.

Runs on a project that already holds generated and curated samples from a fictional-facts document (make one with
``benchmarks/e2e_facts.py --workdir DIR``). For every recipe and budget it trains one run on exactly that many
tokens (one pass over the recipe's accepted samples, cycled to fill the budget; 10% replay on top of the
synthetic share), evaluates it closed-book on the document's questions, and draws the app's own scaling curve
(accuracy vs synthetic tokens, 95% Wilson CIs, base as the reference line) to a PNG:

    python benchmarks/ablation_facts.py --workdir /tmp/facts --budgets 6000 18000 54000 --png benchmarks/scaling_facts.png

Recipes (accepted samples only; no original document, so only synthetic data teaches):
  qa    = synthetic QAs                     docs  = plain rewrites (synthetic documents, no question)
  mixed = QAs + plain rewrites (1:1)        focal = QAs + focal rewrites (1:1), the paper's recipe
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.evaluate.job import EvalConfig, evaluate  # noqa: E402
from smt_gui.evaluate.scaling import scaling_points  # noqa: E402
from smt_gui.project import Project  # noqa: E402
from smt_gui.train import runner  # noqa: E402
from smt_gui.train.config import TrainConfig  # noqa: E402
from smt_gui.train.mixture import MixtureConfig  # noqa: E402

RECIPE_KINDS = {"qa": ["qa"], "docs": ["rewrite"], "mixed": ["qa", "rewrite"], "focal": ["qa", "focal_rewrite"]}


def recipe_ids(project: Project, kinds: list[str]) -> list[int]:
    with project.connect() as conn:
        return [r[0] for r in conn.execute(
            f"SELECT id FROM samples WHERE status = 'accepted' AND kind IN ({','.join('?' * len(kinds))})", kinds)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, required=True, help="project with curated fictional-facts samples")
    parser.add_argument("--budgets", type=int, nargs="+", default=[6000, 18000, 54000], help="tokens per run")
    parser.add_argument("--recipes", nargs="+", default=list(RECIPE_KINDS), choices=list(RECIPE_KINDS))
    parser.add_argument("--method", default="full", choices=("full", "lora"))
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "ablation_facts.json")
    parser.add_argument("--png", type=Path, default=REPO / "benchmarks" / "scaling_facts.png")
    args = parser.parse_args()

    project = Project.open(args.workdir)
    results = json.loads(args.out.read_text()) if args.out.exists() else {"runs": []}
    done = {(r["recipe"], r["budget"], r.get("method", "full")) for r in results["runs"]}
    base = results.get("base")
    for recipe in args.recipes:
        ids = recipe_ids(project, RECIPE_KINDS[recipe])
        for budget in args.budgets:
            if (recipe, budget, args.method) in done:
                continue
            t = time.perf_counter()
            config = TrainConfig(method=args.method, epochs=1, learning_rate=args.lr, batch_size=4, save_steps=100_000,
                                 name=f"ablation-{recipe}-{budget}-{args.method}",
                                 mixture=MixtureConfig(token_budget=budget, include_originals=False, sample_ids=ids))
            run = runner.prepare_run(project, config)
            if runner.wait(runner.launch(project, run), run, poll_s=2) != 0:
                print((run.path / "train.log").read_text()[-2000:])
                return 1
            train_s = time.perf_counter() - t
            arms = ["tuned"] if base else ["base", "tuned"]
            report = evaluate(project, EvalConfig(arms=arms, run=run.name, generate_choice=False))
            if not base:
                base = report["summary"]["base"]
                results["base"] = base
            s = report["summary"]["tuned"]
            row = {"recipe": recipe, "budget": budget, "method": args.method, "run": run.name,
                   "tokens_by_kind": run.summary["tokens_by_kind"], "accuracy": s["accuracy"], "ci95": s["ci95"],
                   "correct": s["correct"], "n": s["n"], "mean_gold_rank": s.get("mean_gold_rank"),
                   "mean_margin": s.get("mean_margin"), "train_s": round(train_s, 1)}
            results["runs"].append(row)
            args.out.write_text(json.dumps(results, indent=2))
            print(f"{recipe:>6} {budget:>7} tokens: {s['accuracy']:.3f} ({s['correct']}/{s['n']}, CI {s['ci95'][0]:.2f}-"
                  f"{s['ci95'][1]:.2f}), rank {s.get('mean_gold_rank', 0):.2f}, train {train_s:.0f} s", flush=True)

    from benchmarks.render import figure_png
    from smt_gui.ui.plots import scaling_chart

    points = [p for p in scaling_points(project) if p["run"].startswith("ablation-") and p["run"].endswith(args.method)]
    fig = scaling_chart(points, {"base": base["accuracy"]} if base else None)
    fig.update_layout(title=f"Fictional facts ({points[0]['n'] if points else 0} questions): closed-book accuracy vs "
                            f"synthetic tokens ({args.method})", height=420)
    figure_png(fig, args.png)
    print(f"base {base['accuracy']:.3f}; wrote {args.out} and {args.png}")
    print("| recipe | " + " | ".join(f"{b:,} tokens" for b in args.budgets) + " |")
    print("|---|" + "---|" * len(args.budgets))
    for recipe in args.recipes:
        cells = []
        for b in args.budgets:
            row = next((r for r in results["runs"] if (r["recipe"], r["budget"], r["method"]) == (recipe, b, args.method)), None)
            cells.append(f"{row['accuracy']:.2f} ({row['ci95'][0]:.2f}-{row['ci95'][1]:.2f})" if row else "-")
        print(f"| {recipe} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
