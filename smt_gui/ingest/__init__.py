"""Ingestion: files -> parsed documents -> token chunks -> project store.

One parser per format, chosen by extension (heavy libraries are imported inside each parser). Each file is
handled on its own: a bad file yields a clear message in its ``FileReport`` and never stops the others, and
each document is stored in a single transaction, so nothing already stored is lost or half-written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from smt_gui import documents as store
from smt_gui.ingest.base import (
    MAX_FILE_MB_DEFAULT,
    IngestError,
    ParseResult,
    normalise_text,
    safe_display_name,
)
from smt_gui.ingest.chunking import ChunkingConfig, chunk_text
from smt_gui.project import Project

Parser = Callable[[bytes, str], ParseResult]


def _parser_for(suffix: str) -> Parser | None:
    if suffix in {".txt", ".text", ".md", ".markdown"}:
        from smt_gui.ingest.text import parse_text

        return parse_text
    if suffix == ".pdf":
        from smt_gui.ingest.pdf import parse_pdf

        return parse_pdf
    if suffix in {".html", ".htm"}:
        from smt_gui.ingest.html import parse_html

        return parse_html
    if suffix == ".docx":
        from smt_gui.ingest.docx import parse_docx

        return parse_docx
    if suffix in {".jsonl", ".ndjson"}:
        from smt_gui.ingest.jsonl import parse_jsonl

        return parse_jsonl
    return None


SUPPORTED = ".txt .md .pdf .html .docx .jsonl"


def max_file_bytes() -> int:
    return int(float(os.environ.get("SMT_MAX_FILE_MB", MAX_FILE_MB_DEFAULT)) * 1024 * 1024)


@dataclass
class FileReport:
    name: str
    added: list[str] = field(default_factory=list)  # titles of new documents
    duplicates: list[str] = field(default_factory=list)  # titles already in the project
    questions: int = 0  # eval questions imported
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        if self.error:
            return f"✗ {self.error}"
        parts = [f"✓ {self.name}: {len(self.added)} document(s) added"]
        if self.questions:
            parts.append(f"{self.questions} eval question(s) imported")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate(s) skipped ({', '.join(self.duplicates[:3])})")
        lines = [", ".join(parts)]
        lines += [f"  ⚠ {w}" for w in self.warnings[:20]]
        if len(self.warnings) > 20:
            lines.append(f"  ⚠ ... and {len(self.warnings) - 20} more warning(s)")
        return "\n".join(lines)


def read_limited(path: Path, name: str) -> bytes:
    """Read a file after checking it exists, is a regular file, is not empty and is under the size cap."""
    if not path.is_file():
        raise IngestError(f"{name}: no such file.")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{name} is empty.")
    limit = max_file_bytes()
    if size > limit:
        raise IngestError(
            f"{name} is {size / 1024 / 1024:.1f} MB, over the {limit / 1024 / 1024:.0f} MB limit. "
            "Split it, or raise SMT_MAX_FILE_MB."
        )
    return path.read_bytes()


def parse_file(path: Path, name: str) -> ParseResult:
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    parser = _parser_for(suffix)
    if parser is None:
        raise IngestError(f"{name}: unsupported file type '{suffix or '(none)'}'. Supported: {SUPPORTED}.")
    result = parser(read_limited(path, name), name)
    kept = []
    for doc in result.documents:
        doc.text = normalise_text(doc.text)
        if doc.text:
            kept.append(doc)
        else:
            result.warnings.append(f"{name}: '{doc.title}' has no text; skipped.")
    if not kept:
        raise IngestError(f"{name} is empty (no text to learn from).")
    result.documents = kept
    return result


def ingest_file(project: Project, path: Path, display_name: str, tokenizer, config: ChunkingConfig) -> FileReport:
    name = safe_display_name(display_name)
    report = FileReport(name=name)
    try:
        parsed = parse_file(path, name)
    except IngestError as exc:
        report.error = str(exc)
        return report
    except MemoryError:
        report.error = f"{name} is too large to process in memory; split it into smaller files."
        return report
    report.warnings = parsed.warnings
    for doc in parsed.documents:
        existing = store.find_by_hash(project, store.content_hash(doc.text))
        if existing:
            report.duplicates.append(existing[1])
            continue
        chunks = chunk_text(doc.text, tokenizer, config)
        n_tokens = sum(c.n_tokens for c in chunks) - config.overlap * max(len(chunks) - 1, 0)
        if store.add_document(project, doc, name, chunks, n_tokens) is None:
            report.duplicates.append(doc.title)
        else:
            report.added.append(doc.title)
            report.questions += len(doc.questions)
    return report


def chunking_config(project: Project) -> ChunkingConfig:
    saved = project.get_setting("chunking") or {}
    return ChunkingConfig(**saved)


def save_chunking(project: Project, config: ChunkingConfig) -> None:
    project.set_setting("chunking", asdict(config))


def ingest_paths(
    project: Project,
    paths: Iterable[str | Path],
    display_names: Iterable[str] | None = None,
    config: ChunkingConfig | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[FileReport]:
    """Ingest files into ``project``. ``display_names`` are the users' original names (uploads land in temp dirs)."""
    from smt_gui.tokenizers import load_tokenizer

    paths = [Path(p) for p in paths]
    names = list(display_names) if display_names is not None else [p.name for p in paths]
    current = chunking_config(project)
    config = (config or current).validate()
    changed = config != current and bool(store.list_documents(project))
    if changed:
        # One chunking per project: a new setting re-cuts the documents already there, so retrieval and generation
        # never see a mix of chunk sizes.
        rechunk(project, config)
    save_chunking(project, config)
    tokenizer = load_tokenizer(config.tokenizer)
    reports = []
    for i, (path, name) in enumerate(zip(paths, names, strict=True)):
        if progress:
            progress(i, len(paths), safe_display_name(name))
        reports.append(ingest_file(project, path, name, tokenizer, config))
    if progress:
        progress(len(paths), len(paths), "done")
    if changed and reports:
        reports[0].warnings.insert(0, f"Chunk settings changed from {current.size}/{current.overlap} to "
                                      f"{config.size}/{config.overlap} tokens: the documents already in the project "
                                      "were re-chunked too.")
    return reports


def rechunk(project: Project, config: ChunkingConfig) -> int:
    """Re-cut every document's chunks with new settings; returns the new chunk count."""
    from smt_gui.tokenizers import load_tokenizer

    config.validate()
    tokenizer = load_tokenizer(config.tokenizer)
    save_chunking(project, config)
    total = 0
    for row in store.list_documents(project):
        _, text = store.get_document_text(project, row.id)
        chunks = chunk_text(text, tokenizer, config)
        store.replace_chunks(project, row.id, chunks)
        total += len(chunks)
    return total
