"""Evaluate your own documents: held-out QAs and typed questions as an eval set, and what fine-tuning costs.

A user who uploads their own files has no benchmark questions. Their eval set is made of

* **held-out QAs**: accepted QAs marked *eval* in the Curate tab (by hand, or "hold out X% per document"), never
  trained on. Each becomes a multiple-choice item too: its answer span against three spans *of the same type*
  (numbers with numbers, names with names, phrases with phrases) taken from the document's other sentences, so only
  knowing the fact answers it, as in the benchmark;
* **typed questions** with their answers (Evaluate tab, or a JSONL file), stored as free-form eval questions.

Metrics that need no strong judge, per arm: the reference answer's log-likelihood per token given the question
(closed-book vs with passages), the multiple-choice accuracy above, and the generated answer graded against the
answer span. **Retention** compares base and tuned perplexity on held-out generic text (never replayed) and on the
project's own documents: the knowledge gained beside what it cost.
"""

from __future__ import annotations

import json
import random
import re
from importlib import resources
from typing import Any

from smt_gui.facts import NUMBER_RE, candidate_answers, dates, known_name_words, split_sentences
from smt_gui.project import Project

HELD_OUT_SET = "held-out QA"  # the eval-set label of held-out QAs (ids = -sample id, never an eval_questions id)


def span_type(span: str) -> str:
    if dates(span):
        return "date"
    if re.fullmatch(r"\d{4}", span.strip()):
        return "year"
    if NUMBER_RE.fullmatch(span.strip()):
        return "number"
    return "name" if span[:1].isupper() else "phrase"


def _document_spans(text: str) -> list[str]:
    known = known_name_words(text)
    spans: list[str] = []
    for sentence in split_sentences(text):
        spans += candidate_answers(sentence.text, known)
    return list(dict.fromkeys(spans))


def own_items(project: Project, document_ids: list[int] | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """The held-out QAs as eval items shaped like ``eval_questions`` rows (id = -sample id)."""
    with project.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            """SELECT s.id, s.document_id, s.question, s.answer, s.generator, d.text AS document_text
               FROM samples s JOIN documents d ON d.id = s.document_id
               WHERE s.split = 'eval' AND s.kind = 'qa' AND s.question IS NOT NULL ORDER BY s.id""")]
    rows = [r for r in rows if document_ids is None or r["document_id"] in document_ids]
    spans_by_doc: dict[int, list[str]] = {}
    items = []
    for r in rows:
        span = json.loads(r["generator"] or "{}").get("answer_span")
        item: dict[str, Any] = {"id": -r["id"], "document_id": r["document_id"], "external_id": f"sample-{r['id']}",
                                "question": r["question"], "options": None, "answer_index": None,
                                "answer": span or r["answer"], "reference": r["answer"], "set": HELD_OUT_SET}
        if span:
            if r["document_id"] not in spans_by_doc:
                spans_by_doc[r["document_id"]] = _document_spans(r["document_text"])
            kind = span_type(span)
            others = [s for s in spans_by_doc[r["document_id"]]
                      if span_type(s) == kind and s.lower() != span.lower() and span.lower() not in s.lower()
                      and s.lower() not in span.lower()]
            rng = random.Random(f"{seed}:{r['id']}")
            if len(others) >= 3:
                options = [*rng.sample(others, 3), span]
                rng.shuffle(options)
                item.update(options=options, answer_index=options.index(span))
        items.append(item)
    return items


def add_typed_questions(project: Project, rows: list[dict[str, str]]) -> int:
    """Store questions a user typed (``question`` + ``answer``, optional ``document`` title) as free-form eval
    questions, each linked to the document it names or else the one sharing most words with it."""
    with project.connect() as conn:
        docs = [dict(r) for r in conn.execute("SELECT id, title, text FROM documents ORDER BY id")]
        if not docs:
            raise ValueError("Add the documents first: eval questions belong to a document.")
        added = 0
        for row in rows:
            question, answer = str(row.get("question") or "").strip(), str(row.get("answer") or "").strip()
            if not question or not answer:
                raise ValueError(f"Each eval question needs a question and its answer (got {row!r}).")
            doc = next((d for d in docs if d["title"] == row.get("document")), None) or max(
                docs, key=lambda d: len(set(re.findall(r"\w{4,}", question.lower()))
                                        & set(re.findall(r"\w{4,}", d["text"].lower()))))
            conn.execute("INSERT INTO eval_questions(document_id, external_id, question, options, answer_index, answer, "
                         "meta) VALUES (?, NULL, ?, NULL, NULL, ?, ?)",
                         (doc["id"], question, answer, json.dumps({"set": "typed"})))
            added += 1
    return added


def parse_typed(text: str) -> list[dict[str, str]]:
    """Lines ``question | answer`` (the Evaluate tab's box) or JSONL objects with question/answer[/document]."""
    rows = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"Line {n} is not valid JSON: {exc.msg}.") from exc
            continue
        if "|" not in line:
            raise ValueError(f"Line {n} needs 'question | answer'.")
        question, answer = (part.strip() for part in line.split("|", 1))
        rows.append({"question": question, "answer": answer})
    return rows


# ---- retention -------------------------------------------------------------------------------------------------

def heldout_generic_text() -> str:
    """Generic text no run trains on (not in the replay set): a public-domain story, see smt_gui/replay/README.md."""
    return resources.files("smt_gui.replay").joinpath("heldout").joinpath("retention.txt").read_text(encoding="utf-8")


def perplexity(model, tokenizer, texts: list[str], max_tokens: int = 1024, block: int = 256) -> float:
    """Token-weighted perplexity over the first ``max_tokens`` tokens of each text, in blocks."""
    import math

    import torch

    from smt_gui.cores import compute_turn

    total, count = 0.0, 0
    with torch.inference_mode(), compute_turn():
        for text in texts:
            ids = tokenizer(text, add_special_tokens=False)["input_ids"][:max_tokens]
            for start in range(0, len(ids) - 1, block):
                piece = ids[start : start + block + 1]
                if len(piece) < 2:
                    continue
                x = torch.tensor([piece])
                loss = model(input_ids=x, labels=x).loss
                total += float(loss) * (len(piece) - 1)
                count += len(piece) - 1
    return math.exp(total / count) if count else float("nan")


def retention(engine: Any, project: Project, max_tokens: int = 1024, questions: int | None = None,
              instructions: int | None = None) -> dict[str, Any]:
    """What training cost beside what it taught, base vs tuned: easy general knowledge and instruction drift
    (``general.general_ability``), then perplexity on held-out generic text and on the project's documents (lower is
    better). Each row names its ``measure``."""
    from smt_gui.evaluate.base_cache import remembered
    from smt_gui.evaluate.general import general_ability

    with project.connect() as conn:
        documents = [r[0] for r in conn.execute("SELECT text FROM documents ORDER BY id LIMIT 8")]
    sets = {"generic text (held out)": [heldout_generic_text()], "your documents": documents}
    out: dict[str, Any] = general_ability(engine, questions, instructions)
    (base_model, base_tok), (model, tokenizer) = engine.model("base"), engine.model("tuned")
    for name, texts in sets.items():
        values: dict[str, Any] = {"measure": "perplexity"}
        values["base"] = remembered(base_model, "perplexity", [texts, max_tokens],
                                    lambda texts=texts: round(perplexity(base_model, base_tok, texts, max_tokens), 3))
        values["tuned"] = round(perplexity(model, tokenizer, texts, max_tokens), 3)
        values["change"] = round(values["tuned"] / values["base"] - 1, 4) if values["base"] else None
        out[name] = values
    return out
