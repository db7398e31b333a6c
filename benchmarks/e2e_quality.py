"""End to end on one QuALITY article: ingest -> generate (QAs + focal rewrites) -> curate -> train -> evaluate.

One command reproduces the paper's comparison at toy scale with the bundled models: the base model closed-book vs
the same model after mixed training on synthetic data made from the article, on that article's questions
(accuracy with a 95% Wilson CI, gold-option rank, log-likelihood margin, exact McNemar and a paired bootstrap),
plus the wall time of each stage. Any article of the same JSONL format works:

    python benchmarks/e2e_quality.py --article 20002
    python benchmarks/e2e_quality.py --article 62139 --arms base,tuned,rag,tuned+rag --method full --epochs 3

Stronger generators make better data: ``--backend openai --base-url http://HOST:8000/v1 --model NAME``.
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
from smt_gui.evaluate.leakage import leakage_message  # noqa: E402
from smt_gui.generate import GenerateConfig, generate  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.llm import BackendConfig  # noqa: E402
from smt_gui.project import Project  # noqa: E402
from smt_gui.train import runner  # noqa: E402
from smt_gui.train.config import TrainConfig  # noqa: E402
from smt_gui.train.mixture import MixtureConfig  # noqa: E402

QUALITY = REPO / "tests" / "data" / "quality" / "dev_small.jsonl"  # the 5 QuALITY dev articles bundled for the tests


def article_file(data: Path, article_id: str, out_dir: Path) -> tuple[Path, dict]:
    for line in data.read_text().splitlines():
        row = json.loads(line)
        if str(row.get("article_id")) == article_id:
            path = out_dir / f"quality_{article_id}.jsonl"
            path.write_text(json.dumps(row) + "\n")
            return path, row
    raise SystemExit(f"article {article_id} is not in {data}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", default="20002", help="QuALITY article_id")
    parser.add_argument("--data", type=Path, default=QUALITY, help="QuALITY-format JSONL")
    parser.add_argument("--workdir", type=Path, help="project folder (default: a temporary one)")
    parser.add_argument("--max-chunks", type=int, default=0, help="only the first N chunks (0 = whole article)")
    parser.add_argument("--qa-per-chunk", type=int, default=3)
    parser.add_argument("--focal-questions", type=int, default=3, help="generated questions per chunk to rewrite for")
    parser.add_argument("--rounds", type=int, default=1, help="generation rounds (new seed each): more synthetic data")
    parser.add_argument("--backend", default="llama_cpp", help="llama_cpp | openai | transformers")
    parser.add_argument("--model", default="", help="empty = bundled SmolLM2-135M GGUF")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--method", default="full", choices=("full", "lora", "qlora"), help="paper: full")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--seq-len", type=int, default=512)
    parser.add_argument("--arms", default="base,tuned", help="comma-separated: base, rag, tuned, tuned+rag")
    parser.add_argument("--out", type=Path, help="write the summary JSON here")
    args = parser.parse_args()

    times: dict[str, float] = {}
    tmp = tempfile.TemporaryDirectory(prefix="smt-e2e-")
    root = args.workdir or Path(tmp.name) / "project"
    project = Project.create(root, name=f"quality-{args.article}")

    t = time.perf_counter()
    path, row = article_file(args.data, args.article, Path(tmp.name))
    ingest_paths(project, [path])
    times["ingest"] = time.perf_counter() - t
    with project.connect() as conn:
        n_chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    print(f"article {args.article} '{row['title']}': {len(row['text'].split())} words, {n_chunks} chunks, "
          f"{len(row['questions'])} questions", flush=True)

    t = time.perf_counter()
    backend = BackendConfig(kind=args.backend, model=args.model, base_url=args.base_url)
    for seed in range(args.rounds):
        job = generate(project, GenerateConfig(backend=backend, kinds=["qa", "focal_rewrite"], seed=seed,
                                               qa_per_chunk=args.qa_per_chunk, max_chunks=args.max_chunks or None,
                                               focal_questions_per_source=args.focal_questions, strategy="chunk"))
        print(f"generation round {seed}: {job['status']} {job['progress'].get('result')}", flush=True)
    times["generate"] = time.perf_counter() - t

    t = time.perf_counter()
    flagged = curate.run_checks(project, checks=("near_duplicate", "format", "leakage"))
    rejected = curate.apply_rule(project, "near_duplicate") + curate.apply_rule(project, "leakage")
    pending = curate.matching_ids(project, curate.SampleFilter(status="pending"))
    accepted = curate.set_status(project, pending, "accepted")
    counts = {f"{r['kind']}/{r['status']}": (r["n"], r["tokens"] or 0) for r in curate.status_counts(project)}
    times["curate"] = time.perf_counter() - t
    print(f"curation: flagged {flagged}, rejected {rejected}, accepted {accepted}; {counts}", flush=True)

    t = time.perf_counter()
    config = TrainConfig(method=args.method, epochs=args.epochs, learning_rate=args.lr, batch_size=4, save_steps=1000,
                         mixture=MixtureConfig(qa_share=0.5, replay_share=0.1, seq_len=args.seq_len), name="e2e")
    run = runner.prepare_run(project, config)
    code = runner.wait(runner.launch(project, run), run, poll_s=2)
    times["train"] = time.perf_counter() - t
    metrics = runner.run_metrics(run)
    losses = [m["loss"] for m in metrics if "loss" in m]
    if code != 0:
        print((run.path / "train.log").read_text()[-3000:])
        return 1
    print(f"training: {len(losses)} steps, loss {losses[0]:.3f} -> {losses[-1]:.3f}; mixture {run.summary['tokens_by_kind']}",
          flush=True)

    t = time.perf_counter()
    report = evaluate(project, EvalConfig(arms=args.arms.split(","), run=run.name, k=4),
                      progress=lambda d, n, arm: print(f"\r  eval {arm}: {d}/{n}", end="", flush=True))
    times["evaluate"] = time.perf_counter() - t
    report_path = save_report(project, report)
    print()

    print(f"\n### Article {args.article} ({row['title']}), {report['questions']} questions, method {args.method}\n")
    print("| arm | accuracy (95% CI) | letter answers | mean gold rank (1-4) | mean margin |")
    print("|---|---|---|---|---|")
    for arm, s in report["summary"].items():
        print(f"| {arm} | {s['accuracy']:.3f} ({s['correct']}/{s['n']}; {s['ci95'][0]:.2f}-{s['ci95'][1]:.2f}) | "
              f"{s.get('gen_accuracy', float('nan')):.3f} | {s.get('mean_gold_rank', float('nan')):.2f} | "
              f"{s.get('mean_margin', float('nan')):+.4f} |")
    print()
    for c in report["comparisons"]:
        print(f"- {c['b']} vs {c['a']}: accuracy difference {c['bootstrap']['difference']:+.3f} (paired bootstrap 95% CI "
              f"{c['bootstrap']['low']:+.3f}..{c['bootstrap']['high']:+.3f}); McNemar exact p = {c['mcnemar']['p_value']:.3f} "
              f"({c['mcnemar']['only_a']} right only for {c['a']}, {c['mcnemar']['only_b']} only for {c['b']})")
    print(f"- synthetic data: {counts}; training loss {losses[0]:.3f} -> {losses[-1]:.3f} over {len(losses)} steps")
    print("- wall time: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()) + f" (total {sum(times.values()):.0f} s)")
    warning = leakage_message(report.get("leakage"))
    if warning:
        print(warning)
    summary = {"article": args.article, "title": row["title"], "summary": report["summary"],
               "comparisons": report["comparisons"], "times_s": times, "samples": counts, "losses": [losses[0], losses[-1]],
               "report": str(report_path)}
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
