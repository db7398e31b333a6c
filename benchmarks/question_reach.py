"""How much of a document can the generator ask about at all? For each fact sentence (fact window), whether the
QA planner finds at least one answer a well-formed question can be built for. Window QAs are only requested for
such answers (``generate.kinds.WindowQAs.plan``), so this share bounds QA coverage from above whatever the
generator: a sentence no question reaches is taught by focal documents alone.

No model runs: the planner is pure code, so this takes seconds. Documents: the natural-prose set (rules were
written on it), the held-out visitor guide, and the five QuALITY articles of ``tests/data/quality/dev_small.jsonl``
(stories and essays by real writers, CC BY 4.0, none read while writing the rules).

    python benchmarks/question_reach.py            # table + benchmarks/question_reach.json
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.generate import GenerateConfig  # noqa: E402
from smt_gui.generate.job import plan_units  # noqa: E402
from smt_gui.generate.kinds import Sources  # noqa: E402
from smt_gui.ingest import ingest_paths  # noqa: E402
from smt_gui.project import Project  # noqa: E402

NATURAL = REPO / "benchmarks" / "natural_prose"
QUALITY = REPO / "tests" / "data" / "quality" / "dev_small.jsonl"


def documents() -> list[dict]:
    rows = [{**json.loads(line), "set": "natural prose" if path.stem == "documents" else "held out"}
            for path in (NATURAL / "documents.jsonl", NATURAL / "heldout.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in QUALITY.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        rows.append({"id": f"quality_{article['article_id']}", "title": article["title"], "text": article["text"],
                     "genre": "QuALITY article", "set": "QuALITY"})
    return rows


def reach(row: dict, root: Path) -> dict:
    project = Project.create(root)
    path = root.parent / f"{row['id']}.txt"
    path.write_text(row["text"], encoding="utf-8")
    ingest_paths(project, [path])
    config = GenerateConfig()
    windows = Sources(project, config).windows
    asked = {(u.document_id, u.focus_start) for u in plan_units(project, config, "qa") if u.focus_start is not None}
    reached = sum((w.document_id, w.start) in asked for w in windows)
    return {"document": row["id"], "set": row["set"], "genre": row.get("genre", ""), "fact_sentences": len(windows),
            "reached": reached, "share": round(reached / max(1, len(windows)), 3)}


def main() -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, row in enumerate(documents()):
            results.append(reach(row, Path(tmp) / f"p{i}" / "project"))
            r = results[-1]
            print(f"{r['document']:28s} {r['set']:14s} {r['reached']:4d}/{r['fact_sentences']:4d} = {r['share']:.0%}")
    for group in ("natural prose", "held out", "QuALITY"):
        rows = [r for r in results if r["set"] == group]
        hit, total = sum(r["reached"] for r in rows), sum(r["fact_sentences"] for r in rows)
        print(f"{group:43s} {hit:4d}/{total:4d} = {hit / max(1, total):.0%}")
    (REPO / "benchmarks" / "question_reach.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
