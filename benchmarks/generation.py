"""Generation throughput: the app's generation job vs raw llama-cpp-python on the same prompts, in one run.

Both sides send exactly the same chat requests (same messages, JSON schema, sampling settings and seeds) to the
same GGUF with the same llama.cpp settings; the app side also plans units, parses, checks and stores samples in
SQLite. Prints completion tokens/s for both and their ratio (target >= 0.9).

    python benchmarks/generation.py [--article 0] [--chunks 4] [--model PATH.gguf]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smt_gui import generate as gen  # noqa: E402
from smt_gui.generate.job import GenerateConfig, plan_units, unit_seed  # noqa: E402
from smt_gui.generate.kinds import kinds_for  # noqa: E402
from smt_gui.ingest import ChunkingConfig, ingest_paths  # noqa: E402
from smt_gui.llm import BackendConfig, get_backend  # noqa: E402
from smt_gui.project import Project  # noqa: E402

QUALITY = REPO / "tests" / "data" / "quality" / "dev_small.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(QUALITY))
    parser.add_argument("--article", type=int, default=0, help="line of the QuALITY file")
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--model", default="", help="GGUF path (default: bundled SmolLM2-135M)")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=4, help="alternating raw/app rounds, each with a new seed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        article = json.loads(Path(args.data).read_text().splitlines()[args.article])
        corpus = Path(tmp) / "article.jsonl"
        corpus.write_text(json.dumps({"title": article["title"], "text": article["text"]}) + "\n")
        project = Project.create(Path(tmp) / "bench")
        ingest_paths(project, [corpus], config=ChunkingConfig(size=384, overlap=32))
        backend_config = BackendConfig(kind="llama_cpp", model=args.model)
        backend = get_backend(backend_config)  # loaded once, shared by both sides
        raw_tokens = app_tokens = 0
        raw_s = app_s = 0.0
        samples = failed = n_requests = 0
        ratios: list[float] = []
        for round_no in range(args.rounds):  # alternate sides so drift and noise hit both equally
            config = GenerateConfig(backend=backend_config, kinds=["qa", "rewrite"], strategy="chunk",
                                    max_chunks=args.chunks, qa_per_chunk=2, max_retries=0, seed=round_no,
                                    qa_max_tokens=args.max_tokens, doc_max_tokens=args.max_tokens)
            kinds = kinds_for(config)
            units = plan_units(project, config, "qa") + plan_units(project, config, "rewrite")
            requests = [kinds[u.kind].request(config, u, unit_seed(config, u, 0), []) for u in units]
            n_requests += len(requests)
            if round_no == 0:
                backend.complete(requests[0])  # warm-up

            def run_raw(requests=requests) -> None:
                nonlocal raw_tokens, raw_s
                started = time.perf_counter()
                for request in requests:  # raw llama-cpp-python: the same calls, nothing else
                    kwargs = ({"response_format": {"type": "json_object", "schema": request.json_schema}}
                              if request.json_schema else {})
                    out = backend.llm.create_chat_completion(
                        messages=request.messages, temperature=request.temperature, top_p=request.top_p,
                        max_tokens=request.max_tokens, seed=request.seed, **kwargs)
                    raw_tokens += out["usage"]["completion_tokens"]
                raw_s += time.perf_counter() - started

            def run_app(config=config) -> None:
                nonlocal app_tokens, app_s, samples, failed
                started = time.perf_counter()
                result = gen.generate(project, config)["progress"]["result"]
                app_s += time.perf_counter() - started
                app_tokens += result["new_tokens"]
                samples += result["samples"]
                failed += result["failed"]

            # A-B-A: raw, app, raw again on identical requests, so drift on this shared machine hits both sides.
            raw_before, app_before = (raw_tokens, raw_s), (app_tokens, app_s)
            run_raw()
            run_app()
            run_raw()
            raw_round = (raw_tokens - raw_before[0]) / (raw_s - raw_before[1])
            app_round = (app_tokens - app_before[0]) / (app_s - app_before[1])
            ratios.append(app_round / raw_round)
            print(f"round {round_no}: raw {raw_round:5.1f} tokens/s · app {app_round:5.1f} tokens/s · "
                  f"ratio {ratios[-1]:.3f}", flush=True)

    raw_rate, app_rate = raw_tokens / raw_s, app_tokens / app_s
    print(f"model: {backend.model_name} · {n_requests} requests per side ({args.rounds} rounds x {args.chunks} chunks "
          f"x QA + rewrite) · {os.cpu_count()} CPU threads")
    print(f"raw llama-cpp-python : {raw_tokens:6d} tokens in {raw_s:6.1f} s = {raw_rate:6.1f} tokens/s")
    print(f"app generation job   : {app_tokens:6d} tokens in {app_s:6.1f} s = {app_rate:6.1f} tokens/s "
          f"({samples} samples stored, {failed} items failed the checks)")
    print(f"ratio app/raw        : {app_rate / raw_rate:.3f} overall, median of rounds "
          f"{statistics.median(ratios):.3f} (target >= 0.9)")


if __name__ == "__main__":
    main()
