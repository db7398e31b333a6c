"""The ``smt`` command: the same core functions as the app's tabs, for scripts and remote machines.

Exit codes: 0 success, 1 some input could not be processed (the rest was), 2 usage or project errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from smt_gui.chat import ANSWER_TOKENS, ENGINES
from smt_gui.configflags import add_config_flags, apply_flags, flag_values
from smt_gui.curate.checks import DUPLICATE_THRESHOLD
from smt_gui.curate.store import HOLDOUT_SHARE
from smt_gui.evaluate.job import EvalConfig
from smt_gui.export import GGUF_TYPES
from smt_gui.generate.job import GenerateConfig
from smt_gui.ingest.chunking import DEFAULT_CHUNK_OVERLAP, DEFAULT_CHUNK_TOKENS
from smt_gui.llm.base import BackendConfig, BackendError
from smt_gui.llm.bundled import ModelNotFoundError
from smt_gui.project import Project, ProjectError
from smt_gui.sample import retrieval_k
from smt_gui.serve import ServeConfig


def _cmd_project_init(args: argparse.Namespace) -> int:
    project = Project.create(args.dir, name=args.name)
    print(f"Project '{project.name}' ready at {project.root} (schema v{project.schema_version}).")
    return 0


def _cmd_project_sample(args: argparse.Namespace) -> int:
    from smt_gui.sample import SAMPLES, create_sample_project, tab_settings

    project = create_sample_project(Path(args.dir), args.which)
    print(f"Sample project ready at {project.root}: {SAMPLES[args.which].title}. "
          f"Its settings (the app's tabs show them): {json.dumps(tab_settings(project))}")
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from smt_gui.ingest import ChunkingConfig, chunking_config, ingest_paths

    project = Project.open(args.dir)
    saved = chunking_config(project)
    config = ChunkingConfig(
        size=args.chunk_tokens or saved.size,
        overlap=args.overlap if args.overlap is not None else saved.overlap,
        tokenizer=args.tokenizer or saved.tokenizer,
    )
    reports = ingest_paths(project, args.files, config=config)
    for report in reports:
        print(report.summary())
    failed = sum(not r.ok for r in reports)
    added = sum(len(r.added) for r in reports)
    print(f"{added} document(s) added from {len(reports) - failed} file(s); {failed} file(s) failed.")
    return 1 if failed else 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from smt_gui.documents import list_documents

    rows = list_documents(Project.open(args.dir))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    print(f"{'id':>4}  {'words':>7}  {'tokens':>7}  {'chunks':>6}  {'evalQ':>5}  title (source)")
    for r in rows:
        print(f"{r.id:>4}  {r.n_words:>7}  {r.n_tokens:>7}  {r.n_chunks:>6}  {r.n_questions:>5}  {r.title} ({r.source_name})")
    print(f"{len(rows)} document(s)")
    return 0


def _cmd_coverage(args: argparse.Namespace) -> int:
    from smt_gui.coverage import coverage_summary, document_coverage

    project = Project.open(args.dir)
    rows = [r for r in coverage_summary(project) if not args.doc or r["document_id"] in args.doc]
    print(f"{'id':>4}  {'covered':>9}  {'share':>5}  title")
    for r in rows:
        print(f"{r['document_id']:>4}  {r['covered']:>4}/{r['sentences']:<4}  {r['share']:>5.0%}  {r['title']}")
        if args.uncovered:
            for s in document_coverage(project, r["document_id"]).uncovered():
                print(f"        - [{s.start}:{s.end}] {s.text[:120]}")
    print("Generate for the uncovered sentences only: smt generate DIR --uncovered")
    return 0


def _backend_config(args: argparse.Namespace):
    """The backend the flags name; the key from ``SMT_API_KEY`` when no ``--api-key`` is given."""
    from smt_gui.llm import BackendConfig

    config = BackendConfig(**flag_values(args, args.backend_flags))
    return config if config.api_key else replace(config, api_key=os.environ.get("SMT_API_KEY", ""))


def _print_job(job: dict) -> None:
    progress = job["progress"]
    result = progress.get("result") or {}
    print(f"job {job['id']}: {job['status']}" + (f" ({job['error']})" if job.get("error") else ""))
    for key in ("stop_reason", "samples", "failed", "tokens", "elapsed_s"):
        if key in result:
            print(f"  {key}: {result[key]}")
    if result.get("requested"):
        print(f"  made {result['made']} of {result['requested']} requested items "
              f"({result['made'] / result['requested']:.0%}); units short: {result.get('short_units', 0)}, "
              f"failed: {result.get('failed', 0)}; questions built from the sentence: "
              f"{result.get('template_questions', 0)}; rewrites made by code (clause split, phrase moved): "
              f"{result.get('template_rewrites', 0)}; focal sentences kept as written (the model only changed "
              f"small words): {result.get('copied_sentences', 0)}")


def generate_config(args: argparse.Namespace, project: Project | None = None) -> GenerateConfig:
    """``smt generate``'s flags as a GenerateConfig: the flags drawn from its schema, then the ones that are not
    one field (kinds, documents, questions, --uncovered, --no-fallback). Unset flags keep the config's defaults."""
    spans = None
    if args.uncovered and project is not None:
        from smt_gui.coverage import uncovered_spans

        spans = uncovered_spans(project, args.doc or None)
    config = GenerateConfig(**flag_values(args, args.generate_flags), backend=_backend_config(args),
                            kinds=[KIND_FLAGS[k] for k in args.kind], document_ids=args.doc or None,
                            user_questions=args.question or [], only_spans=spans)
    if args.no_fallback:
        config.fallback_questions = config.fallback_rewrites = False
    return config


def _cmd_generate(args: argparse.Namespace) -> int:
    from smt_gui.generate import generate, resume_generation
    from smt_gui.jobs import get_job

    project = Project.open(args.dir)
    if args.resume:
        resume_generation(project, args.resume, background=False)
        job = get_job(project, args.resume)
    else:
        job = generate(project, generate_config(args, project))
    _print_job(job)
    return 0 if job["status"] == "done" else 1


def _cmd_curate(args: argparse.Namespace) -> int:
    from smt_gui import curate

    project = Project.open(args.dir)
    if args.import_file:
        print(curate.import_jsonl(project, Path(args.import_file)).summary())
    if args.auto:
        judge = None
        if args.judge:
            from smt_gui.llm import get_backend

            judge = get_backend(_backend_config(args))
        outcome = curate.auto_curate(project, judge_backend=judge, dup_threshold=args.dup_threshold,
                                     progress=lambda name: print(f"checking {name} ..."))
        rejected = outcome["rejected"]
        print("flagged: " + ", ".join(f"{k} {v}" for k, v in outcome["flagged"].items()))
        print(f"rejected {rejected['near_duplicate']} near-duplicate(s) >= {args.dup_threshold}")
        print(f"rejected {rejected['leakage']} sample(s) copying eval questions")
        print(f"rejected {rejected['hallucinated']} sample(s) stating names or numbers their source lacks")
        if args.reject_ungrounded is not None:
            print(f"rejected {curate.apply_rule(project, 'grounding', args.reject_ungrounded)} sample(s) with grounding "
                  f"< {args.reject_ungrounded}")
    if args.accept_rest:
        pending = curate.matching_ids(project, curate.SampleFilter(status="pending"))
        outcome = curate.accept_passing(project, pending, progress=lambda name: print(f"checking {name} ..."))
        print(f"accepted {outcome['accepted']} pending sample(s) that passed every check")
        if outcome["held_back"]:
            why = ", ".join(f"{k} {v}" for k, v in sorted(outcome["reasons"].items()))
            print(f"left {outcome['held_back']} pending: they fail a check ({why}); see Curate or `smt curate --auto`")
    if args.holdout is not None:
        try:
            held = curate.hold_out(project, args.holdout, seed=args.seed)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"held out {held} accepted QA(s) for evaluation ({args.holdout:.0%} per document, seed {args.seed}); "
              "they are never trained on")
    for row in curate.status_counts(project):
        print(f"  {row['kind']:<14} {row['status']:<9} {row['n']:>6} samples {row['tokens'] or 0:>9} tokens")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from smt_gui.curate import export_samples

    out = export_samples(Project.open(args.dir), args.format, Path(args.out) if args.out else None,
                         statuses=tuple(args.status))
    print(f"wrote {out}")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from smt_gui.train import runner
    from smt_gui.train.config import TrainConfig

    project = Project.open(args.dir)
    if args.resume:
        run = runner.get_run(project, args.resume)
        resume = True
    else:
        config = TrainConfig.from_file(args.config) if args.config else TrainConfig()
        apply_flags(args, config, args.config_flags)
        if args.replay is not None:
            config.mixture.replay_path = args.replay
        run = runner.prepare_run(project, config.validate())
        resume = False
        mix = run.summary
        print(f"run {run.name}: {mix['examples']} examples, {mix['tokens_total']:,} tokens {mix['tokens_by_kind']}")
        from smt_gui.train.advice import learning_advice

        advice = learning_advice(project, config, mix).text()
        if advice:
            print(advice)
    if args.prepare_only:
        print("prepared; launch it with:\n  " + " ".join(runner.worker_command(run, resume, args.nproc)))
        return 0
    proc = runner.launch(project, run, resume=resume, nproc=args.nproc)
    try:
        rc = runner.wait(proc, run, echo=True)
    except KeyboardInterrupt:
        runner.cancel(run)
        rc = proc.wait()
    state = runner.run_state(run)
    print(f"run {run.name}: {state.get('status')}" + (f" ({state['error']})" if state.get("error") else ""))
    if state.get("status") == "done":
        loss = state.get("last_loss")
        loss_text = f"{loss:.4f}" if isinstance(loss, float) else loss
        print(f"  final loss {loss_text}, {state.get('tokens_per_s')} tokens/s -> {runner.output_dir(run)}")
        from smt_gui.train.blend import describe, read_choice

        choice = read_choice(run.path)
        if choice:
            print(f"  {describe(choice)}")
    return 0 if rc == 0 and state.get("status") == "done" else 1


def _cmd_blend(args: argparse.Namespace) -> int:
    from smt_gui.train import runner
    from smt_gui.train.blend import describe

    project = Project.open(args.dir)
    blended = runner.blend_run(project, runner.get_run(project, args.run), args.tolerance)
    print(f"run {blended.name}: {describe(json.loads((blended.path / 'blend.json').read_text()))}")
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    from smt_gui.train import runner

    project = Project.open(args.dir)
    run = runner.get_run(project, args.run)
    if args.gguf:
        return _cmd_gguf(argparse.Namespace(dir=args.dir, run=args.run, type=args.outtype, adapter=False))
    print(f"wrote {runner.merge(project, run)}")
    return 0


def _cmd_gguf(args: argparse.Namespace) -> int:
    from smt_gui.export.gguf import export_run
    from smt_gui.train import runner

    project = Project.open(args.dir)
    exported = export_run(project, runner.get_run(project, args.run), kind=args.type, adapter=args.adapter)
    print(f"wrote {exported.gguf}" + (f" (adapter; base model {exported.base})" if exported.base else ""))
    print(f"wrote {exported.modelfile}\nfor Ollama: {exported.ollama_command}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from smt_gui.serve import serve

    config = apply_flags(args, ServeConfig(), args.serve_flags)
    config.api_key = config.api_key or os.environ.get("SMT_API_KEY") or None
    serve(Project.open(args.dir), config)
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from smt_gui.chat import ChatEngine, check_arm

    project = Project.open(args.dir)
    try:
        arms = [check_arm(a.strip()) for a in args.arm.split(",")]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = ChatEngine(project, args.run, engine=args.engine)
    try:
        engine.ready_for(arms)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for arm in arms:
        answer = engine.ask(arm, args.question, k=args.k or retrieval_k(project), max_new_tokens=args.max_tokens)
        print(f"== {arm} ({answer.seconds:.1f} s, {answer.tokens_per_s:.1f} tokens/s, {answer.engine or '-'})")
        for i, hit in enumerate(answer.hits):
            print(f"   [{i + 1}] {hit.title} ({hit.score:.3f}): {hit.text[:100]!r}")
        print((answer.error and f"error: {answer.error}") or answer.text.strip())
        failed += answer.error is not None
    return 1 if failed else 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from smt_gui.evaluate.job import evaluate, save_report
    from smt_gui.evaluate.leakage import leakage_message

    project = Project.open(args.dir)
    judge = None
    backend = _backend_config(args)
    if backend.api_key:
        os.environ["SMT_API_KEY"] = backend.api_key  # read by the evaluation job; never stored with it
    if args.judge:
        judge = {"kind": backend.kind, "model": backend.model, "base_url": backend.base_url,
                 "timeout_s": backend.timeout_s}
    if args.add_questions:
        from smt_gui.evaluate.own_split import add_typed_questions, parse_typed

        try:
            added = add_typed_questions(project, parse_typed(Path(args.add_questions).read_text(encoding="utf-8")))
        except (ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"added {added} eval question(s) from {args.add_questions}")
    config = EvalConfig(arms=[a.strip() for a in args.arms.split(",") if a.strip()], run=args.run,
                        document_ids=args.doc or None, k=retrieval_k(project), judge=judge)
    apply_flags(args, config, args.eval_flags)  # unset flags: the config's defaults, k the project's (as in Chat)

    def progress(done: int, total: int, arm: str) -> None:
        print(f"\r{arm}: {done}/{total}", end="", flush=True)

    try:
        report = evaluate(project, config, progress, job_id=args.resume)
    except RuntimeError as exc:
        print(f"\nerror: {exc}. Resume it with: smt eval {args.dir} --resume <job id>", file=sys.stderr)
        return 1
    print()
    out = save_report(project, report, Path(args.out) if args.out else None)
    for arm, s in report["summary"].items():
        extra = f", gold rank {s['mean_gold_rank']:.2f}, margin {s['mean_margin']:+.3f}" if "mean_gold_rank" in s else ""
        extra += f", letter/generated answers {s['gen_accuracy']:.3f}" if "gen_accuracy" in s else ""
        extra += (f", open answers (first sentence states the answer) {s['open_accuracy']:.3f} ({s['open_correct']}/"
                  f"{s['n_open']})" if "open_accuracy" in s else "")
        extra += f", reference answer log-lik/token {s['mean_ref_loglik']:+.3f}" if "mean_ref_loglik" in s else ""
        measure = "multiple choice (log-likelihood) accuracy" if "mean_gold_rank" in s else "accuracy"
        print(f"{arm:<10} {measure} {s['accuracy']:.3f} ({s['correct']}/{s['n']}, 95% CI {s['ci95'][0]:.3f}-{s['ci95'][1]:.3f}){extra}")
    for c in report["comparisons"]:
        print(f"{c['b']} vs {c['a']}: difference {c['bootstrap']['difference']:+.3f} "
              f"(95% CI {c['bootstrap']['low']:+.3f}..{c['bootstrap']['high']:+.3f}), McNemar p={c['mcnemar']['p_value']:.3f}"
              + (f"; open answers {c['open']['difference']:+.3f}, McNemar p={c['open']['p_value']:.3f}"
                 if "open" in c else ""))
    for row in report.get("by_set") or []:
        if len({r["set"] for r in report["by_set"]}) > 1:
            print(f"  {row['set']:<14} {row['arm']:<10} accuracy {row['accuracy']:.3f} ({row['correct']}/{row['n']})")
    from smt_gui.evaluate.general import describe

    for name, values in (report.get("retention") or {}).items():
        base, tuned, change = describe(values)
        print(f"retention, {name} ({values.get('measure', 'perplexity')}): base {base} -> tuned {tuned} ({change})")
    from smt_gui.evaluate.trade import trade_of

    trade = trade_of({arm: s["accuracy"] for arm, s in report["summary"].items()}, report.get("retention"))
    if trade:
        print(f"trade: knowledge gained {100 * trade['gained']:+.1f} points on your questions, general knowledge "
              f"{100 * trade['kept']:+.1f} points (the Evaluate tab plots each run)")
    warning = leakage_message(report.get("leakage"))
    if warning:
        print(warning)
    print(f"report: {out} (job {report['job_id']})")
    return 0


GEN, BACKEND = GenerateConfig(), BackendConfig()  # the one owner of every generation default (the tab reads them too)
KIND_FLAGS = {"qa": "qa", "focal": "focal_rewrite", "rewrite": "rewrite"}  # smt generate --kind -> sample kind


def train_flags(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """``smt train``'s settings: every scalar field of TrainConfig and of its mixture, drawn from the dataclasses."""
    from smt_gui.train.config import TrainConfig
    from smt_gui.train.mixture import MixtureConfig

    # the mixture's seed is the run's, its id lists stay in --config files, --replay sets the replay text
    return add_config_flags(parser, TrainConfig) + add_config_flags(parser, MixtureConfig, path="mixture")


def _add_backend_args(parser: argparse.ArgumentParser) -> None:
    """The generator's (or judge's) flags, drawn from BackendConfig; ``_backend_config`` reads them back."""
    parser.set_defaults(backend_flags=add_config_flags(parser, BackendConfig, path="backend"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smt", description="SMT Studio: synthetic mixed training from your documents.")
    sub = parser.add_subparsers(dest="command", required=True)

    project = sub.add_parser("project", help="create projects").add_subparsers(dest="project_command", required=True)
    init = project.add_parser("init", help="create a project folder (an existing project is opened, not wiped)")
    init.add_argument("dir")
    init.add_argument("--name")
    init.set_defaults(func=_cmd_project_init)
    sample = project.add_parser("sample", help="create a demo project: invented facts (default) or a QuALITY article")
    sample.add_argument("dir")
    sample.add_argument("--which", choices=["facts", "quality"], default="facts",
                        help="facts: 4 invented people, 20 questions no model can know (shows learning on a CPU); "
                             "quality: one QuALITY article with 16 questions")
    sample.set_defaults(func=_cmd_project_sample)

    ingest = sub.add_parser("ingest", help="add .txt .md .pdf .html .docx .jsonl files to a project")
    ingest.add_argument("dir")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--chunk-tokens", type=int, help=f"tokens per chunk (default {DEFAULT_CHUNK_TOKENS})")
    ingest.add_argument("--overlap", type=int, help=f"tokens shared by neighbouring chunks (default {DEFAULT_CHUNK_OVERLAP})")
    ingest.add_argument("--tokenizer", help="model whose tokenizer cuts chunks: .gguf path or HF folder (default bundled)")
    ingest.set_defaults(func=_cmd_ingest)

    docs = sub.add_parser("docs", help="list a project's documents")
    docs.add_argument("dir")
    docs.add_argument("--json", action="store_true", help="machine-readable output")
    docs.set_defaults(func=_cmd_docs)

    cov = sub.add_parser("coverage", help="which sentences of each document accepted samples cover")
    cov.add_argument("dir")
    cov.add_argument("--doc", type=int, action="append", help="document id (repeat; default all)")
    cov.add_argument("--uncovered", action="store_true", help="list the sentences no accepted sample covers")
    cov.set_defaults(func=_cmd_coverage)

    gen = sub.add_parser("generate", help="generate synthetic QAs, focal rewrites and rewrites (a resumable job)")
    gen.add_argument("dir")
    gen.add_argument("--kind", nargs="+", choices=list(KIND_FLAGS),
                     default=[flag for flag, kind in KIND_FLAGS.items() if kind in GEN.kinds])
    gen.add_argument("--doc", type=int, action="append", help="document id (repeat; default all)")
    gen.add_argument("--uncovered", action="store_true",
                     help="only sentences no accepted sample covers yet (see `smt coverage`)")
    gen.add_argument("--no-fallback", action="store_true",
                     help="fact windows: record a shortfall instead of a question built from the sentence (or a rewrite "
                          "made by splitting off a closing 'who'/'which' clause or moving a time phrase) when the "
                          "model fails (both --no-fallback-questions and --no-fallback-rewrites)")
    gen.add_argument("--question", action="append", help="your own question to focus rewrites on (repeat)")
    gen.set_defaults(generate_flags=add_config_flags(gen, GenerateConfig))
    gen.add_argument("--resume", type=int, metavar="JOB", help="resume an interrupted/cancelled job by id")
    _add_backend_args(gen)
    gen.set_defaults(func=_cmd_generate)

    cur = sub.add_parser("curate", help="run automatic checks and rules, re-import edited JSONL, show counts")
    cur.add_argument("dir")
    cur.add_argument("--auto", action="store_true", help="run all checks; reject near-duplicates and eval leaks")
    cur.add_argument("--dup-threshold", type=float, default=DUPLICATE_THRESHOLD,
                     help=f"near-duplicate similarity to reject (default {DUPLICATE_THRESHOLD})")
    cur.add_argument("--reject-ungrounded", type=float, metavar="SCORE", help="also reject grounding below SCORE")
    cur.add_argument("--accept-rest", action="store_true", help="accept every pending sample that passes every check (run first if needed)")
    cur.add_argument("--holdout", type=float, metavar="SHARE",
                     help=f"hold out this share of each document's accepted QAs as the project's own eval set (e.g. {HOLDOUT_SHARE})")
    cur.add_argument("--seed", type=int, default=0, help="which QAs --holdout picks (default 0)")
    cur.add_argument("--import", dest="import_file", metavar="JSONL", help="apply a JSONL edited elsewhere (by id)")
    cur.add_argument("--judge", action="store_true", help="with --auto: also ask the backend if answers are supported")
    _add_backend_args(cur)
    cur.set_defaults(func=_cmd_curate)

    exp = sub.add_parser("export", help="export accepted samples")
    exp.add_argument("dir")
    exp.add_argument("--format", choices=["jsonl", "dataset", "parquet"], default="jsonl")
    exp.add_argument("--out", help="file or folder (default: PROJECT/exports/...)")
    exp.add_argument("--status", nargs="+", default=["accepted"], choices=["accepted", "pending", "rejected"])
    exp.set_defaults(func=_cmd_export)

    tr = sub.add_parser("train", help="mixed training on accepted samples (same code path as the Train tab)")
    tr.add_argument("dir")
    tr.add_argument("--config", help="JSON TrainConfig (see README); flags below override it")
    tr.add_argument("--replay", help="generic text for the replay share (default: bundled public-domain texts)")
    tr.add_argument("--nproc", type=int, default=1, help="processes for DDP via torchrun (CPU: gloo, GPU: nccl)")
    tr.add_argument("--resume", metavar="RUN", help="resume a cancelled/interrupted run from its last checkpoint")
    tr.add_argument("--prepare-only", action="store_true", help="build the run and print the worker command")
    tr.set_defaults(func=_cmd_train, config_flags=train_flags(tr))

    mg = sub.add_parser("merge", help="merge a run's adapter into a full model (or export GGUF)")
    mg.add_argument("dir")
    mg.add_argument("run")
    mg.add_argument("--gguf", action="store_true", help="export GGUF instead (same as `smt gguf`)")
    mg.add_argument("--outtype", default="q8_0", choices=GGUF_TYPES)
    mg.set_defaults(func=_cmd_merge)

    bl = sub.add_parser("blend", help="a new run: a run's weights blended back toward the base model (WiSE-FT), "
                                      "chosen on the validation QAs it kept out of training")
    bl.add_argument("dir")
    bl.add_argument("run")
    bl.add_argument("--tolerance", type=float, default=None, help="nats/token of validation log-likelihood a smaller "
                                                                  "tuned share may give up (default: the run's)")
    bl.set_defaults(func=_cmd_blend)

    ex = sub.add_parser("gguf", help="a run as GGUF (merged model, or --adapter) plus an Ollama Modelfile")
    ex.add_argument("dir")
    ex.add_argument("run")
    ex.add_argument("--type", default="q8_0", choices=GGUF_TYPES, help="GGUF tensor type of the model (default q8_0)")
    ex.add_argument("--adapter", action="store_true", help="the LoRA adapter as GGUF over the base model's GGUF")
    ex.set_defaults(func=_cmd_gguf)

    ask = sub.add_parser("ask", help="answer a question with base / rag / tuned / tuned+rag")
    ask.add_argument("dir")
    ask.add_argument("question")
    ask.add_argument("--arm", default="tuned,rag", help="comma-separated: base, rag, tuned, tuned+rag")
    ask.add_argument("--run", help="training run for the tuned arms (default: the newest finished one)")
    ask.add_argument("--k", type=int, default=None, help="retrieved chunks (default: the project's, as in Chat)")
    ask.add_argument("--max-tokens", type=int, default=ANSWER_TOKENS,
                     help=f"longest answer, in tokens (default {ANSWER_TOKENS}, as in Chat)")
    ask.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                     help="auto: llama.cpp on the run's GGUFs where they can be made, else transformers")
    ask.set_defaults(func=_cmd_ask)

    ev = sub.add_parser("eval", help="accuracy of arms on the project's eval set, with CIs and paired tests")
    ev.add_argument("dir")
    ev.add_argument("--arms", default="base,rag", help="comma-separated: base, rag, tuned, tuned+rag")
    ev.add_argument("--run", help="training run for the tuned arms (default: the newest finished one)")
    ev.add_argument("--doc", type=int, action="append", help="only this document's questions (repeat)")
    ev.add_argument("--out", help="report path (.json; a .csv is written beside it)")
    ev.add_argument("--resume", type=int, metavar="JOB", help="continue an interrupted evaluation job")
    ev.add_argument("--add-questions", metavar="FILE",
                    help="first add your own eval questions: lines 'question | answer' or JSONL {question, answer[, document]}")
    ev.add_argument("--judge", action="store_true", help="grade free-form text answers with an LLM (the backend args)")
    _add_backend_args(ev)
    ev.set_defaults(func=_cmd_eval, eval_flags=add_config_flags(ev, EvalConfig))

    sv = sub.add_parser("serve", help="a tuned run as an OpenAI-compatible endpoint (llama.cpp on its GGUF)")
    sv.add_argument("dir")
    sv.set_defaults(func=_cmd_serve, serve_flags=add_config_flags(sv, ServeConfig))

    ui = sub.add_parser("ui", help="launch the app (same as `python app.py`)")
    ui.add_argument("rest", nargs=argparse.REMAINDER)
    ui.set_defaults(func=lambda a: __import__("smt_gui.ui.launch", fromlist=["main"]).main(a.rest))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["ui"]:  # argparse's REMAINDER cannot pass on options such as --port: hand them over untouched
        from smt_gui.ui.launch import main as launch_ui

        return launch_ui(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ProjectError, ModelNotFoundError, BackendError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
