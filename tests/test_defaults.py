"""Every generation default has one owner, ``GenerateConfig`` (and ``BackendConfig``): ``smt generate``, the Generate
tab and a new project's settings show the same values. They had drifted apart (requests in flight: 4 in the CLI,
8 in the tab).
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from smt_gui import cli
from smt_gui.cli import build_parser, generate_config
from smt_gui.configflags import setting
from smt_gui.generate.job import GenerateConfig
from smt_gui.generate.kinds import sampling_defaults
from smt_gui.llm.base import BackendConfig
from smt_gui.sample import DEFAULT_SETTINGS
from smt_gui.ui import generate as generate_tab

# the Generate tab's widget -> the config field it sets
TAB_FIELDS = {"gen-window": "window_sentences", "gen-qa-window": "qa_per_window", "gen-qa-n": "qa_per_chunk",
              "gen-focal-q": "focal_questions_per_source", "gen-focal-n": "focal_per_question",
              "gen-rewrite-n": "rewrites_per_source", "gen-seed": "seed", "gen-fallback": "fallback_questions"}


def shown_in_tab() -> dict:
    with gr.Blocks():
        generate_tab.build(gr.State(None))
        return {block.elem_id: block for block in gr.context.Context.root_block.blocks.values()
                if getattr(block, "elem_id", None) and isinstance(block, gr.components.Component)}  # not layout


def help_of(parser, command: str) -> str:
    """A subcommand's ``--help`` text (argparse prints it and exits)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        parser.parse_args([command, "--help"])
    return out.getvalue()


def test_smt_generate_without_flags_is_the_config(monkeypatch):
    monkeypatch.delenv("SMT_API_KEY", raising=False)
    args = build_parser().parse_args(["generate", "some-project"])
    assert generate_config(args).to_dict() == GenerateConfig().to_dict()
    again = build_parser().parse_args(["generate", "p", "--budget", "900", "--focal-questions", "3", "--concurrency",
                                       "2", "--no-fallback", "--qa-max-tokens", "64", "--timeout", "9"])
    config = generate_config(again)
    assert (config.token_budget, config.focal_questions_per_source, config.qa_max_tokens) == (900, 3, 64)
    assert (config.backend.concurrency, config.backend.timeout_s) == (2, 9.0)
    assert not config.fallback_questions and not config.fallback_rewrites


def test_the_generate_tab_shows_the_configs_defaults():
    config, backend = GenerateConfig(), BackendConfig()
    shown = {elem: block.value for elem, block in shown_in_tab().items()}
    assert {elem: shown[elem] for elem in TAB_FIELDS} == {e: getattr(config, n) for e, n in TAB_FIELDS.items()}
    assert shown["gen-concurrency"] == backend.concurrency
    assert shown["gen-timeout"] == backend.timeout_s
    assert [generate_tab.KIND_LABELS[label] for label in shown["gen-kinds"]] == config.kinds
    assert generate_tab.STRATEGIES[shown["gen-strategy"]] == config.strategy
    assert shown["gen-max-chunks"] == 0 and shown["gen-budget"] == 0  # the schema's "0 = none"


def test_a_new_generation_setting_is_a_flag_and_a_widget_without_further_code(monkeypatch):
    """The schema is the one place a setting is written: a field added to GenerateConfig is an ``smt generate``
    flag and a Generate-tab widget, with its default, and reaches the config from both."""

    @dataclass
    class WithKnob(GenerateConfig):
        new_knob: int = setting(7, minimum=1, label="New knob", help="a setting added later")

    monkeypatch.setattr(cli, "GenerateConfig", WithKnob)
    monkeypatch.setattr(generate_tab, "GenerateConfig", WithKnob)
    monkeypatch.setattr(generate_tab, "GEN", WithKnob())
    parser = cli.build_parser()
    assert "--new-knob" in help_of(parser, "generate")
    assert generate_config(parser.parse_args(["generate", "p"])).new_knob == 7
    assert generate_config(parser.parse_args(["generate", "p", "--new-knob", "3"])).new_knob == 3
    widget = shown_in_tab()["gen-new-knob"]
    assert (widget.label, widget.value, widget.minimum) == ("New knob", 7, 1)


def test_the_tab_hands_settings_over_by_name_and_leaves_the_prompts_sampling_to_the_prompt(monkeypatch, tmp_path):
    """``start`` takes ``{field: value}``; sliders left at the prompt file's sampling send None (the prompt's recipe
    applies, as from ``smt generate``), a moved slider sends its value."""
    from smt_gui.project import Project

    project = Project.create(tmp_path / "p")
    monkeypatch.setattr(generate_tab, "list_documents", lambda p: ["a document"])
    started: list = []
    monkeypatch.setattr(generate_tab.gen, "start_generation", lambda p, config: started.append(config))
    monkeypatch.setattr(generate_tab, "poll", lambda path: ())
    recipe = sampling_defaults("window")
    label = next(k for k, v in generate_tab.STRATEGIES.items() if v == "window")
    generate_tab.start({
        "project": str(project.root), "kinds": ["Synthetic QAs"], "docs": [], "strategy": label, "fallback": True,
        "uncovered": False, "questions": "", "qa_per_window": 3.0, "max_chunks": 0, "token_budget": 0, "seed": 4.0,
        "qa_temperature": recipe["qa_temperature"], "qa_top_p": recipe["qa_top_p"], "doc_temperature": 0.3,
        "doc_top_p": recipe["doc_top_p"],
        "backend": {"kind": generate_tab.BACKEND_KINDS["llama_cpp"], "model": "", "base_url": "", "api_key": "",
                    "concurrency": 2.0, "timeout_s": 60.0}})
    config = started[0]
    assert (config.qa_per_window, config.seed, config.max_chunks, config.token_budget) == (3, 4, None, None)
    assert isinstance(config.qa_per_window, int) and config.kinds == ["qa"]
    assert (config.qa_temperature, config.qa_top_p, config.doc_temperature) == (None, None, 0.3)
    assert (config.backend.concurrency, config.backend.timeout_s) == (2, 60.0)


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
    # the run's seed and blend settings set these; --replay the text
    assert every - flagged == {"mixture.seed", "mixture.replay_path", "mixture.validation_share"}


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


def test_a_new_projects_training_evaluation_and_retrieval_settings_are_the_configs():
    """Evaluation's k was written three times (EvalConfig, the project settings, the tabs' fallbacks) and the
    Train tab's recipe twice; each now has one owner, and a new project's settings read them."""
    from smt_gui.chat import ChatEngine
    from smt_gui.evaluate.job import EvalConfig
    from smt_gui.retrieve import RETRIEVAL_K, RagIndex
    from smt_gui.train.config import TrainConfig

    train, evaluate = TrainConfig(), EvalConfig()
    assert DEFAULT_SETTINGS["retrieval"]["k"] == evaluate.k == RETRIEVAL_K
    for default in (RagIndex.query.__defaults__[0], ChatEngine.stream.__defaults__[0]):
        assert default == RETRIEVAL_K
    shown = DEFAULT_SETTINGS["train"]
    assert (shown["method"], shown["epochs"], shown["batch_size"]) == (train.method, train.epochs, train.batch_size)
    assert shown["learning_rate"] == 0 and train.learning_rate is None  # 0 = the method's rate, in the tab
    assert (shown["seq_len"], shown["include_originals"]) == (train.mixture.seq_len, train.mixture.include_originals)
    assert DEFAULT_SETTINGS["evaluate"]["arms"] == evaluate.arms
    assert (DEFAULT_SETTINGS["evaluate"]["generate_choice"], DEFAULT_SETTINGS["evaluate"]["limit"]) == (
        evaluate.generate_choice, 0)


def test_a_project_saved_with_the_old_setting_names_keeps_its_choices(tmp_path):
    from smt_gui.project import Project
    from smt_gui.sample import tab_settings

    project = Project.create(tmp_path / "p")
    project.set_setting("tab_settings", {"evaluate": {"letters": False, "open": False}})
    shown = tab_settings(project)["evaluate"]
    assert (shown["generate_choice"], shown["open_answers"]) == (False, False)
    assert "letters" not in shown


def widgets_of(tab_module) -> dict:
    with gr.Blocks():
        tab_module.build(gr.State(None))
        return {block.elem_id: block for block in gr.context.Context.root_block.blocks.values()
                if getattr(block, "elem_id", None) and isinstance(block, gr.components.Component)}  # not layout


def test_the_train_tab_shows_the_configs_defaults_and_builds_the_config_by_name():
    from smt_gui.train.config import TrainConfig
    from smt_gui.ui import train as train_tab

    config = TrainConfig()
    shown = {elem: block.value for elem, block in widgets_of(train_tab).items()}
    assert train_tab.METHOD_LABELS[shown["train-method"]] == config.method
    assert (shown["train-epochs"], shown["train-batch"], shown["train-save"], shown["train-seq"]) == (
        config.epochs, config.batch_size, config.save_steps, config.mixture.seq_len)
    assert (shown["train-qa-share"], shown["train-replay-share"], shown["train-lora-r"]) == (
        config.mixture.qa_share, config.mixture.replay_share, config.lora_r)
    assert shown["train-lr"] == 0 and shown["train-steps"] == 0 and shown["train-token-budget"] == 0
    assert shown["train-lora-alpha"] == 0 and shown["train-warmup-ratio"] == config.warmup_ratio  # "More settings"
    built = train_tab.config_from({
        "base_model": " ", "method": "LoRA", "qa_share": 0.7, "replay_share": 0.1, "token_budget": 0.0,
        "seq_len": 256.0, "seed": 3.0, "include_originals": False, "answer_only_loss": True, "replay_path": "",
        "epochs": 2.0, "max_steps": 0.0, "learning_rate": 0.0, "batch_size": 2.0, "grad_accum": 1.0, "lora_r": 8.0,
        "save_steps": 25.0, "name": "", "lora_alpha": 0.0})
    assert (built.method, built.lora_r, built.alpha, built.lr, built.name, built.base_model) == (
        "lora", 8, 16, 2e-4, None, "")
    assert (built.mixture.qa_share, built.mixture.seq_len, built.mixture.token_budget) == (0.7, 256, None)
    assert built.mixture.seed == built.seed == 3 and built.mixture.replay_path is None
    assert isinstance(built.batch_size, int) and not built.mixture.include_originals


def test_a_new_training_setting_is_a_flag_and_a_widget_without_further_code(monkeypatch):
    from smt_gui.configflags import apply_flags
    from smt_gui.train import config as train_config
    from smt_gui.ui import train as train_tab

    @dataclass
    class WithKnob(train_config.TrainConfig):
        new_knob: float = setting(0.25, minimum=0, label="New knob", help="a setting added later")

    monkeypatch.setattr(train_config, "TrainConfig", WithKnob)
    monkeypatch.setattr(train_tab, "TrainConfig", WithKnob)
    monkeypatch.setattr(train_tab, "TRAIN", WithKnob())
    parser = cli.build_parser()
    assert "--new-knob" in help_of(parser, "train")
    args = parser.parse_args(["train", "p", "--new-knob", "0.5"])
    assert apply_flags(args, WithKnob(), args.config_flags).new_knob == 0.5
    widget = widgets_of(train_tab)["train-new-knob"]
    assert (widget.label, widget.value) == ("New knob", 0.25)
    assert train_tab.config_from({"new_knob": 0.75}).new_knob == 0.75


def test_the_evaluate_tab_and_smt_eval_draw_their_settings_from_the_config(monkeypatch, tmp_path):
    from smt_gui.evaluate.job import EvalConfig
    from smt_gui.project import Project
    from smt_gui.ui import evaluate as evaluate_tab

    config = EvalConfig()
    shown = {elem: block.value for elem, block in widgets_of(evaluate_tab).items()}
    assert (shown["eval-letters"], shown["eval-open"], shown["eval-own"], shown["eval-k"], shown["eval-limit"]) == (
        config.generate_choice, config.open_answers, config.own_split, config.k, 0)
    assert shown["eval-max-new-tokens"] == config.max_new_tokens and shown["eval-arms"] == config.arms
    project = Project.create(tmp_path / "p")
    built = evaluate_tab.config_from(project, {"arms": ["base", "tuned"], "run": "", "docs": [], "judge": False,
                                               "limit": 0.0, "k": 3.0, "generate_choice": False, "own_split": True,
                                               "open_answers": True})
    assert (built.arms, built.run, built.limit, built.k, built.generate_choice, built.judge) == (
        ["base", "tuned"], None, None, 3, False, None)
    args = build_parser().parse_args(["eval", "p", "--no-generate", "--limit", "5", "--no-open"])
    flagged = cli.apply_flags(args, EvalConfig(k=2), args.eval_flags)
    assert (flagged.generate_choice, flagged.limit, flagged.open_answers, flagged.k, flagged.own_split) == (
        False, 5, False, 2, True)  # an unset --k leaves the project's k


def test_curation_and_chat_defaults_are_the_cores():
    """The near-duplicate threshold, the share a hold-out offers and the longest Chat answer were written in the tab,
    the CLI and the core apart (the engine's answer limit was 200 where Chat and ``smt ask`` said 120)."""
    import inspect

    from smt_gui import curate
    from smt_gui.chat import ANSWER_TOKENS, ChatEngine
    from smt_gui.ui import chat as chat_tab
    from smt_gui.ui import curate as curate_tab

    shown = {elem: block.value for elem, block in widgets_of(curate_tab).items()}
    assert shown["cur-dup-threshold"] == curate.DUPLICATE_THRESHOLD
    assert shown["cur-holdout-pct"] == round(curate.HOLDOUT_SHARE * 100)
    assert widgets_of(chat_tab)["chat-max-tokens"].value == ANSWER_TOKENS
    assert inspect.signature(ChatEngine.stream).parameters["max_new_tokens"].default == ANSWER_TOKENS
    parser = build_parser()
    assert parser.parse_args(["curate", "p"]).dup_threshold == curate.DUPLICATE_THRESHOLD
    assert parser.parse_args(["ask", "p", "a question"]).max_tokens == ANSWER_TOKENS


def test_smt_serve_and_the_export_row_draw_their_settings_from_serve_config(monkeypatch):
    """``smt serve`` wrote its port and context by hand beside ``ServeConfig``; the Export row wrote the port again."""
    from smt_gui.serve import ServeConfig
    from smt_gui.ui import train as train_tab

    assert widgets_of(train_tab)["train-serve-port"].value == ServeConfig().port
    monkeypatch.setenv("SMT_API_KEY", "k")
    seen = {}
    monkeypatch.setattr("smt_gui.serve.serve", lambda project, config: seen.setdefault("config", config))
    monkeypatch.setattr(cli.Project, "open", staticmethod(lambda path: path))
    args = build_parser().parse_args(["serve", "p", "--port", "8100", "--merged"])
    args.func(args)
    assert seen["config"] == ServeConfig(port=8100, merged=True, api_key="k")
