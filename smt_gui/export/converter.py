"""llama.cpp's own HF -> GGUF converters, version-matched to the llama.cpp inside the installed llama-cpp-python.

The llama-cpp-python source distribution (the one pip builds from) carries ``vendor/llama.cpp`` with
``convert_hf_to_gguf.py``, ``convert_lora_to_gguf.py``, their ``conversion`` package and the matching ``gguf-py``.
``install`` unpacks just those (about 2 MB) into the environment, so a pip-installed app exports GGUF with no llama.cpp
checkout, and the files it writes are read by the very llama.cpp that runs them. ``scripts/install.sh`` calls it;
``SMT_LLAMA_CPP_DIR`` points at a checkout of one's own instead.

    python -m smt_gui.export.converter --install [--sdist llama_cpp_python-X.tar.gz]
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SCRIPTS = ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py")
PARTS = (*SCRIPTS, "conversion/", "gguf-py/", "LICENSE")  # what the converters import, and llama.cpp's MIT license


class ConverterMissingError(ValueError):
    """No converter: the message says how to get one."""


def llama_cpp_version() -> str:
    return md.version("llama-cpp-python")


def home(version: str | None = None) -> Path:
    """Where ``install`` puts the converters: inside the environment, one folder per llama.cpp version."""
    return Path(sys.prefix) / "share" / "smt-studio" / f"llama.cpp-{version or llama_cpp_version()}"


def find() -> Path | None:
    """The folder holding ``convert_hf_to_gguf.py``: ``SMT_LLAMA_CPP_DIR`` first, else the installed copy."""
    candidates = [Path(os.environ["SMT_LLAMA_CPP_DIR"])] if os.environ.get("SMT_LLAMA_CPP_DIR") else []
    candidates.append(home())
    return next((c for c in candidates if all((c / s).is_file() for s in SCRIPTS)), None)


def require() -> Path:
    found = find()
    if found is None:
        raise ConverterMissingError(
            "GGUF export needs llama.cpp's converter, which the installer unpacks from the llama-cpp-python source: run "
            "`python -m smt_gui.export.converter --install` once (or set SMT_LLAMA_CPP_DIR to a llama.cpp checkout).")
    return found


def _download_sdist(version: str, into: Path) -> Path:
    """The sdist pip builds llama-cpp-python from (pip's cache makes a re-download cheap)."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    f"llama-cpp-python=={version}", "-d", str(into)], check=True)
    return next(into.glob("llama_cpp_python-*.tar.gz"))


def install(sdist: Path | None = None) -> Path:
    """Unpack the converters of the installed llama-cpp-python version into ``home()``; returns that folder."""
    version = llama_cpp_version()
    target = home(version)
    if find() == target:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(sdist) if sdist else _download_sdist(version, Path(tmp))
        staging = Path(tmp) / "unpacked"
        with tarfile.open(archive) as tar:
            members = []
            for member in tar.getmembers():
                parts = member.name.split("/vendor/llama.cpp/", 1)
                if len(parts) == 2 and any(parts[1] == p or (p.endswith("/") and parts[1].startswith(p)) for p in PARTS):
                    member.name = parts[1]
                    members.append(member)
            tar.extractall(staging, members=members, filter="data")  # "data": no absolute paths, links or devices
        missing = [s for s in SCRIPTS if not (staging / s).is_file()]
        if missing:
            raise ConverterMissingError(f"{archive.name} has no {', '.join(missing)}: not a llama-cpp-python sdist?")
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--install", action="store_true", help="unpack the converters for the installed llama.cpp")
    parser.add_argument("--sdist", type=Path, help="a llama-cpp-python source archive (default: pip download)")
    args = parser.parse_args(argv)
    if args.install:
        print(f"llama.cpp converters in {install(args.sdist)}")
        return 0
    found = find()
    print(found or "not installed: python -m smt_gui.export.converter --install")
    return 0 if found else 1


if __name__ == "__main__":
    raise SystemExit(main())
