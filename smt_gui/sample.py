"""The bundled sample project: one QuALITY article with its questions, and small settings that finish on a CPU.

"Try the sample" (and ``smt project sample DIR``) creates a project from ``assets/sample`` (QuALITY dev article
30029, CC BY 4.0; a public-domain Gutenberg story: see ``assets/sample/ATTRIBUTION.md``) so a newcomer can walk the
six tabs without finding documents first. The defaults keep every step to a minute or two on 2 CPU cores; they are
stored in the project so the tabs can offer them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smt_gui.project import Project

SAMPLE_FILE = Path(__file__).resolve().parents[1] / "assets" / "sample" / "quality_30029_lost_in_translation.jsonl"
SAMPLE_NAME = "sample-lost-in-translation"
DEMO_DEFAULTS: dict[str, Any] = {
    "generate": {"max_chunks": 2, "qa_per_chunk": 2, "focal_questions_per_chunk": 1},
    "train": {"max_steps": 6, "batch_size": 2, "seq_len": 256},
    "evaluate": {"arms": ["base", "tuned"], "limit": 4},
}


def create_sample_project(root: Path) -> Project:
    """Create (or reopen) the sample project at ``root``; the article is ingested once."""
    from smt_gui.documents import list_documents
    from smt_gui.ingest import ingest_paths

    if not SAMPLE_FILE.exists():
        raise FileNotFoundError(f"The bundled sample is missing ({SAMPLE_FILE}); reinstall from the repository.")
    project = Project.create(root, name=Path(root).name)
    if not list_documents(project):
        ingest_paths(project, [SAMPLE_FILE])
    project.set_setting("demo_defaults", DEMO_DEFAULTS)
    return project
