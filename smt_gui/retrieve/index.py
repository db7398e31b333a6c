"""A persistent Chroma collection per project (``PROJECT/chroma``), filled from the project's chunks.

Embeddings come from the bundled all-MiniLM-L6-v2 and are passed to Chroma explicitly: Chroma's default embedding
function downloads a model, which is impossible offline. The SQLite store stays the source of truth: the index is
derived, synced incrementally (only new chunks are embedded; chunks that no longer exist are removed) and can be
rebuilt at any time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from smt_gui.project import Project

# Retrieved chunks per question: the one default of Chat's RAG columns, Evaluate's RAG arms, `smt ask` and `smt eval`
# (a project keeps its own, ``sample.retrieval_k``).
RETRIEVAL_K = 4

COLLECTION = "chunks"
_clients: dict[str, object] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    document_id: int
    title: str
    text: str
    score: float  # cosine similarity (or the reranker's score when reranking)


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings

    key = str(path)
    with _lock:
        if key not in _clients:
            path.mkdir(parents=True, exist_ok=True)
            _clients[key] = chromadb.PersistentClient(path=key, settings=Settings(anonymized_telemetry=False))
        return _clients[key]


class RagIndex:
    def __init__(self, project: Project, embedder_path: str | None = None) -> None:
        self.project = project
        self.embedder_path = embedder_path
        self.collection = _client(project.root / "chroma").get_or_create_collection(
            COLLECTION, embedding_function=None, metadata={"hnsw:space": "cosine"})

    def _embed(self, texts: list[str]) -> np.ndarray:
        from smt_gui.embeddings import embed

        return embed(texts, self.embedder_path)

    def count(self) -> int:
        return self.collection.count()

    def sync(self, progress: Callable[[int, int], None] | None = None, batch: int = 256) -> dict[str, int]:
        """Embed and add chunks not in the index yet; drop indexed chunks that are gone. Returns the counts."""
        with self.project.connect() as conn:
            rows = conn.execute("""SELECT c.id, c.document_id, c.idx, c.text, d.title FROM chunks c
                                   JOIN documents d ON d.id = c.document_id ORDER BY c.id""").fetchall()
        wanted = {f"c{r['id']}": r for r in rows}
        indexed = set(self.collection.get(include=[])["ids"])
        stale = sorted(indexed - set(wanted))
        if stale:
            self.collection.delete(ids=stale)
        new = [wanted[i] for i in wanted if i not in indexed]
        for start in range(0, len(new), batch):
            part = new[start : start + batch]
            vectors = self._embed([r["text"] for r in part])
            self.collection.add(
                ids=[f"c{r['id']}" for r in part], embeddings=vectors.tolist(), documents=[r["text"] for r in part],
                metadatas=[{"chunk_id": r["id"], "document_id": r["document_id"], "idx": r["idx"], "title": r["title"]}
                           for r in part])
            if progress:
                progress(min(start + batch, len(new)), len(new))
        return {"added": len(new), "removed": len(stale), "total": self.collection.count()}

    def query(self, question: str, k: int = RETRIEVAL_K, mmr: bool = False, fetch_k: int = 20, mmr_lambda: float = 0.5,
              reranker: str | None = None) -> list[Hit]:
        """Top-k chunks for a question; optional MMR (diversity) and cross-encoder reranking of ``fetch_k`` candidates."""
        total = self.collection.count()
        if total == 0 or not question.strip():
            return []
        query_vector = self._embed([question])[0]
        n = min(total, max(k, fetch_k) if (mmr or reranker) else k)
        result = self.collection.query(query_embeddings=[query_vector.tolist()], n_results=n,
                                       include=["documents", "metadatas", "distances", "embeddings"])
        hits = [Hit(m["chunk_id"], m["document_id"], m["title"], doc, 1.0 - dist)
                for doc, m, dist in zip(result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True)]
        if reranker:
            hits = rerank(question, hits, reranker)[:k]
        elif mmr:
            order = mmr_order(query_vector, np.asarray(result["embeddings"][0], dtype=np.float32), k, mmr_lambda)
            hits = [hits[i] for i in order]
        return hits[:k]


def mmr_order(query: np.ndarray, candidates: np.ndarray, k: int, lam: float) -> list[int]:
    """Maximal marginal relevance: relevant to the query, and different from what was already picked."""
    candidates = candidates / np.linalg.norm(candidates, axis=1, keepdims=True)
    relevance = candidates @ query
    picked: list[int] = []
    while len(picked) < min(k, len(candidates)):
        redundancy = (candidates @ candidates[picked].T).max(axis=1) if picked else np.zeros(len(candidates))
        scores = lam * relevance - (1 - lam) * redundancy
        scores[picked] = -np.inf
        picked.append(int(scores.argmax()))
    return picked


def rerank(question: str, hits: list[Hit], model_path: str) -> list[Hit]:
    """Re-score candidates with a local cross-encoder (sentence-transformers ``CrossEncoder`` folder)."""
    from sentence_transformers import CrossEncoder

    scores = CrossEncoder(model_path, device="cpu").predict([(question, h.text) for h in hits])
    ranked = sorted(zip(hits, scores, strict=True), key=lambda pair: -float(pair[1]))
    return [Hit(h.chunk_id, h.document_id, h.title, h.text, float(s)) for h, s in ranked]
