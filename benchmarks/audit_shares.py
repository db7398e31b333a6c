"""Shares from the labelled audit of accepted samples, beside the automatic grade of the same samples.

``benchmarks/sample_quality.py --audit-out benchmarks/audit/draw.jsonl`` draws the samples (seeded); a reader who
did not write the generator labels each one in ``benchmarks/audit/labels.jsonl`` (one JSON object per line: ``key``,
and for QAs ``well_formed``, ``answers``, ``true``; for rewrites ``faithful``, ``differs``; each with a ``why``).
This prints the shares the labels give, per genre and in all, and how far the automatic grade is from them.

    python benchmarks/audit_shares.py
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

AUDIT = Path(__file__).resolve().parent / "audit"
sys.path.insert(0, str(AUDIT.parents[1]))

from smt_gui.factcheck import reworded  # noqa: E402


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.0%}" if b else "—"


def main() -> int:
    draw = {d["key"]: d for d in _load(AUDIT / "draw.jsonl")}
    labels = {x["key"]: x for x in _load(AUDIT / "labels.jsonl")}
    missing = sorted(set(draw) - set(labels))
    if missing:
        print(f"error: {len(missing)} drawn samples have no label: {missing[:5]}", file=sys.stderr)
        return 1
    by_genre: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    agree = {"auto_right": 0, "audit_right": 0, "n": 0, "keyed": 0, "keyed_auto": 0, "keyed_audit": 0}
    for sample_id, d in draw.items():
        lab = labels[sample_id]
        for genre in (d["genre"], "all"):
            g = by_genre[genre]
            if d["kind"] == "qa":
                for name in ("well_formed", "answers", "true"):
                    g[name][0] += bool(lab[name])
                    g[name][1] += 1
                g["qa_all_three"][0] += bool(lab["well_formed"] and lab["answers"] and lab["true"])
                g["qa_all_three"][1] += 1
            else:
                for name in ("faithful", "differs"):
                    g[name][0] += bool(lab[name])
                    g[name][1] += 1
                g["rewrite_both"][0] += bool(lab["faithful"] and lab["differs"])
                g["rewrite_both"][1] += 1
        if d["kind"] == "qa":
            agree["n"] += 1
            agree["audit_right"] += bool(lab["answers"])
            agree["auto_right"] += d["auto_right"] is True
            if d["auto_right"] is not None:
                agree["keyed"] += 1
                agree["keyed_auto"] += d["auto_right"] is True
                agree["keyed_audit"] += bool(lab["answers"])
    rewrites = [(d, labels[k]) for k, d in draw.items() if d["kind"] != "qa"]
    graded = sum(reworded(d["text"], d["source"]) >= 2 for d, _ in rewrites)  # today's grade of the drawn texts
    columns = ["well_formed", "answers", "true", "qa_all_three", "faithful", "differs", "rewrite_both"]
    print("| genre | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for genre in sorted(by_genre, key=lambda g: (g == "all", g)):
        g = by_genre[genre]
        print(f"| {genre} | " + " | ".join(_pct(*g[c]) if c in g else "—" for c in columns) + " |")
    print(f"\nQAs whose short answer answers the question: audit {_pct(agree['audit_right'], agree['n'])}; "
          f"of the {agree['keyed']} the answer key can grade: automatic {_pct(agree['keyed_auto'], agree['keyed'])}, "
          f"audit {_pct(agree['keyed_audit'], agree['keyed'])}")
    print(f"Rewrites reworded (at least two common words changed, factcheck.reworded): automatic "
          f"{_pct(graded, len(rewrites))}, audit 'differs' {_pct(sum(bool(lab['differs']) for _, lab in rewrites), len(rewrites))}"
          f", the same verdict on {sum((reworded(d['text'], d['source']) >= 2) == bool(lab['differs']) for d, lab in rewrites)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
