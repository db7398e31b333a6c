"""Chat tab: the same question to the arms the user picks, side by side: the base model and the tuned one
closed-book, the RAG baseline, tuned + RAG."""

from __future__ import annotations

import html
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import gradio as gr

from smt_gui import services
from smt_gui.chat import ANSWER_TOKENS, Answer, ChatEngine
from smt_gui.documents import list_eval_questions
from smt_gui.evaluate.arms import LETTERS
from smt_gui.ingest import chunking_config
from smt_gui.retrieve import RagIndex
from smt_gui.sample import DEFAULT_SETTINGS
from smt_gui.train import runner
from smt_gui.ui.common import guard, require_project

NOTE = ("The same question goes to every column at once; all columns run the same base model, so the only "
        "differences are retrieved passages and what training taught. Pick an eval question to see its gold answer.")
COLUMNS = ("base", "tuned", "rag", "tuned+rag")
SHOWN = ["tuned", "rag", "tuned+rag"]  # the columns a new conversation shows; base is one tick away
TITLES = {"base": "Base (closed-book, before training)", "tuned": "Tuned (closed-book)",
          "rag": "RAG (base + retrieved chunks)", "tuned+rag": "Tuned + RAG"}
# Per browser session, bumped whenever its conversation is reset (Clear, or another project opened): an answer still
# streaming from before stops instead of writing into the new project's columns.
_conversations: dict[str, int] = {}


def _session(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or ""


_streams: dict[str, threading.Event] = {}  # per session: set once its latest answer stream has ended


def new_conversation(request: gr.Request | None) -> None:
    """Start a new conversation and wait (briefly) for the old stream to end: Gradio sends each yielded update
    before it asks the generator for the next one, so once the stream has ended none of its updates can arrive
    after the emptied columns."""
    session = _session(request)
    _conversations[session] = _conversations.get(session, 0) + 1
    stream = _streams.get(session)
    if stream is not None:
        stream.wait(timeout=15)


@dataclass
class ChatTab:
    refresh: Callable[[str | None], tuple]
    refresh_outputs: list
    reset: Callable[[], tuple]  # an empty conversation (a project was opened)
    reset_outputs: list
    retrieval_k: Any  # the project's retrieval k (the "retrieval" setting, shared with Evaluate)


def engine_for(project_path: str, run_name: str | None) -> ChatEngine:
    return services.chat_engine(require_project(project_path), run_name)


def hits_html(answer: Answer) -> str:
    if not answer.hits:
        return ""
    items = "".join(
        f"<details><summary>[{i + 1}] <b>{html.escape(h.title)}</b> · score {h.score:.3f}</summary>"
        f"<div style='white-space:pre-wrap;font-size:0.9em'>{html.escape(h.text)}</div></details>"
        for i, h in enumerate(answer.hits))
    return f"<div class='chat-hits'>{items}</div>"


def stats_line(answer: Answer, note: str = "") -> str:
    if answer.error:
        return f"⚠ {answer.error}"
    state = "" if answer.done else " · generating…"
    empty = " · ⚠ the model answered with nothing" if answer.done and not answer.text.strip() else ""
    engine = f" · {answer.engine}" if answer.engine else ""
    queued = f" · queued {answer.queued_s:.1f} s" if answer.queued_s >= 0.05 else ""
    first = f" · first token {answer.first_token_s:.1f} s" if answer.first_token_s is not None else ""
    # tokens/s counts generation only (after the first token): the queue and the prompt are the two figures before it
    return (f"{answer.seconds:.1f} s{queued}{first} · {answer.tokens} tokens · {answer.tokens_per_s:.1f} tokens/s"
            f"{engine}{state}{empty}{note}")


def ask(project_path: str | None, run_name: str | None, question: str, k: float, mmr: bool, max_tokens: float,
        picked: list[str], reranker: str, h_base: list, h_tuned: list, h_rag: list, h_both: list,
        request: gr.Request = None) -> Iterator[tuple]:
    """Stream all columns at once: one thread per arm feeds a queue, this generator repaints every column.

    Stops (and stops the models) as soon as the session's conversation is reset, so a slow answer from the previous
    project never lands in the columns of the one opened since.
    """
    session = _session(request)
    conversation = _conversations.get(session, 0)
    if not project_path:
        raise gr.Error("Open a project first.")
    if not (question or "").strip():
        raise gr.Error("Type a question first.")
    arms = [a for a in COLUMNS if a in (picked or [])]
    if not arms:
        raise gr.Error("Pick at least one column (base, tuned, RAG, tuned + RAG).")
    engine = engine_for(project_path, run_name)
    notes: dict[str, str] = {}
    try:
        counts = engine.ready_for(arms)  # RAG answers from what the project holds now
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    if counts and counts["added"]:
        notes = dict.fromkeys(("rag", "tuned+rag"), f" · indexed {counts['added']} new chunks first")
    # Named parameters, not *args: Gradio injects ``request`` only into a parameter it can name, and without the
    # session a reset (another project opened) could not stop this stream.
    histories = {arm: list(h or []) for arm, h in zip(COLUMNS, (h_base, h_tuned, h_rag, h_both), strict=True)}
    latest = {arm: Answer(arm=arm) for arm in arms}
    updates: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work(arm: str, prior: list[dict[str, str]]) -> None:
        states = engine.stream(arm, question, k=int(k), mmr=mmr, max_new_tokens=int(max_tokens), history=prior,
                               reranker=(reranker or "").strip() or None)
        try:
            for state in states:
                if stop.is_set():
                    break
                updates.put((arm, state))
        finally:
            states.close()  # ends the model's generation (and frees the compute lock) when stopped early
            updates.put((arm, None))

    for arm in arms:
        # The conversation so far, without this question: it used to include the question and its still-empty answer,
        # and the tuned model (through llama.cpp) answered that empty turn with nothing.
        prior = list(histories[arm])
        histories[arm] = [*histories[arm], {"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        threading.Thread(target=work, args=(arm, prior), daemon=True).start()
    running = set(arms)
    ended = _streams[session] = threading.Event()
    try:
        yield from _repaint(updates, running, histories, latest, notes,
                            lambda: _conversations.get(session, 0) != conversation)
    finally:
        stop.set()  # the arms' threads stop at their next token (a no-op when they are done)
        ended.set()


def _repaint(updates: queue.Queue, running: set, histories: dict, latest: dict, notes: dict,
             stale: Callable[[], bool]) -> Iterator[tuple]:
    """Repaint every column on each update until all arms finish, or stop as soon as the conversation is stale."""
    while running:
        try:
            arm, state = updates.get(timeout=0.25)
        except queue.Empty:
            arm, state = None, None
        if stale():
            # Gradio repaints an event's last yielded value once it completes: leave the emptied columns behind,
            # or the old conversation comes back over the reset.
            yield (*([], "", "") * len(COLUMNS), *([] for _ in COLUMNS))
            return
        if arm is None:
            continue
        if state is None:
            running.discard(arm)
        else:
            latest[arm] = state
            text = (state.error and f"⚠ {state.error}") or state.text
            if state.done and not text.strip():
                text = "(no answer: the model produced nothing)"
            histories[arm][-1] = {"role": "assistant", "content": text}
        yield _view(histories, latest, notes)


def _view(histories: dict, latest: dict, notes: dict | None = None) -> tuple:
    out = []
    for arm in COLUMNS:
        answer = latest.get(arm, Answer(arm=arm))
        out += [histories[arm], stats_line(answer, (notes or {}).get(arm, "")) if arm in latest else "", hits_html(answer)]
    return (*out, *(histories[arm] for arm in COLUMNS))


def reindex(project_path: str | None, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
    project = require_project(project_path)
    counts = RagIndex(project).sync(progress=lambda done, total: progress((done, total), desc="Embedding chunks"))
    return f"Index: {counts['total']} chunks ({counts['added']} added, {counts['removed']} removed)."


def pick_eval(project_path: str | None, choice: str | None) -> tuple:
    """Put a picked eval question (with its options) in the question box and show its gold answer.

    An emptied pick (a refresh of the list) leaves a question the user typed alone: clearing it there wiped what
    they had just typed whenever the list refreshed late."""
    if not project_path or not choice:
        return gr.skip(), gr.skip()
    question = next((q for q in list_eval_questions(require_project(project_path)) if str(q["id"]) == str(choice)), None)
    if question is None:
        return "", ""
    gold = question["answer"] or ""
    if question["options"]:
        options = "\n".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(question["options"]))
        return question["question"] + "\n" + options, f"**Gold answer:** {gold}"
    return question["question"], f"**Gold answer:** {gold}"


def build(project_state: gr.State) -> ChatTab:
    gr.Markdown(NOTE)
    with gr.Row():
        run = gr.Dropdown([], label="Tuned run (adapter)", elem_id="chat-run")
        k = gr.Slider(1, 16, value=DEFAULT_SETTINGS["retrieval"]["k"], step=1, label="Retrieved chunks (top-k)",
                      info="the project's setting: Evaluate's RAG arms use the same", elem_id="chat-k")
        mmr = gr.Checkbox(label="MMR (diverse chunks)", value=False)
        max_tokens = gr.Slider(16, 512, value=ANSWER_TOKENS, step=8, label="Max new tokens",
                               elem_id="chat-max-tokens")
        picked = gr.CheckboxGroup(list(COLUMNS), value=SHOWN, label="Columns", elem_id="chat-arms")
    with gr.Row():
        reranker = gr.Textbox(label="Cross-encoder reranker folder (optional)", placeholder="a local sentence-transformers "
                              "CrossEncoder model; reranks 20 candidates down to top-k")
        index_btn = gr.Button("Index / re-index documents", size="sm", elem_id="chat-index")
        index_status = gr.Markdown(elem_id="chat-index-status")
    with gr.Row():
        eval_pick = gr.Dropdown([], label="Ask an eval-set question", scale=2, elem_id="chat-eval-pick")
        gold = gr.Markdown(elem_id="chat-gold")
    with gr.Row():
        question = gr.Textbox(label="Question", lines=2, scale=4, elem_id="chat-question")
        with gr.Column(scale=1):
            ask_btn = gr.Button("Ask all", variant="primary", elem_id="chat-ask")
            clear = gr.Button("Clear")
    histories = [gr.State([]) for _ in COLUMNS]
    outputs, columns = [], []
    with gr.Row():
        for arm in COLUMNS:
            with gr.Column(elem_id=f"chat-col-{arm.replace('+', '-')}", visible=arm in SHOWN) as column:
                columns.append(column)
                gr.Markdown(f"**{TITLES[arm]}**")  # a heading, not the chatbot's floating label that covers text
                bot = gr.Chatbot(show_label=False, height=360, buttons=["copy", "copy_all"])
                stats = gr.Markdown()
                hits = gr.HTML()
                outputs += [bot, stats, hits]

    inputs = [project_state, run, question, k, mmr, max_tokens, picked, reranker, *histories]
    picked.change(lambda arms: [gr.update(visible=a in (arms or [])) for a in COLUMNS], picked, columns)
    answers = [*outputs, *histories]
    ask_btn.click(guard(ask, answers), inputs, answers)
    question.submit(guard(ask, answers), inputs, answers)
    def reset(request: gr.Request = None) -> tuple:
        """An empty conversation: columns, stats, passages, histories, the question and the gold answer."""
        new_conversation(request)
        return (*([], "", "") * len(COLUMNS), *([] for _ in COLUMNS), "", "")

    clear.click(reset, None, [*outputs, *histories, question, gold])
    index_btn.click(guard(reindex, index_status), project_state, index_status)
    eval_pick.change(pick_eval, [project_state, eval_pick], [question, gold])

    def refresh(project_path: str | None) -> tuple:
        if not project_path:
            return gr.update(choices=[], value=None), gr.update(choices=[], value=None), ""
        project = require_project(project_path)
        runs = [r.name for r in runner.finished_runs(project)]
        evals = [(q["question"] if len(q["question"]) <= 120 else q["question"][:119] + "…", str(q["id"]))
                 for q in list_eval_questions(project)[:300]]
        count = RagIndex(project).count()
        chunking = asdict(chunking_config(project))
        status = (f"Index: {count} chunks of {chunking['size']} tokens." if count
                  else "Not indexed yet: the first question to a RAG column indexes the documents (or press *Index / re-index documents*).")
        return (gr.update(choices=runs, value=runs[0] if runs else None), gr.update(choices=evals, value=None), status)

    return ChatTab(refresh=refresh, refresh_outputs=[run, eval_pick, index_status], reset=reset, retrieval_k=k,
                   reset_outputs=[*outputs, *histories, question, gold])
