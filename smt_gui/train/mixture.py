"""Build the Synthetic Mixed Training set: QA pairs + synthetic documents (+ originals) + generic replay text.

* QAs are rendered through the model's chat template; by default only the answer tokens carry loss.
* Documents (focal rewrites, rewrites, optionally the original documents) and replay text are plain causal-LM
  text, **packed** end to end (EOS between texts) into blocks of ``seq_len`` tokens: no padding is wasted.
* Shares are in tokens: ``qa_share`` of the QA+document tokens are QA (paper default 1:1), and ``replay_share`` of
  all tokens are replay (default 10%). Each part is filled to its target by cycling through its shuffled items.
  Without a token budget every sample is used at least once and the smaller part is repeated up to its share;
  with a budget a large part may be subsampled. The summary says by how much.

The result records the exact sample ids (with repeat counts), ratio and seed, and is saved with the run.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from smt_gui.configflags import setting
from smt_gui.project import Project

DOC_KINDS = ("focal_rewrite", "rewrite", "document")


@dataclass
class MixtureConfig:
    """What the run trains on, in tokens (see the module docstring); drawn as flags and widgets like TrainConfig."""

    qa_share: float = setting(0.5, label="QA share of QA+document tokens", info="paper recipe: 0.5 (1:1)",
                              slider=True, minimum=0, maximum=1, step=0.05, help="QA tokens / (QA + document tokens)")
    replay_share: float = setting(0.1, label="Replay share (generic text)", info="paper recipe: ~10%", slider=True,
                                  minimum=0, maximum=0.5, step=0.01, help="replay tokens / all tokens")
    self_replay_share: float = setting(
        0.0, label="Of the replay: the base model's own answers", slider=True, minimum=0, maximum=1, step=0.05,
        info="self-distillation: its greedy answers to bundled generic prompts (train/self_replay.py)",
        help="share of the replay tokens that are the base model's own answers to generic prompts (0 = text only)")
    # A KL term toward the base model on the replay tokens (train/anchor.py) instead of their text: the replay anchors
    # the tuned model's predictions on generic text where they were, rather than teaching it the replay texts. On by
    # default since it lost less on both measured documents at no less knowledge (benchmarks/README.md, "Replay as an
    # anchor"): generic-text perplexity +14% / +42% against +26% / +66%, for 15-18% more training time.
    replay_kl: bool = setting(
        True, label="Replay: keep the base model's predictions (KL) instead of learning the text",
        info="a KL term toward the base model on the replay tokens (train/anchor.py)",
        help="train the replay tokens toward the base model's own next-token distribution (KL) instead of their text")
    token_budget: int | None = setting(None, none_as=0, minimum=0, label="Token budget (0 = all accepted samples once)",
                                       help="all tokens; none = every accepted sample's tokens once, plus replay")
    # also train on the source documents themselves (cheap, and states every fact)
    include_originals: bool = setting(True, label="Also train on the original documents")
    answer_only_loss: bool = setting(True, label="Loss on QA answers only")
    seq_len: int = setting(512, label="Sequence length", minimum=32)
    pack_documents: bool = setting(True, label="Pack documents into full sequences")
    replay_path: str | None = setting(None, cli=False, label="Replay corpus (empty = bundled public-domain texts)",
                                      help="a .txt/.md/.jsonl of generic text; none = the bundled public-domain texts")
    document_ids: list[int] | None = None
    sample_ids: list[int] | None = None  # only these accepted samples (a recipe or budget subset); None = all
    seed: int = setting(0, cli=False, ui=False, help="set from the run's seed")
    # set from TrainConfig (blend_with_base): accepted QAs kept out of training to choose the blend's weight on
    validation_share: float = setting(0.0, cli=False, ui=False, help="set from the run's blend settings")

    @property
    def replays_self(self) -> bool:
        """Whether the run replays the base model's own answers (``train.self_replay``)."""
        return bool(self.replay_share and self.self_replay_share)

    def validate(self) -> MixtureConfig:
        if not 0 <= self.qa_share <= 1:
            raise ValueError("The QA share must be between 0 and 1.")
        if not 0 <= self.replay_share < 1:
            raise ValueError("The replay share must be at least 0 and below 1.")
        if self.seq_len < 32:
            raise ValueError("Sequence length must be at least 32 tokens.")
        if not 0 <= self.self_replay_share <= 1:
            raise ValueError("The self-replay share must be between 0 and 1.")
        if not 0 <= self.validation_share < 1:
            raise ValueError("The validation share must be at least 0 and below 1.")
        return self


@dataclass
class Item:
    kind: str
    input_ids: list[int]
    labels: list[int]
    sample_id: int | None = None
    document: str | None = None

    @property
    def n_tokens(self) -> int:
        return len(self.input_ids)


@dataclass
class Mixture:
    examples: list[dict[str, list[int]]]
    summary: dict[str, Any] = field(default_factory=dict)


def replay_texts(path: str | None) -> list[str]:
    if path:
        text = Path(path).expanduser().read_text(encoding="utf-8", errors="replace")
        if path.endswith(".jsonl"):
            import json

            return [json.loads(line).get("text", "") for line in text.splitlines() if line.strip()]
        return [p for p in text.split("\n\n") if p.strip()]
    folder = resources.files("smt_gui.replay")
    texts = [f.read_text(encoding="utf-8") for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".txt")]
    return [p for text in texts for p in text.split("\n\n") if p.strip()]  # paragraphs: fine-grained shares


def _accepted(project: Project, config: MixtureConfig) -> tuple[list[dict], list[dict]]:
    where, args = "s.status = 'accepted' AND s.split = 'train'", []  # held-out eval QAs never train
    if config.document_ids:
        where += f" AND s.document_id IN ({','.join('?' * len(config.document_ids))})"
        args = list(config.document_ids)
    with project.connect() as conn:
        samples = [dict(r) for r in conn.execute(
            f"""SELECT s.id, s.kind, s.question, s.answer, s.text, s.document_id, d.title FROM samples s
                LEFT JOIN documents d ON d.id = s.document_id WHERE {where} ORDER BY s.id""", args)]
        if config.sample_ids is not None:
            wanted = set(config.sample_ids)
            samples = [s for s in samples if s["id"] in wanted]
        docs = []
        if config.include_originals:
            doc_where = f"WHERE id IN ({','.join('?' * len(args))})" if args else ""
            docs = [dict(r) for r in conn.execute(f"SELECT id, title, text FROM documents {doc_where} ORDER BY id", args)]
    return samples, docs


def qa_item(tokenizer, question: str, answer: str, answer_only: bool, seq_len: int) -> tuple[list[int], list[int]]:
    """Chat-template tokens for one QA; labels mask the prompt when ``answer_only``."""
    prompt = [{"role": "user", "content": question}]
    full = tokenizer.apply_chat_template([*prompt, {"role": "assistant", "content": answer}], tokenize=False)
    head = tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)
    ids = tokenizer(full, add_special_tokens=False)["input_ids"][:seq_len]
    n_prompt = len(tokenizer(head, add_special_tokens=False)["input_ids"]) if answer_only else 0
    labels = [-100] * min(n_prompt, len(ids)) + ids[n_prompt:]
    return ids, labels


def _fill(items: list[Item], target: int, rng: random.Random, trim_last: bool = False) -> list[Item]:
    """Cycle through shuffled items until ``target`` tokens are taken (repeats if too few, subsample if too many).

    ``trim_last`` cuts the last text so the part hits its share exactly (fine for packed text, not for QAs).
    """
    if not items or target <= 0:
        return []
    order = items[:]
    rng.shuffle(order)
    taken, total, i = [], 0, 0
    while total < target:
        item = order[i % len(order)]
        if trim_last and total + item.n_tokens > target:
            keep = target - total
            item = Item(item.kind, item.input_ids[:keep], item.labels[:keep], item.sample_id, item.document)
        taken.append(item)
        total += item.n_tokens
        i += 1
        if i % len(order) == 0:
            rng.shuffle(order)
    return taken


def _example(ids: list[int], flags: list[int], mark_replay: bool) -> dict[str, list[int]]:
    example = {"input_ids": ids, "labels": list(ids)}
    if mark_replay:  # which tokens are replay text, for the KL term (train/anchor.py)
        example["replay_mask"] = flags
    return example


def pack(items: list[Item], seq_len: int, eos_id: int, mark_replay: bool = False) -> list[dict[str, list[int]]]:
    """Concatenate texts (EOS between) and cut into full blocks of ``seq_len``; the ragged tail is kept as one block.
    With ``mark_replay`` each block also says which of its tokens are replay text (``replay_mask``)."""
    stream: list[int] = []
    flags: list[int] = []
    for item in items:
        stream += [*item.input_ids, eos_id]
        flags += [int(item.kind == "replay")] * (item.n_tokens + 1)
    cuts = [(i, i + seq_len) for i in range(0, len(stream), seq_len) if len(stream[i : i + seq_len]) >= 16]
    return [_example(stream[a:b], flags[a:b], mark_replay) for a, b in cuts]


def unpacked(items: list[Item], seq_len: int, eos_id: int, mark_replay: bool = False) -> list[dict[str, list[int]]]:
    """One example per text (long texts split into ``seq_len`` pieces): the naive layout, padded at batch time."""
    examples = []
    for item in items:
        ids = [*item.input_ids, eos_id]
        for i in range(0, len(ids), seq_len):
            piece = ids[i : i + seq_len]
            if len(piece) >= 16:
                examples.append(_example(piece, [int(item.kind == "replay")] * len(piece), mark_replay))
    return examples


def split_validation(samples: list[dict], share: float, seed: int) -> tuple[list[dict], list[dict]]:
    """(training samples, validation QAs): ``share`` of each document's accepted training QAs, drawn with ``seed``,
    kept out of training so the blend with the base model (``train.blend``) is chosen on questions the run never
    saw. Only training-split samples reach here: the project's held-out eval QAs are never validation."""
    if share <= 0:
        return samples, []
    by_doc: dict[Any, list[int]] = defaultdict(list)
    for s in samples:
        if s["kind"] == "qa" and s["question"] and s["answer"]:
            by_doc[s.get("document_id")].append(s["id"])
    rng = random.Random(f"validation:{seed}")
    held = {i for ids in by_doc.values() for i in rng.sample(ids, round(share * len(ids)))}
    return [s for s in samples if s["id"] not in held], [s for s in samples if s["id"] in held]


def build_mixture(project: Project, config: MixtureConfig, tokenizer,
                  self_answers: list[tuple[str, str]] | None = None) -> Mixture:
    """The run's examples and what went into them. ``self_answers`` (prompt, the base model's own answer) fill
    ``self_replay_share`` of the replay tokens as chat turns with loss on the answer (``train.self_replay``)."""
    config.validate()
    rng = random.Random(config.seed)
    samples, originals = _accepted(project, config)
    samples, validation = split_validation(samples, config.validation_share, config.seed)
    qa_items, doc_items = [], []
    for s in samples:
        if s["kind"] == "qa" and s["question"] and s["answer"]:
            ids, labels = qa_item(tokenizer, s["question"], s["answer"], config.answer_only_loss, config.seq_len)
            qa_items.append(Item("qa", ids, labels, s["id"], s["title"]))
        elif s["kind"] in DOC_KINDS and s["text"]:
            ids = tokenizer(s["text"], add_special_tokens=False)["input_ids"]
            doc_items.append(Item(s["kind"], ids, ids, s["id"], s["title"]))
    for d in originals:
        ids = tokenizer(d["text"], add_special_tokens=False)["input_ids"]
        doc_items.append(Item("document", ids, ids, None, d["title"]))
    if not qa_items and not doc_items:
        raise ValueError("No accepted samples to train on: accept some in the Curate tab first.")

    available_qa = sum(i.n_tokens for i in qa_items)
    available_doc = sum(i.n_tokens for i in doc_items)
    qa_share = config.qa_share if qa_items and doc_items else (1.0 if qa_items else 0.0)
    if config.token_budget:
        core_budget = config.token_budget * (1 - config.replay_share)
    else:
        # No budget: every accepted sample is used at least once and the smaller part is repeated to its share
        # (subsampling the larger part would silently drop facts that only those samples state).
        needed = [available_qa / qa_share if qa_share > 0 else 0, available_doc / (1 - qa_share) if qa_share < 1 else 0]
        core_budget = max(needed)
    qa_target, doc_target = int(core_budget * qa_share), int(core_budget * (1 - qa_share))
    replay_target = int(core_budget * config.replay_share / (1 - config.replay_share)) if config.replay_share else 0

    chosen_qa = _fill(qa_items, qa_target, rng)
    chosen_doc = _fill(doc_items, doc_target, rng, trim_last=True)
    replay_items = []
    if replay_target:
        for text in replay_texts(config.replay_path):
            ids = tokenizer(text, add_special_tokens=False)["input_ids"]
            replay_items.append(Item("replay", ids, ids, None, "replay"))
    self_target = int(replay_target * config.self_replay_share) if self_answers else 0
    self_items = []
    for prompt, answer in (self_answers or []) if self_target else []:
        ids, labels = qa_item(tokenizer, prompt, answer, True, config.seq_len)
        self_items.append(Item("self_replay", ids, labels, None, "replay"))
    chosen_self = _fill(self_items, self_target, rng)
    chosen_replay = _fill(replay_items, replay_target - sum(i.n_tokens for i in chosen_self), rng, trim_last=True)

    eos = tokenizer.eos_token_id
    qa_examples = [{"input_ids": i.input_ids, "labels": i.labels} for i in chosen_qa + chosen_self]
    if config.replay_kl:  # every example carries the mask (a dataset's columns are the same on every row)
        qa_examples = [{**e, "replay_mask": [0] * len(e["input_ids"])} for e in qa_examples]
    text_items = chosen_doc + chosen_replay
    rng.shuffle(text_items)
    text_examples = (pack if config.pack_documents else unpacked)(text_items, config.seq_len, eos, config.replay_kl)
    examples = qa_examples + text_examples
    rng.shuffle(examples)

    tokens_by_kind: Counter[str] = Counter()
    tokens_by_doc: dict[str, Counter[str]] = defaultdict(Counter)
    for item in chosen_qa + chosen_doc + chosen_replay + chosen_self:
        tokens_by_kind[item.kind] += item.n_tokens
        tokens_by_doc[item.document or "?"][item.kind] += item.n_tokens
    use_counts = Counter(i.sample_id for i in chosen_qa + chosen_doc if i.sample_id is not None)
    total = sum(tokens_by_kind.values())
    summary = {
        "config": asdict(config),
        "examples": len(examples),
        "tokens_total": total,
        "tokens_by_kind": dict(tokens_by_kind),
        "tokens_by_document": {doc: dict(kinds) for doc, kinds in tokens_by_doc.items()},
        "available": {"qa": available_qa, "documents": available_doc},
        "repeats": {"qa": round(sum(i.n_tokens for i in chosen_qa) / available_qa, 2) if available_qa else 0,
                    "documents": round(sum(i.n_tokens for i in chosen_doc) / available_doc, 2) if available_doc else 0},
        "sample_ids": {str(k): v for k, v in sorted(use_counts.items())},
        "seed": config.seed,
        "validation_qas": [{"id": v["id"], "question": v["question"], "answer": v["answer"]} for v in validation],
    }
    return Mixture(examples=examples, summary=summary)
