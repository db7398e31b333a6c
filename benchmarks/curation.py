"""Curation at scale: paging, filtering, sorting and bulk actions on 20,000 samples (target: each under 1 s).

Side by side with the naive way a UI might do it (load every sample into pandas, then filter and slice), in one
run on the same project database.

    python benchmarks/curation.py [--samples 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui import curate  # noqa: E402
from smt_gui.curate import SampleFilter  # noqa: E402
from smt_gui.project import Project, utc_now  # noqa: E402

WORDS = [
    "ship",
    "cook",
    "phobos",
    "mars",
    "captain",
    "crew",
    "engine",
    "moon",
    "orbit",
    "cargo",
    "radio",
    "pilot",
    "storm",
    "harbour",
    "bridge",
    "river",
    "engineer",
    "steel",
    "concrete",
    "tide",
    "turbine",
    "station",
    "pump",
    "bearing",
    "alarm",
    "valley",
    "orchard",
    "cider",
    "barn",
]


def fill(project: Project, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    now = utc_now()
    with project.connect() as conn:
        for d in range(20):
            conn.execute(
                "INSERT INTO documents(title, source_name, source_kind, content_hash, text, n_chars, n_words,"
                " n_tokens, created_at) VALUES (?, 'x.txt', 'txt', ?, 'text', 4, 1, 1, ?)",
                (f"Doc {d}", f"h{d}", now),
            )
        rows = []
        for _ in range(n):
            kind = rng.choice(["qa", "qa", "focal_rewrite", "rewrite"])
            words = " ".join(rng.choice(WORDS) for _ in range(12))
            scores = {"near_duplicate": {"score": rng.random(), "reason": "r"}, "grounding": {"score": rng.random(), "reason": "r"}}
            rows.append(
                (
                    kind,
                    rng.randint(1, 20),
                    f"What about the {words}?" if kind != "rewrite" else None,
                    words if kind == "qa" else None,
                    None if kind == "qa" else words * 20,
                    rng.choice(["pending", "accepted", "rejected"]),
                    rng.randint(10, 800),
                    json.dumps(scores),
                    now,
                    now,
                )
            )
        conn.executemany(
            """INSERT INTO samples(kind, document_id, question, answer, text, status, n_tokens, scores,
                            created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def naive(project: Project, flt: SampleFilter, page: int) -> None:
    import pandas as pd

    with project.connect() as conn:
        frame = pd.read_sql_query("SELECT * FROM samples", conn)
    if flt.kind:
        frame = frame[frame.kind == flt.kind]
    if flt.status:
        frame = frame[frame.status == flt.status]
    if flt.search:
        hay = frame.question.fillna("") + frame.answer.fillna("") + frame.text.fillna("")
        frame = frame[hay.str.contains(flt.search, case=False, regex=False)]
    frame.sort_values("id", ascending=False).iloc[(page - 1) * 50 : page * 50]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "bench")
        started = time.perf_counter()
        fill(project, args.samples)
        print(f"{args.samples:,} samples inserted in {time.perf_counter() - started:.1f} s")
        cases = {
            "page 1, no filter": (SampleFilter(), 1, "newest"),
            "page 200, no filter": (SampleFilter(), 200, "newest"),
            "kind + status filter": (SampleFilter(kind="qa", status="pending"), 1, "newest"),
            "text search 'phobos'": (SampleFilter(search="phobos"), 1, "newest"),
            "score range + sort by score": (SampleFilter(score_name="near_duplicate", score_min=0.9), 1, "near-duplicate score"),
        }
        print(f"{'operation':<32} {'app (ms)':>9} {'naive (ms)':>11} {'speed-up':>9}")
        worst = 0.0
        for name, (flt, page, sort) in cases.items():
            app_ms = timed(lambda flt=flt, page=page, sort=sort: curate.query_samples(project, flt, page, 50, sort))
            naive_ms = timed(lambda flt=flt, page=page: naive(project, flt, page), repeat=3)
            worst = max(worst, app_ms)
            print(f"{name:<32} {app_ms:9.1f} {naive_ms:11.1f} {naive_ms / app_ms:8.1f}x")
        flt = SampleFilter(kind="rewrite", status="pending")
        ids = curate.matching_ids(project, flt)
        started = time.perf_counter()
        curate.set_status(project, ids, "accepted")
        bulk_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        curate.undo_last(project)
        undo_ms = (time.perf_counter() - started) * 1000
        print(f"bulk accept of {len(ids):,} filtered samples: {bulk_ms:.0f} ms; undo: {undo_ms:.0f} ms")
        print(f"slowest paging/filter query: {worst:.1f} ms (target < 1000 ms)")


if __name__ == "__main__":
    main()
