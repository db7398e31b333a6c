"""Answering a question with one of the arms the paper compares: base, RAG, tuned (closed-book), tuned + RAG.

All arms use the same base model (the tuned arms add the run's adapter, or load a fully fine-tuned model), so the
only differences are the ones being compared: retrieved passages in the prompt, and what the weights learned.
``build_messages`` is the single place that decides what each arm sends to the model. Answers are generated
through llama.cpp from the run's GGUFs where they can be made (``smt_gui.llm.gguf_chat`` loads the files that
``smt_gui.export.chat_files`` finds or exports; it generates several times faster than transformers on CPU), else
through transformers; every arm of one engine uses the same path and the same decoding.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smt_gui.cores import Turn, compute_turn
from smt_gui.generate.prompts import load_prompt
from smt_gui.llm.base import REPETITION_PENALTY
from smt_gui.project import Project
from smt_gui.retrieve import RETRIEVAL_K, Hit, RagIndex
from smt_gui.train.base_model import LOAD_LOCK

ARMS = ("base", "rag", "tuned", "tuned+rag")
ENGINES = ("auto", "llama_cpp", "transformers")
NO_REPEAT_NGRAM = 4
ANSWER_TOKENS = 120  # the longest answer Chat and `smt ask` let an arm write, unless the user sets another


@dataclass
class Answer:
    arm: str
    text: str = ""
    hits: list[Hit] = field(default_factory=list)
    seconds: float = 0.0
    tokens: int = 0
    done: bool = False
    error: str | None = None
    engine: str = ""  # "llama.cpp" or "transformers": what generated the answer

    first_token_s: float | None = None  # since asked: retrieval, loading, the queue, a GGUF export and the prompt
    queued_s: float = 0.0  # of that, waiting for the cores behind other columns, a generation job or training

    @property
    def tokens_per_s(self) -> float:
        """Generation speed after the first token: neither the queue nor reading the prompt counts as generation."""
        if self.first_token_s is None or self.tokens < 2 or self.seconds <= self.first_token_s:
            return 0.0
        return (self.tokens - 1) / (self.seconds - self.first_token_s)


def uses_retrieval(arm: str) -> bool:
    return arm in ("rag", "tuned+rag")


def uses_adapter(arm: str) -> bool:
    return arm in ("tuned", "tuned+rag")


def check_arm(arm: str) -> str:
    if arm not in ARMS:
        raise ValueError(f"Unknown arm {arm!r}: choose from {', '.join(ARMS)}.")
    return arm


def carried_history(arm: str, history: list[dict[str, str]] | None) -> list[dict[str, str]] | None:
    """What an arm keeps of its column's conversation: a closed-book arm (base, tuned) carries the turns so far;
    a RAG arm's prompt is rebuilt around new passages for each question, so it carries none. Only user and
    assistant turns count (a column's notes and errors are not the model's words)."""
    if uses_retrieval(arm) or not history:
        return None
    return [m for m in history if m.get("role") in ("user", "assistant")]


def build_messages(arm: str, question: str, hits: list[Hit], history: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The chat messages an arm sends: RAG arms put the retrieved passages in front of the question. The one place
    that decides what each arm sends, for Chat and for evaluation alike."""
    check_arm(arm)
    messages = list(history or [])
    if uses_retrieval(arm):
        prompt = load_prompt("rag")
        passages = "\n\n".join(f"[{i + 1}] ({h.title}) {h.text}" for i, h in enumerate(hits))
        messages = [{"role": "system", "content": prompt.system}, *messages,
                    {"role": "user", "content": prompt.user.format(passages=passages, question=question)}]
    else:
        messages.append({"role": "user", "content": question})
    return messages


class ChatEngine:
    """Holds the base model and (per run) the tuned model for one project; thread-safe per model."""

    def __init__(self, project: Project, run_name: str | None = None, engine: str = "auto") -> None:
        if engine not in ENGINES:
            raise ValueError(f"Unknown chat engine {engine!r}: choose from {', '.join(ENGINES)}.")
        self.project = project
        self.run_name = run_name
        self.engine = engine
        self._models: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {"base": threading.Lock(), "tuned": threading.Lock()}
        self._index: RagIndex | None = None
        self._gguf: Any = None
        self.fallback_reason: str | None = None  # why "auto" answers through transformers

    def gguf(self):
        """The llama.cpp models for this engine, or ``None`` (transformers answers; ``fallback_reason`` says why)."""
        if self.engine == "transformers":
            return None
        with LOAD_LOCK:
            if self._gguf is None and self.fallback_reason is None:
                from smt_gui.export.chat_files import available, files_for
                from smt_gui.llm.gguf_chat import GgufChat

                reason = available()
                if reason is None:
                    try:
                        run = self.trained_run()
                    except ValueError:
                        run = None  # no trained run: the base arms still answer
                    try:
                        self._gguf = GgufChat(files_for(self.project, run))
                    except (ValueError, OSError, RuntimeError) as exc:
                        reason = f"the GGUF export failed: {exc}"
                if reason is not None:
                    if self.engine == "llama_cpp":
                        raise ValueError(f"Chat through llama.cpp is not possible here: {reason}.")
                    self.fallback_reason = reason
            return self._gguf

    @property
    def index(self) -> RagIndex:
        if self._index is None:
            self._index = RagIndex(self.project)
        return self._index

    def trained_run(self):
        """The chosen run, or the newest one with a saved adapter/model."""
        from smt_gui.train import runner

        runs = runner.finished_runs(self.project)
        if self.run_name:
            runs = [r for r in runs if r.name == self.run_name]
        if not runs:
            raise ValueError("No finished training run with a saved adapter/model: train one in the Train tab first.")
        return runs[0]

    def model(self, which: str):
        """``base`` -> the run's base model (or the bundled one); ``tuned`` -> base + the run's adapter."""
        with LOAD_LOCK:
            return self._load(which)

    def _load(self, which: str):
        if which not in self._models:
            from smt_gui.train import runner
            from smt_gui.train.base_model import resolve_base_model
            from smt_gui.train.probe import load_for_inference

            if which == "tuned":
                run = self.trained_run()
                self._models[which] = load_for_inference(Path(run.summary["base_model_dir"]), runner.output_dir(run))
            else:
                try:
                    base_dir = Path(self.trained_run().summary["base_model_dir"])
                except ValueError:
                    base_dir = resolve_base_model(None)
                self._models[which] = load_for_inference(base_dir)
        return self._models[which]

    def stream(self, arm: str, question: str, k: int = RETRIEVAL_K, history: list[dict[str, str]] | None = None,
               max_new_tokens: int = ANSWER_TOKENS, temperature: float = 0.0, mmr: bool = False,
               reranker: str | None = None) -> Iterator[Answer]:
        """Yield the growing answer of one arm (retrieval first for the RAG arms). ``history`` is the column's
        conversation so far, without this question; the arm keeps what ``carried_history`` says. Closing the
        iterator stops the model at its next token."""
        answer = Answer(arm=arm)
        started = time.perf_counter()
        try:
            if uses_retrieval(arm):
                answer.hits = self.index.query(question, k=k, mmr=mmr, reranker=reranker or None)
                yield answer
            which = "tuned" if uses_adapter(arm) else "base"
            if which == "tuned":
                self.trained_run()  # "train one first" before anything is loaded
            messages = build_messages(arm, question, answer.hits, carried_history(arm, history))
            pieces = self.pieces(which, messages, max_new_tokens,
                                 temperature, on_turn=lambda turn: setattr(answer, "queued_s", turn.waited_s))
            answer.engine = "llama.cpp" if self.gguf() is not None else "transformers"
            try:
                for piece in pieces:
                    answer.text += piece
                    answer.tokens += 1
                    answer.seconds = time.perf_counter() - started
                    if answer.first_token_s is None:
                        answer.first_token_s = answer.seconds
                    yield answer
            finally:
                pieces.close()
        except (ValueError, OSError, RuntimeError) as exc:
            answer.error = str(exc)
        answer.seconds = time.perf_counter() - started
        answer.done = True
        yield answer

    def pieces(self, which: str, messages: list[dict[str, str]], max_new_tokens: int,
               temperature: float = 0.0, on_turn: Callable[[Turn], None] | None = None) -> Iterator[str]:
        """The answer to ``messages`` from the base or tuned model, piece by piece, through llama.cpp when it can.
        Either way it takes its turn on the cores (``smt_gui.cores``); ``on_turn`` hears how long it waited."""
        gguf = self.gguf()
        if gguf is not None:
            return gguf.stream(which, messages, max_new_tokens, temperature, on_turn=on_turn)
        return self._transformers_pieces(which, messages, max_new_tokens, temperature, on_turn)

    def _transformers_pieces(self, which: str, messages: list[dict[str, str]], max_new_tokens: int,
                             temperature: float, on_turn: Callable[[Turn], None] | None = None) -> Iterator[str]:
        with compute_turn() as turn:
            if on_turn is not None:
                on_turn(turn)
            yield from self._transformers_stream(which, messages, max_new_tokens, temperature)

    def _transformers_stream(self, which: str, messages: list[dict[str, str]], max_new_tokens: int,
                             temperature: float) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        model, tokenizer = self.model(which)
        inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                               return_dict=True)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        # A small greedy model loops ("The answer is Korvin." seven times): the same mild repetition penalty for
        # every arm, so the arms still differ only in what is being compared.
        kwargs = dict(**inputs, max_new_tokens=max_new_tokens, streamer=streamer, do_sample=temperature > 0,
                      repetition_penalty=REPETITION_PENALTY, no_repeat_ngram_size=NO_REPEAT_NGRAM,
                      pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
        if temperature > 0:
            kwargs["temperature"] = temperature

        halt = threading.Event()  # set when the caller stops reading (e.g. the conversation was reset)

        class StopWhenHalted(StoppingCriteria):
            def __call__(self, input_ids, scores, **_: Any):  # type: ignore[override]
                return torch.full((input_ids.shape[0],), halt.is_set(), dtype=torch.bool, device=input_ids.device)

        kwargs["stopping_criteria"] = StoppingCriteriaList([StopWhenHalted()])
        failures: list[BaseException] = []

        def work() -> None:
            try:
                with self._locks[which]:
                    model.generate(**kwargs)
            except Exception as exc:
                failures.append(exc)
                streamer.end()

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        try:
            yield from streamer
        finally:
            halt.set()  # a closed stream ends the model's generation at its next token
        thread.join()
        if failures:
            raise RuntimeError(f"generation failed: {failures[0]}")

    def ready_for(self, arms: list[str]) -> dict[str, int] | None:
        """Index what the project holds before a RAG arm answers (Chat, ``smt ask`` and Evaluate alike): chunks
        not embedded yet are added, removed ones dropped; nothing to do costs one lookup. None when no arm
        retrieves; a ValueError when there is nothing to retrieve from."""
        if not any(uses_retrieval(arm) for arm in arms):
            return None
        counts = self.index.sync()
        if not counts["total"]:
            raise ValueError("The project has no documents to retrieve from: add some in the Documents tab.")
        return counts

    def ask(self, arm: str, question: str, **kwargs: Any) -> Answer:
        final = Answer(arm=arm)
        for final in self.stream(arm, question, **kwargs):  # noqa: B007 - keep the last state
            pass
        return final
