"""What every format parser returns, and the errors it raises for a file it cannot read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

MAX_FILE_MB_DEFAULT = 50


class IngestError(Exception):
    """The whole file cannot be ingested; the message is shown to the user as is."""


@dataclass
class ParsedQuestion:
    question: str
    options: list[str] | None = None
    answer_index: int | None = None
    answer: str | None = None
    external_id: str | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class ParsedDocument:
    title: str
    text: str
    source_kind: str
    external_id: str | None = None
    meta: dict = field(default_factory=dict)
    questions: list[ParsedQuestion] = field(default_factory=list)


@dataclass
class ParseResult:
    documents: list[ParsedDocument]
    warnings: list[str] = field(default_factory=list)


def safe_display_name(name: str, fallback: str = "upload") -> str:
    """Reduce an untrusted upload name to a bare, printable file name (never used as a path)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return base[:200] or fallback


def stem_title(name: str) -> str:
    stem = PurePath(safe_display_name(name)).stem
    return stem.replace("_", " ").strip() or "Untitled"


def normalise_text(text: str) -> str:
    """Unify line endings, drop trailing spaces and runs of blank lines; keep the words as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
