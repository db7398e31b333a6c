"""The evaluation job: every chosen arm on the same eval questions, resumable, stored per (job, arm, question).

Each scored question is written to ``eval_results`` as soon as it is graded, so a cancelled or killed evaluation
resumes where it stopped. The finished report (summaries with CIs, pairwise tests, leakage warning) is rebuilt from
those rows and written as JSON + CSV to ``PROJECT/evals/eval-job<N>.json``.

Python use::

    from smt_gui.evaluate import EvalConfig, evaluate
    report = evaluate(project, EvalConfig(arms=["base", "tuned"], limit=20))
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from smt_gui.chat import ARMS, ChatEngine, uses_adapter, uses_retrieval
from smt_gui.configflags import setting
from smt_gui.documents import list_eval_questions
from smt_gui.evaluate.arms import by_document, by_set, compare, score_question, summarise
from smt_gui.evaluate.own_split import own_items, retention
from smt_gui.jobs import JobContext, create_job, get_job, refuse_if_busy, run_job, start_job
from smt_gui.llm import BackendConfig, get_backend
from smt_gui.project import Project, utc_now
from smt_gui.retrieve.index import RETRIEVAL_K

KIND = "evaluate"
NO_QUESTIONS = ("The project has no eval questions: hold out some accepted QAs in the Curate tab, type questions with "
                "their answers in the Evaluate tab, or import a QuALITY, FinanceBench or generic JSONL with questions.")


@dataclass
class EvalConfig:
    """One evaluation's settings; the scalar fields' metadata (``configflags.setting``) draws the Evaluate tab's
    widgets."""

    arms: list[str] = field(default_factory=lambda: ["base", "rag"])
    run: str | None = setting(None, ui=False, cli=False, help="training run for the tuned arms; resolved to the newest "
                                                   "finished run when the job starts")
    document_ids: list[int] | None = None
    limit: int | None = setting(None, none_as=0, flag="--limit", minimum=0, label="At most N questions (0 = all)",
                                help="at most N questions (quick looks)")
    k: int = setting(RETRIEVAL_K, minimum=1, label="Retrieved chunks (RAG arms; the same as Chat's)",
                     help="retrieved chunks for the RAG arms; smt eval's default is the project's, as in Chat's")
    max_new_tokens: int = setting(64, minimum=8, label="Answer length (tokens)", help="free-form answers")
    generate_choice: bool = setting(True, flag="--generate", label="Also let the model answer with a letter (slower)",
                                    help="also let the model answer MC questions with a letter")
    open_answers: bool = setting(True, flag="--open", label="Also ask without the options, as Chat does (grades the first sentence)",
                                 help="also ask MC questions without options, as Chat does; grade the first sentence")
    # kind/model/base_url of an LLM judge for free-form text (key: SMT_API_KEY)
    judge: dict[str, Any] | None = None
    own_split: bool = setting(True, label="Include the QAs held out in Curate",
                              help="also ask the QAs held out in the Curate tab (the project's own eval set)")
    retention: bool = setting(True, label="Retention: what training cost (general knowledge, drift, perplexity)",
                              help="with a tuned arm: base vs tuned perplexity on held-out generic text and the "
                                   "documents")
    general_questions: int | None = setting(
        60, none_as=0, minimum=0, label="General-knowledge questions (retention; 0 = all 241)",
        help="easy questions asked of base and tuned for retention, spread over every set; none = all")
    drift_instructions: int | None = setting(
        8, none_as=0, minimum=0, label="Generic instructions for drift (retention; 0 = all)",
        help="generic instructions whose base answers the tuned model is scored on; none = all")

    def validate(self) -> EvalConfig:
        unknown = set(self.arms) - set(ARMS)
        if unknown or not self.arms:
            raise ValueError(f"Choose arms from {', '.join(ARMS)} (got {', '.join(self.arms) or 'none'}).")
        if self.k < 1:
            raise ValueError("Retrieve at least one chunk (k >= 1).")
        return self

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalConfig:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__}).validate()


def eval_questions(project: Project, config: EvalConfig) -> list[dict[str, Any]]:
    """Imported and typed eval questions, then the held-out QAs (ids < 0), optionally of some documents only."""
    questions = [q for q in list_eval_questions(project)
                 if config.document_ids is None or q["document_id"] in config.document_ids]
    if config.own_split:
        questions += own_items(project, config.document_ids)
    return questions[: config.limit] if config.limit else questions


def _done(project: Project, job_id: int) -> set[tuple[str, int]]:
    with project.connect() as conn:
        return {(r[0], r[1]) for r in conn.execute("SELECT arm, question_id FROM eval_results WHERE job_id = ?", (job_id,))}


def _store(project: Project, job_id: int, arm: str, record: dict[str, Any]) -> None:
    with project.connect() as conn:
        conn.execute("INSERT INTO eval_results(job_id, arm, question_id, correct, record, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                     " ON CONFLICT(job_id, arm, question_id) DO NOTHING",
                     (job_id, arm, record["question_id"], int(bool(record["correct"])), json.dumps(record, default=float),
                      utc_now()))


def run_evaluation(context: JobContext, raw_config: dict[str, Any],
                   progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """Job target: score every (arm, question) not yet stored for this job, then write the report."""
    project, job_id = context.project, context.job_id
    config = EvalConfig.from_dict(raw_config)
    questions = eval_questions(project, config)
    if not questions:
        raise ValueError(NO_QUESTIONS)
    engine = ChatEngine(project, config.run)
    engine.ready_for(config.arms)  # the same rule as Chat's: RAG retrieves from what the project holds now
    with project.connect() as conn:
        titles = {r["id"]: r["title"] for r in conn.execute("SELECT id, title FROM documents")}
    judge = get_backend(BackendConfig.from_public(config.judge)) if config.judge else None
    done = _done(project, job_id)
    total = len(questions) * len(config.arms)
    finished, started, scored = len(done), time.perf_counter(), 0
    context.report(total=total, done=finished, arm=config.arms[0])
    for arm in config.arms:
        for q in questions:
            if (arm, q["id"]) in done:
                continue
            context.check_cancelled()
            hits = engine.index.query(q["question"], k=config.k) if uses_retrieval(arm) else []
            record = score_question(engine, arm, q, hits, titles.get(q["document_id"]), config.max_new_tokens,
                                    config.generate_choice, judge, config.open_answers)
            _store(project, job_id, arm, record)
            finished, scored = finished + 1, scored + 1
            elapsed = time.perf_counter() - started
            context.report(total=total, done=finished, arm=arm, elapsed_s=round(elapsed, 1),
                           eta_s=round(elapsed / scored * (total - finished), 1))
            if progress:
                progress(finished, total, arm)
    if config.retention and any(uses_adapter(a) for a in config.arms) and not _retention(project, job_id):
        context.report(phase="retention")
        context.report(retention=retention(engine, project, questions=config.general_questions,
                                           instructions=config.drift_instructions))
    report = build_report(project, job_id)
    path = save_report(project, report)
    leakage = report["leakage"]
    return {"report": str(path.relative_to(project.root)),
            "accuracy": {arm: round(s["accuracy"], 4) for arm, s in report["summary"].items()},
            "open_accuracy": {arm: round(s["open_accuracy"], 4) for arm, s in report["summary"].items()
                              if "open_accuracy" in s},
            "leakage": {**leakage, "flagged": leakage["flagged"][:20]} if leakage else None}


def _retention(project: Project, job_id: int) -> dict[str, Any] | None:
    return get_job(project, job_id)["progress"].get("retention")


def resolve_run(project: Project, config: EvalConfig) -> EvalConfig:
    """Pin the training run now, so a resumed job scores the same model even if newer runs appeared."""
    if any(uses_adapter(a) for a in config.arms) and not config.run:
        config.run = ChatEngine(project).trained_run().name
    return config


def create_evaluation(project: Project, config: EvalConfig) -> int:
    """Check what the evaluation needs before creating its job: not busy, questions to ask, a run for tuned arms."""
    refuse_if_busy(project, KIND, "Evaluation")
    config.validate()
    if not eval_questions(project, config):
        raise ValueError(NO_QUESTIONS)
    return create_job(project, KIND, asdict(resolve_run(project, config)))


def saved_judge(project: Project) -> dict[str, Any]:
    """The backend last used in the Generate tab (without secrets): the LLM judge the tabs offer."""
    saved = project.get_setting("generator_backend") or {}
    model = "" if str(saved.get("model", "")).startswith("bundled:") else saved.get("model", "")
    return {"kind": saved.get("kind", "llama_cpp"), "model": model, "base_url": saved.get("base_url", "")}


def start_evaluation(project: Project, config: EvalConfig) -> int:
    """Create an evaluation job and run it in a background thread (the app's path); returns the job id."""
    job_id = create_evaluation(project, config)
    start_job(project, job_id, run_evaluation)
    return job_id


def resume_evaluation(project: Project, job_id: int, background: bool = True) -> None:
    job = get_job(project, job_id)
    if job["kind"] != KIND:
        raise ValueError(f"Job {job_id} is a {job['kind']} job, not an evaluation.")
    if job["status"] == "done":
        raise ValueError(f"Evaluation {job_id} already finished: nothing to resume.")
    refuse_if_busy(project, KIND, "Evaluation")
    if background:
        start_job(project, job_id, run_evaluation)
    else:
        run_job(project, job_id, run_evaluation)


def evaluate(project: Project, config: EvalConfig, progress: Callable[[int, int, str], None] | None = None,
             job_id: int | None = None) -> dict[str, Any]:
    """Run (or resume) an evaluation in this thread (the CLI's path); returns the report."""
    job_id = job_id or create_evaluation(project, config)
    status = run_job(project, job_id, lambda ctx, cfg: run_evaluation(ctx, cfg, progress))
    if status != "done":
        job = get_job(project, job_id)
        raise RuntimeError(f"Evaluation job {job_id} {status}: {job.get('error') or ''}".strip())
    return build_report(project, job_id)


def job_records(project: Project, job_id: int) -> dict[str, list[dict[str, Any]]]:
    config = EvalConfig.from_dict(get_job(project, job_id)["config"])
    records: dict[str, list[dict[str, Any]]] = {arm: [] for arm in config.arms}
    with project.connect() as conn:
        for row in conn.execute("SELECT arm, record FROM eval_results WHERE job_id = ? ORDER BY question_id", (job_id,)):
            records.setdefault(row["arm"], []).append(json.loads(row["record"]))
    return records


def build_report(project: Project, job_id: int) -> dict[str, Any]:
    """Summaries, pairwise tests and the leakage warning from the stored per-question results (partial jobs too)."""
    from smt_gui.evaluate.leakage import run_leakage

    job = get_job(project, job_id)
    config = EvalConfig.from_dict(job["config"])
    records = job_records(project, job_id)
    scored = {arm: rs for arm, rs in records.items() if rs}
    leakage = run_leakage(project, config.run) if any(uses_adapter(a) for a in config.arms) and config.run else None
    return {"job_id": job_id, "status": job["status"], "arms": config.arms, "run": config.run,
            "questions": max((len(rs) for rs in records.values()), default=0),
            "summary": {arm: summarise(rs) for arm, rs in scored.items()}, "comparisons": compare(scored),
            "by_document": by_document(scored), "by_set": by_set(scored), "retention": job["progress"].get("retention"),
            "leakage": leakage, "records": records, "seconds": job["progress"].get("elapsed_s"),
            "config": asdict(config)}


def save_report(project: Project, report: dict[str, Any], out: Path | None = None) -> Path:
    """Write the report as JSON, and its per-question records as CSV beside it."""
    name = f"eval-job{report['job_id']}.json" if report.get("job_id") else time.strftime("eval-%Y%m%d-%H%M%S.json")
    out = Path(out) if out else project.subdir("evals") / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=float))
    with out.with_suffix(".csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["arm", "question_id", "document", "correct", "gold_rank", "margin", "gen_correct",
                         "open_correct", "open_first_sentence", "predicted", "gold", "reason"])
        for arm, rows in report["records"].items():
            for r in rows:
                writer.writerow([arm, r["question_id"], r["document"], r["correct"], r.get("gold_rank"), r.get("margin"),
                                 r.get("gen_correct"), r.get("open_correct"), r.get("open_first"), r["predicted"],
                                 r["gold"], r["reason"]])
    return out


def list_evaluations(project: Project) -> list[dict[str, Any]]:
    """Evaluation jobs, newest first, with their status (``interrupted`` when the process running one died)."""
    with project.connect() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE kind = ? ORDER BY id DESC", (KIND,))]
    return [get_job(project, i) for i in ids]


def per_question(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per question with each arm's verdict (None = not scored yet): the drill-down table."""
    rows: dict[int, dict[str, Any]] = {}
    for arm, recs in records.items():
        for r in recs:
            row = rows.setdefault(r["question_id"], {"question_id": r["question_id"], "document": r["document"],
                                                     "question": r["question"], "gold": r["gold"], "arms": {}})
            row["arms"][arm] = r
    return [rows[k] for k in sorted(rows)]
