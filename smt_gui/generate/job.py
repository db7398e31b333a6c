"""The generation job: synthetic QAs, then focal rewrites conditioned on those questions, then plain rewrites;
last, focal sentence rewrites are stitched into focal documents (``generate.passages``).

Work is cut into *units* with stable keys (e.g. ``qa|qa-window-v1|d3w120-188|n2|s0`` = two QAs about the sentence
at characters 120-188 of document 3, seed 0). A unit's samples and its ``generation_log`` row are written in one
transaction, so a job that is cancelled, crashes or is killed resumes by skipping finished units: nothing is redone
and nothing is stored twice. Changing the seed starts a new round of units over the same sources.

Each unit asks for a number of items; malformed or unfaithful answers are retried with new seeds until the unit
has them or its tries are spent. What it made, what it was asked for, and why the rest failed are all recorded.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from smt_gui.configflags import setting
from smt_gui.generate.kinds import Item, SampleKind, Sources, WorkUnit, kinds_for, summarise_problems
from smt_gui.generate.meaning import SMALL_WORDS_ONLY
from smt_gui.generate.prompts import load_prompt
from smt_gui.jobs import JobContext
from smt_gui.llm import Backend, BackendConfig, BackendError, get_backend
from smt_gui.project import Project, utc_now

KINDS = ("qa", "focal_rewrite", "rewrite")
STRATEGIES = ("window", "chunk")
# Old job configs (before fact windows) used these names; they are read as the new ones so such jobs still resume.
_RENAMED = {"focal_questions_per_chunk": "focal_questions_per_source", "rewrites_per_chunk": "rewrites_per_source"}


@dataclass
class GenerateConfig:
    """Everything the Generate tab and ``smt generate`` set; stored with the job so resume uses the same plan."""

    backend: BackendConfig = field(default_factory=BackendConfig)
    kinds: list[str] = field(default_factory=lambda: ["qa", "focal_rewrite"])
    document_ids: list[int] | None = None  # None = all documents
    strategy: str = setting(
        "window", choices=STRATEGIES, label="Work from",
        help="window: answer-aware QAs and checked rewrites from a few sentences at a time (works with small "
             "generators); chunk: N QAs per chunk in one answer (strong generators)")
    window_sentences: int = setting(1, minimum=1, label="Sentences per window", help="sentences per fact window")
    qa_per_window: int = setting(2, minimum=1, label="QAs per window",
                                 help="window strategy: QAs per window, each about a different candidate answer")
    qa_per_chunk: int = setting(3, minimum=1, label="QAs per chunk (chunk mode)", help="chunk strategy: QAs per chunk")
    focal_per_question: int = setting(1, minimum=1, label="Focal rewrites per question",
                                      help="focal rewrites per question")
    focal_questions_per_source: int = setting(
        2, minimum=1, flag="--focal-questions", aliases=("--focal-questions-per-chunk",),
        label="Questions per window/chunk to focus on", help="questions per window/chunk that get focal rewrites")
    rewrites_per_source: int = setting(1, minimum=1, flag="--rewrites", aliases=("--rewrites-per-chunk",),
                                       label="Plain rewrites per window/chunk", help="plain rewrites per window/chunk")
    fallback_questions: bool = setting(
        True, label="Build a question from the sentence when the model's tries fail",
        help="fact windows: a question built from the sentence's syntax when the model's tries all fail")
    fallback_rewrites: bool = setting(
        True, label="Make a rewrite by code when the model's tries fail",
        help="fact windows: split off a 'who'/'which' clause (at the end or inside the subject) or move a time "
             "phrase when the model's rewrites all fail")
    user_questions: list[str] = field(default_factory=list)
    only_spans: dict[str, list[list[int]]] | None = None  # {document id: [[start, end], ...]}: uncovered text only
    qa_temperature: float | None = setting(None, ui=False, help="QA sampling; none = the prompt file's recipe")
    qa_top_p: float | None = setting(None, ui=False, help="none = the prompt file's recipe")
    doc_temperature: float | None = setting(None, ui=False, help="rewrite sampling; none = the prompt file's recipe")
    doc_top_p: float | None = setting(None, ui=False, help="none = the prompt file's recipe")
    qa_max_tokens: int | None = setting(None, minimum=0, none_as=0, label="Max tokens per QA answer (0 = the prompt's)",
                                        help="none = the prompt file's default")
    doc_max_tokens: int | None = setting(None, minimum=0, none_as=0,
                                         label="Max tokens per rewrite (0 = the prompt's)",
                                         help="none = the prompt file's default")
    seed: int = setting(0, label="Seed (a new seed = a new round)",
                        help="a new seed starts a new round over the same chunks")
    token_budget: int | None = setting(None, minimum=0, none_as=0, flag="--budget", aliases=("--token-budget",),
                                       label="Token budget (0 = none)",
                                       help="stop once the job has generated this many tokens")
    max_retries: int = setting(2, minimum=0, label="Extra tries per item",
                               help="extra tries per requested item before the shortfall is recorded")
    max_chunks: int | None = setting(None, minimum=0, none_as=0, label="Chunks per document (0 = all)",
                                     help="only the first N chunks of each document (quick trials)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self) -> GenerateConfig:
        bad = set(self.kinds) - set(KINDS)
        if bad:
            raise ValueError(f"Unknown sample kinds {sorted(bad)}; use {', '.join(KINDS)}.")
        if self.strategy not in STRATEGIES:
            raise ValueError(f"Unknown strategy {self.strategy!r}; use {' or '.join(STRATEGIES)}.")
        for name in ("window_sentences", "qa_per_window", "qa_per_chunk", "focal_per_question",
                     "focal_questions_per_source", "rewrites_per_source"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be at least 1.")
        return self

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerateConfig:
        data = {_RENAMED.get(k, k): v for k, v in data.items()}
        data["backend"] = BackendConfig(**data.get("backend", {}))
        data.setdefault("strategy", "chunk")  # configs saved before fact windows existed planned by chunk
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"Unknown generation settings: {', '.join(sorted(unknown))}")
        return cls(**data).validate()


def plan_units(project: Project, config: GenerateConfig, kind: str) -> list[WorkUnit]:
    """The units of one kind for the current project state (focal units depend on the QAs already generated)."""
    return kinds_for(config)[kind].plan(Sources(project, config))


def finished_keys(project: Project, keys: list[str]) -> set[str]:
    with project.connect() as conn:
        done = {r[0] for r in conn.execute("SELECT unit_key FROM generation_log")}
    return done & set(keys)


def unit_seed(config: GenerateConfig, unit: WorkUnit, attempt: int) -> int:
    return (config.seed * 1_000_003 + zlib.crc32(unit.key.encode()) + attempt * 7919) % (2**31 - 1)


# ---- storing -------------------------------------------------------------------------------------------------

def store_unit(project: Project, job_id: int | None, unit: WorkUnit, items: list[Item], provenance: dict[str, Any],
               completion_tokens: int, attempts: int, count_tokens: Callable[[str], int],
               raw: str | None = None, error: str | None = None) -> int:
    """Write a unit's samples and its log row atomically; returns how many samples were stored."""
    now = utc_now()
    with project.connect() as conn:
        stored = 0
        for i, item in enumerate(items):
            question = item.get("question") if unit.kind == "qa" else unit.question
            answer = item.get("answer")
            text = item.get("text")
            n_tokens = count_tokens(" ".join(x for x in (question if unit.kind == "qa" else None, answer, text) if x))
            extra = {k: item[k] for k in ("answer_span", "question_source", "checks", "sentence_rewrite",
                                          "rewrite_source") if k in item}
            cursor = conn.execute(
                """INSERT INTO samples(kind, document_id, chunk_id, question, answer, text, original, status, n_tokens,
                                       generator, job_key, source_start, source_end, source_text, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(job_key) DO NOTHING""",
                (unit.kind, unit.document_id, unit.chunk_id, question, answer, text,
                 json.dumps({"question": question, "answer": answer, "text": text}), n_tokens,
                 json.dumps({**provenance, **extra}), f"{unit.key}#{i}", unit.focus_start, unit.focus_end,
                 unit.passage if unit.focus_start is not None else None, now, now),
            )
            stored += cursor.rowcount
        status = "ok" if len(items) >= unit.requested else ("partial" if items else "failed")
        conn.execute(
            """INSERT INTO generation_log(job_id, unit_key, kind, document_id, status, n_samples, n_requested,
                                          completion_tokens, attempts, raw, error, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(unit_key) DO NOTHING""",
            (job_id, unit.key, unit.kind, unit.document_id, status, stored, unit.requested, completion_tokens,
             attempts, raw, error, now),
        )
    return stored


def job_tokens(project: Project, job_id: int | None) -> int:
    if job_id is None:
        return 0
    with project.connect() as conn:
        return int(conn.execute("SELECT COALESCE(SUM(completion_tokens), 0) FROM generation_log WHERE job_id = ?",
                                (job_id,)).fetchone()[0])


def job_counts(project: Project, job_id: int | None) -> dict[str, int]:
    """Requested vs made over the job's finished units (so a resumed job's totals include earlier runs)."""
    if job_id is None:
        return {"requested": 0, "made": 0, "short_units": 0, "failed": 0}
    with project.connect() as conn:
        row = conn.execute(
            """SELECT COALESCE(SUM(n_requested), 0), COALESCE(SUM(n_samples), 0),
                      COALESCE(SUM(status = 'partial'), 0), COALESCE(SUM(status = 'failed'), 0)
               FROM generation_log WHERE job_id = ?""", (job_id,)).fetchone()
    return {"requested": int(row[0]), "made": int(row[1]), "short_units": int(row[2]), "failed": int(row[3])}


# ---- the job -------------------------------------------------------------------------------------------------

def run_generation(context: JobContext, raw_config: dict[str, Any], backend: Backend | None = None) -> dict[str, Any]:
    """Job target: generate every selected kind, skipping finished units; stops at the token budget or on cancel."""
    from smt_gui.ingest import chunking_config
    from smt_gui.tokenizers import load_tokenizer

    project, job_id = context.project, context.job_id
    config = GenerateConfig.from_dict(raw_config)
    backend = backend or get_backend(config.backend)
    tokenizer = load_tokenizer(chunking_config(project).tokenizer)

    def count_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    started = time.perf_counter()
    totals = {"samples": 0, "units": 0, "tokens": job_tokens(project, job_id), "new_tokens": 0,
              "waited_s": 0.0, **job_counts(project, job_id), "template_questions": 0,
              "template_rewrites": 0, "copied_sentences": 0}
    batch_size = max(1, config.backend.concurrency) * 2 if config.backend.kind == "openai" else 1
    stop_reason = "finished"
    kinds = kinds_for(config)
    for name in [k for k in KINDS if k in config.kinds]:
        kind = kinds[name]
        sources = Sources(project, config)
        units = kind.plan(sources)
        done = finished_keys(project, [u.key for u in units])
        pending = [u for u in units if u.key not in done]
        plan = {"phase": name, "phase_total": len(units), "phase_done": len(done),
                "phase_requested": sum(u.requested for u in units)}
        context.report(**plan, **totals)
        for start in range(0, len(pending), batch_size):
            context.check_cancelled()
            if config.token_budget and totals["tokens"] >= config.token_budget:
                stop_reason = "token budget reached"
                break
            batch = pending[start : start + batch_size]
            _run_batch(project, job_id, config, kind, sources, backend, batch, count_tokens, totals,
                       on_text=lambda text, unit: context.report(live_text=text[-400:], live_unit=unit.key))
            done_now = len(done) + start + len(batch)
            elapsed = time.perf_counter() - started
            eta = elapsed / max(totals["units"], 1) * (len(units) - done_now)
            context.report(**{**plan, "phase_done": done_now}, **{**totals, "waited_s": round(totals["waited_s"], 1)},
                           eta_s=round(eta, 1), elapsed_s=round(elapsed, 1),
                           # the job's own speed: time queued behind other heavy work (training, Chat) is shown apart
                           tokens_per_s=round(totals["new_tokens"] / max(elapsed - totals["waited_s"], 1e-6), 1))
        if stop_reason != "finished":
            break
    if stop_reason == "finished":  # after every phase, so a focal document can use this job's plain rewrites too
        for name in [k for k in KINDS if k in config.kinds]:
            kinds[name].finish(Sources(project, config), job_id, count_tokens)
    return {"stop_reason": stop_reason, **totals, "elapsed_s": round(time.perf_counter() - started, 1)}


@dataclass
class _UnitState:
    unit: WorkUnit
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tries: int = 0
    tokens: int = 0
    last_raw: str | None = None
    seed: int | None = None


def _run_batch(project: Project, job_id: int | None, config: GenerateConfig, kind: SampleKind, sources: Sources,
               backend: Backend, batch: list[WorkUnit], count_tokens: Callable[[str], int], totals: dict[str, int],
               on_text: Callable[[str, WorkUnit], None] | None = None) -> None:
    """Ask, check and retry until every unit of the batch has its items or has spent its tries; then store each."""
    provenance_base = {**config.backend.public(), "backend_model": backend.model_name, "job_id": job_id}
    states = [_UnitState(u) for u in batch]
    active = list(states)
    while active:
        plan: list[tuple[_UnitState, int]] = []
        for state in active:
            wanted = kind.requests_per_round(state.unit, state.items)
            room = kind.max_tries(config, state.unit) - state.tries
            for _ in range(max(0, min(wanted, room))):
                plan.append((state, state.tries + len([p for p in plan if p[0] is state])))
        requests = [kind.request(config, s.unit, unit_seed(config, s.unit, attempt), s.items, attempt)
                    for s, attempt in plan]
        errors: list[BackendError] = []
        for index, result in backend.complete_many(requests):
            state = plan[index][0]
            state.tries += 1
            if isinstance(result, BackendError):
                # Transport failures are never recorded as finished units, so a resume retries them.
                errors.append(result)
                continue
            state.tokens += result.completion_tokens
            totals["tokens"] += result.completion_tokens
            totals["new_tokens"] += result.completion_tokens
            totals["waited_s"] += result.waited_s
            if on_text:
                on_text(result.text, state.unit)
            items, problems = kind.interpret(config, state.unit, result.text, state.items, sources)
            state.items += items[: state.unit.requested - len(state.items)]
            state.problems += problems
            if not items:
                state.last_raw = result.text
            state.seed = requests[index].seed
        if errors and len(errors) == len(requests):
            # The backend itself is failing (server down, model missing): stop the job with its message instead of
            # burning through every unit; resume continues once it is fixed.
            raise errors[0]
        finished = [s for s in active if len(s.items) >= s.unit.requested
                    or s.tries >= kind.max_tries(config, s.unit)]
        for state in finished:
            _finish(project, job_id, config, kind, sources, state, provenance_base, count_tokens, totals)
        active = [s for s in active if s not in finished]


def _finish(project: Project, job_id: int | None, config: GenerateConfig, kind: SampleKind, sources: Sources,
            state: _UnitState, provenance_base: dict[str, Any], count_tokens: Callable[[str], int],
            totals: dict[str, int]) -> None:
    unit = state.unit
    fallback = kind.fallback(config, unit, state.items, sources) if len(state.items) < unit.requested else []
    items = state.items + fallback
    prompt = load_prompt(unit.prompt)
    provenance = {**provenance_base, "prompt_version": prompt.version, "seed": state.seed,
                  "temperature": config.qa_temperature if unit.kind == "qa" and config.qa_temperature is not None
                  else (config.doc_temperature if unit.kind != "qa" and config.doc_temperature is not None
                        else prompt.temperature), "strategy": config.strategy}
    error = None
    copies = sum(item.get("rewrite_source") == "copy" for item in fallback)
    if len(state.items) < unit.requested and state.problems:
        error = f"asked {unit.requested}, the model gave {len(state.items)} usable in {state.tries} tries: " \
                + summarise_problems(state.problems)
        if fallback and unit.kind == "qa":
            error += f"; {len(fallback)} question(s) built from the sentence instead"
        elif copies:
            error += f"; its sentence kept as written instead ({SMALL_WORDS_ONLY.split(':')[0]})"
        elif fallback:
            error += f"; {len(fallback)} rewrite(s) made by code instead (clause split or phrase moved)"
    stored = store_unit(project, job_id, unit, items, provenance, state.tokens, state.tries, count_tokens,
                        raw=state.last_raw if len(items) < unit.requested else None, error=error)
    totals["samples"] += stored
    totals["units"] += 1
    totals["requested"] += unit.requested
    totals["made"] += stored
    totals["template_questions" if unit.kind == "qa" else "template_rewrites"] += len(fallback) - copies
    totals["copied_sentences"] += copies
    totals["failed"] += 0 if items else 1
    totals["short_units"] += 1 if 0 < len(items) < unit.requested else 0


def generation_target(backend: Backend | None = None):
    """The job target, with an injected backend (tests, benchmarks) or the config's own."""
    return partial(run_generation, backend=backend) if backend is not None else run_generation
