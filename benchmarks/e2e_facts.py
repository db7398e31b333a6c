"""End to end on a fictional-facts document: ingest -> generate -> curate -> train -> evaluate, one command.

Every fact in the document is invented (``smt_gui.factbench``), so the base model can only guess (near chance),
RAG can read the answer, and whatever the tuned model gains closed-book it learned from the synthetic data. Prints
generation quality against the known facts (correct share, fact coverage, yield), the four arms with 95% CIs,
McNemar and paired-bootstrap comparisons, and the wall time of each stage:

    python benchmarks/e2e_facts.py --seed 1                       # the defaults, on a document they were not tuned on
    python benchmarks/e2e_facts.py --seed 0 --epochs 4 --lr 1e-4  # try other settings (seed 0 = the tuning document)
    python benchmarks/e2e_facts.py --workdir /tmp/p --reuse       # retrain/re-evaluate on already generated data

``--recipe`` picks the training data (the paper's ablation): qa, docs, mixed (QAs + plain rewrites), focal (QAs +
focal rewrites; the default), each optionally with the original document (``--originals``).
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
from smt_gui.factbench import BenchConfig, write_benchmark  # noqa: E402
from smt_gui.factcheck import grade_samples  # noqa: E402
from smt_gui.generate import GenerateConfig, generate  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.llm import BackendConfig  # noqa: E402
from smt_gui.project import Project  # noqa: E402
from smt_gui.train import runner  # noqa: E402
from smt_gui.train.config import TrainConfig  # noqa: E402

RECIPES = {"qa": ["qa"], "docs": ["focal_rewrite"], "mixed": ["qa", "rewrite"], "focal": ["qa", "focal_rewrite"]}


def generation_quality(project: Project) -> dict:
    with project.connect() as conn:
        samples = [dict(r) for r in conn.execute("SELECT * FROM samples")]
        docs = {r["id"]: dict(r) for r in conn.execute("SELECT id, text, meta FROM documents")}
        log = conn.execute("SELECT COALESCE(SUM(n_requested), 0), COALESCE(SUM(n_samples), 0) FROM generation_log").fetchone()
    facts = {i: json.loads(d["meta"]).get("facts", []) for i, d in docs.items()}
    quality = grade_samples(samples, facts, {i: d["text"] for i, d in docs.items()})
    accepted = [s for s in samples if s["status"] == "accepted"]
    quality["accepted_correct"] = grade_samples(accepted, facts, {i: d["text"] for i, d in docs.items()})["correct_all"]
    quality["requested"], quality["made"] = int(log[0]), int(log[1])
    quality["yield"] = log[1] / log[0] if log[0] else 0.0
    qas = [json.loads(s["generator"]).get("question_source") for s in samples if s["kind"] == "qa"]
    quality["questions_by_model"] = sum(q == "model" for q in qas)
    quality["questions_by_template"] = sum(q == "template" for q in qas)
    return quality


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1, help="benchmark document seed (0 = the one defaults were tuned on)")
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--facts-per-person", type=int, default=6)
    parser.add_argument("--workdir", type=Path, help="project folder (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="keep the project's generated data; only train + evaluate")
    parser.add_argument("--recurate", action="store_true", help="with --reuse: run the checks and rules again")
    parser.add_argument("--recipe", default="focal", choices=sorted(RECIPES))
    parser.add_argument("--rounds", type=int, default=1, help="generation rounds (new seed each): more synthetic data")
    parser.add_argument("--qa-per-window", type=int, default=2)
    parser.add_argument("--focal-per-question", type=int, default=1)
    parser.add_argument("--strategy", default="window", choices=("window", "chunk"))
    parser.add_argument("--backend", default="llama_cpp", help="llama_cpp | openai | transformers")
    parser.add_argument("--model", default="", help="empty = bundled SmolLM2-135M GGUF")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--method", default=None, choices=("full", "lora", "qlora"))
    parser.add_argument("--epochs", type=float, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--originals", action=argparse.BooleanOptionalAction, default=None,
                        help="also train on the original document")
    parser.add_argument("--token-budget", type=int, default=None, help="synthetic + replay tokens per epoch")
    parser.add_argument("--holdout", type=float, default=0.0,
                        help="also hold out this share of the accepted QAs as the project's own eval set (e.g. 0.2)")
    parser.add_argument("--arms", default="base,rag,tuned,tuned+rag")
    parser.add_argument("--out", type=Path, help="write the summary JSON here")
    args = parser.parse_args()

    times: dict[str, float] = {}
    tmp = tempfile.TemporaryDirectory(prefix="smt-facts-")
    root = args.workdir or Path(tmp.name) / "project"
    reuse = args.reuse and (root / "smt.sqlite").exists()
    project = Project.open(root) if reuse else Project.create(root, name=f"facts-{args.seed}")

    if not reuse:
        t = time.perf_counter()
        data = Path(tmp.name) / f"facts_{args.seed}.jsonl"
        [row] = write_benchmark(data, BenchConfig(seed=args.seed, people=args.people,
                                                  facts_per_person=args.facts_per_person))
        ingest_paths(project, [data])
        times["ingest"] = time.perf_counter() - t
        print(f"document '{row['title']}': {len(row['text'].split())} words, {len(row['facts'])} facts, "
              f"{len(row['questions'])} questions", flush=True)
        t = time.perf_counter()
        backend = BackendConfig(kind=args.backend, model=args.model, base_url=args.base_url)
        kinds = sorted({"qa", "focal_rewrite", "rewrite"} & set(RECIPES["focal"] + RECIPES["mixed"]))
        for seed in range(args.rounds):
            job = generate(project, GenerateConfig(backend=backend, kinds=kinds, strategy=args.strategy, seed=seed,
                                                   qa_per_window=args.qa_per_window,
                                                   focal_per_question=args.focal_per_question))
            print(f"generation round {seed}: {job['status']} {job['progress'].get('result')}", flush=True)
        times["generate"] = time.perf_counter() - t

    if not reuse or args.recurate:
        t = time.perf_counter()
        with project.connect() as conn:
            conn.execute("UPDATE samples SET status = 'pending'")
        outcome = curate.auto_curate(project, checks=("near_duplicate", "grounding", "format", "leakage"))
        flagged, rejected = outcome["flagged"], outcome["rejected"]
        pending = curate.matching_ids(project, curate.SampleFilter(status="pending"))
        accepted = curate.set_status(project, pending, "accepted")
        held = curate.hold_out(project, args.holdout, seed=0) if args.holdout else 0
        times["curate"] = time.perf_counter() - t
        print(f"curation: flagged {flagged}, rejected {rejected}, accepted {accepted}, held out {held} QAs", flush=True)

    quality = generation_quality(project)
    print(f"generation quality: correct {quality['correct_all']:.1%} of all samples ({quality['correct']}), "
          f"correct {quality['accepted_correct']:.1%} of accepted, fact coverage {quality['covered']}/{quality['facts']} "
          f"= {quality['coverage']:.1%}, yield {quality['made']}/{quality['requested']} = {quality['yield']:.2f}, "
          f"questions by the model {quality['questions_by_model']}, by template {quality['questions_by_template']}",
          flush=True)

    t = time.perf_counter()
    with project.connect() as conn:  # the recipe: which accepted kinds this run trains on
        wanted = RECIPES[args.recipe]
        ids = [r[0] for r in conn.execute(
            f"SELECT id FROM samples WHERE status = 'accepted' AND split = 'train' AND kind IN ({','.join('?' * len(wanted))})",
            wanted)]
    config = TrainConfig()  # the recommended defaults; the flags below override them
    config.name = f"facts-{args.recipe}"
    for key, value in (("method", args.method), ("epochs", args.epochs), ("learning_rate", args.lr),
                       ("batch_size", args.batch_size)):
        if value is not None:
            setattr(config, key, value)
    if args.originals is not None:
        config.mixture.include_originals = args.originals
    if args.token_budget:
        config.mixture.token_budget = args.token_budget
    config.mixture.sample_ids = ids
    config.save_steps = 100_000
    run = runner.prepare_run(project, config)
    code = runner.wait(runner.launch(project, run), run, poll_s=2)
    times["train"] = time.perf_counter() - t
    losses = [m["loss"] for m in runner.run_metrics(run) if "loss" in m]
    if code != 0:
        print((run.path / "train.log").read_text()[-3000:])
        return 1
    print(f"training ({config.method}, {config.epochs} epochs, lr {config.lr}): {len(losses)} steps, loss "
          f"{losses[0]:.3f} -> {losses[-1]:.3f}; tokens {run.summary['tokens_by_kind']}", flush=True)

    t = time.perf_counter()
    report = evaluate(project, EvalConfig(arms=args.arms.split(","), run=run.name, k=4, generate_choice=False,
                                          open_answers=True),
                      progress=lambda d, n, arm: print(f"\r  eval {arm}: {d}/{n}", end="", flush=True))
    times["evaluate (multiple choice + open answers)"] = time.perf_counter() - t
    save_report(project, report)
    opened = {arm: [{"id": r["question_id"], "question": r["question"], "gold": r["gold"], "answer": r["open_answer"],
                     "first_sentence": r["open_first"], "right": r["open_correct"], "why": r["open_reason"]}
                    for r in records if r.get("open_correct") is not None]
              for arm, records in report["records"].items()}
    print(f"\n\n### Fictional facts, seed {args.seed}: {report['questions']} questions, recipe {args.recipe}\n")
    print("| arm | multiple choice (95% CI) | mean gold rank (1-4) | mean margin | open answer: first sentence states it |")
    print("|---|---|---|---|---|")
    for arm, s in report["summary"].items():
        o = opened.get(arm)
        share = f"{sum(r['right'] for r in o)}/{len(o)} = {sum(r['right'] for r in o) / len(o):.0%}" if o else "—"
        print(f"| {arm} | {s['accuracy']:.3f} ({s['correct']}/{s['n']}; {s['ci95'][0]:.2f}-{s['ci95'][1]:.2f}) | "
              f"{s.get('mean_gold_rank', float('nan')):.2f} | {s.get('mean_margin', float('nan')):+.3f} | {share} |")
    print()
    for c in report["comparisons"]:
        print(f"- {c['b']} vs {c['a']}: {c['bootstrap']['difference']:+.3f} (95% CI {c['bootstrap']['low']:+.3f}.."
              f"{c['bootstrap']['high']:+.3f}); McNemar p = {c['mcnemar']['p_value']:.2g} "
              f"({c['mcnemar']['only_a']} right only for {c['a']}, {c['mcnemar']['only_b']} only for {c['b']})")
    if len({r["set"] for r in report["by_set"]}) > 1:
        print("\n| eval set | arm | accuracy | reference answer log-lik/token |\n|---|---|---|---|")
        for r in report["by_set"]:
            ref = "" if r["mean_ref_loglik"] is None else f"{r['mean_ref_loglik']:+.3f}"
            print(f"| {r['set']} | {r['arm']} | {r['accuracy']:.3f} ({r['correct']}/{r['n']}) | {ref} |")
    for name, v in (report.get("retention") or {}).items():
        print(f"- retention, perplexity on {name}: base {v['base']:.2f} -> tuned {v['tuned']:.2f} ({v['change']:+.1%})")
    open_tests = {}
    if opened.get("base"):
        for arm in (a for a in opened if a != "base" and opened[a]):
            test = mcnemar_exact([r["right"] for r in opened["base"]], [r["right"] for r in opened[arm]])
            open_tests[arm] = test
            print(f"- open answers, {arm} vs base: {test['only_b']} right only for {arm}, {test['only_a']} only for "
                  f"base; McNemar p = {test['p_value']:.2g}")
    print("- wall time: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()) + f" (total {sum(times.values()):.0f} s)")
    summary = {"seed": args.seed, "recipe": args.recipe, "quality": quality, "summary": report["summary"],
               "comparisons": report["comparisons"], "times_s": times, "losses": [losses[0], losses[-1]],
               "train": config.to_dict(), "tokens": run.summary["tokens_by_kind"], "by_set": report["by_set"],
               "retention": report.get("retention"), "open_answers": opened, "open_tests": open_tests}
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
