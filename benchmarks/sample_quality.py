"""Samples a reader can trust: is each accepted QA's short answer what its question asks, does each rewrite keep
what its source says? Per document genre, on the natural-prose set and the fictional-facts one, one run.

Each document goes alone into a fresh project; generation runs with the app's defaults (``GenerateConfig()``: fact
windows, QAs and focal rewrites, the bundled SmolLM2-135M unless ``--model``/``--backend``), then the default
curation: ``smt curate --auto`` (reject copies, eval leaks, samples stating what their source lacks), then
"accept what passes the checks". Every accepted sample is then graded against the document's answer key
(``smt_gui.factcheck``), not by the checks that built it:

* QA right — its recorded short answer is a key value of its source sentence that its question does not state
  (a fictional-facts key also takes the entity when the question states the value). A short answer that is
  another span of the sentence ("islands" for "What kind of fuel ...?") is wrong. Model-written and template
  questions are counted apart.
* rewrite keeps — every key value of its source sentence is still in it; differs — reworded: at least two common
  words changed (``factcheck.reworded``; a moved phrase or a split clause changes none).
* coverage — key facts answered by an accepted right QA or kept by an accepted rewrite of their sentence (a focal
  document covers its section), and by QAs alone.
* yield — items made per item asked for (``generation_log``).

Well-formedness is not graded here: the generator's own form check would grade itself. The labelled audit
(``benchmarks/audit/``: ``draw.jsonl`` from ``--audit-out``, a reader's ``labels.jsonl``, shares by
``benchmarks/audit_shares.py``) judges it, and whether rewrites are faithful, which "keeps every key value" only
bounds from above.

    python benchmarks/sample_quality.py                       # six natural-prose genres + fictional facts seed 1
    python benchmarks/sample_quality.py --only np_manual --audit-out /tmp/draw.jsonl
    python benchmarks/sample_quality.py --heldout             # ... and the held-out visitor guide
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui import curate  # noqa: E402
from smt_gui.factbench import QUESTIONS, BenchConfig, make_benchmark  # noqa: E402
from smt_gui.factcheck import grade_qa, grade_rewrite, key_facts, same_answer  # noqa: E402
from smt_gui.generate import GenerateConfig, generate  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.llm import BackendConfig  # noqa: E402
from smt_gui.project import Project  # noqa: E402

NATURAL = REPO / "benchmarks" / "natural_prose" / "documents.jsonl"
HELDOUT = REPO / "benchmarks" / "natural_prose" / "heldout.jsonl"  # the visitor guide: rules were written on the six above


def documents(seeds: list[int], people: int, heldout: bool = False) -> list[dict]:
    rows = [json.loads(line) for path in [NATURAL, *([HELDOUT] if heldout else [])]
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for seed in seeds:
        for row in make_benchmark(BenchConfig(seed=seed, people=people)):
            facts = [{**f, "asks": QUESTIONS[f["attribute"]].format(e=f["entity"])} for f in row["facts"]]
            rows.append({**row, "facts": facts, "id": f"facts_seed{seed}", "genre": "fictional_facts"})
    return rows


def measure(row: dict, root: Path, backend: BackendConfig) -> tuple[dict, list[dict]]:
    project = Project.create(root)
    path = root.parent / f"{row['id']}.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    ingest_paths(project, [path])
    started = time.perf_counter()
    generate(project, GenerateConfig(backend=backend))
    seconds = time.perf_counter() - started
    curate.auto_curate(project)
    outcome = curate.accept_passing(project, curate.matching_ids(project, curate.SampleFilter(status="pending")))
    with project.connect() as conn:
        samples = [dict(r) for r in conn.execute("SELECT * FROM samples ORDER BY id")]
        requested, made = conn.execute("SELECT COALESCE(SUM(n_requested), 0), COALESCE(SUM(n_samples), 0) "
                                       "FROM generation_log").fetchone()
        by_kind = {r[0]: [r[1], r[2]] for r in conn.execute(
            "SELECT kind, SUM(n_requested), SUM(n_samples) FROM generation_log GROUP BY kind")}
        text = conn.execute("SELECT text FROM documents").fetchone()["text"]
    keys = key_facts(text, row["facts"])
    accepted = [s for s in samples if s["status"] == "accepted"]
    qa = defaultdict(lambda: [0, 0, 0])  # question source -> [right, wrong, off-key]
    rewrites = {"n": 0, "keeps": 0, "differs": 0, "both": 0}
    covered: set[int] = set()
    covered_by_qa: set[int] = set()
    rewrite_sources: dict[str, int] = defaultdict(int)
    graded: list[dict] = []
    for s in accepted:
        generator = json.loads(s["generator"] or "{}")
        if s["kind"] == "qa":
            right, why = grade_qa(s, keys)
            source = generator.get("question_source", "model")
            qa[source][0 if right else (1 if right is False else 2)] += 1
            if right:
                span = generator.get("answer_span", "")
                hit = {i for i, k in enumerate(keys) if k["start"] < s["source_end"] and s["source_start"] < k["end"]
                       and (same_answer(span, k["value"]) or same_answer(span, k.get("entity") or ""))}
                covered |= hit
                covered_by_qa |= hit
            graded.append({"id": s["id"], "kind": "qa", "question": s["question"], "answer": s["answer"],
                           "short_answer": generator.get("answer_span"), "question_source": source,
                           "source": s["source_text"], "auto_right": right, "auto_reason": why})
        else:
            keeps, differs, why = grade_rewrite(s, keys)
            rewrites["n"] += 1
            rewrites["keeps"] += keeps
            rewrites["differs"] += differs
            rewrites["both"] += keeps and differs
            rewrite_sources[generator.get("rewrite_source", "model")] += 1
            if keeps and s["source_start"] is not None:
                covered |= {i for i, k in enumerate(keys) if k["start"] < s["source_end"] and s["source_start"] < k["end"]}
            graded.append({"id": s["id"], "kind": s["kind"], "focus_question": s["question"], "text": s["text"],
                           "source": s["source_text"], "auto_keeps": keys and keeps, "auto_differs": differs,
                           "auto_reason": why, "rewrite_source": generator.get("rewrite_source", "model"),
                           "parts": [p["origin"] for p in generator.get("parts", [])]})
    right = sum(v[0] for v in qa.values())
    wrong = sum(v[1] for v in qa.values())
    n_qa = sum(sum(v) for v in qa.values())
    result = {
        "document": row["id"], "genre": row["genre"], "samples": len(samples), "accepted": len(accepted),
        "held_back": outcome["held_back"], "qa_n": n_qa, "qa_right": right, "qa_wrong": wrong,
        "qa_by_source": {k: {"right": v[0], "wrong": v[1], "off_key": v[2]} for k, v in qa.items()}, "rewrites": rewrites,
        "keys": len(keys), "covered": len(covered), "covered_by_qa": len(covered_by_qa),
        "rewrite_sources": dict(rewrite_sources), "yield_by_kind": by_kind, "requested": requested, "made": made,
        "yield": made / requested if requested else 0.0, "generation_s": round(seconds, 1),
    }
    return result, [{**g, "document": row["id"], "genre": row["genre"]} for g in graded]


def _share(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.0%}" if b else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1], help="fictional-facts documents (one per seed)")
    parser.add_argument("--people", type=int, default=6, help="people per fictional-facts document")
    parser.add_argument("--only", nargs="*", help="document ids to run (default: all)")
    parser.add_argument("--heldout", action="store_true",
                        help="also the held-out visitor guide (heldout.jsonl), the end-to-end document")
    parser.add_argument("--backend", default="llama_cpp")
    parser.add_argument("--model", default="")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--out", type=Path, help="write the per-document results here (JSON)")
    parser.add_argument("--samples-out", type=Path, help="write every graded accepted sample here (JSONL)")
    parser.add_argument("--audit-out", type=Path, help="draw a seeded audit sample here (JSONL)")
    parser.add_argument("--audit-qas", type=int, default=60)
    parser.add_argument("--audit-rewrites", type=int, default=30)
    args = parser.parse_args()
    backend = BackendConfig(kind=args.backend, model=args.model, base_url=args.base_url)
    rows, graded = [], []
    with tempfile.TemporaryDirectory(prefix="smt-quality-") as tmp:
        for doc in documents(args.seeds, args.people, args.heldout):
            if args.only and doc["id"] not in args.only:
                continue
            result, samples = measure(doc, Path(tmp) / doc["id"], backend)
            rows.append(result)
            graded += samples
            print(json.dumps(result), flush=True)
    print("\nQA right = of the accepted QAs the key can grade (right + wrong), the share whose short answer is what the "
          "question asks; off-key = asks about what the key does not list (judged by the audit only).")
    print("\n| document | genre | accepted (held back) | QAs | QA right: model | QA right: template | QA right: all | "
          "off-key | rewrites keep key values | rewrites reworded (>= 2 words) | both | rewrites by code | "
          "key facts covered | by QAs | yield | generation s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")

    def keyed(v: dict) -> str:
        return _share(v.get("right", 0), v.get("right", 0) + v.get("wrong", 0))

    for r in rows:
        m, t, w = r["qa_by_source"].get("model", {}), r["qa_by_source"].get("template", {}), r["rewrites"]
        off = sum(v.get("off_key", 0) for v in r["qa_by_source"].values())
        print(f"| {r['document']} | {r['genre']} | {r['accepted']} ({r['held_back']}) | {r['qa_n']} | "
              f"{keyed(m)} | {keyed(t)} | {_share(r['qa_right'], r['qa_right'] + r['qa_wrong'])} | "
              f"{_share(off, r['qa_n'])} | {_share(w['keeps'], w['n'])} | {_share(w['differs'], w['n'])} | "
              f"{_share(w['both'], w['n'])} | {r['rewrite_sources'].get('template', 0)} | "
              f"{_share(r['covered'], r['keys'])} | {_share(r['covered_by_qa'], r['keys'])} | "
              f"{r['made']}/{r['requested']} = {r['yield']:.2f} | {r['generation_s']:.0f} |")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2))
    if args.samples_out:
        args.samples_out.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in graded))
    if args.audit_out:
        rng = random.Random(23)
        qas = [g for g in graded if g["kind"] == "qa"]
        docs = [g for g in graded if g["kind"] != "qa"]
        draw = rng.sample(qas, min(args.audit_qas, len(qas))) + rng.sample(docs, min(args.audit_rewrites, len(docs)))
        draw = [{**g, "key": f"{g['document']}#{g['id']}"} for g in draw]  # sample ids restart in each project
        args.audit_out.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in draw))
        print(f"drew {len(draw)} samples for the audit into {args.audit_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
