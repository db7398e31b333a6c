"""The bundled samples, and the settings every project starts from.

*Try the sample* (and ``smt project sample DIR``) creates a ready project so a newcomer can walk the six tabs
without finding documents first:

* ``facts`` (the default): a short document about invented people (``smt_gui.factbench``, seed 11: 4 people x 5
  facts, 20 multiple-choice questions). No model can know these facts, so the Evaluate tab shows the effect
  plainly: base near chance, RAG reading the answer, and the tuned model learning it closed-book. Its settings
  finish on 2 CPU cores in about ``WALK_MINUTES`` minutes, most of it training (``benchmarks/sample_path.py``).
* ``quality``: QuALITY dev article 30029 "Lost in Translation" with its 16 questions (CC BY 4.0; a public-domain
  Gutenberg story; ``smt_gui/samples/ATTRIBUTION.md``): real prose, where a 135M model stays near chance.

Each project stores its own tab settings (``tab_settings``); a new project starts from ``DEFAULT_SETTINGS``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from smt_gui.configflags import scalar_fields, shown_value
from smt_gui.evaluate.job import EvalConfig
from smt_gui.generate.job import GenerateConfig
from smt_gui.project import Project
from smt_gui.retrieve.index import RETRIEVAL_K
from smt_gui.train.config import TrainConfig

# The sample's walk through all six tabs, measured alone on 2 CPU cores by benchmarks/sample_path.py (the README
# quotes the same figure; tests/test_launch.py keeps them equal).
WALK_MINUTES = 12.4

# What the tabs show for a new project. Training defaults are the recommended recipe measured on the
# fictional-facts benchmark (benchmarks/README.md): full fine-tuning, 8 epochs, lr 1e-4, with the documents.
_GEN, _TRAIN, _EVAL = GenerateConfig(), TrainConfig(), EvalConfig()
DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {  # read from the configs: a tab's default is its config's
    "generate": {"max_chunks": 0, **{name: getattr(_GEN, name) for name in (
        "qa_per_window", "qa_per_chunk", "focal_questions_per_source", "focal_per_question", "window_sentences")}},
    "train": {item.name: shown_value(config, item) for config in (_TRAIN, _TRAIN.mixture)
              for item in scalar_fields(type(config), "ui")},
    "evaluate": {"arms": list(_EVAL.arms), **{item.name: shown_value(_EVAL, item) for item in scalar_fields(EvalConfig, "ui")
                                              if item.name != "k"}},  # k is the project's: "retrieval" below
    # one retrieval setting for the project: Chat's RAG columns and Evaluate's RAG arms retrieve the same way
    "retrieval": {"k": RETRIEVAL_K},
}

RENAMED = {"evaluate": {"letters": "generate_choice", "open": "open_answers"}}


@dataclass(frozen=True)
class Sample:
    key: str
    folder: str  # project folder name under the projects root
    title: str
    chunk_tokens: int
    chunk_overlap: int
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # overrides of DEFAULT_SETTINGS

    def next_steps(self) -> str:
        return ("Next: **Generate** (Start) → **Curate** (*Accept all filtered that pass the checks*) → **Train** (Start) → "
                "**Chat** (*Index*, ask) → **Evaluate** (Start).")


FACTS_BENCH = {"seed": 11, "people": 4, "facts_per_person": 5}
SAMPLES: dict[str, Sample] = {
    "facts": Sample(
        "facts", "sample-invented-facts", "invented facts about 4 people (20 questions no model can know)", 96, 16,
        {"generate": {"qa_per_window": 3, "focal_questions_per_source": 2, "focal_per_question": 2},
         "train": {"epochs": 6, "learning_rate": 1.5e-4},
         "evaluate": {"arms": ["base", "rag", "tuned"], "generate_choice": False}, "retrieval": {"k": 2}}),
    "quality": Sample(
        "quality", "sample-lost-in-translation", "one QuALITY article, 'Lost in Translation' (16 questions)", 512, 64,
        {"generate": {"max_chunks": 2, "qa_per_window": 1, "focal_questions_per_source": 1},
         "train": {"epochs": 1, "max_steps": 6, "batch_size": 2, "seq_len": 256},
         "evaluate": {"arms": ["base", "rag", "tuned"], "limit": 4}}),
}
SAMPLE_NAME = SAMPLES["facts"].folder  # kept for callers that only know "the sample"
QUALITY_FILE = "quality_30029_lost_in_translation.jsonl"


def _merge(base: dict[str, dict[str, Any]], override: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = copy.deepcopy(base)
    for section, values in override.items():
        out.setdefault(section, {}).update(values)
    return out


def tab_settings(project: Project | None) -> dict[str, dict[str, Any]]:
    """The settings the tabs show for a project: its own (a sample's quick settings), else the defaults."""
    stored = copy.deepcopy((project.get_setting("tab_settings") if project else None) or {})
    for section, renamed in RENAMED.items():  # a project saved before its settings were named as the config's fields
        for old, new in renamed.items():
            if old in stored.get(section, {}):
                stored[section].setdefault(new, stored[section].pop(old))
    return _merge(DEFAULT_SETTINGS, stored)


def retrieval_k(project: Project) -> int:
    """How many chunks the project's RAG arms retrieve: the same in Chat, Evaluate, `smt ask` and `smt eval`."""
    return int(tab_settings(project)["retrieval"]["k"])


def store_tab_setting(project: Project, section: str, key: str, value: Any) -> None:
    """Keep a setting the user changed with the project (e.g. retrieval k, shared by Chat and Evaluate)."""
    stored = project.get_setting("tab_settings") or {}
    stored.setdefault(section, {})[key] = value
    project.set_setting("tab_settings", stored)


def sample_source(sample: Sample, folder: Path) -> Path:
    """The sample's JSONL: the bundled QuALITY line, or the fictional-facts document written from its seed."""
    if sample.key == "quality":
        source = resources.files("smt_gui.samples").joinpath(QUALITY_FILE)
        if not source.is_file():
            raise FileNotFoundError(f"The bundled sample {QUALITY_FILE} is missing; reinstall SMT Studio.")
        return Path(str(source))
    from smt_gui.factbench import BenchConfig, write_benchmark

    path = folder / "sample_invented_facts.jsonl"
    write_benchmark(path, BenchConfig(**FACTS_BENCH))
    return path


def create_sample_project(root: Path, key: str = "facts") -> Project:
    """Create (or reopen) a sample project at ``root``; its document is ingested once, its settings stored."""
    from smt_gui.documents import list_documents
    from smt_gui.ingest import ChunkingConfig, ingest_paths

    if key not in SAMPLES:
        raise ValueError(f"Unknown sample {key!r}; choose {', '.join(SAMPLES)}.")
    sample = SAMPLES[key]
    project = Project.create(root, name=Path(root).name)
    if not list_documents(project):
        source = sample_source(sample, project.root)
        ingest_paths(project, [source], config=ChunkingConfig(size=sample.chunk_tokens, overlap=sample.chunk_overlap))
    project.set_setting("tab_settings", sample.settings)
    return project
