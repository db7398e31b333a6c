"""Knowledge gained against ability kept (issue 24): the default recipe as trained, and blended back toward the base.

One fictional-facts document (``smt_gui.factbench``; every fact invented, so the base model can only guess), or a
natural-prose one with hand-written questions (``--prose``, ``benchmarks/natural_prose``), goes
through generate -> curate -> train once with the default recipe, keeping 10% of each document's QAs out of
training as validation QAs; ``runner.blend_run`` then makes the WiSE-FT blend of that run, its weight chosen on those
validation QAs. Both runs are evaluated on the document's multiple-choice questions (closed book) with every
retention figure (all bundled general-knowledge questions and instructions, generic-text perplexity). Run alone:

    python benchmarks/knowledge_kept.py --seed 1 --out benchmarks/knowledge_kept_seed1.json
    python benchmarks/knowledge_kept.py --prose --out benchmarks/knowledge_kept_prose.json   # natural prose
    python benchmarks/knowledge_kept.py --workdir /tmp/kk --reuse      # retrain/re-evaluate on generated data
    python benchmarks/knowledge_kept.py --recipes default replay30 epochs4 --out benchmarks/knowledge_recipes.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from smt_gui import curate
from smt_gui.evaluate.job import EvalConfig, evaluate
from smt_gui.factbench import BenchConfig, write_benchmark
from smt_gui.generate import GenerateConfig, generate
from smt_gui.ingest import ingest_paths
from smt_gui.project import Project
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig

PROSE = Path(__file__).resolve().parent / "natural_prose" / "heldout.jsonl"


def prepare_prose(project: Project, data: Path, rounds: int, folder: Path) -> None:
    """A natural-prose document (its first row), generated and curated as ``e2e_prose.py`` does (app defaults)."""
    row = json.loads(data.read_text(encoding="utf-8").splitlines()[0])
    path = folder / f"{row['id']}.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    ingest_paths(project, [path])
    print(f"document '{row['title']}': {len(row['questions'])} questions", flush=True)
    for seed in range(rounds):
        job = generate(project, GenerateConfig(seed=seed))
        print(f"generation round {seed}: {job['status']} {job['progress'].get('result')}", flush=True)
    curate.auto_curate(project)
    outcome = curate.accept_passing(project, curate.matching_ids(project, curate.SampleFilter(status="pending")))
    print(f"accepted {outcome['accepted']}, held back {outcome['held_back']}", flush=True)


def prepare(project: Project, seed: int, people: int, folder: Path) -> None:
    data = folder / f"facts_{seed}.jsonl"
    [row] = write_benchmark(data, BenchConfig(seed=seed, people=people))
    ingest_paths(project, [data])
    print(f"document '{row['title']}': {len(row['facts'])} facts, {len(row['questions'])} questions", flush=True)
    job = generate(project, GenerateConfig(kinds=["qa", "focal_rewrite"], seed=0))
    print(f"generation: {job['status']} {job['progress'].get('result')}", flush=True)
    curate.auto_curate(project, checks=("near_duplicate", "grounding", "format", "leakage"))
    pending = curate.matching_ids(project, curate.SampleFilter(status="pending"))
    print(f"accepted {curate.set_status(project, pending, 'accepted')} samples", flush=True)


def evaluated(project: Project, run: runner.Run) -> dict:
    t = time.perf_counter()
    report = evaluate(project, EvalConfig(arms=["base", "tuned"], run=run.name, generate_choice=False,
                                          open_answers=False, retention=True, general_questions=None,
                                          drift_instructions=None))
    summary = {arm: {k: s[k] for k in ("accuracy", "correct", "n", "ci95")} for arm, s in report["summary"].items()}
    return {"summary": summary, "retention": report["retention"], "evaluate_s": round(time.perf_counter() - t)}


# Recipes measured side by side on the same generated and curated data: each is TrainConfig's defaults with these
# overrides ("mixture.x" sets a mixture field), trained once and then blended back toward the base.
RECIPES: dict[str, tuple[str, dict[str, float | bool]]] = {
    "default": ("full, 8 epochs, 10% replay", {}),
    "replay30": ("full, 8 epochs, 30% replay", {"mixture.replay_share": 0.3}),
    "epochs4": ("full, 4 epochs, 10% replay", {"epochs": 4.0}),
    "replay30self": ("full, 8 epochs, 30% replay, half of it the base model's own answers",
                     {"mixture.replay_share": 0.3, "mixture.self_replay_share": 0.5}),
    "replaykl": ("full, 8 epochs, 10% replay trained toward the base model's predictions (KL)",
                 {"mixture.replay_kl": True}),
    "lora64": ("LoRA r=64 all linear, 8 epochs, 10% replay", {"method": "lora", "lora_r": 64}),
}


def train_recipe(project: Project, recipe: str, reuse: bool):
    """Train one recipe (or, with ``reuse``, take its finished run) and blend it; None when training failed."""
    trained = [r for r in runner.finished_runs(project) if r.name == recipe] if reuse else []
    if trained:  # --reuse: the trained run is kept too; only the blend and the evaluations are redone
        run = trained[0]
        train_s = runner.run_state(run).get("runtime_s") or 0.0
    else:
        config = TrainConfig(name=recipe)  # the recommended defaults, plus validation QAs kept out for the blend
        for key, value in RECIPES[recipe][1].items():
            target, _, field_name = key.rpartition(".")
            setattr(config.mixture if target == "mixture" else config, field_name, value)
        config.blend_with_base = False
        config.mixture.validation_share = config.blend_validation_share
        config.save_steps = 100_000
        run = runner.prepare_run(project, config)
        t = time.perf_counter()
        code = runner.wait(runner.launch(project, run), run, poll_s=2)
        train_s = time.perf_counter() - t
        if code != 0:
            print((run.path / "train.log").read_text()[-3000:])
            return None
    t = time.perf_counter()
    blended = runner.blend_run(project, run)
    blend_s = time.perf_counter() - t
    choice = json.loads((blended.path / "blend.json").read_text())
    return run, train_s, blended, blend_s, choice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the project's generated and curated samples (and its trained 'default' run)")
    parser.add_argument("--prose", type=Path, nargs="?", const=PROSE, default=None,
                        help="a natural-prose JSONL instead of fictional facts (default file: natural_prose/heldout)")
    parser.add_argument("--rounds", type=int, default=3, help="with --prose: generation rounds")
    parser.add_argument("--recipes", nargs="+", choices=sorted(RECIPES), default=["default"],
                        help="training recipes, each trained on the same samples and blended (RECIPES)")
    parser.add_argument("--also-tolerance", type=float, nargs="*", default=[],
                        help="also blend each trained recipe under this tolerance (nats/token; 0 = the likeliest share)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="smt-kept-")
    root = args.workdir or Path(tmp.name) / "project"
    t = time.perf_counter()
    if args.reuse and (root / "smt.sqlite").exists():
        project = Project.open(root)
    else:
        project = Project.create(root, name=f"kept-{args.seed}")
        if args.prose:
            prepare_prose(project, args.prose, args.rounds, Path(tmp.name))
        else:
            prepare(project, args.seed, args.people, Path(tmp.name))
    prepare_s = time.perf_counter() - t

    results = {"document": str(args.prose) if args.prose else f"fictional facts seed {args.seed}",
               "prepare_s": round(prepare_s), "recipes": {}, "runs": {}}
    if args.reuse and args.out and args.out.exists():  # recipes measured by an earlier run of this project stay
        results = json.loads(args.out.read_text())
    for recipe in args.recipes:
        if recipe in results["runs"]:
            continue
        outcome = train_recipe(project, recipe, args.reuse)
        if outcome is None:
            return 1
        run, train_s, blended, blend_s, choice = outcome
        results["runs"][recipe] = {"validation_qas": len(run.summary["validation_qas"]),
                                   "tokens": run.summary["tokens_by_kind"], "blend": choice}
        print(f"{recipe} blend: {choice}", flush=True)
        row = None
        for name, which, seconds in ((RECIPES[recipe][0], run, train_s),
                                     (f"{RECIPES[recipe][0]} + blend ({choice['weight']:.0%} tuned)", blended,
                                      train_s + blend_s)):
            # a blend at 1.0 is the trained weights themselves: its figures are the run's, not measured twice
            row = dict(row, evaluate_s=0) if which is blended and choice["weight"] == 1.0 else evaluated(project, which)
            row["train_s"] = round(seconds)
            row["recipe"] = recipe
            results["recipes"][name] = row
            print(f"\n{name}: {json.dumps(row)}", flush=True)
        if args.out:  # after every recipe: a long run that is stopped keeps what it measured
            args.out.write_text(json.dumps(results, indent=2))

    for tolerance in args.also_tolerance:  # the same trained runs blended under another rule
        for recipe in args.recipes:
            key = f"{recipe}@{tolerance:g}"
            [run] = [r for r in runner.finished_runs(project) if r.name == recipe]
            if key in results["runs"]:
                continue
            t = time.perf_counter()
            blended = runner.blend_run(project, run, tolerance=tolerance)
            blend_s = time.perf_counter() - t
            choice = json.loads((blended.path / "blend.json").read_text())
            results["runs"][key] = {"blend": choice}
            row = evaluated(project, blended)
            trained_s = next(r["train_s"] for r in results["recipes"].values() if r.get("recipe") == recipe)
            row["train_s"] = round(trained_s + blend_s)
            row["recipe"] = key
            name = f"{RECIPES[recipe][0]} + blend ({choice['weight']:.0%} tuned, tolerance {tolerance:g})"
            results["recipes"][name] = row
            print(f"\n{name}: {json.dumps(row)}", flush=True)
            if args.out:
                args.out.write_text(json.dumps(results, indent=2))

    print("\n| recipe | closed-book MC (base -> tuned) | general knowledge | instruction drift | generic ppl | train s |")
    print("|---|---|---|---|---|---|")
    for name, row in results["recipes"].items():
        s, r = row["summary"], row["retention"]
        gk = next(v for k, v in r.items() if k.startswith("general knowledge"))
        drift = next(v for k, v in r.items() if k.startswith("instruction drift"))
        ppl = r["generic text (held out)"]
        print(f"| {name} | {s['base']['accuracy']:.1%} -> {s['tuned']['accuracy']:.1%} | {gk['base']:.1%} -> "
              f"{gk['tuned']:.1%} | {drift['change']:+.3f} | {ppl['base']:.1f} -> {ppl['tuned']:.1f} "
              f"({ppl['change']:+.0%}) | {row['train_s']} |")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
