"""One cancel for every job: a job of this process gets its cancel event, a job whose process group is recorded
(the training worker, torchrun's ranks) gets SIGTERM, which the worker turns into "checkpoint and stop"."""

from __future__ import annotations

import subprocess
import sys
import time

from smt_gui.jobs import cancel_job, create_job, get_job, update_job

# Stands in for the worker: on SIGTERM it says so (as the worker sets STOP) and ends.
STOPPER = ("import signal, sys, time\n"
           "signal.signal(signal.SIGTERM, lambda *a: (print('stopping', flush=True), sys.exit(0)))\n"
           "print('ready', flush=True)\n"
           "time.sleep(60)\n")


def test_a_job_in_its_own_process_group_is_cancelled_by_signal_and_a_finished_one_is_not(project):
    proc = subprocess.Popen([sys.executable, "-c", STOPPER], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert proc.stdout.readline().strip() == "ready"
    job = create_job(project, "train", {"run": "r"})
    update_job(project, job, status="running", pid=proc.pid, pgid=proc.pid)
    assert cancel_job(project, job)
    assert proc.stdout.readline().strip() == "stopping"
    assert proc.wait(timeout=10) == 0
    time.sleep(0.1)
    assert get_job(project, job)["status"] == "interrupted"  # the stand-in did not report; the worker would
    assert not cancel_job(project, job)  # gone: nothing to signal (a recycled process group is never signalled)
    update_job(project, job, status="done")
    assert not cancel_job(project, job)
