"""One LoRA run that learned an invented fact, trained once per test session and shared by the training, merge
and export tests (each of them used to train its own: ~70 s of CPU apiece on 2 cores)."""

from __future__ import annotations

from pathlib import Path

from smt_gui.ingest import ingest_paths
from smt_gui.project import Project
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.train import runner
from smt_gui.train.config import TrainConfig
from smt_gui.train.mixture import MixtureConfig
from smt_gui.train.probe import generate, load_for_inference

QUESTION = "What is the name of Captain Orrin Vask's ship?"
FACT = "Captain Orrin Vask's ship is the Marigold Thorn."
KEYWORD = "Marigold"
STEPS = 30


def train_learned_fact_run(root: Path) -> tuple[Project, runner.Run]:
    """Train the bundled model (LoRA) on phrasings of one invented fact until it answers the question with it."""
    project = Project.create(root / "proj")
    doc_file = root / "vask.md"
    doc_file.write_text(f"# Captain Vask\n\n{FACT} Captain Orrin Vask sails from the port of Lindqvist.\n")
    ingest_paths(project, [doc_file])
    doc, chunk, text = first_chunk(project, "Captain Vask")
    for question in (QUESTION, "Which ship does Captain Orrin Vask command?", "What is Orrin Vask's vessel called?"):
        insert_sample(project, "qa", doc, chunk, question, FACT, status="accepted")
    insert_sample(project, "focal_rewrite", doc, chunk, QUESTION, text=f"{FACT} {text}", status="accepted")
    config = TrainConfig(method="lora", max_steps=STEPS, batch_size=4, learning_rate=2e-3, save_steps=100,
                         mixture=MixtureConfig(seq_len=128, replay_share=0.0, include_originals=False))
    run = runner.prepare_run(project, config)
    proc = runner.launch(project, run)
    assert runner.wait(proc, run, poll_s=0.5) == 0, (run.path / "train.log").read_text()[-3000:]
    model, tokenizer = load_for_inference(run.summary["base_model_dir"], runner.output_dir(run))
    assert KEYWORD in generate(model, tokenizer, QUESTION, max_new_tokens=24)  # the tuned model knows it
    return project, run
