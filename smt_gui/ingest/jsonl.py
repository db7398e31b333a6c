"""JSONL corpora: one document per line, optionally with its held-out questions.

Three layouts are recognised per line:

* QuALITY (``article_id``, ``title``, ``text``, ``questions[{question, options, answer_index}]``),
* FinanceBench ``by_document.jsonl`` (``doc_name``, ``text``, ``questions[{financebench_id, question, answer}]``),
* the generic layout documented in the README (``id``, ``title``, ``text``, ``questions`` whose items have either
  ``options`` + ``answer_index`` (multiple choice) or ``answer`` (free form)).

A malformed line is reported with its line number and skipped; the other lines still load.
"""

from __future__ import annotations

import json
from typing import Any

from smt_gui.ingest.base import IngestError, ParsedDocument, ParsedQuestion, ParseResult
from smt_gui.ingest.text import decode_text

_META_SKIP = {"text", "questions", "title"}


def _detect_layout(obj: dict[str, Any]) -> str:
    if "article_id" in obj:
        return "quality"
    if "doc_name" in obj:
        return "financebench"
    return "generic"


def _parse_question(raw: Any, layout: str) -> ParsedQuestion:
    if not isinstance(raw, dict) or not str(raw.get("question") or "").strip():
        raise ValueError("has no 'question' text")
    question = str(raw["question"]).strip()
    external_id = raw.get("financebench_id") or raw.get("id") or raw.get("question_id")
    meta = {k: v for k, v in raw.items() if k not in {"question", "options", "answer_index", "answer"}}
    options = raw.get("options")
    if options is not None:
        if not isinstance(options, list) or len(options) < 2:
            raise ValueError("'options' must be a list of at least 2 answers")
        options = [str(o) for o in options]
        index = raw.get("answer_index")
        answer = raw.get("answer")
        if index is None and isinstance(answer, str) and len(answer.strip()) == 1 and answer.strip().isalpha():
            index = ord(answer.strip().upper()) - ord("A")  # "answer": "B" style
        if not isinstance(index, int) or not 0 <= index < len(options):
            raise ValueError("multiple-choice question needs 'answer_index' (0-based) within its options")
        return ParsedQuestion(question, options, index, options[index], str(external_id or "") or None, meta)
    answer = raw.get("answer")
    if answer is None or not str(answer).strip():
        raise ValueError("needs 'options' + 'answer_index' or a free-form 'answer'")
    return ParsedQuestion(question, None, None, str(answer).strip(), str(external_id or "") or None, meta)


def _parse_line(obj: Any, line_no: int, warnings: list[str], name: str) -> ParsedDocument:
    if not isinstance(obj, dict):
        raise ValueError("is not a JSON object")
    text = obj.get("text") or obj.get("content") or obj.get("document")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("has no document 'text' (see the README's generic JSONL layout)")
    layout = _detect_layout(obj)
    external_id = obj.get("article_id") or obj.get("doc_name") or obj.get("id")
    title = obj.get("title") or obj.get("doc_name") or (f"Document {external_id}" if external_id else f"Line {line_no}")
    questions = []
    for q_no, raw in enumerate(obj.get("questions") or [], start=1):
        try:
            questions.append(_parse_question(raw, layout))
        except ValueError as exc:
            warnings.append(f"{name} line {line_no}, question {q_no} skipped: {exc}.")
    meta = {k: v for k, v in obj.items() if k not in _META_SKIP}
    return ParsedDocument(
        title=str(title).strip(),
        text=text,
        source_kind=f"jsonl:{layout}",
        external_id=str(external_id) if external_id is not None else None,
        meta=meta,
        questions=questions,
    )


def parse_jsonl(data: bytes, name: str) -> ParseResult:
    content, warnings = decode_text(data, name)
    documents = []
    bad_lines = 0
    for line_no, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            documents.append(_parse_line(json.loads(line), line_no, warnings, name))
        except json.JSONDecodeError as exc:
            bad_lines += 1
            # json's own message may end in "at" ("Unterminated string starting at"): no "at at column".
            where = "column" if exc.msg.endswith(" at") else "at column"
            warnings.append(f"{name} line {line_no} skipped: invalid JSON ({exc.msg} {where} {exc.colno}).")
        except ValueError as exc:
            bad_lines += 1
            warnings.append(f"{name} line {line_no} skipped: {exc}.")
    if not documents:
        detail = f" ({bad_lines} malformed line(s))" if bad_lines else ""
        raise IngestError(f"{name} has no usable documents{detail}. " + " ".join(warnings[:3]))
    return ParseResult(documents, warnings)
