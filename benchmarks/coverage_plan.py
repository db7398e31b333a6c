"""Where key facts are lost before any model runs: for each key fact of the natural-prose documents, can the QA
planner ask for it at all?

Coverage in ``sample_quality.py`` counts key facts answered by an accepted QA or kept by an accepted rewrite. A
fact the planner never asks for can only be covered by a rewrite, and a 135M rewriter rarely passes the meaning
checks. This script needs no model: it ingests each document into a fresh project, plans the QA units exactly as
``smt generate`` does (``WindowQAs.plan``), and sorts every key fact into

* ``asked``        — its value is one of the answers a unit asks for in the first round (a question can be built
  for it);
* ``later round``  — a question can be built for it, but the first round asks for other answers of its sentence
  (*QAs per window*); a second round (``--seed 1``) starts at the next ones;
* ``candidate``    — its value is a candidate answer of its sentence, but no safe question was built for it;
* ``no candidate`` — its sentence has a window, but the value is not among its candidate answers;
* ``no window``    — no sentence, label or table window holds it (a heading, a list item without a verb, ...).

    python benchmarks/coverage_plan.py                 # the six natural-prose documents
    python benchmarks/coverage_plan.py --show "no window" --only np_minutes
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.factcheck import key_facts, same_answer  # noqa: E402
from smt_gui.generate import GenerateConfig  # noqa: E402
from smt_gui.generate.kinds import Sources, WindowQAs  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.project import Project  # noqa: E402

NATURAL = REPO / "benchmarks" / "natural_prose" / "documents.jsonl"
REASONS = ("asked", "later round", "candidate", "no candidate", "no window")


def classify(row: dict, root: Path, qa_per_window: int) -> list[dict]:
    """Each key fact of ``row`` with the reason it is or is not asked for."""
    project = Project.create(root)
    path = root.parent / f"{row['id']}.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    ingest_paths(project, [path])
    sources = Sources(project, GenerateConfig(qa_per_window=qa_per_window))
    units = WindowQAs().plan(sources)
    text = next(iter(sources.documents.values()))["text"]
    out = []
    for key in key_facts(text, row["facts"]):
        mine = [u for u in units if u.focus_start < key["end"] and key["start"] < u.focus_end]
        if any(same_answer(t, key["value"]) for u in mine for t in u.targets[: u.requested]):
            reason = "asked"
        elif any(same_answer(t, key["value"]) for u in mine for t in u.targets):
            reason = "later round"
        elif any(same_answer(c, key["value"]) for u in mine for c in u.candidates):
            reason = "candidate"
        elif mine or any(w.start < key["end"] and key["start"] < w.end for w in sources.windows):
            reason = "no candidate"
        else:
            reason = "no window"
        out.append({"document": row["id"], "value": key["value"], "sentence": key["sentence"], "reason": reason,
                    "targets": sorted({t for u in mine for t in u.targets}),
                    "questions": sorted({f"{q} -> {t}" for u in mine for t, q in zip(u.targets, u.templates, strict=True)})})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="document ids (default: all six)")
    parser.add_argument("--show", nargs="*", default=[], choices=REASONS, help="print the facts lost for these reasons")
    parser.add_argument("--out", type=Path, help="write every classified key fact here (JSONL)")
    parser.add_argument("--qa-per-window", type=int, default=GenerateConfig().qa_per_window,
                        help="QAs asked per window and round (the app's default unless given)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in NATURAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if not args.only or r["id"] in args.only]
    facts: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for row in rows:
            facts += classify(row, Path(tmp) / row["id"], args.qa_per_window)
    print(f"{'document':<20}" + "".join(f"{r:>14}" for r in REASONS))
    for doc in [r["id"] for r in rows] + ["all"]:
        mine = [f for f in facts if doc in ("all", f["document"])]
        counts = Counter(f["reason"] for f in mine)
        print(f"{doc:<20}" + "".join(f"{f'{counts[r]}/{len(mine)}':>14}" for r in REASONS))
    for f in facts:
        if f["reason"] in args.show:
            print(f"[{f['reason']}] {f['document']}: {f['value']!r} in {f['sentence']!r}; asks for {f['targets']}")
    if args.out:
        args.out.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
