"""The base model's retention figures, computed once per base model and set of items.

Every tuned evaluation asks the base model the same general-knowledge questions, has it answer the same
instructions and reads it the same generic text: the base half of retention cost as much as the tuned half and came
out the same each time (greedy answers, log-likelihoods). The figures are kept under ``cache_dir()/base-figures``,
keyed by the base model's weight files (resolved path, size, modification time) and a hash of exactly what was
asked. A model that was not loaded from a folder of weights (built or changed in memory) is never cached.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from smt_gui.llm.bundled import cache_dir

T = TypeVar("T")


def model_key(model: Any) -> str | None:
    """A key for the weights ``model`` was loaded from, or None when it was not loaded from a folder."""
    folder = Path(getattr(getattr(model, "config", None), "_name_or_path", "") or "")
    if not folder.is_dir():
        return None
    weights = sorted([*folder.glob("*.safetensors"), *folder.glob("*.bin")])
    if not weights:
        return None
    parts = [f"{w.name}:{w.stat().st_size}:{w.stat().st_mtime_ns}" for w in weights]
    return hashlib.sha256(f"v1|{folder.resolve()}|{'|'.join(parts)}".encode()).hexdigest()[:20]


def remembered(model: Any, what: str, inputs: Any, compute: Callable[[], T]) -> T:
    """``compute()``'s result for the base ``model`` on ``inputs`` (JSON-serialisable), from the cache when it was
    computed before. Only for figures that are a deterministic function of the weights and the inputs."""
    key = model_key(model)
    if key is None or os.environ.get("SMT_BASE_CACHE") == "0":
        return compute()
    digest = hashlib.sha256(json.dumps([what, inputs], sort_keys=True, default=str).encode()).hexdigest()[:24]
    path = cache_dir() / "base-figures" / key / f"{what}-{digest}.json"
    try:
        return json.loads(path.read_text())["value"]
    except (OSError, ValueError, KeyError):
        pass
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"value": value}))
    tmp.replace(path)
    return value
