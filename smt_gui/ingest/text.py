"""Plain text and Markdown, with careful decoding: binary files are refused, non-UTF-8 is detected."""

from __future__ import annotations

import re

from smt_gui.ingest.base import IngestError, ParsedDocument, ParseResult, stem_title

_MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP/DOCX archive", b"\x7fELF": "a program", b"GGUF": "a GGUF model"}


def decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode bytes as text. Returns (text, warnings); raises IngestError for binary or undecodable data."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"{name} is {what}, not text: give it its proper extension or convert it.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), []
    if b"\x00" in data[:65536]:
        raise IngestError(f"{name} looks like a binary file (it contains NUL bytes), not text.")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        first_bad = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
    # Legacy Western text (Windows-1252/Latin-1) is by far the most common non-UTF-8 input, and statistical
    # detectors misjudge short samples of it (e.g. as cp1250), so try it first and detect only if it fails.
    try:
        text, encoding = data.decode("cp1252"), "cp1252 (Windows Western)"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise IngestError(
                f"{name} is not UTF-8 ({first_bad}) and its encoding could not be detected; save it as UTF-8."
            ) from None
        text, encoding = str(best), best.encoding
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * max(len(text), 1):
        raise IngestError(f"{name} looks like a binary file, not text.")
    return text, [f"{name} is not UTF-8 ({first_bad}); read it as {encoding}. Check the preview."]


def parse_text(data: bytes, name: str) -> ParseResult:
    text, warnings = decode_text(data, name)
    title = stem_title(name)
    kind = "md" if name.lower().endswith((".md", ".markdown")) else "txt"
    if kind == "md":
        heading = re.search(r"^#\s+(.+)$", text, flags=re.M)
        title = heading.group(1).strip() if heading else title
    return ParseResult([ParsedDocument(title=title, text=text, source_kind=kind)], warnings)
