"""PDF text extraction with pypdf; truncated/corrupt files and image-only scans get a clear message."""

from __future__ import annotations

import io
import logging

from smt_gui.ingest.base import IngestError, ParsedDocument, ParseResult, stem_title

# Titles that PDF producers write when they know none: a browser's print-to-PDF of a blank tab, office defaults...
JUNK_TITLES = {"about:blank", "untitled", "untitled document", "document", "microsoft word", "slide 1", "title", "pdf"}


def useful_title(title: str | None) -> str | None:
    """A PDF's metadata title when it names the document; None for junk, so the file name is used instead."""
    title = (title or "").strip()
    lowered = title.lower()
    if not title or lowered in JUNK_TITLES or lowered.startswith(("microsoft word - ", "http://", "https://", "file:")) \
            or lowered.endswith((".doc", ".docx", ".pdf", ".tmp")):
        return None
    return title


def parse_pdf(data: bytes, name: str) -> ParseResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip().startswith(b"%PDF"):
        raise IngestError(f"{name} is not a PDF (it does not start with %PDF).")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{name} is password-protected; remove the password and upload it again.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = useful_title(reader.metadata.title if reader.metadata else None) or stem_title(name)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise IngestError(f"{name} could not be read as a PDF (truncated or corrupt?): {exc}") from exc
    warnings = []
    empty = [i + 1 for i, page in enumerate(pages) if not page.strip()]
    if len(empty) == len(pages):
        raise IngestError(f"{name} has no extractable text (a scanned image?). Run OCR on it first.")
    if empty:
        warnings.append(f"{name}: {len(empty)} of {len(pages)} pages have no text (images?).")
    text = "\n\n".join(page for page in pages if page.strip())
    doc = ParsedDocument(title=str(title), text=text, source_kind="pdf", meta={"pages": len(pages)})
    return ParseResult([doc], warnings)
