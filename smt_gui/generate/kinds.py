"""One small object per sample kind: which work units it plans, what it asks the backend, how it reads the answer.

Two source strategies (``GenerateConfig.strategy``):

* ``window`` (default) — fact windows of one or a few sentences (``generate.windows``). QAs are answer-aware: the
  model writes a question about one sentence for a given answer, the answer attached is the one the question asks for plus the sentence;
  rewrites of a window must keep every name and number and add none. Works with the bundled 135M model and
  stays right for strong ones.
* ``chunk`` — the paper's layout: N QAs per chunk in one JSON answer, rewrites of whole chunks. Good with strong
  generators; a weak one invents facts here (the checks then say so).

Every unit says how many items it was asked for (``requested``); the job retries until it has them or its tries
are spent, and records any shortfall with the reasons, so "asked for 15, got 1" is never silent.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from smt_gui.facts import (
    candidate_answers,
    content_words,
    dropped_facts,
    known_name_words,
    person_names,
    unsupported_facts,
)
from smt_gui.generate.meaning import SMALL_WORDS_ONLY, meaning_changes, recase
from smt_gui.generate.parsing import parse_qas, qa_problem, qa_schema, rewrite_problem
from smt_gui.generate.passages import stitch_focal_documents
from smt_gui.generate.prompts import load_prompt
from smt_gui.generate.question_forms import (
    LABEL_QUESTION,
    anchor_problem,
    answer_spans,
    answer_type,
    code_rewrite,
    mentioned,
    person_like,
    statements,
)
from smt_gui.generate.questions import (
    answer_for,
    label_question,
    make_answer,
    question_problem,
    resolve_sentence,
    template_question,
)
from smt_gui.generate.windows import Window, document_windows, label_windows, table_windows
from smt_gui.llm import GenerationRequest
from smt_gui.project import Project

if TYPE_CHECKING:
    from smt_gui.generate.job import GenerateConfig

Item = dict[str, Any]


@dataclass(frozen=True)
class WorkUnit:
    key: str
    kind: str
    prompt: str  # prompt file name
    document_id: int
    chunk_id: int
    title: str
    passage: str  # what the generator is shown
    question: str | None = None  # a focal rewrite's conditioning question
    requested: int = 1  # items this unit should yield
    candidates: tuple[str, ...] = ()  # window QAs: every candidate answer of the sentence, best first
    targets: tuple[str, ...] = ()  # window QAs: the candidates a well-formed question can be built for
    templates: tuple[str, ...] = ()  # window QAs: that question, per target (the anchor a model's question must match)
    focus_start: int | None = None  # window units: the focus sentences' span in the document
    focus_end: int | None = None
    source: str | None = None  # what the sample is checked against (None = its chunk)


class Sources:
    """Documents, chunks and windows of the selected documents, read once per planning pass."""

    def __init__(self, project: Project, config: GenerateConfig) -> None:
        self.project, self.config = project, config

    @cached_property
    def chunks(self) -> list[dict[str, Any]]:
        query = """SELECT c.id, c.document_id, c.idx, c.text, c.start_char, c.end_char, d.title
                   FROM chunks c JOIN documents d ON d.id = c.document_id"""
        args: list[Any] = []
        if self.config.document_ids is not None:
            query += f" WHERE c.document_id IN ({','.join('?' * len(self.config.document_ids))})"
            args = list(self.config.document_ids)
        with self.project.connect() as conn:
            rows = [dict(r) for r in conn.execute(query + " ORDER BY c.document_id, c.idx", args)]
        if self.config.max_chunks is not None:
            rows = [r for r in rows if r["idx"] < self.config.max_chunks]
        return rows

    @cached_property
    def documents(self) -> dict[int, dict[str, Any]]:
        ids = sorted({c["document_id"] for c in self.chunks})
        if not ids:
            return {}
        with self.project.connect() as conn:
            rows = conn.execute(f"SELECT id, title, text FROM documents WHERE id IN ({','.join('?' * len(ids))})", ids)
            return {r["id"]: dict(r) for r in rows}

    def known(self, document_id: int) -> set[str]:
        cache = self.__dict__.setdefault("_known", {})
        if document_id not in cache:
            text = self.documents.get(document_id, {}).get("text") or self._document_text(document_id)
            cache[document_id] = known_name_words(text)
        return cache[document_id]

    def people(self, document_id: int) -> set[str]:
        cache = self.__dict__.setdefault("_people", {})
        if document_id not in cache:
            text = self.documents.get(document_id, {}).get("text") or self._document_text(document_id)
            cache[document_id] = person_names(text, self.known(document_id))
        return cache[document_id]

    def _document_text(self, document_id: int) -> str:
        with self.project.connect() as conn:
            row = conn.execute("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()
        return row["text"] if row else ""

    @cached_property
    def windows(self) -> list[Window]:
        spans = self.config.only_spans
        out: list[Window] = []
        for doc_id, doc in self.documents.items():
            chunks = [c for c in self.chunks if c["document_id"] == doc_id]
            wanted = None if spans is None else [tuple(s) for s in spans.get(str(doc_id), [])]
            out += document_windows(doc_id, doc["text"], chunks, self.config.window_sentences, wanted)
        return out

    @cached_property
    def label_windows(self) -> list[Window]:
        """"Label: value" lines (specifications, fares, letter headers) and table cells: asked about by their label."""
        spans = self.config.only_spans
        out: list[Window] = []
        for doc_id, doc in self.documents.items():
            chunks = [c for c in self.chunks if c["document_id"] == doc_id]
            wanted = None if spans is None else [tuple(s) for s in spans.get(str(doc_id), [])]
            out += label_windows(doc_id, doc["text"], chunks, wanted) + table_windows(doc_id, doc["text"], chunks, wanted)
        return out


def _seed_text(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:10]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w{3,}", text.lower()))


def summarise_problems(problems: list[str], limit: int = 4) -> str:
    counts = Counter(problems)
    return "; ".join(f"{p} ({n}x)" if n > 1 else p for p, n in counts.most_common(limit))


class SampleKind:
    """Base: one request per try, one item per answer, no fallback."""

    name = ""

    def plan(self, sources: Sources) -> list[WorkUnit]:
        raise NotImplementedError

    def request(self, config: GenerateConfig, unit: WorkUnit, seed: int, collected: list[Item],
                attempt: int = 0) -> GenerationRequest:
        prompt = load_prompt(unit.prompt)
        messages = prompt.messages(title=unit.title, passage=unit.passage, question=unit.question or "")
        return GenerationRequest(messages=messages, temperature=self.temperature(config, prompt), top_p=self.top_p(config, prompt),
                                 max_tokens=config.doc_max_tokens or prompt.max_tokens, seed=seed, stop=prompt.stop)

    def requests_per_round(self, unit: WorkUnit, collected: list[Item]) -> int:
        return 1

    def max_tries(self, config: GenerateConfig, unit: WorkUnit) -> int:
        return 1 + config.max_retries

    def temperature(self, config: GenerateConfig, prompt) -> float:
        return config.doc_temperature if config.doc_temperature is not None else prompt.temperature

    def top_p(self, config: GenerateConfig, prompt) -> float:
        return config.doc_top_p if config.doc_top_p is not None else prompt.top_p

    def interpret(self, config: GenerateConfig, unit: WorkUnit, text: str, collected: list[Item],
                  sources: Sources) -> tuple[list[Item], list[str]]:
        raise NotImplementedError

    def fallback(self, config: GenerateConfig, unit: WorkUnit, collected: list[Item], sources: Sources) -> list[Item]:
        return []

    def finish(self, sources: Sources, job_id: int | None, count_tokens: Callable[[str], int]) -> None:
        """After the phase's units: work on what they stored as a whole (focal rewrites stitch documents)."""


# ---- QAs -------------------------------------------------------------------------------------------------------

class WindowQAs(SampleKind):
    """Answer-aware QAs: one question per request about one sentence, asked for one of its answers; the answer
    attached is the one the question asks for (``questions.answer_for``), never another span of the sentence."""

    name = "qa"

    def plan(self, sources: Sources) -> list[WorkUnit]:
        config, version = sources.config, load_prompt("qa_window").version
        units = []
        for w in sources.windows:
            known, people = sources.known(w.document_id), sources.people(w.document_id)
            sentence = resolve_sentence(w, known)
            candidates: list[str] = []
            targets: dict[str, tuple[str, str]] = {}  # answer -> (the statement it was asked from, the question)
            # Ask only for answers a well-formed question can be built for (from the sentence, or from a simple
            # statement inside it): those are the ones the fallback can always deliver, so "asked for N" stays honest.
            for statement in statements(sentence):
                spans = answer_spans(statement, candidate_answers(statement, known, list(w.topic)))
                candidates += [c for c in spans if c not in candidates]
                for c in spans:
                    question = template_question(c, statement, spans, known, people)
                    if question and c not in targets:
                        targets[c] = (statement, question)
            requested = min(config.qa_per_window, len(targets))
            if requested == 0:
                continue
            # Each round (seed) starts at the next answers of the sentence: round 0 asks for the first two, round 1
            # for the next two, and so on around. Otherwise every round asks for the same answers, the fallback
            # builds the same questions, and a second round adds nothing but near-duplicates.
            order = list(targets)
            shift = (config.seed * requested) % len(order)
            targets = {c: targets[c] for c in order[shift:] + order[:shift]}
            title = sources.documents[w.document_id]["title"]
            key = f"qa|{version}|{w.span_key}|n{requested}|s{config.seed}"
            units.append(WorkUnit(key, self.name, "qa_window", w.document_id, w.chunk_id, title, sentence,
                                  requested=requested, candidates=tuple(candidates), targets=tuple(targets),
                                  templates=tuple(q for _, q in targets.values()),
                                  focus_start=w.start, focus_end=w.end, source=f"{w.context} {sentence}".strip()))
        for w in sources.label_windows:
            title = sources.documents[w.document_id]["title"]
            question = label_question(w.label, title, w.heading)
            if question is None or mentioned(w.value, question):
                continue  # "Model: SB-7" in "SB-7: User Manual" would give its answer away
            # One answer per line, whatever the round: the key has no seed, so a later round finds it done.
            units.append(WorkUnit(f"qa-label|{version}|{w.span_key}|{w.heading}", self.name, "qa_window", w.document_id,
                                  w.chunk_id, title, w.focus, requested=1, candidates=(w.value,), targets=(w.value,),
                                  templates=(question,), focus_start=w.start, focus_end=w.end, source=w.focus))
        return units

    def request(self, config: GenerateConfig, unit: WorkUnit, seed: int, collected: list[Item],
                attempt: int = 0) -> GenerationRequest:
        prompt = load_prompt(unit.prompt)
        used = {c["answer_span"] for c in collected}
        remaining = [t for t in unit.targets if t not in used] or list(unit.targets)
        target = remaining[attempt % len(remaining)]
        temperature = config.qa_temperature if config.qa_temperature is not None else prompt.temperature
        top_p = config.qa_top_p if config.qa_top_p is not None else prompt.top_p
        return GenerationRequest(messages=prompt.messages(sentence=unit.passage, answer=target), temperature=temperature,
                                 top_p=top_p, max_tokens=config.qa_max_tokens or prompt.max_tokens, seed=seed,
                                 stop=prompt.stop)

    def requests_per_round(self, unit: WorkUnit, collected: list[Item]) -> int:
        return unit.requested - len(collected)

    def max_tries(self, config: GenerateConfig, unit: WorkUnit) -> int:
        if unit.key.startswith("qa-label|"):
            return 0  # a label line's question is fixed by its label; a model's would have to copy it word for word
        return unit.requested * (1 + config.max_retries)

    def interpret(self, config: GenerateConfig, unit: WorkUnit, text: str, collected: list[Item],
                  sources: Sources) -> tuple[list[Item], list[str]]:
        question = re.sub(r"^\s*(?:question\s*\d*[:.)]\s*)", "", text.strip(), flags=re.I).strip().strip('"“”').strip()
        known = sources.known(unit.document_id)
        problem = question_problem(question, unit.passage, unit.source or unit.passage, known)
        if problem:
            return [], [problem]
        if any(_norm(question) == _norm(c["question"]) for c in collected):
            return [], ["duplicate question"]
        answer, why = answer_for(question, list(unit.candidates), {c["answer_span"] for c in collected}, unit.passage)
        if answer is None:
            return [], [why or "no answer fits the question"]
        if answer not in unit.targets:
            return [], [f"asks for '{answer}', which no question built from the sentence can check"]
        if re.match(r"(?i)what\b", question) and person_like(answer, sources.people(unit.document_id)):
            return [], [f"asks 'what' for '{answer}', whom the document calls he or she"]  # "What faced …?" -> Lincoln
        anchor = unit.templates[unit.targets.index(answer)]
        missing = anchor_problem(question, anchor, answer)
        if missing:
            return [], [missing]
        return [self._item(question, answer, unit, "model")], []

    @staticmethod
    def _item(question: str, answer: str, unit: WorkUnit, source: str) -> Item:
        """A QA with why it passed: the checks are stored with it and shown in Curate."""
        checks = [f"answer '{answer}' is a {answer_type(answer, unit.passage)}, as '{question.split()[0].lower()}…' asks",
                  "no other answer of the sentence fits the question", "question is well-formed English",
                  "names and numbers all in the source"]
        return {"question": question, "answer": make_answer(answer, unit.passage), "answer_span": answer,
                "question_source": source, "checks": checks}

    def fallback(self, config: GenerateConfig, unit: WorkUnit, collected: list[Item], sources: Sources) -> list[Item]:
        """Wh-questions built from the sentence for the answers the model's questions did not cover (if enabled)."""
        if not config.fallback_questions:
            return []
        used = {c["answer_span"] for c in collected}
        items = []
        for candidate, question in zip(unit.targets, unit.templates, strict=True):
            if len(collected) + len(items) >= unit.requested:
                break
            if candidate in used:
                continue
            items.append(self._item(question, candidate, unit, "template"))
            used.add(candidate)
        return items


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


class ChunkQAs(SampleKind):
    """N QAs per chunk in one JSON answer (the paper's layout; for strong generators)."""

    name = "qa"

    def plan(self, sources: Sources) -> list[WorkUnit]:
        config, version = sources.config, load_prompt("qa").version
        return [WorkUnit(f"qa|{version}|c{c['id']}|n{config.qa_per_chunk}|s{config.seed}", self.name, "qa",
                         c["document_id"], c["id"], c["title"], c["text"], requested=config.qa_per_chunk)
                for c in sources.chunks]

    def request(self, config: GenerateConfig, unit: WorkUnit, seed: int, collected: list[Item],
                attempt: int = 0) -> GenerationRequest:
        prompt = load_prompt("qa")
        missing = max(1, unit.requested - len(collected))
        temperature = config.qa_temperature if config.qa_temperature is not None else prompt.temperature
        top_p = config.qa_top_p if config.qa_top_p is not None else prompt.top_p
        # Long lists need room: ~60 tokens per QA on top of the prompt file's budget.
        max_tokens = config.qa_max_tokens or max(prompt.max_tokens, 80 * missing)
        return GenerationRequest(messages=prompt.messages(title=unit.title, passage=unit.passage, n=missing),
                                 temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                                 json_schema=qa_schema(missing), seed=seed)

    def interpret(self, config: GenerateConfig, unit: WorkUnit, text: str, collected: list[Item],
                  sources: Sources) -> tuple[list[Item], list[str]]:
        example = _example_question()
        known = sources.known(unit.document_id)
        seen = {_norm(c["question"]) for c in collected}
        items, problems = [], []
        for question, answer in parse_qas(text):
            problem = qa_problem(question, answer, example)
            if problem is None and _norm(question) in seen:
                problem = "duplicate question"
            if problem is None:
                invented = unsupported_facts(f"{question} {answer}", unit.passage, known)
                if invented:
                    problem = "hallucinated: " + ", ".join(f"'{x}'" for x in invented[:3]) + " not in source"
            if problem:
                problems.append(problem)
                continue
            seen.add(_norm(question))
            items.append({"question": question, "answer": answer, "question_source": "model"})
        if not items and not problems:
            problems.append("no question/answer pairs could be parsed")
        return items[: unit.requested - len(collected)], problems


def _example_question() -> str:
    pairs = parse_qas(load_prompt("qa").example)
    return pairs[0][0] if pairs else ""


# ---- rewrites --------------------------------------------------------------------------------------------------

def rewrite_problems(text: str, unit: WorkUnit, known: set[str], strict: bool) -> list[str]:
    """Why a rewrite is unusable: too short, looping, a copy, or it drops/invents names and numbers.

    ``strict`` (fact windows): every name and number of the source must be kept and at most a few words the
    source does not have may be added. Whole chunks: invented names/numbers only, and most facts kept.
    """
    source = unit.passage
    min_words = max(4, min(15, len(source.split()) // 2))
    problem = rewrite_problem(text, source, min_words=min_words)
    if problem:
        return [problem]
    problems = []
    invented = unsupported_facts(text, unit.source or source, known)
    if invented:
        problems.append("hallucinated: " + ", ".join(f"'{x}'" for x in invented[:3]) + " not in source")
    dropped = dropped_facts(text, source, known)  # nouns and content words: ``meaning_changes`` (strict)
    total = max(1, len(dropped_facts("", source, known)))
    if dropped and (strict or len(dropped) / total > 0.2):
        problems.append("dropped: " + ", ".join(f"'{x}'" for x in dropped[:3]))
    if strict:
        problems += meaning_changes(text, source, context=unit.source or "")
        added = content_words(text) - content_words(unit.source or source)
        if len(added) > max(2, len(content_words(source)) // 3):
            problems.append("adds what the source does not say: " + ", ".join(sorted(added)[:4]))
    return problems


class Rewrites(SampleKind):
    """Plain rewrites (the baseline focal rewriting is compared with), of windows or chunks."""

    name = "rewrite"

    def max_tries(self, config: GenerateConfig, unit: WorkUnit) -> int:
        # A one-sentence rewrite is cheap and a small model gets it right about half the time (copies, swapped
        # nouns): twice the retries keep the yield above 0.8 without letting a bad unit loop for long.
        return 1 + config.max_retries * (2 if unit.focus_start is not None else 1)

    def plan(self, sources: Sources) -> list[WorkUnit]:
        config = sources.config
        if config.strategy == "window":
            version = load_prompt("rewrite_window").version
            units = []
            for w in sources.windows:
                sentence = resolve_sentence(w, sources.known(w.document_id))
                title = sources.documents[w.document_id]["title"]
                for k in range(config.rewrites_per_source):
                    units.append(WorkUnit(f"rewrite|{version}|{w.span_key}|k{k}|s{config.seed}", self.name,
                                          "rewrite_window", w.document_id, w.chunk_id, title, sentence,
                                          focus_start=w.start, focus_end=w.end,
                                          source=f"{w.context} {sentence}".strip()))
            return units
        version = load_prompt("rewrite").version
        return [WorkUnit(f"rewrite|{version}|c{c['id']}|k{k}|s{config.seed}", self.name, "rewrite", c["document_id"],
                         c["id"], c["title"], c["text"])
                for c in sources.chunks for k in range(config.rewrites_per_source)]

    def interpret(self, config: GenerateConfig, unit: WorkUnit, text: str, collected: list[Item],
                  sources: Sources) -> tuple[list[Item], list[str]]:
        body = recase(text.strip(), f"{unit.source or ''} {unit.passage}")
        problems = rewrite_problems(body, unit, sources.known(unit.document_id), strict=unit.focus_start is not None)
        return ([] if problems else [{"text": body, "rewrite_source": "model"}]), problems

    def fallback(self, config: GenerateConfig, unit: WorkUnit, collected: list[Item], sources: Sources) -> list[Item]:
        """A window sentence whose model rewrites all failed: a closing relative clause split off and/or its time
        phrase moved to the other end (``question_forms.code_rewrite``; if enabled and if that passes the same
        checks), marked as made by code."""
        if not config.fallback_rewrites or unit.focus_start is None or collected:
            return []
        known = sources.known(unit.document_id)
        text = code_rewrite(unit.passage, known)
        if text is None or rewrite_problems(text, unit, known, strict=True):
            return []
        return [{"text": text, "rewrite_source": "template"}]


def source_order(unit: WorkUnit) -> tuple:
    """Rewrites of the same source one after another: their prompts share the source text up to the question, so
    llama.cpp reuses that prefix's KV cache instead of reading the source again (``benchmarks/prefix_reuse.py``)."""
    return (unit.document_id, unit.chunk_id, unit.focus_start if unit.focus_start is not None else -1, unit.passage)


class FocalRewrites(Rewrites):
    """Focal Rewriting: the source rewritten conditioned on a question (generated QA questions, or the user's).

    Window strategy: the model rewrites the question's sentence, checked like any sentence rewrite; ``finish``
    then stitches it with the rest of its section into a focal *document* (``generate.passages``).
    """

    name = "focal_rewrite"

    def __init__(self) -> None:
        self._near_copies: set[str] = set()  # units whose model only changed small words in some try

    def interpret(self, config: GenerateConfig, unit: WorkUnit, text: str, collected: list[Item],
                  sources: Sources) -> tuple[list[Item], list[str]]:
        items, problems = super().interpret(config, unit, text, collected, sources)
        if unit.focus_start is not None:
            items = [{**item, "sentence_rewrite": item["text"]} for item in items]
            if problems == [SMALL_WORDS_ONLY]:
                self._near_copies.add(unit.key)
        return items, problems

    def fallback(self, config: GenerateConfig, unit: WorkUnit, collected: list[Item], sources: Sources) -> list[Item]:
        """Code's rewrite first; failing that, when the model kept the whole sentence and only changed small words,
        the sentence as written ("copy"): what the model made was that sentence with the risk of broken grammar,
        and the focal document it leads is the question's section either way."""
        made = super().fallback(config, unit, collected, sources)
        if not made and not collected and config.fallback_rewrites and unit.key in self._near_copies:
            made = [{"text": unit.passage, "rewrite_source": "copy"}]
        return [{**item, "sentence_rewrite": item["text"]} for item in made]

    def finish(self, sources: Sources, job_id: int | None, count_tokens: Callable[[str], int]) -> None:
        if sources.config.strategy == "window":
            stitch_focal_documents(sources.project, job_id, count_tokens)

    def plan(self, sources: Sources) -> list[WorkUnit]:
        config = sources.config
        window_version, chunk_version = load_prompt("focal_window").version, load_prompt("focal_rewrite").version
        by_chunk = {c["id"]: c for c in sources.chunks}
        with sources.project.connect() as conn:
            qas = conn.execute(
                """SELECT id, document_id, chunk_id, question, source_start, source_end, source_text FROM samples
                   WHERE kind = 'qa' AND status != 'rejected' AND question IS NOT NULL ORDER BY id"""
            ).fetchall()
        spans = sources.config.only_spans
        per_source: Counter[tuple] = Counter()
        units: list[WorkUnit] = []
        for qa in qas:
            chunk = by_chunk.get(qa["chunk_id"])
            if chunk is None:
                continue
            windowed = qa["source_text"] is not None
            if windowed and LABEL_QUESTION.match(qa["question"] or ""):
                continue  # "Capacity: 1.6 litres" is no passage to rewrite around a question
            if windowed and spans is not None and not any(
                    a < qa["source_end"] and qa["source_start"] < b for a, b in spans.get(str(qa["document_id"]), [])):
                continue
            source_key = (qa["document_id"], qa["source_start"], qa["source_end"]) if windowed else ("c", chunk["id"])
            if per_source[source_key] >= config.focal_questions_per_source:
                continue
            per_source[source_key] += 1
            for k in range(config.focal_per_question):
                if windowed:
                    units.append(WorkUnit(f"focal|{window_version}|q{qa['id']}|k{k}|s{config.seed}", self.name,
                                          "focal_window", chunk["document_id"], chunk["id"], chunk["title"],
                                          qa["source_text"], qa["question"], focus_start=qa["source_start"],
                                          focus_end=qa["source_end"], source=qa["source_text"]))
                else:
                    units.append(WorkUnit(f"focal|{chunk_version}|q{qa['id']}|k{k}|s{config.seed}", self.name,
                                          "focal_rewrite", chunk["document_id"], chunk["id"], chunk["title"],
                                          chunk["text"], qa["question"]))
        units += self._user_question_units(sources, window_version, chunk_version)
        return sorted(units, key=source_order)

    def _user_question_units(self, sources: Sources, window_version: str, chunk_version: str) -> list[WorkUnit]:
        """Each of the user's questions focuses a rewrite of the best-matching window (or chunk) of every document."""
        config = sources.config
        units = []
        for question in (q.strip() for q in config.user_questions):
            if not question:
                continue
            digest = _seed_text(question)
            if config.strategy == "window":
                best: dict[int, tuple[int, Window]] = {}
                for w in sources.windows:
                    score = len(_words(question) & _words(w.text))
                    if w.document_id not in best or score > best[w.document_id][0]:
                        best[w.document_id] = (score, w)
                for _, w in best.values():
                    sentence = resolve_sentence(w, sources.known(w.document_id))
                    title = sources.documents[w.document_id]["title"]
                    for k in range(config.focal_per_question):
                        units.append(WorkUnit(f"focal|{window_version}|u{digest}|{w.span_key}|k{k}|s{config.seed}",
                                              self.name, "focal_window", w.document_id, w.chunk_id, title, sentence,
                                              question, focus_start=w.start, focus_end=w.end,
                                              source=f"{w.context} {sentence}".strip()))
                continue
            best_chunk: dict[int, tuple[int, dict[str, Any]]] = {}
            for c in sources.chunks:
                score = len(_words(question) & _words(c["text"]))
                if c["document_id"] not in best_chunk or score > best_chunk[c["document_id"]][0]:
                    best_chunk[c["document_id"]] = (score, c)
            for _, c in best_chunk.values():
                for k in range(config.focal_per_question):
                    units.append(WorkUnit(f"focal|{chunk_version}|u{digest}|c{c['id']}|k{k}|s{config.seed}", self.name,
                                          "focal_rewrite", c["document_id"], c["id"], c["title"], c["text"], question))
        return units


def kinds_for(config: GenerateConfig) -> dict[str, SampleKind]:
    """The kind objects for a config's strategy, in the order they run (focal rewrites need the QAs first)."""
    qa: SampleKind = WindowQAs() if config.strategy == "window" else ChunkQAs()
    return {"qa": qa, "focal_rewrite": FocalRewrites(), "rewrite": Rewrites()}


def sampling_defaults(strategy: str) -> dict[str, float]:
    """The prompt files' sampling for a strategy's QA and focal-rewrite prompts: what the Generate tab's sliders
    start at, and what "unchanged" means (a None in the config: the prompt's own recipe applies)."""
    qa = load_prompt("qa_window" if strategy == "window" else "qa")
    doc = load_prompt("focal_window" if strategy == "window" else "focal_rewrite")
    return {"qa_temperature": qa.temperature, "qa_top_p": qa.top_p,
            "doc_temperature": doc.temperature, "doc_top_p": doc.top_p}
