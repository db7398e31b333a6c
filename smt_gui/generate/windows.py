"""Fact windows: the small pieces of a document that generation works from, instead of whole 512-token chunks.

A window is one or a few *focus* sentences plus the *context* a reader needs to know who "she" or "the company"
is: the opening sentence of the paragraph and the sentence just before the focus. A weak generator given three
sentences stays on them; given a whole chunk it wanders and invents. Each window keeps the exact character span of
its focus sentences, so samples made from it can be highlighted in the source and counted towards coverage.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from smt_gui.facts import (
    Sentence,
    candidate_answers,
    is_fact_sentence,
    known_name_words,
    label_fact,
    names,
    paragraph_starts,
    plain,
    split_sentences,
)
from smt_gui.generate.referents import document_referents


@dataclass(frozen=True)
class Window:
    document_id: int
    chunk_id: int
    start: int  # focus span in the document's text
    end: int
    focus: str
    context: str  # sentences before the focus that say who/what it is about ("" if the focus opens the paragraph)
    topic: tuple[str, ...] = ()  # names the paragraph opens with
    label: str = ""  # a "Label: value" line (``facts.label_fact``): its label, value and section heading
    value: str = ""
    heading: str = ""
    referents: tuple[tuple[str, str], ...] = ()  # ("he", "Mr. Spellman"): whom the focus's pronoun stands for

    @property
    def text(self) -> str:
        """What the generator sees, and what the sample is checked against."""
        return f"{self.context} {self.focus}".strip()

    @property
    def span_key(self) -> str:
        return f"d{self.document_id}w{self.start}-{self.end}"


def _chunk_for(chunks: list[dict[str, Any]], position: int) -> dict[str, Any] | None:
    starts = [c["start_char"] for c in chunks]
    i = bisect.bisect_right(starts, position) - 1
    while i >= 0:
        if chunks[i]["start_char"] <= position < chunks[i]["end_char"]:
            return chunks[i]
        i -= 1
    return None


def document_windows(document_id: int, text: str, chunks: list[dict[str, Any]], window_sentences: int = 1,
                     spans: list[tuple[int, int]] | None = None) -> list[Window]:
    """Consecutive groups of ``window_sentences`` sentences within each paragraph, with their context.

    ``chunks`` (dicts with ``id``, ``start_char``, ``end_char``, sorted) decide which chunk a window belongs to;
    windows outside them are skipped (e.g. beyond "chunks per document"). ``spans`` keeps only windows whose
    focus overlaps one of them (generate for uncovered sentences only).
    """
    chunks = sorted(chunks, key=lambda c: c["start_char"])
    sentences = [s for s in split_sentences(text) if is_fact_sentence(s.text)]  # headings and labels state nothing
    paragraphs = paragraph_starts(text)
    known = known_name_words(text)
    referents = document_referents(text, known)
    size = max(1, int(window_sentences))
    by_paragraph: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_paragraph.setdefault(bisect.bisect_right(paragraphs, s.start) - 1, []).append(s)
    windows = []
    for group in by_paragraph.values():
        opener = group[0]
        topic = tuple(names(opener.text, known))
        for i in range(0, len(group), size):
            focus = group[i : i + size]
            start, end = focus[0].start, focus[-1].end
            if spans is not None and not any(a < end and start < b for a, b in spans):
                continue
            chunk = _chunk_for(chunks, start)
            if chunk is None:
                continue
            before = [] if i == 0 else ([opener] if i == 1 else [opener, group[i - 1]])
            windows.append(Window(document_id, chunk["id"], start, end, " ".join(plain(s.text) for s in focus),
                                  " ".join(plain(s.text) for s in before), topic,
                                  referents=tuple(referents.get(focus[0].start, {}).items())))
    return windows


def window_candidates(window: Window, known: set[str], limit: int) -> list[str]:
    """Candidate answers of a window's focus sentences (names, numbers, dates, noun phrases), best first."""
    return candidate_answers(window.focus, known, list(window.topic), limit=limit)


_HEADING = re.compile(r"^\s*#{2,6}\s+(?P<text>.+?)\s*#*\s*$", re.M)


def label_windows(document_id: int, text: str, chunks: list[dict[str, Any]],
                  spans: list[tuple[int, int]] | None = None) -> list[Window]:
    """One window per "Label: value" line ("Capacity: 1.6 litres", "Clinic number: CV-204871"), with the section
    heading above it. Specifications, fares and letter headers state their facts this way; they are not sentences,
    so ``document_windows`` leaves them out, and only a question about the label can be built from them."""
    chunks = sorted(chunks, key=lambda c: c["start_char"])
    headings = [(m.start(), m.group("text").strip()) for m in _HEADING.finditer(text)]
    windows = []
    for s in split_sentences(text):
        found = label_line(s.text)
        if found is None:
            continue
        if spans is not None and not any(a < s.end and s.start < b for a, b in spans):
            continue
        chunk = _chunk_for(chunks, s.start)
        if chunk is None:
            continue
        heading = next((h for at, h in reversed(headings) if at < s.start), "")
        windows.append(Window(document_id, chunk["id"], s.start, s.end, plain(s.text), "", (), found[0], found[1],
                              heading))
    return windows


_TABLE = re.compile(r"(?m)^[ \t]*\|.*\|[ \t]*\n[ \t]*\|[ \t]*:?-{2,}.*\n(?:[ \t]*\|.*\|[ \t]*(?:\n|$))+")


def _cells(line: str) -> list[str]:
    return [plain(c).strip() for c in line.strip().strip("|").split("|")]


def table_windows(document_id: int, text: str, chunks: list[dict[str, Any]],
                  spans: list[tuple[int, int]] | None = None) -> list[Window]:
    """One window per cell of a markdown table's body, asked about by its row and column ("Touring bikes", "Units
    sold" -> "2,140"). The window's text is the row read out ("Touring bikes: Units sold 2,140; Revenue £2.35m"),
    which is what the answer quotes; its span is the row's line, so coverage and highlighting find it."""
    chunks = sorted(chunks, key=lambda c: c["start_char"])
    windows = []
    for table in _TABLE.finditer(text):
        lines = table.group().rstrip("\n").split("\n")
        header = _cells(lines[0])
        offset = table.start() + len(lines[0]) + len(lines[1]) + 2
        for line in lines[2:]:
            start = offset + len(line) - len(line.lstrip())
            end = offset + len(line.rstrip())
            offset += len(line) + 1
            cells = _cells(line)
            if len(cells) != len(header) or not cells[0]:
                continue
            if spans is not None and not any(a < end and start < b for a, b in spans):
                continue
            chunk = _chunk_for(chunks, start)
            if chunk is None:
                continue
            read = "; ".join(f"{h} {c}" for h, c in zip(header[1:], cells[1:], strict=True) if c and c not in "-—–")
            focus = f"{cells[0]}: {read}."
            for column, value in zip(header[1:], cells[1:], strict=True):
                if value and value not in "-—–" and column:
                    windows.append(Window(document_id, chunk["id"], start, end, focus, "", (), cells[0], value, column))
    return windows


def label_line(text: str) -> tuple[str, str] | None:
    """A "Label: value" line's label and value: a list item, or a line that is no sentence ("Weight: 2.9 kg").
    Not a sentence with a colon in it ("The rule is simple: members vote."), which is asked about by its syntax."""
    if is_fact_sentence(text) and not re.match(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+", text):
        return None
    return label_fact(text)
