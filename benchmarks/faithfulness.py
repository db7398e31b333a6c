"""Generation quality on the fictional-facts benchmark: fact windows vs whole chunks, same generator, one run.

For each strategy, a fresh project gets the same benchmark document, generates QAs and focal rewrites with the
same backend, and runs the default curation (``smt curate --auto``: reject copies, eval leaks and samples whose
names/numbers the source lacks; accept the rest). The script then grades every sample against the known facts
(``smt_gui.factcheck``) and prints, side by side:

* correct — share of generated samples (and of accepted ones) that state a true fact and no false one;
* fact coverage — share of the document's facts that at least one accepted sample states correctly;
* yield — items made per item asked for.

    python benchmarks/faithfulness.py --seeds 1 2               # bundled SmolLM2-135M, 10 people x 6 facts each
    python benchmarks/faithfulness.py --backend openai --base-url http://127.0.0.1:8000/v1 --model NAME

Targets (issue "Knowledge that shows"): correct >= 90% of accepted, coverage >= 80%, yield >= 0.8.
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
from smt_gui.factbench import BenchConfig, write_benchmark  # noqa: E402
from smt_gui.factcheck import grade_samples  # noqa: E402
from smt_gui.generate import GenerateConfig, generate  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.llm import BackendConfig  # noqa: E402
from smt_gui.project import Project  # noqa: E402


def auto_curate(project: Project) -> None:
    curate.auto_curate(project, checks=("near_duplicate", "grounding", "format", "leakage"))
    curate.set_status(project, curate.matching_ids(project, curate.SampleFilter(status="pending")), "accepted")


def measure(data: Path, root: Path, config: GenerateConfig) -> dict:
    project = Project.create(root)
    ingest_paths(project, [data])
    started = time.perf_counter()
    job = generate(project, config)
    seconds = time.perf_counter() - started
    auto_curate(project)
    with project.connect() as conn:
        samples = [dict(r) for r in conn.execute("SELECT * FROM samples")]
        docs = {r["id"]: dict(r) for r in conn.execute("SELECT id, text, meta FROM documents")}
        requested, made = conn.execute("SELECT COALESCE(SUM(n_requested), 0), COALESCE(SUM(n_samples), 0) "
                                       "FROM generation_log").fetchone()
    facts = {i: json.loads(d["meta"]).get("facts", []) for i, d in docs.items()}
    texts = {i: d["text"] for i, d in docs.items()}
    every = grade_samples(samples, facts, texts)
    accepted = grade_samples([s for s in samples if s["status"] == "accepted"], facts, texts)
    return {"status": job["status"], "samples": len(samples), "accepted": sum(s["status"] == "accepted" for s in samples),
            "correct_all": every["correct_all"], "correct_accepted": accepted["correct_all"],
            "correct_by_kind": every["correct"], "coverage": every["coverage"], "covered": every["covered"],
            "facts": every["facts"], "requested": requested, "made": made, "yield": made / requested if requested else 0,
            "seconds": round(seconds, 1), "wrong_examples": every["wrong_examples"][:4]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1], help="benchmark documents (one per seed)")
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--strategies", nargs="+", default=["window", "chunk"], choices=["window", "chunk"])
    parser.add_argument("--backend", default="llama_cpp")
    parser.add_argument("--model", default="")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    backend = BackendConfig(kind=args.backend, model=args.model, base_url=args.base_url)
    rows = []
    with tempfile.TemporaryDirectory(prefix="smt-faith-") as tmp:
        for seed in args.seeds:
            data = Path(tmp) / f"facts_{seed}.jsonl"
            write_benchmark(data, BenchConfig(seed=seed, people=args.people))
            for strategy in args.strategies:
                config = GenerateConfig(backend=backend, kinds=["qa", "focal_rewrite"], strategy=strategy,
                                        qa_per_window=2, qa_per_chunk=3, focal_questions_per_source=2)
                result = measure(data, Path(tmp) / f"{strategy}-{seed}", config)
                rows.append({"seed": seed, "strategy": strategy, **result})
                print(f"seed {seed} {strategy}: {json.dumps({k: v for k, v in result.items() if k != 'wrong_examples'})}",
                      flush=True)
    print("\n| document | strategy | samples (accepted) | correct, all | correct, accepted | fact coverage | yield | "
          "generation s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| seed {r['seed']} | {r['strategy']} | {r['samples']} ({r['accepted']}) | {r['correct_all']:.1%} | "
              f"{r['correct_accepted']:.1%} | {r['covered']}/{r['facts']} = {r['coverage']:.0%} | "
              f"{r['made']}/{r['requested']} = {r['yield']:.2f} | {r['seconds']:.0f} |")
    for r in rows:
        for w in r["wrong_examples"]:
            print(f"- wrong ({r['strategy']}, {w['kind']}): {w['text']!r} — {w['why']}")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
