"""The arms really differ: RAG prompts contain retrieved text, tuned arms load the run's adapter."""

from __future__ import annotations

import pytest

from smt_gui.chat import ChatEngine, build_messages
from smt_gui.retrieve import Hit, RagIndex

from .learned_run import KEYWORD
from .learned_run import QUESTION as FACT_QUESTION

QUESTION = "On which moon did the crew of the Leo pick up their new cook?"


def test_rag_arms_put_retrieved_text_in_the_prompt_and_closed_book_arms_do_not():
    hits = [Hit(1, 1, "CAPTAIN CHAOS", "We picked up our new cook on Phobos.", 0.8)]
    for arm in ("rag", "tuned+rag"):
        prompt = " ".join(m["content"] for m in build_messages(arm, QUESTION, hits))
        assert "We picked up our new cook on Phobos." in prompt and "CAPTAIN CHAOS" in prompt
    for arm in ("base", "tuned"):
        assert build_messages(arm, QUESTION, hits) == [{"role": "user", "content": QUESTION}]


@pytest.mark.slow
def test_each_arm_answers_and_the_tuned_arms_load_the_adapter(learned_fact_run):
    project, run = learned_fact_run  # a LoRA run that learned one invented fact (tests/learned_run.py)
    RagIndex(project).sync()

    engine = ChatEngine(project)
    answers = {arm: engine.ask(arm, FACT_QUESTION, max_new_tokens=24, k=2) for arm in ("base", "rag", "tuned", "tuned+rag")}
    for arm, answer in answers.items():
        assert answer.error is None and answer.text.strip() and answer.done, arm
    assert answers["rag"].hits and answers["tuned+rag"].hits and not answers["tuned"].hits
    assert any(KEYWORD in h.text for h in answers["rag"].hits)
    assert KEYWORD in answers["tuned"].text and KEYWORD not in answers["base"].text
    assert {a.engine for a in answers.values()} == {"llama.cpp"}  # the default engine where GGUFs can be made
    pairs = engine.gguf().pairs
    assert pairs["tuned"].lora.parent == run.path / "gguf" and pairs["tuned"].lora.is_file()  # the run's adapter...
    assert pairs["base"].lora is None and pairs["base"].model == pairs["tuned"].model  # ...over the very base


def test_the_chat_tab_sends_the_conversation_so_far_without_the_new_question(monkeypatch):
    """The tuned column's history is the earlier turns only: it once included the new question with an empty
    answer, and the tuned model answered that empty turn with nothing."""
    from smt_gui.chat import Answer, carried_history
    from smt_gui.ui import chat as chat_tab

    sent: dict[str, list] = {}

    class FakeEngine:
        def ready_for(self, arms):
            return {"added": 0, "removed": 0, "total": 1}

        def stream(self, arm, question, history=None, **_):
            sent[arm] = list(history or [])
            yield Answer(arm=arm, text=f"{arm} says Phobos", tokens=3, seconds=0.1, done=True)

    monkeypatch.setattr(chat_tab, "engine_for", lambda *_: FakeEngine())
    all_arms = ["base", "tuned", "rag", "tuned+rag"]
    *_, base, tuned, rag, both = list(chat_tab.ask("proj", None, QUESTION, 4, False, 32, all_arms, "", [], [], [], []))[-1]
    assert sent["tuned"] == [] and sent["base"] == []
    assert tuned == [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "tuned says Phobos"}]
    assert base == [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "base says Phobos"}]
    list(chat_tab.ask("proj", None, "And who cooked?", 4, False, 32, all_arms, "", base, tuned, rag, both))
    assert sent["base"] == base and sent["rag"] == rag  # each column's own conversation goes to the engine...
    assert carried_history("rag", sent["rag"]) is None  # ...which keeps it for closed-book arms only
    assert sent["tuned"] == tuned  # the first exchange, and not the second question
    sent.clear()
    list(chat_tab.ask("proj", None, QUESTION, 4, False, 32, ["base"], "", [], [], [], []))
    assert list(sent) == ["base"]  # only the picked columns are asked


def test_gradio_can_hand_the_chat_handler_its_session():
    """Gradio injects ``gr.Request`` only into positional parameters (it stops at ``*args``): without it, opening
    another project could not stop an answer still streaming into the Chat columns."""
    import inspect

    from smt_gui.ui import chat as chat_tab

    params = inspect.signature(chat_tab.ask).parameters
    assert params["request"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert not any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params.values())
