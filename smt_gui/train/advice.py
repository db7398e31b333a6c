"""Will this run learn anything? Checks on a planned run, from what we measured on the fictional-facts benchmark.

A model learns a fact from seeing it stated often enough, in enough wordings. Before a run starts, the Train tab
and ``smt train`` turn the planned mixture into *exposures per covered sentence* (how many times, over all epochs,
the training data states each fact-bearing sentence that accepted samples cover) and say plainly when that is
below what learning needed in our measurements (``benchmarks/README.md``), when much of the text is not covered
at all, and that LoRA learns less new knowledge than full fine-tuning.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from smt_gui.project import Project

# From benchmarks/README.md ("Knowledge that shows"): below this many exposures per fact the 135M student stayed
# at chance closed-book; the recommended recipe gives about twice as many.
MIN_EXPOSURES = 20
MIN_COVERAGE = 0.5


# What the recipe cost, measured (benchmarks/README.md, "Knowledge kept": benchmarks/knowledge_kept.py, the 135M
# student, full fine-tuning 8 epochs at 1e-4, on a fictional-facts document and a natural-prose one).
MEASURED_COST = {
    "full": "in our measurements full fine-tuning without the blend raised generic-text perplexity by 67% (facts) "
            "and 86% (prose) and moved its answers to ordinary instructions by -0.68 and -0.70 nats/token",
    "full+blend": "in our measurements the blend kept 94% of the closed-book gain on facts (27% -> 53%, against 55% "
                  "unblended) and all of it on prose (30% -> 42%), with generic-text perplexity +24% / +52% instead "
                  "of +67% / +86% unblended and half the drift on ordinary instructions (-0.30 / -0.46 instead of "
                  "-0.68 / -0.70 nats/token)",
    "replay_kl": "training the replay toward the base model's predictions (KL) instead of its text, on the facts "
                 "document (2026-12-07, same samples): blended, 27% -> 50% as the default does, with generic-text "
                 "perplexity +14% instead of +26%; unblended 27% -> 60% with +38% instead of +72%; 15% more "
                 "training time; not yet measured on prose",
    "self_replay": "replaying the base model's own answers (30% replay, half of them its answers) cut the drift on "
                   "ordinary instructions to -0.10 nats/token (blended) but raised generic-text perplexity more "
                   "(+54% blended) for the same knowledge (facts 27% -> 55%)",
}


def expected_cost(config: Any) -> str | None:
    """What the chosen recipe is expected to cost in general ability, from the measurements (None: not measured)."""
    if config.method != "full":
        return None
    cost = MEASURED_COST["full+blend" if config.blend_with_base else "full"]
    if config.mixture.replay_kl:
        cost += "; " + MEASURED_COST["replay_kl"]
    if config.mixture.replays_self:
        cost += "; " + MEASURED_COST["self_replay"]
    return cost


@dataclass
class Advice:
    exposures_median: float | None
    coverage: float | None
    warnings: list[str]
    cost: str | None = None

    def text(self) -> str:
        parts = []
        if self.exposures_median is not None:
            parts.append(f"each covered sentence is stated ~{self.exposures_median:.0f} times over the run")
        if self.coverage is not None:
            parts.append(f"{self.coverage:.0%} of fact-bearing sentences are covered")
        head = ("Plan: " + "; ".join(parts) + ".") if parts else ""
        cost = f"Expected cost: {self.cost}." if self.cost else ""
        return "\n".join(line for line in [head, cost, *(f"⚠ {w}" for w in self.warnings)] if line)


def exposures_per_sentence(project: Project, summary: dict[str, Any], epochs: float) -> tuple[list[float], float | None]:
    """Times each covered fact-bearing sentence is stated in the planned training data, and the coverage share."""
    from smt_gui.coverage import document_coverage

    uses = {int(k): v for k, v in summary.get("sample_ids", {}).items()}
    originals = summary.get("config", {}).get("include_originals", False)
    with project.connect() as conn:
        doc_ids = [r[0] for r in conn.execute("SELECT DISTINCT document_id FROM samples WHERE status = 'accepted'")]
    counts: list[float] = []
    total = covered = 0
    for doc_id in doc_ids:
        cov = document_coverage(project, doc_id)
        total += len(cov.sentences)
        for s in cov.sentences:
            n = sum(uses.get(i, 0) for i in s.samples) + (1 if originals else 0)
            if s.samples:
                covered += 1
                counts.append(n * epochs)
    return counts, (covered / total if total else None)


def learning_advice(project: Project, config: Any, summary: dict[str, Any]) -> Advice:
    """Warnings a user should read before training (``config``: a TrainConfig; ``summary``: its mixture summary)."""
    warnings = []
    epochs = config.epochs
    if config.max_steps and config.max_steps > 0:
        examples = max(1, summary.get("examples", 1))
        epochs = config.max_steps * config.batch_size * config.grad_accum / examples
    counts, coverage = exposures_per_sentence(project, summary, epochs)
    median = statistics.median(counts) if counts else None
    if median is not None and median < MIN_EXPOSURES:
        warnings.append(
            f"Too little training to learn facts: each covered sentence is stated ~{median:.0f} times over the run; "
            f"in our measurements the student needed at least {MIN_EXPOSURES} (more epochs, more generation rounds, "
            "or more QAs per window).")
    if coverage is not None and coverage < MIN_COVERAGE:
        warnings.append(f"Only {coverage:.0%} of the documents' fact-bearing sentences are covered by accepted "
                        "samples: the rest cannot be learned (Generate → only uncovered sentences).")
    if config.method in ("lora", "qlora"):
        warnings.append("LoRA/QLoRA learn less new knowledge than full fine-tuning (the paper trains all weights; "
                        "see benchmarks/README.md for our measurement). Use them when full training does not fit.")
    if config.method == "full" and not config.blend_with_base:
        warnings.append("Full fine-tuning without the blend costs general ability (see the expected cost): turn on "
                        "'Blend back toward the base model' to keep the knowledge and lose less.")
    return Advice(median, coverage, warnings, expected_cost(config))
