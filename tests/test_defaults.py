"""Every generation default has one owner, ``GenerateConfig`` (and ``BackendConfig``): ``smt generate``, the Generate
tab and a new project's settings show the same values. They had drifted apart (requests in flight: 4 in the CLI,
8 in the tab).
"""

from __future__ import annotations

import gradio as gr

from smt_gui.cli import KIND_FLAGS, build_parser
from smt_gui.generate.job import GenerateConfig
from smt_gui.llm.base import BackendConfig
from smt_gui.sample import DEFAULT_SETTINGS
from smt_gui.ui import generate as generate_tab

# smt generate's flag -> the config field it sets
CLI_FIELDS = {"strategy": "strategy", "window_sentences": "window_sentences", "qa_per_window": "qa_per_window",
              "qa_per_chunk": "qa_per_chunk", "focal_per_question": "focal_per_question",
              "focal_questions": "focal_questions_per_source", "rewrites": "rewrites_per_source", "seed": "seed"}
# the Generate tab's widget -> the config field it sets
TAB_FIELDS = {"gen-window": "window_sentences", "gen-qa-window": "qa_per_window", "gen-qa-n": "qa_per_chunk",
              "gen-focal-q": "focal_questions_per_source", "gen-focal-n": "focal_per_question",
              "gen-rewrite-n": "rewrites_per_source", "gen-seed": "seed", "gen-fallback": "fallback_questions"}


def test_smt_generate_defaults_are_the_configs():
    config, backend = GenerateConfig(), BackendConfig()
    args = build_parser().parse_args(["generate", "some-project"])
    assert {flag: getattr(args, flag) for flag in CLI_FIELDS} == {f: getattr(config, n) for f, n in CLI_FIELDS.items()}
    assert [KIND_FLAGS[k] for k in args.kind] == config.kinds
    assert (args.backend, args.concurrency, args.timeout) == (backend.kind, backend.concurrency, backend.timeout_s)


def test_the_generate_tab_shows_the_configs_defaults():
    config, backend = GenerateConfig(), BackendConfig()
    with gr.Blocks():
        generate_tab.build(gr.State(None))
        shown = {block.elem_id: block.value for block in gr.context.Context.root_block.blocks.values()
                 if getattr(block, "elem_id", None)}
    assert {elem: shown[elem] for elem in TAB_FIELDS} == {e: getattr(config, n) for e, n in TAB_FIELDS.items()}
    assert shown["gen-concurrency"] == backend.concurrency
    assert shown["gen-timeout"] == backend.timeout_s
    assert [generate_tab.KIND_LABELS[label] for label in shown["gen-kinds"]] == config.kinds
    assert generate_tab.STRATEGIES[shown["gen-strategy"]] == config.strategy


def test_a_new_projects_generation_settings_are_the_configs():
    config = GenerateConfig()
    assert all(getattr(config, name) == value for name, value in DEFAULT_SETTINGS["generate"].items()
               if name != "max_chunks")
    assert DEFAULT_SETTINGS["generate"]["max_chunks"] == 0 and config.max_chunks is None  # 0 = all, in the tab


def test_smt_train_has_a_flag_for_every_setting_and_leaves_the_rest_alone():
    from dataclasses import fields

    from smt_gui.configflags import apply_flags, scalar_type
    from smt_gui.train.config import TrainConfig
    from smt_gui.train.mixture import MixtureConfig

    parser = build_parser()
    args = parser.parse_args(["train", "p", "--learning-rate", "3e-4", "--lora-r", "8", "--method", "lora",
                              "--no-include-originals", "--qa-share", "0.7", "--warmup-ratio", "0.1"])
    config = apply_flags(args, TrainConfig(), args.config_flags)
    assert (config.learning_rate, config.lora_r, config.method, config.warmup_ratio) == (3e-4, 8, "lora", 0.1)
    assert (config.mixture.include_originals, config.mixture.qa_share) == (False, 0.7)
    assert config.alpha == 16  # LoRA's alpha follows the rank (the rule the Train tab used to apply alone)
    untouched = TrainConfig()
    assert (config.epochs, config.batch_size, config.mixture.seq_len) == (
        untouched.epochs, untouched.batch_size, untouched.mixture.seq_len)
    flagged = {dotted for _, dotted in args.config_flags}
    every = {f.name for f in fields(TrainConfig) if scalar_type(f.type)} | {
        f"mixture.{f.name}" for f in fields(MixtureConfig) if scalar_type(f.type)}
    assert every - flagged == {"mixture.seed", "mixture.replay_path"}  # the run's seed sets both; --replay the text


def test_a_saved_backend_is_rebuilt_by_one_rule(monkeypatch):
    """The project's saved generator (Curate's judge) and Evaluate's judge come back from ``public()`` the same way:
    the bundled model's record name back to the default, the key from the environment, never from the record."""
    monkeypatch.setenv("SMT_API_KEY", "from-env")
    saved = BackendConfig(kind="openai", model="qwen", base_url="http://127.0.0.1:8000/v1", api_key="secret").public()
    assert "secret" not in str(saved)
    again = BackendConfig.from_public(saved)
    assert (again.kind, again.model, again.base_url, again.api_key) == ("openai", "qwen", saved["base_url"], "from-env")
    assert BackendConfig.from_public(BackendConfig().public()).model == ""
    assert BackendConfig.from_public({"kind": "openai", "timeout_s": 30}).timeout_s == 30
