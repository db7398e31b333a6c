"""Turn the user's base-model choice into a Hugging Face folder that training, merging and chat can all load.

A GGUF loaded by transformers (``gguf_file=``) is dequantised to a normal PyTorch model, but ``save_pretrained``
refuses it. So it is rebuilt once from its config and state dict (``from_config`` + ``load_state_dict``) and saved
as a float32 folder in the cache; every later load is a plain, fast ``from_pretrained``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

from smt_gui.llm.bundled import ModelNotFoundError, cache_dir, resolve_model_spec

_CONVERTING = threading.Lock()
# transformers builds models under a process-wide "meta device" context while loading, so two threads loading at
# once corrupt each other's weights ("Cannot copy out of meta tensor"): every load in the app holds this lock (Chat's
# models, and the Train tab's parameter count on the meta device).
LOAD_LOCK = threading.Lock()


def _cache_key(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"v2:{path.resolve()}:{stat.st_size}:{int(stat.st_mtime)}".encode()).hexdigest()[:16]


def gguf_to_hf(gguf_path: Path, target: Path) -> Path:
    """Convert a GGUF file into an HF folder at ``target`` (float32 weights + tokenizer)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    config = loaded.config
    if hasattr(config, "quantization_config"):  # the weights are dequantised now; trainers refuse "GGUF-quantised"
        del config.quantization_config
    rebuilt = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    missing, unexpected = rebuilt.load_state_dict(loaded.state_dict(), strict=False)
    if unexpected or [m for m in missing if "lm_head" not in m]:  # tied lm_head may be absent from the GGUF
        raise RuntimeError(f"GGUF conversion mismatch: missing {missing[:5]}, unexpected {unexpected[:5]}")
    if missing:
        rebuilt.tie_weights()
    # A folder of its own per conversion: two at once (two app events, or two processes) once shared one and one
    # deleted the other's files mid-write ("No such file or directory" while saving).
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp", dir=target.parent))
    rebuilt.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    if target.exists():
        shutil.rmtree(tmp)
    else:
        tmp.replace(target)
    return target


def resolve_base_model(spec: str | None) -> Path:
    """An HF folder for ``spec``: bundled/GGUF -> converted (once, cached); an HF folder -> itself."""
    resolved = Path(resolve_model_spec(spec))
    if resolved.suffix == ".gguf":
        target = cache_dir() / "hf-models" / f"{resolved.stem}-{_cache_key(resolved)}"
        with _CONVERTING:  # one conversion at a time in this process; the others then find it done
            if (target / "config.json").exists():
                return target
            target.parent.mkdir(parents=True, exist_ok=True)
            return gguf_to_hf(resolved, target)
    if resolved.is_dir() and (resolved / "config.json").exists():
        return resolved
    raise ModelNotFoundError(f"{spec!r} is neither a .gguf file nor a Hugging Face model folder (no config.json).")


def parameter_count(base_model: str | None) -> int:
    """Parameters of a base model, counted on the meta device (no weights loaded): the Train tab's memory estimate."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.from_pretrained(resolve_base_model(base_model or None))
    with LOAD_LOCK, torch.device("meta"):  # the meta context is process-wide: never while another model loads
        model = AutoModelForCausalLM.from_config(config)
    return sum(p.numel() for p in model.parameters())
