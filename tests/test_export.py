"""A tuned run leaves the app as GGUF (merged model, LoRA adapter, quantised) that llama.cpp loads and that answers
like the tuned model, with an Ollama Modelfile whose template is the tokenizer's own prompt."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from llama_cpp import Llama

from smt_gui.export import converter, ollama
from smt_gui.export.gguf import export_run, hf_to_gguf
from smt_gui.llm.bundled import bundled_gguf_path
from smt_gui.train import runner

from .learned_run import FACT, KEYWORD, QUESTION

pytestmark = pytest.mark.slow


def llama_answer(model_path: Path, lora_path: Path | None = None) -> str:
    llm = Llama(model_path=str(model_path), lora_path=str(lora_path) if lora_path else None, n_ctx=512, n_threads=2,
                verbose=False, seed=0)
    reply = llm.create_chat_completion([{"role": "user", "content": QUESTION}], max_tokens=24, temperature=0.0)
    return reply["choices"][0]["message"]["content"]


@pytest.fixture
def tuned(learned_fact_run):
    """A LoRA run that learned one invented fact (trained once per session, shared with the training tests)."""
    return learned_fact_run


def test_merged_gguf_answers_like_the_tuned_model_and_the_base_does_not(tuned):
    project, run = tuned
    exported = export_run(project, run, kind="q8_0")
    assert exported.kind == "model" and exported.gguf.is_file() and exported.gguf.parent == run.path / "gguf"
    assert KEYWORD not in llama_answer(bundled_gguf_path())  # the base model never saw the fact
    assert KEYWORD in llama_answer(exported.gguf)
    modelfile = exported.modelfile.read_text()
    assert f"FROM ./{exported.gguf.name}" in modelfile and 'PARAMETER stop "<|im_end|>"' in modelfile
    assert "ollama create" in exported.ollama_command

    smaller = hf_to_gguf(runner.merge(project, run), run.path / "gguf" / "small.q4_0.gguf", "q4_0")
    assert smaller.stat().st_size < 0.7 * exported.gguf.stat().st_size  # llama.cpp's quantiser ran
    assert llama_answer(smaller).strip()  # ...and wrote a file llama.cpp loads and runs


def test_adapter_gguf_from_the_cli_applies_over_the_bundled_base(tuned):
    project, run = tuned
    result = subprocess.run([sys.executable, "-m", "smt_gui", "gguf", str(project.root), run.name, "--adapter"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    adapter = Path(re.search(r"wrote (\S+\.gguf) \(adapter", result.stdout).group(1))
    assert adapter.stat().st_size < 20_000_000  # the adapter alone, not a model
    assert KEYWORD in llama_answer(bundled_gguf_path(), lora_path=adapter)
    modelfile = (run.path / "gguf" / "Modelfile").read_text()
    assert f"FROM {bundled_gguf_path()}" in modelfile and f"ADAPTER ./{adapter.name}" in modelfile


def test_modelfile_template_renders_exactly_the_tokenizers_prompt(tuned):
    from transformers import AutoTokenizer

    _project, run = tuned
    tokenizer = AutoTokenizer.from_pretrained(run.summary["base_model_dir"])
    template = re.search(r'TEMPLATE """(.*?)"""', ollama.modelfile_text(Path("m.gguf"), tokenizer), re.S).group(1)
    for system in ("", "Answer in one sentence."):
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": QUESTION}]
        prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        assert ollama.render(template, system, QUESTION) == prompt  # incl. the template's default system prompt
        finished = tokenizer.apply_chat_template([*messages, {"role": "assistant", "content": FACT}], tokenize=False)
        assert ollama.render(template, system, QUESTION, FACT) == finished


def test_export_without_a_converter_says_how_to_get_one(tuned, tmp_path, monkeypatch):
    project, run = tuned
    monkeypatch.delenv("SMT_LLAMA_CPP_DIR", raising=False)
    monkeypatch.setattr(converter, "home", lambda version=None: tmp_path / "nothing-here")
    with pytest.raises(ValueError, match=re.escape("smt_gui.export.converter --install")):
        export_run(project, run)


def test_smt_serve_answers_openai_clients_with_the_tuned_model_and_requires_its_key(tuned, tmp_path):
    import httpx
    from openai import OpenAI

    from smt_gui.llm.base import BackendConfig, GenerationRequest
    from smt_gui.llm.openai_compat import OpenAICompatBackend

    from .conftest import free_port

    project, run = tuned
    refused = subprocess.run([sys.executable, "-m", "smt_gui", "serve", str(project.root), "--host", "0.0.0.0"],
                             capture_output=True, text=True, timeout=300, env={**os.environ, "SMT_API_KEY": ""})
    assert refused.returncode == 2 and "API key" in refused.stderr  # never exposed to the network without a key

    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "smt_gui", "serve", str(project.root), "--run", run.name,
                               "--port", str(port), "--api-key", "s3cret"], stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 300
        while True:  # up once it answers at all (401 without the key)
            assert server.poll() is None and time.time() < deadline, (tmp_path / "serve.log").read_text()[-2000:]
            try:
                anonymous = httpx.get(f"{base_url}/models", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        assert anonymous.status_code == 401

        client = OpenAI(base_url=base_url, api_key="s3cret")
        assert [m.id for m in client.models.list().data] == [run.name]
        reply = client.chat.completions.create(model=run.name, messages=[{"role": "user", "content": QUESTION}],
                                               temperature=0, max_tokens=24)
        assert KEYWORD in reply.choices[0].message.content  # the tuned model, not the base

        backend = OpenAICompatBackend(BackendConfig(kind="openai", base_url=base_url, api_key="s3cret", model=run.name))
        answer = backend.complete(GenerationRequest(messages=[{"role": "user", "content": QUESTION}], temperature=0,
                                                    max_tokens=24))
        assert KEYWORD in answer.text  # the app's own OpenAI-compatible backend can use a served tuned model
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_chat_answers_through_llama_cpp_with_the_runs_adapter_and_stops_when_closed(tuned):
    """The Chat tab's default path: the tuned arm is the run's adapter GGUF in llama.cpp (it knows the fact), the base
    arm is the same base GGUF without it (it doesn't), and a closed stream frees the cores for the next answer."""
    from smt_gui.chat import ChatEngine
    from smt_gui.cores import compute_turn

    project, run = tuned
    engine = ChatEngine(project, run.name)
    tuned_answer = engine.ask("tuned", QUESTION, max_new_tokens=24)
    base_answer = engine.ask("base", QUESTION, max_new_tokens=24)
    assert (tuned_answer.engine, base_answer.engine) == ("llama.cpp", "llama.cpp"), tuned_answer.error
    assert KEYWORD in tuned_answer.text and KEYWORD not in base_answer.text
    assert engine.gguf().pairs["tuned"].model == engine.gguf().pairs["base"].model  # same base, plus the adapter

    stream = engine.stream("tuned", "Tell a long story about Captain Orrin Vask.", max_new_tokens=400)
    first = next(s for s in stream if s.text)
    assert not first.done
    stream.close()  # a reset Chat: the model stops at once...
    started = time.perf_counter()
    with compute_turn():  # ...and the next llama.cpp computation gets the cores without waiting for 400 tokens
        waited = time.perf_counter() - started
    assert waited < 1.0

    fallback = ChatEngine(project, run.name, engine="transformers").ask("tuned", QUESTION, max_new_tokens=24)
    assert fallback.engine == "transformers" and KEYWORD in fallback.text
