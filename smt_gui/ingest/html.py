"""HTML to readable text: scripts, styles and navigation chrome removed, block structure kept as lines."""

from __future__ import annotations

from smt_gui.ingest.base import ParsedDocument, ParseResult, stem_title
from smt_gui.ingest.text import decode_text

_DROP = ["script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form"]


def parse_html(data: bytes, name: str) -> ParseResult:
    from bs4 import BeautifulSoup

    markup, warnings = decode_text(data, name)
    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title") or soup.find("h1")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    for tag in soup(_DROP):
        tag.decompose()
    body = soup.body or soup
    text = body.get_text("\n", strip=True)
    return ParseResult([ParsedDocument(title=title or stem_title(name), text=text, source_kind="html")], warnings)
