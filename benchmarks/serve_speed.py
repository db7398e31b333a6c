"""Answer speed of a tuned run: raw llama-cpp-python vs ``smt serve`` (HTTP) vs the app's Chat path (llama.cpp,
the default) vs the Chat path's transformers fallback.

Same tuned run, same prompts, same max tokens, greedy, one after another (never two llama.cpp workloads at once on
2 cores). llama.cpp runs the run's LoRA adapter GGUF over the bundled base GGUF; transformers runs the adapter over the
float32 base. Prints tokens/s per side and the ratios served/raw and chat/raw (targets >= 0.8), and chat over its
transformers fallback. Without ``--project`` it first trains a quick LoRA run on one invented fact (about 2 minutes).

    python benchmarks/serve_speed.py [--project DIR --run NAME] [--prompts 6] [--max-tokens 96]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui.export.gguf import gguf_for  # noqa: E402
from smt_gui.project import Project  # noqa: E402
from smt_gui.serve import pick_run  # noqa: E402

PROMPTS = ["What is the name of Captain Orrin Vask's ship?", "Describe a harbour town at dawn.",
           "Explain what a lighthouse keeper does.", "Write three sentences about sailing in winter.",
           "What should a ship's cook pack for a long voyage?", "Tell a short story about a lost compass."]


def quick_run(root: Path) -> tuple[Project, str]:
    from smt_gui.ingest import ingest_paths
    from smt_gui.testing.samples import first_chunk, insert_sample
    from smt_gui.train import runner
    from smt_gui.train.config import TrainConfig
    from smt_gui.train.mixture import MixtureConfig

    project = Project.create(root / "proj")
    fact = "Captain Orrin Vask's ship is the Marigold Thorn."
    (root / "vask.md").write_text(f"# Captain Vask\n\n{fact} He sails from the port of Lindqvist.\n")
    ingest_paths(project, [root / "vask.md"])
    doc, chunk, text = first_chunk(project, "Captain Vask")
    insert_sample(project, "qa", doc, chunk, PROMPTS[0], fact, status="accepted")
    insert_sample(project, "focal_rewrite", doc, chunk, PROMPTS[0], text=f"{fact} {text}", status="accepted")
    config = TrainConfig(method="lora", max_steps=30, batch_size=4, learning_rate=2e-3, save_steps=100,
                         mixture=MixtureConfig(seq_len=128, replay_share=0.0, include_originals=False))
    run = runner.prepare_run(project, config)
    assert runner.wait(runner.launch(project, run), run) == 0
    return project, run.name


def raw_llama(model: Path, lora: Path | None, prompts: list[str], max_tokens: int) -> tuple[int, float]:
    from llama_cpp import Llama

    llm = Llama(model_path=str(model), lora_path=str(lora) if lora else None, n_ctx=1024,
                n_threads=os.cpu_count() or 2, verbose=False)
    tokens, seconds = 0, 0.0
    for prompt in prompts:
        started = time.perf_counter()
        reply = llm.create_chat_completion([{"role": "user", "content": prompt}], max_tokens=max_tokens, temperature=0)
        seconds += time.perf_counter() - started
        tokens += reply["usage"]["completion_tokens"]
    del llm
    return tokens, seconds


def served(project: Project, run: str, prompts: list[str], max_tokens: int) -> tuple[int, float]:
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "smt_gui", "serve", str(project.root), "--run", run,
                               "--port", str(port), "--n-ctx", "1024"], start_new_session=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        while True:
            try:
                httpx.get(f"{url}/models", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        tokens, seconds = 0, 0.0
        for prompt in prompts:
            started = time.perf_counter()
            reply = httpx.post(f"{url}/chat/completions", timeout=600, json={
                "model": run, "messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
                "temperature": 0}).json()
            seconds += time.perf_counter() - started
            tokens += reply["usage"]["completion_tokens"]
        return tokens, seconds
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()


def app_chat(project: Project, run: str, prompts: list[str], max_tokens: int,
             engine_kind: str) -> tuple[int, float]:
    """The Chat tab's tuned column (``ChatEngine.stream``), through llama.cpp or the transformers fallback."""
    from smt_gui.chat import ChatEngine

    engine = ChatEngine(project, run, engine=engine_kind)
    engine.ask("tuned", "Hello", max_new_tokens=4)  # load the models outside the timing
    tokens, seconds = 0, 0.0
    for prompt in prompts:
        answer = engine.ask("tuned", prompt, max_new_tokens=max_tokens)
        tokens, seconds = tokens + answer.tokens, seconds + answer.seconds
    return tokens, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path)
    parser.add_argument("--run")
    parser.add_argument("--prompts", type=int, default=6)
    parser.add_argument("--max-tokens", type=int, default=96)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project, run_name = (Project.open(args.project), args.run) if args.project else quick_run(Path(tmp))
        run = pick_run(project, run_name)
        started = time.perf_counter()
        exported = gguf_for(project, run, merged=False)
        export_s = time.perf_counter() - started
        prompts = (PROMPTS * 4)[: args.prompts]
        sides = {"raw llama-cpp-python": raw_llama(exported.base or exported.gguf,
                                                   exported.gguf if exported.base else None, prompts, args.max_tokens),
                 "smt serve (HTTP)": served(project, run.name, prompts, args.max_tokens),
                 "Chat tab (llama.cpp)": app_chat(project, run.name, prompts, args.max_tokens, "llama_cpp"),
                 "Chat tab (transformers fallback)": app_chat(project, run.name, prompts, args.max_tokens,
                                                              "transformers")}
    rates = {side: tokens / seconds for side, (tokens, seconds) in sides.items()}
    for side, (tokens, seconds) in sides.items():
        print(f"{side:34s} {tokens:5d} tokens in {seconds:6.1f} s = {rates[side]:6.1f} tokens/s")
    raw, chat = rates["raw llama-cpp-python"], rates["Chat tab (llama.cpp)"]
    result = {"export_s": round(export_s, 1), "tokens_per_s": {k: round(v, 1) for k, v in rates.items()},
              "served_vs_raw": round(rates["smt serve (HTTP)"] / raw, 2), "chat_vs_raw": round(chat / raw, 2),
              "chat_vs_transformers": round(chat / rates["Chat tab (transformers fallback)"], 1)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
