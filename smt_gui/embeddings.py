"""Sentence embeddings from the bundled all-MiniLM-L6-v2 (no download): near-duplicates, leakage, retrieval."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

_lock = threading.Lock()


@lru_cache(maxsize=2)
def load_embedder(path: str | None = None):
    """The embedding model: a local sentence-transformers folder, or the bundled MiniLM when ``path`` is None."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    from smt_gui.llm.bundled import bundled_embedding_path

    return SentenceTransformer(str(path or bundled_embedding_path()), device="cpu")


def embed(texts: list[str], path: str | None = None, batch_size: int = 64) -> np.ndarray:
    """Unit-normalised float32 embeddings, one row per text (so a dot product is the cosine similarity)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_embedder(path)
    with _lock:  # the model is shared by the app's worker threads
        vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
    return vectors.astype(np.float32)


def max_similarity_to_earlier(vectors: np.ndarray, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the highest cosine similarity to any *earlier* row and that row's index (-1 for the first).

    Blocked so 20k x 20k never sits in memory at once; keeping the earliest copy is what dedup rules want.
    """
    n = len(vectors)
    best = np.full(n, -1.0, dtype=np.float32)
    best_idx = np.full(n, -1, dtype=np.int64)
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = vectors[start:stop] @ vectors[:stop].T
        rows = np.arange(stop - start)
        mask = np.arange(stop)[None, :] >= (start + rows)[:, None]  # only strictly earlier rows count
        sims[mask] = -1.0
        if stop > 0:
            best_idx[start:stop] = sims.argmax(axis=1)
            best[start:stop] = sims[rows, best_idx[start:stop]]
    best_idx[best < -0.5] = -1
    return best, best_idx
