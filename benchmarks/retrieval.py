"""Retrieval latency at 10,000 chunks: the app's RagIndex.query (embed the question + Chroma HNSW search) side by
side with its two parts measured alone (MiniLM embedding of the question; a raw Chroma query with a precomputed
embedding). Target: p50 < 30 ms for the app's query on this machine.

The corpus is real text: the QuALITY articles bundled in tests/data, cut into 28-token chunks by the app's own
ingestion so that it reaches ~10k chunks; the queries are the QuALITY questions.

    python benchmarks/retrieval.py [--chunks 10000] [--queries 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.embeddings import embed  # noqa: E402
from smt_gui.ingest import ChunkingConfig, ingest_paths  # noqa: E402
from smt_gui.project import Project  # noqa: E402
from smt_gui.retrieve import RagIndex  # noqa: E402

# The 5 bundled QuALITY articles, plus the workplace's 46 single-question articles when that folder is there.
CORPORA = [p for p in (REPO / "tests" / "data" / "quality" / "dev_small.jsonl",
                       REPO.parent / "shared" / "data" / "quality" / "dev_single_question.jsonl") if p.exists()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = Project.create(Path(tmp) / "bench")
        ingest_paths(project, CORPORA,
                     config=ChunkingConfig(size=28, overlap=0))
        with project.connect() as conn:
            extra = conn.execute("SELECT id FROM chunks ORDER BY id LIMIT -1 OFFSET ?", (args.chunks,)).fetchall()
            conn.executemany("DELETE FROM chunks WHERE id = ?", [(r[0],) for r in extra])
            questions = [r[0] for r in conn.execute("SELECT question FROM eval_questions")]
        index = RagIndex(project)
        started = time.perf_counter()
        counts = index.sync()
        build_s = time.perf_counter() - started
        queries = (questions * (args.queries // max(len(questions), 1) + 1))[: args.queries]
        embed(queries[:5])  # warm-up
        index.query(queries[0], k=args.k)

        app_ms, embed_ms, chroma_ms = [], [], []
        vectors = embed(queries)
        for question, vector in zip(queries, vectors, strict=True):
            t = time.perf_counter()
            index.query(question, k=args.k)
            app_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            embed([question])
            embed_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            index.collection.query(query_embeddings=[vector.tolist()], n_results=args.k,
                                   include=["documents", "metadatas", "distances"])
            chroma_ms.append((time.perf_counter() - t) * 1000)

    print(f"{counts['total']:,} chunks indexed in {build_s:.1f} s ({counts['total'] / build_s:.0f} chunks/s, "
          f"MiniLM on {os.cpu_count()} CPU cores) · {len(queries)} queries · top-{args.k}")
    print(f"{'':<36} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in (("app RagIndex.query (embed + search)", app_ms), ("  embedding the question alone", embed_ms),
                         ("  raw Chroma query alone", chroma_ms)):
        print(f"{name:<36} {statistics.median(values):8.1f} {percentile(values, 0.95):8.1f}")
    overhead = statistics.median(app_ms) / (statistics.median(embed_ms) + statistics.median(chroma_ms))
    print(f"app / (embed + raw query) = {overhead:.2f} · target p50 < 30 ms: "
          f"{'met' if statistics.median(app_ms) < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
