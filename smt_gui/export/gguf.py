"""Export a training run as GGUF: the merged full model, or the LoRA adapter on top of the base model's GGUF.

Conversion runs llama.cpp's own converter in a subprocess (``converter``), so a converter crash or its memory use
never touches the app; quantisation below 8 bits uses llama.cpp's quantiser through llama-cpp-python. Files go to
``runs/NAME/gguf/`` with an Ollama ``Modelfile`` beside them.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from smt_gui.export import CONVERTER_TYPES, GGUF_TYPES, converter, ollama
from smt_gui.project import Project


@dataclass
class GgufExport:
    kind: str               # "model" (merged, standalone) or "adapter" (LoRA GGUF over ``base``)
    gguf: Path              # the model file, or the adapter file
    base: Path | None       # the base model GGUF an adapter applies to
    modelfile: Path
    ollama_command: str

    def describe(self) -> str:
        what = f"adapter `{self.gguf}` over base `{self.base}`" if self.kind == "adapter" else f"model `{self.gguf}`"
        return f"Wrote GGUF {what} and `{self.modelfile}`. For Ollama: `{self.ollama_command}`"


def _convert(script: str, args: list[str]) -> None:
    folder = converter.require()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    result = subprocess.run([sys.executable, str(folder / script), *args], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise ValueError(f"GGUF conversion failed ({script}): {result.stderr.strip()[-600:]}")


def quantize(source: Path, target: Path, kind: str) -> Path:
    """llama.cpp's quantiser (the one inside llama-cpp-python) from an f16/f32 GGUF."""
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind.upper()}")
    params.nthread = max(1, (os.cpu_count() or 2))
    if llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), ctypes.byref(params)) != 0:
        raise ValueError(f"llama.cpp could not quantise {source.name} to {kind}.")
    return target


def hf_to_gguf(model_dir: Path, target: Path, kind: str = "f16") -> Path:
    """Any HF model folder (merged, fully fine-tuned, or a base) to one GGUF of ``kind``."""
    if kind not in GGUF_TYPES:
        raise ValueError(f"Unknown GGUF type {kind!r}: pick one of {', '.join(GGUF_TYPES)}.")
    if kind in CONVERTER_TYPES:
        _convert("convert_hf_to_gguf.py", [str(model_dir), "--outfile", str(target), "--outtype", kind])
        return target
    f16 = target.with_suffix(".f16-tmp.gguf")
    try:
        _convert("convert_hf_to_gguf.py", [str(model_dir), "--outfile", str(f16), "--outtype", "f16"])
        return quantize(f16, target, kind)
    finally:
        f16.unlink(missing_ok=True)


def base_gguf(run, folder: Path) -> Path:
    """The GGUF an adapter applies to: the run's base when it was a GGUF (e.g. the bundled model), else converted."""
    from smt_gui.llm.bundled import resolve_model_spec

    spec = resolve_model_spec(run.config.get("base_model") or None)
    if spec.endswith(".gguf"):
        return Path(spec)
    return hf_to_gguf(Path(run.summary["base_model_dir"]), folder / "base.f16.gguf", "f16")


def export_run(project: Project, run, kind: str = "q8_0", adapter: bool = False) -> GgufExport:
    """Write the run's GGUF (``adapter=True``: the LoRA adapter alone, f16) and an Ollama Modelfile."""
    from transformers import AutoTokenizer

    from smt_gui.train import runner

    converter.require()  # fail before a merge that would be wasted
    trained = runner.output_dir(run)
    if not trained.exists():
        raise ValueError(f"Run {run.name} has no trained output yet: finish (or resume) its training first.")
    folder = run.path / "gguf"
    folder.mkdir(exist_ok=True)
    base_dir = Path(run.summary["base_model_dir"])
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    name = f"smt-{project.name}-{run.name}".lower()
    if adapter:
        if run.config.get("method") == "full":
            raise ValueError("This run trained the full model: it has no adapter. Export the model instead.")
        target = folder / f"{run.name}.adapter.f16.gguf"
        _convert("convert_lora_to_gguf.py", ["--base", str(base_dir), "--outfile", str(target), "--outtype", "f16",
                                             str(trained)])
        base = base_gguf(run, folder)
        modelfile, command = ollama.write_modelfile(folder, base, tokenizer, adapter=target, name=name)
        return GgufExport("adapter", target, base, modelfile, command)
    model_dir = runner.merge(project, run)
    target = hf_to_gguf(model_dir, folder / f"{run.name}.{kind}.gguf", kind)
    modelfile, command = ollama.write_modelfile(folder, target, tokenizer, name=name)
    return GgufExport("model", target, None, modelfile, command)


def _fresh(path: Path, than: Path) -> bool:
    return path.is_file() and path.stat().st_mtime >= than.stat().st_mtime


def gguf_for(project: Project, run, merged: bool) -> GgufExport:
    """The run's GGUF, exported now unless an export newer than its trained output is already there."""
    from smt_gui.train import runner

    adapter = not merged and run.config.get("method") != "full"
    trained = runner.output_dir(run)
    if not trained.exists():
        raise ValueError(f"Run {run.name} has no trained output yet: finish (or resume) its training first.")
    folder = run.path / "gguf"
    existing = folder / (f"{run.name}.adapter.f16.gguf" if adapter else f"{run.name}.q8_0.gguf")
    if _fresh(existing, trained) and (folder / "Modelfile").is_file():
        base = base_gguf(run, folder) if adapter else None
        return GgufExport("adapter" if adapter else "model", existing, base, folder / "Modelfile", "")
    return export_run(project, run, kind="f16" if adapter else "q8_0", adapter=adapter)
