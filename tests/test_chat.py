"""The arms really differ: RAG prompts contain retrieved text, tuned arms load the run's adapter."""

from __future__ import annotations

import pytest

from smt_gui.chat import ChatEngine, build_messages
from smt_gui.ingest import ingest_paths
from smt_gui.retrieve import Hit, RagIndex
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig

from .conftest import QUALITY_SMALL
from .sample_factory import first_chunk, insert_sample

QUESTION = "On which moon did the crew of the Leo pick up their new cook?"


def test_rag_arms_put_retrieved_text_in_the_prompt_and_closed_book_arms_do_not():
    hits = [Hit(1, 1, "CAPTAIN CHAOS", "We picked up our new cook on Phobos.", 0.8)]
    for arm in ("rag", "tuned+rag"):
        prompt = " ".join(m["content"] for m in build_messages(arm, QUESTION, hits))
        assert "We picked up our new cook on Phobos." in prompt and "CAPTAIN CHAOS" in prompt
    for arm in ("base", "tuned"):
        assert build_messages(arm, QUESTION, hits) == [{"role": "user", "content": QUESTION}]


@pytest.mark.slow
def test_each_arm_answers_and_the_tuned_arms_load_the_adapter(project):
    ingest_paths(project, [QUALITY_SMALL])
    doc, chunk, _ = first_chunk(project, "CAPTAIN CHAOS")
    insert_sample(project, "qa", doc, chunk, QUESTION, "They picked up the new cook on Phobos, Mars' inner moon.",
                  status="accepted")
    run = runner.prepare_run(project, TrainConfig(method="lora", max_steps=1, batch_size=1, mixture=MixtureConfig(seq_len=64)))
    assert runner.wait(runner.launch(project, run), run, poll_s=0.5) == 0
    RagIndex(project).sync()

    engine = ChatEngine(project)
    answers = {arm: engine.ask(arm, QUESTION, max_new_tokens=12, k=2) for arm in ("base", "rag", "tuned", "tuned+rag")}
    for arm, answer in answers.items():
        assert answer.error is None and answer.text.strip() and answer.done, arm
    assert answers["rag"].hits and answers["tuned+rag"].hits and not answers["tuned"].hits
    assert any("Phobos" in h.text for h in answers["rag"].hits)
    assert {a.engine for a in answers.values()} == {"llama.cpp"}  # the default engine where GGUFs can be made
    pairs = engine.gguf().pairs
    assert pairs["tuned"].lora.parent == run.path / "gguf" and pairs["tuned"].lora.is_file()  # the run's adapter...
    assert pairs["base"].lora is None and pairs["base"].model == pairs["tuned"].model  # ...over the very base


def test_the_chat_tab_sends_the_conversation_so_far_without_the_new_question(monkeypatch):
    """The tuned column's history is the earlier turns only: it once included the new question with an empty
    answer, and the tuned model answered that empty turn with nothing."""
    from smt_gui.chat import Answer
    from smt_gui.ui import chat as chat_tab

    sent: dict[str, list] = {}

    class FakeIndex:
        def count(self) -> int:
            return 1

    class FakeEngine:
        index = FakeIndex()

        def stream(self, arm, question, history=None, **_):
            sent[arm] = list(history or [])
            yield Answer(arm=arm, text=f"{arm} says Phobos", tokens=3, seconds=0.1, done=True)

    monkeypatch.setattr(chat_tab, "engine_for", lambda *_: FakeEngine())
    *_, tuned, rag, both = list(chat_tab.ask("proj", None, QUESTION, 4, False, 32, True, "", [], [], []))[-1]
    assert sent["tuned"] == []
    assert tuned == [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "tuned says Phobos"}]
    list(chat_tab.ask("proj", None, "And who cooked?", 4, False, 32, True, "", tuned, rag, both))
    assert sent["tuned"] == tuned  # the first exchange, and not the second question
