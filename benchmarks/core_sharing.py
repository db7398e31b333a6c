"""A generation job beside a training run on the same cores: each one's speed against alone, and the wall time.

Heavy work of the app takes turns on the machine's cores (``smt_gui.cores``): a llama.cpp request, a Chat answer,
one training step (the worker's ``CoreTurnCallback``) or one evaluation question at a time, through a lock file
across processes. Sides, one after another (the bundled SmolLM2-135M, greedy generation, full fine-tuning on the
bundled sample document):

- generation alone: N focal-rewrite requests through the app's llama.cpp backend, from the main thread, then from
  another thread (the app's jobs and Chat call from many threads; llama.cpp computes on one, ``llm/llama_thread``);
- training alone: a run of S steps in its worker process;
- both at once, taking turns (the default): the run starts, and the generation job starts with its first step;
- both at once, no turns (what happened before): the same with ``SMT_COMPUTE_LOCK=off``.

Printed per side: generation tokens/s of its own computing time (what the Generate tab shows) and of the wall time,
training seconds per step of its own computing time, the time each queued behind the other, and the wall time from
the start of both to the end of the later against the two run one after the other.

    python benchmarks/core_sharing.py [--requests 12] [--steps 12]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.llama_sharing import backend, requests  # noqa: E402
from smt_gui.sample import create_sample_project  # noqa: E402
from smt_gui.train import runner  # noqa: E402
from smt_gui.train.config import TrainConfig  # noqa: E402
from smt_gui.train.metrics import read_metrics  # noqa: E402
from smt_gui.train.mixture import MixtureConfig  # noqa: E402


def generation(engine, n: int, max_tokens: int) -> dict:
    started, tokens, computing, waited, each = time.time(), 0, 0.0, 0.0, []
    for request in requests(n, max_tokens):
        reply = engine.complete(request)
        tokens += reply.completion_tokens
        computing += reply.seconds
        waited += reply.waited_s
        each.append(round(reply.seconds, 2))
    return {"tokens": tokens, "start": started, "end": time.time(), "computing_s": computing, "waited_s": waited,
            "request_s": each}


def training(project, steps: int, tag: str, lock: bool, on_first_step=None) -> dict:
    config = TrainConfig(max_steps=steps, save_steps=10_000, name=f"bench-{tag}",
                         mixture=MixtureConfig(seq_len=256, include_originals=True))
    run = runner.prepare_run(project, config)
    saved = os.environ.get("SMT_COMPUTE_LOCK")
    if not lock:
        os.environ["SMT_COMPUTE_LOCK"] = "off"  # the worker inherits it
    try:
        proc = runner.launch(project, run)
    finally:
        if not lock:
            if saved is None:
                os.environ.pop("SMT_COMPUTE_LOCK", None)
            else:
                os.environ["SMT_COMPUTE_LOCK"] = saved
    first = None
    while proc.poll() is None:
        if first is None and read_metrics(run.path):
            first = time.time()
            if on_first_step is not None:
                on_first_step()
        time.sleep(0.2)
    if proc.returncode != 0:
        raise SystemExit(f"training failed: {runner.run_state(run).get('error')}")
    rows = read_metrics(run.path)
    state = runner.run_state(run)
    last = rows[-1]
    step_s = (last["elapsed_s"] - last.get("waited_s", 0.0)) / max(last["step"], 1)
    return {"steps": last["step"], "elapsed_s": last["elapsed_s"], "waited_s": last.get("waited_s", 0.0),
            "computing_s_per_step": step_s, "end": time.time(), "runtime_s": state.get("runtime_s"),
            "first_step_at": first}


def together(project, engine, n: int, max_tokens: int, steps: int, tag: str, lock: bool) -> dict:
    gen: dict = {}
    worker = threading.Thread(target=lambda: gen.update(generation(engine, n, max_tokens)))
    train = training(project, steps, tag, lock, on_first_step=worker.start)
    worker.join()
    start = min(gen["start"], train["first_step_at"])
    return {"generation": gen, "training": train, "wall_s": max(gen["end"], train["end"]) - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=12)
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--steps", type=int, default=12)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="smt-core-sharing-"))
    os.environ["SMT_COMPUTE_LOCK"] = str(folder / "compute.lock")  # this benchmark's own queue
    project = create_sample_project(folder / "project", "facts")
    engine = backend()
    engine.complete(requests(1, 8)[0])  # warm: the shared prompt prefix is cached in every side

    # llama.cpp's speed alone drifts by up to a third within minutes on a shared host, so generation alone is
    # measured before and after each side and each side is compared with the mean of its two neighbours.
    alone_runs = [generation(engine, args.requests, args.max_tokens)]
    # The app calls llama.cpp from many threads (job threads, gradio's workers); all of them compute on one thread
    # (``smt_gui.llm.llama_thread``). Generation started from another thread, against the main thread beside it:
    from_thread: dict = {}
    caller = threading.Thread(target=lambda: from_thread.update(generation(engine, args.requests, args.max_tokens)))
    caller.start()
    caller.join()
    alone_runs.append(generation(engine, args.requests, args.max_tokens))
    train_alone = training(project, args.steps, "alone", lock=True)
    sides, neighbours = {}, {}
    for side, tag, lock in (("taking turns", "turns", True), ("no turns (SMT_COMPUTE_LOCK=off)", "free", False)):
        sides[side] = together(project, engine, args.requests, args.max_tokens, args.steps, tag, lock)
        alone_runs.append(generation(engine, args.requests, args.max_tokens))
        neighbours[side] = alone_runs[-2:]

    def rate_of(runs: list[dict]) -> float:
        return sum(r["tokens"] for r in runs) / sum(r["computing_s"] for r in runs)

    gen_rate = rate_of(alone_runs)
    gen_wall = sum(r["end"] - r["start"] for r in alone_runs) / len(alone_runs)
    step_alone = train_alone["computing_s_per_step"]
    train_wall = train_alone["elapsed_s"]
    print(f"generation alone: {alone_runs[0]['tokens']} tokens, {gen_rate:.1f} tokens/s, {gen_wall:.1f} s (runs: "
          + ", ".join(f"{rate_of([r]):.1f}" for r in alone_runs) + " tokens/s)")
    thread_ratio = rate_of([from_thread]) / rate_of(alone_runs[:2])
    print(f"generation from another thread: {rate_of([from_thread]):.1f} tokens/s ({thread_ratio:.2f}x the main thread)")
    print(f"training alone:   {train_alone['steps']} steps, {step_alone:.2f} s/step, {train_wall:.1f} s")
    report = {"alone": {"generation_tokens_per_s": round(gen_rate, 1), "generation_wall_s": round(gen_wall, 1),
                        "training_s_per_step": round(step_alone, 2), "training_wall_s": round(train_wall, 1),
                        "one_after_the_other_s": round(gen_wall + train_wall, 1),
                        "generation_runs_tokens_per_s": [round(rate_of([r]), 1) for r in alone_runs]},
              "generation from another thread": {"tokens_per_s": round(rate_of([from_thread]), 1),
                                                 "ratio_to_main_thread": round(thread_ratio, 2)}}
    for side, result in sides.items():
        g, t = result["generation"], result["training"]
        rate = g["tokens"] / g["computing_s"]
        wall_rate = g["tokens"] / (g["end"] - g["start"])
        beside = rate_of(neighbours[side])  # generation alone just before and just after this side
        row = {"generation_tokens_per_s": round(rate, 1), "generation_ratio": round(rate / beside, 2),
               "generation_alone_beside_tokens_per_s": round(beside, 1),
               "generation_wall_tokens_per_s": round(wall_rate, 1), "generation_waited_s": round(g["waited_s"], 1),
               "training_s_per_step": round(t["computing_s_per_step"], 2),
               "training_ratio": round(step_alone / t["computing_s_per_step"], 2),
               "training_waited_s": round(t["waited_s"], 1), "wall_s": round(result["wall_s"], 1),
               "wall_vs_one_after_the_other": round(result["wall_s"] / (gen_wall + train_wall), 2)}
        row["generation_request_s"] = g["request_s"]  # each request's computing time: a slow start shows here
        report[side] = row
        print(f"{side:34s} generation {rate:5.1f} tokens/s ({row['generation_ratio']:.2f}x alone beside it; wall "
              f"{wall_rate:.1f}, queued {g['waited_s']:.0f} s) · training {t['computing_s_per_step']:.2f} s/step "
              f"({row['training_ratio']:.2f}x alone, queued {t['waited_s']:.0f} s) · both done in "
              f"{result['wall_s']:.0f} s ({row['wall_vs_one_after_the_other']:.2f}x one after the other)")
    print(json.dumps(report, indent=2))
    out = REPO / "benchmarks" / "core_sharing.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
