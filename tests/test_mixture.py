"""The training mixture: QA:document token ratio, replay share, packing without padding, answer-only loss."""

from __future__ import annotations

import pytest

from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.tokenizers import load_tokenizer
from smt_gui.train.mixture import MixtureConfig, build_mixture, qa_item

from .conftest import QUALITY_SMALL


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(None)


@pytest.fixture
def curated(project):
    ingest_paths(project, [QUALITY_SMALL])
    ids = {"accepted": [], "rejected": []}
    for title in ("CAPTAIN CHAOS", "The Absurdity of Family Love"):
        doc, chunk, text = first_chunk(project, title)
        for i in range(6):
            ids["accepted"].append(insert_sample(project, "qa", doc, chunk, f"Question {i} about {title}?",
                                                 f"Answer {i}: a fact stated fully about {title}.", status="accepted"))
        ids["accepted"].append(insert_sample(project, "focal_rewrite", doc, chunk, "Q?", text=text, status="accepted"))
        ids["rejected"].append(insert_sample(project, "rewrite", doc, chunk, text=text[::-1], status="rejected"))
    return project, ids


def test_token_shares_follow_the_recipe(curated, tokenizer):
    project, _ = curated
    mix = build_mixture(project, MixtureConfig(qa_share=0.5, replay_share=0.1, token_budget=4000, seq_len=256,
                                               include_originals=False), tokenizer)
    by_kind = mix.summary["tokens_by_kind"]
    total = sum(by_kind.values())
    qa, docs, replay = by_kind["qa"], by_kind["focal_rewrite"], by_kind["replay"]
    assert abs(total - 4000) < 120
    assert abs(replay / total - 0.1) < 0.02
    assert abs(qa / (qa + docs) - 0.5) < 0.05
    assert "rewrite" not in by_kind  # rejected samples never train
    assert mix.summary["repeats"]["qa"] > 1  # few QA tokens: they are repeated to reach the 1:1 share


def test_documents_are_packed_into_full_blocks(curated, tokenizer):
    project, _ = curated
    config = MixtureConfig(qa_share=0.0, replay_share=0.1, seq_len=128, include_originals=False)
    mix = build_mixture(project, config, tokenizer)
    lengths = sorted(len(e["input_ids"]) for e in mix.examples)
    assert lengths[-1] == 128 and sum(1 for n in lengths if n < 128) <= 1  # only the tail block is short


def test_answer_only_loss_masks_the_question(tokenizer):
    ids, labels = qa_item(tokenizer, "Where is the cook?", "On Phobos.", answer_only=True, seq_len=256)
    assert labels[0] == -100 and labels[-1] != -100
    answer_tokens = [t for t, label in zip(ids, labels, strict=True) if label != -100]
    assert "Phobos" in tokenizer.decode(answer_tokens) and "cook" not in tokenizer.decode(answer_tokens)
    _, all_labels = qa_item(tokenizer, "Where is the cook?", "On Phobos.", answer_only=False, seq_len=256)
    assert -100 not in all_labels


def test_the_run_records_sample_ids_and_seed_and_is_reproducible(curated, tokenizer):
    project, ids = curated
    config = MixtureConfig(seed=7, seq_len=128)
    first = build_mixture(project, config, tokenizer)
    again = build_mixture(project, config, tokenizer)
    assert first.examples == again.examples and first.summary["seed"] == 7
    used = {int(k) for k in first.summary["sample_ids"]}
    # Without a budget every accepted sample trains at least once (none dropped to hit a share); rejected never.
    assert used == set(ids["accepted"])
    assert first.summary["tokens_by_kind"]["document"] > 0  # the original documents are in by default


def test_a_recipe_can_restrict_the_samples(curated, tokenizer):
    project, ids = curated
    qas = ids["accepted"][:6]
    mix = build_mixture(project, MixtureConfig(sample_ids=qas, include_originals=False, replay_share=0.0), tokenizer)
    assert {int(k) for k in mix.summary["sample_ids"]} == set(qas) and set(mix.summary["tokens_by_kind"]) == {"qa"}


def test_nothing_accepted_is_a_clear_error(project, tokenizer):
    with pytest.raises(ValueError, match="No accepted samples"):
        build_mixture(project, MixtureConfig(), tokenizer)


def test_self_replay_fills_its_share_of_the_replay_with_answer_only_chat_turns(curated, tokenizer):
    """Self-distillation replay: the base model's own answers take ``self_replay_share`` of the replay tokens, as
    chat turns whose loss is on the answer only; the rest stays generic text."""
    project, _ = curated
    answers = [("How do I make a cup of tea?", "Boil water, pour it over a tea bag and wait three minutes."),
               ("Describe a friendly dog.", "A friendly dog wags its tail and comes to say hello.")]
    config = MixtureConfig(replay_share=0.3, self_replay_share=0.5, token_budget=4000, seq_len=256,
                           include_originals=False)
    mix = build_mixture(project, config, tokenizer, answers)
    by_kind = mix.summary["tokens_by_kind"]
    replay = by_kind["replay"] + by_kind["self_replay"]
    assert abs(replay / sum(by_kind.values()) - 0.3) < 0.03
    assert 0.4 < by_kind["self_replay"] / replay < 0.6
    turns = [e for e in mix.examples if "tea bag" in tokenizer.decode(e["input_ids"])]
    assert turns and all(e["labels"][0] == -100 for e in turns)  # the prompt carries no loss
    taught = tokenizer.decode([t for t, label in zip(turns[0]["input_ids"], turns[0]["labels"], strict=True)
                               if label != -100])
    assert "tea bag" in taught and "How do I" not in taught
    assert "self_replay" not in build_mixture(project, config, tokenizer).summary["tokens_by_kind"]  # no answers


def test_self_replay_prompts_never_overlap_what_measures_retention():
    """The self-replay prompts are trained on; the drift instructions and general-knowledge questions measure what
    training cost and must stay unseen."""
    from smt_gui.evaluate.general import instructions, knowledge_items
    from smt_gui.train.self_replay import prompts

    asked = {p.lower() for p in prompts()}
    assert len(asked) >= 50
    assert not asked & {i.lower() for i in instructions()}
    assert not asked & {k.question.lower() for k in knowledge_items()}


@pytest.mark.slow
def test_self_answers_are_the_base_models_own_and_made_once(tmp_path, monkeypatch):
    """The bundled base model really answers the prompts (greedy), and a second run reads them from the cache."""
    from smt_gui.train import self_replay
    from smt_gui.train.base_model import resolve_base_model

    monkeypatch.setattr(self_replay, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(self_replay, "prompts", lambda: ["How do I make a cup of tea?", "Describe a friendly dog."])
    base = resolve_base_model(None)
    first = self_replay.self_answers(base, max_new_tokens=12)
    assert [p for p, _ in first] == ["How do I make a cup of tea?", "Describe a friendly dog."]
    assert all(len(a.split()) >= 3 for _, a in first)

    def no_model(*_args, **_kwargs):
        raise AssertionError("the cached answers were made again")

    monkeypatch.setattr("smt_gui.train.probe.load_for_inference", no_model)
    assert self_replay.self_answers(base, max_new_tokens=12) == first
