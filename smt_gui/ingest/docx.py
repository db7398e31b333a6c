"""Word documents via python-docx: paragraphs and table cells, in order."""

from __future__ import annotations

import io
import zipfile

from smt_gui.ingest.base import IngestError, ParsedDocument, ParseResult, stem_title


def parse_docx(data: bytes, name: str) -> ParseResult:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"{name} could not be read as a Word .docx file (corrupt, or an old .doc?): {exc}") from exc
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text.strip() for cell in row.cells))
    title = document.core_properties.title or stem_title(name)
    return ParseResult([ParsedDocument(title=title, text="\n".join(blocks), source_kind="docx")])
