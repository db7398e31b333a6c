"""Two generation jobs at once on the same cores: combined tokens/s vs one job alone (target >= 0.8x).

Every llama.cpp computation of the app goes through one queue (``smt_gui.cores``): first come first served
inside a process, a lock file across processes. Sides, one after another, same focal-rewrite requests (the bundled
SmolLM2-135M, greedy):

- one job alone: N requests through the app's llama.cpp backend;
- two jobs in one process (two projects generating in the app): two threads, two model instances, N requests each;
- two jobs in two processes (the app and a CLI ``smt generate``): two subprocesses, N requests each;
- two jobs with no scheduler (what happened before): two threads calling llama.cpp at once, and two processes with
  the lock file off.

    python benchmarks/llama_sharing.py [--requests 8] [--max-tokens 96]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.generate.prompts import load_prompt  # noqa: E402
from smt_gui.llm import BackendConfig, GenerationRequest  # noqa: E402
from smt_gui.llm.llama_cpp import LlamaCppBackend  # noqa: E402

PASSAGES = [
    "Idris Valenko was born in 1961 in the river town of Aschau, where his father mended fishing nets.",
    "The Copperleaf Guild meets every spring in a converted grain mill outside Tervola.",
    "Mira Osterhout keeps three greyhounds and works as a glassblower in the port of Selvik.",
    "In 1987 the Halden Observatory recorded a comet that its director named after her daughter.",
]
QUESTIONS = ["Where was Idris Valenko born?", "Where does the Copperleaf Guild meet?",
             "What does Mira Osterhout do for a living?", "What did the Halden Observatory record in 1987?"]


def requests(n: int, max_tokens: int, offset: int = 0) -> list[GenerationRequest]:
    prompt = load_prompt("focal_window")
    out = []
    for i in range(n):
        j = (i + offset) % len(PASSAGES)
        messages = prompt.messages(passage=PASSAGES[j], question=QUESTIONS[j])
        out.append(GenerationRequest(messages=messages, temperature=0.0, max_tokens=max_tokens, seed=i))
    return out


def backend(n_ctx: int = 2048) -> LlamaCppBackend:
    return LlamaCppBackend(BackendConfig(n_ctx=n_ctx))


def run_job(engine: LlamaCppBackend, batch: list[GenerationRequest], out: list, raw: bool = False) -> None:
    """Complete every request; append (tokens, start, end). ``raw`` calls llama.cpp with no scheduler."""
    started, tokens = time.time(), 0
    for request in batch:
        if raw:
            reply = engine.llm.create_chat_completion(messages=request.messages, temperature=0.0,
                                                      max_tokens=request.max_tokens, seed=request.seed)
            tokens += reply["usage"]["completion_tokens"]
        else:
            tokens += engine.complete(request).completion_tokens
    out.append((tokens, started, time.time()))


def combined(results: list[tuple[int, float, float]]) -> tuple[int, float]:
    tokens = sum(r[0] for r in results)
    return tokens, max(r[2] for r in results) - min(r[1] for r in results)


def child(n: int, max_tokens: int, offset: int, start_at: float) -> None:
    """One job in its own process (``--child``): load, wait for the common start, run, print the result."""
    engine = backend()
    engine.complete(requests(1, 8)[0])  # warm: the shared prompt prefix is cached, as in the job alone
    time.sleep(max(0.0, start_at - time.time()))
    out: list = []
    run_job(engine, requests(n, max_tokens, offset), out)
    print(json.dumps(out[0]), flush=True)


def two_processes(n: int, max_tokens: int, lock: bool = True) -> tuple[int, float]:
    start_at = time.time() + 25  # both have loaded and warmed their model by then
    env = {**os.environ, **({} if lock else {"SMT_COMPUTE_LOCK": "off"})}
    procs = [subprocess.Popen([sys.executable, __file__, "--child", str(n), str(max_tokens), str(k), str(start_at)],
                              stdout=subprocess.PIPE, text=True, env=env) for k in (0, 1)]
    results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    return combined(results)


def threads(n: int, max_tokens: int, raw: bool) -> tuple[int, float]:
    engines = [backend(2048), backend(2304)]  # two projects: two model instances
    for engine in engines:  # warm, as the job alone is
        engine.llm.create_chat_completion(messages=requests(1, 8)[0].messages, max_tokens=8, temperature=0.0)
    out: list = []
    workers = [threading.Thread(target=run_job, args=(e, requests(n, max_tokens, k), out, raw))
               for k, e in enumerate(engines)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return combined(out)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=16, help="per job")
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--unscheduled-requests", type=int, default=8, help="per job, for the no-scheduler sides")
    args = parser.parse_args()
    alone_engine = backend()
    alone_engine.complete(requests(1, 8)[0])  # warm up
    out: list = []
    run_job(alone_engine, requests(args.requests, args.max_tokens), out)
    sides = {"one job alone": combined(out)}
    del alone_engine
    sides["two jobs, one process (scheduler)"] = threads(args.requests, args.max_tokens, raw=False)
    sides["two jobs, two processes (lock file)"] = two_processes(args.requests, args.max_tokens)
    sides["two jobs, one process, no scheduler"] = threads(args.unscheduled_requests, args.max_tokens, raw=True)
    sides["two jobs, two processes, no lock file"] = two_processes(args.unscheduled_requests, args.max_tokens, lock=False)
    rates = {side: tokens / seconds for side, (tokens, seconds) in sides.items()}
    for side, (tokens, seconds) in sides.items():
        print(f"{side:42s} {tokens:5d} tokens in {seconds:6.1f} s = {rates[side]:6.1f} tokens/s")
    alone = rates["one job alone"]
    print(json.dumps({"tokens_per_s": {k: round(v, 1) for k, v in rates.items()},
                      "ratio_vs_alone": {k: round(v / alone, 2) for k, v in rates.items()}}, indent=2))


if __name__ == "__main__":
    main()
