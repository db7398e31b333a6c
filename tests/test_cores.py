"""llama.cpp work takes turns: a Chat answer asked during a generation job waits for one request, not the whole job,
and two processes never compute at once on the same cores (the collapse from ~55 to ~3 tokens/s each)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time

from smt_gui.cores import FifoLock
from smt_gui.llm import BackendConfig, GenerationRequest, get_backend

from .conftest import REPO

REQUEST = GenerationRequest(messages=[{"role": "user", "content": "Describe a harbour at dawn."}], temperature=0.0,
                            max_tokens=32, seed=0)


def test_turns_are_granted_in_arrival_order():
    lock, order = FifoLock(), []
    lock.acquire()
    threads = []
    for name in "abc":
        thread = threading.Thread(target=lambda n=name: (lock.acquire(), order.append(n), lock.release()))
        thread.start()
        threads.append(thread)
        while lock.waiting < len(threads):  # each is queued before the next one arrives
            time.sleep(0.01)
    lock.release()
    for thread in threads:
        thread.join(timeout=5)
    assert order == ["a", "b", "c"]


def test_an_answer_asked_during_a_generation_job_waits_for_one_request_not_the_job():
    backend = get_backend(BackendConfig())
    backend.complete(REQUEST)  # loaded
    done: list[tuple[str, float]] = []

    def job() -> None:  # a generation job: back-to-back requests, re-queuing at once after each
        for _ in range(6):
            backend.complete(REQUEST)
            done.append(("job", time.perf_counter()))

    worker = threading.Thread(target=job)
    worker.start()
    while not done:
        time.sleep(0.05)
    backend.complete(REQUEST)  # the chat answer arrives while the job runs
    done.append(("chat", time.perf_counter()))
    worker.join()
    order = [who for who, _ in done]
    assert order.index("chat") <= 2, order  # it got the next turn (or the one after), not the 7th


CHILD = """
import json, pathlib, sys, time
from smt_gui.llm import BackendConfig, get_backend
from smt_gui.cores import compute_turn
llm = get_backend(BackendConfig()).llm
ready = pathlib.Path(sys.argv[1])
(ready / sys.argv[2]).touch()
while len(list(ready.iterdir())) < 2:  # start together
    time.sleep(0.01)
spans = []
for _ in range(3):
    with compute_turn():
        started = time.time()
        llm.create_chat_completion([{"role": "user", "content": "Describe a harbour."}], max_tokens=32, temperature=0)
        spans.append((started, time.time()))
print(json.dumps(spans))
"""


def test_two_processes_take_turns_on_the_cores(tmp_path, monkeypatch):
    monkeypatch.setenv("SMT_COMPUTE_LOCK", str(tmp_path / "llama.lock"))
    ready = tmp_path / "ready"
    ready.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(ready), str(k)], stdout=subprocess.PIPE, text=True,
                              cwd=REPO) for k in range(2)]
    spans = [json.loads(p.communicate(timeout=300)[0].strip().splitlines()[-1]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    computing = sorted((start, end) for mine in spans for start, end in mine)
    assert all(later[0] >= earlier[1] - 0.01 for earlier, later in itertools.pairwise(computing)), computing
    assert min(s[-1][1] for s in spans) > max(s[0][0] for s in spans)  # they did run at the same time, taking turns


def test_a_turn_says_how_long_it_waited_and_a_nested_turn_does_not_queue_behind_itself(tmp_path, monkeypatch):
    from smt_gui.cores import compute_turn

    monkeypatch.setenv("SMT_COMPUTE_LOCK", str(tmp_path / "compute.lock"))
    holding = threading.Event()

    def other() -> None:
        with compute_turn():
            holding.set()
            time.sleep(1.0)

    worker = threading.Thread(target=other)
    worker.start()
    holding.wait(5)
    # queued behind the other thread's turn; inside it, an evaluation question's turn around its Chat answer's turn
    with compute_turn() as turn, compute_turn() as inner:
        assert inner.waited_s == 0.0
    worker.join()
    assert 0.7 <= turn.waited_s <= 5, turn


def test_training_keeps_its_turn_while_it_saves_a_checkpoint_or_the_final_model(tmp_path, monkeypatch):
    """Saving a model computes on the cores too: a generation request beside the final save took 7 s, not 0.4."""
    from transformers import TrainerControl

    from smt_gui.train.turns import CoreTurnCallback

    monkeypatch.setenv("SMT_COMPUTE_LOCK", str(tmp_path / "compute.lock"))
    turns, control = CoreTurnCallback(), TrainerControl()
    turns.on_step_begin(None, None, control)
    assert turns.holder.held
    turns.on_step_end(None, None, control)
    assert not turns.holder.held  # an ordinary step gives the cores back
    turns.on_step_begin(None, None, control)
    control.should_save = True  # the Trainer writes a checkpoint after this step
    turns.on_step_end(None, None, control)
    assert turns.holder.held
    turns.on_save(None, None, control)
    assert not turns.holder.held
    turns.on_train_end(None, None, control)
    assert turns.holder.held  # the worker saves the model next, and ends without tearing down on the cores
    turns.holder.give_back()
