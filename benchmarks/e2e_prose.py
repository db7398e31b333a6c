"""End to end on a natural-prose document the defaults were never tuned on, as a user would run it, one command:
ingest -> generate (app defaults, N rounds) -> curate (checks, then accept what passes) -> train (defaults) ->
evaluate multiple choice (base / RAG / tuned / tuned+RAG) -> the same questions asked *without options*, as in Chat.

The open answers are the Evaluate tab's own (``EvalConfig.open_answers``): each question asked without options through
the Chat engine, graded against the gold option (``factcheck.states_option``): right only when the answer's first
sentence states the gold option and no other option, because the first words are what a person reads ("2019. The
cooperative was founded in 1987 ..." is wrong). Prints every stage's wall time.

    python benchmarks/e2e_prose.py                                     # benchmarks/natural_prose/heldout.jsonl
    python benchmarks/e2e_prose.py --data benchmarks/natural_prose/documents.jsonl --document np_handbook
    python benchmarks/e2e_prose.py --workdir /tmp/p --reuse            # retrain / re-evaluate on generated data
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
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui import curate  # noqa: E402
from smt_gui.evaluate.job import EvalConfig, evaluate, save_report  # noqa: E402
from smt_gui.evaluate.stats import mcnemar_exact  # noqa: E402
from smt_gui.generate import GenerateConfig, generate  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.llm import BackendConfig  # noqa: E402
from smt_gui.project import Project  # noqa: E402
from smt_gui.train import runner  # noqa: E402
from smt_gui.train.config import TrainConfig  # noqa: E402

HELDOUT = REPO / "benchmarks" / "natural_prose" / "heldout.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HELDOUT, help="natural-prose JSONL (benchmarks/natural_prose)")
    parser.add_argument("--document", default="", help="the row's id (default: the first row)")
    parser.add_argument("--workdir", type=Path, help="project folder (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="keep the project's generated data; only train + evaluate")
    parser.add_argument("--rounds", type=int, default=3, help="generation rounds (seeds 0..N-1)")
    parser.add_argument("--backend", default="llama_cpp", help="llama_cpp | openai | transformers")
    parser.add_argument("--model", default="", help="empty = bundled SmolLM2-135M GGUF")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--arms", default="base,rag,tuned,tuned+rag")
    parser.add_argument("--max-tokens", type=int, default=64, help="open answers: at most this many tokens")
    parser.add_argument("--out", type=Path, help="write the summary JSON (with every open answer) here")
    args = parser.parse_args()

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    row = next((r for r in rows if r["id"] == args.document), None) if args.document else rows[0]
    if row is None:
        print(f"error: no document '{args.document}' in {args.data}", file=sys.stderr)
        return 2
    times: dict[str, float] = {}
    tmp = tempfile.TemporaryDirectory(prefix="smt-prose-")
    root = args.workdir or Path(tmp.name) / "project"
    reuse = args.reuse and (root / "smt.sqlite").exists()
    project = Project.open(root) if reuse else Project.create(root, name=row["id"])
    if not reuse:
        t = time.perf_counter()
        path = Path(tmp.name) / f"{row['id']}.jsonl"
        path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
        ingest_paths(project, [path])
        times["ingest"] = time.perf_counter() - t
        print(f"document '{row['title']}': {len(row['text'].split())} words, {len(row['questions'])} questions",
              flush=True)
        t = time.perf_counter()
        backend = BackendConfig(kind=args.backend, model=args.model, base_url=args.base_url)
        for seed in range(args.rounds):
            job = generate(project, GenerateConfig(backend=backend, seed=seed))
            print(f"generation round {seed}: {job['status']} {job['progress'].get('result')}", flush=True)
        times["generate"] = time.perf_counter() - t
        t = time.perf_counter()
        checked = curate.auto_curate(project)
        outcome = curate.accept_passing(project, curate.matching_ids(project, curate.SampleFilter(status="pending")))
        times["curate"] = time.perf_counter() - t
        print(f"curation: rejected {checked['rejected']}, accepted {outcome['accepted']}, held back "
              f"{outcome['held_back']}", flush=True)

    t = time.perf_counter()
    config = TrainConfig()  # the app's defaults
    config.name = f"prose-{row['id']}"
    config.save_steps = 100_000
    run = runner.prepare_run(project, config)
    code = runner.wait(runner.launch(project, run), run, poll_s=2)
    times["train"] = time.perf_counter() - t
    losses = [m["loss"] for m in runner.run_metrics(run) if "loss" in m]
    if code != 0:
        print((run.path / "train.log").read_text()[-3000:])
        return 1
    print(f"training ({config.method}, {config.epochs} epochs): {len(losses)} steps, loss {losses[0]:.3f} -> "
          f"{losses[-1]:.3f}; tokens {run.summary['tokens_by_kind']}", flush=True)

    t = time.perf_counter()
    report = evaluate(project, EvalConfig(arms=args.arms.split(","), run=run.name, k=4, generate_choice=False,
                                          open_answers=True, max_new_tokens=args.max_tokens),
                      progress=lambda d, n, arm: print(f"\r  eval {arm}: {d}/{n}", end="", flush=True))
    save_report(project, report)
    times["evaluate (multiple choice + open answers)"] = time.perf_counter() - t
    opened = {arm: [{"id": r["question_id"], "question": r["question"], "gold": r["gold"], "answer": r["open_answer"],
                     "first_sentence": r["open_first"], "right": r["open_correct"], "why": r["open_reason"]}
                    for r in records] for arm, records in report["records"].items()}

    print(f"\n\n### {row['title']} ({row['id']}): {report['questions']} multiple-choice questions\n")
    print("| arm | multiple choice (95% CI) | open answer: first sentence states the answer |")
    print("|---|---|---|")
    for arm, s in report["summary"].items():
        o = opened.get(arm)
        share = f"{sum(r['right'] for r in o)}/{len(o)} = {sum(r['right'] for r in o) / len(o):.0%}" if o else "—"
        print(f"| {arm} | {s['accuracy']:.1%} ({s['correct']}/{s['n']}; {s['ci95'][0]:.2f}-{s['ci95'][1]:.2f}) | {share} |")
    print()
    for c in report["comparisons"]:
        print(f"- {c['b']} vs {c['a']}: {c['bootstrap']['difference']:+.3f} (95% CI {c['bootstrap']['low']:+.3f}.."
              f"{c['bootstrap']['high']:+.3f}); McNemar p = {c['mcnemar']['p_value']:.2g}")
    open_tests = {}
    if "base" in opened:
        for arm in (a for a in opened if a != "base"):
            test = mcnemar_exact([r["right"] for r in opened["base"]], [r["right"] for r in opened[arm]])
            open_tests[arm] = test
            print(f"- open answers, {arm} vs base: {test['only_b']} right only for {arm}, {test['only_a']} only for "
                  f"base; McNemar p = {test['p_value']:.2g}")
    print("- wall time: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()) + f" (total {sum(times.values()):.0f} s)")
    if args.out:
        args.out.write_text(json.dumps({
            "document": row["id"], "summary": report["summary"], "comparisons": report["comparisons"],
            "open_answers": opened, "open_tests": open_tests, "times_s": times, "losses": [losses[0], losses[-1]],
            "train": config.to_dict(), "tokens": run.summary["tokens_by_kind"]}, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
