"""Blending the tuned weights back toward the base model (WiSE-FT, ``smt_gui.train.blend``), chosen on validation QAs
the run kept out of training, never on the project's eval set (issue 24)."""

from __future__ import annotations

import json

import pytest

from smt_gui.curate import set_split
from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample
from smt_gui.train.blend import GRID, Blender, choose_weight
from smt_gui.train.mixture import split_validation

FACTS = {
    "Captain Orrin Vask's ship": ("the Marigold Thorn", ["What is the name of Captain Orrin Vask's ship?",
                                                         "Which ship does Captain Orrin Vask command?",
                                                         "What is Orrin Vask's vessel called?",
                                                         "Name the ship Captain Vask sails."]),
    "Ilsa Brenmoor's home town": ("Quellhaven", ["Where does Ilsa Brenmoor live?", "What is Ilsa Brenmoor's home town?",
                                                 "In which town is Ilsa Brenmoor's home?",
                                                 "Which town does Ilsa Brenmoor call home?"]),
    "Tobin Yarrow's instrument": ("the hurdy-gurdy", ["What instrument does Tobin Yarrow play?",
                                                      "Which instrument is Tobin Yarrow known for?",
                                                      "What does Tobin Yarrow play in the band?",
                                                      "Name Tobin Yarrow's instrument."]),
}


def test_the_weight_is_where_validation_answers_are_likeliest_or_a_little_way_back():
    # trained past its best on unseen phrasings (the fictional-facts run, benchmarks/README.md): best at 0.7
    curve = {0.0: -2.372, 0.25: -0.848, 0.4: -0.456, 0.55: -0.290, 0.7: -0.254, 0.85: -0.265, 1.0: -0.289}
    assert choose_weight(curve, 0.02)[0] == 0.7
    assert choose_weight(curve, 0.04)[0] == 0.55  # a looser tolerance goes further back
    assert choose_weight(curve, 0.0)[0] == 0.7
    still_learning = {0.0: -3.0, 0.25: -2.5, 0.4: -2.0, 0.55: -1.5, 0.7: -1.2, 0.85: -1.05, 1.0: -1.0}
    assert choose_weight(still_learning, 0.02)[0] == 1.0
    weight, why = choose_weight({a: -2.0 for a in GRID}, 0.02)  # nothing learned on validation: no basis to blend
    assert weight == 1.0 and "left as trained" in why


def test_validation_qas_come_from_each_documents_training_qas_only():
    samples = [{"id": i, "kind": "qa", "question": f"q{i}", "answer": "a", "document_id": i % 2} for i in range(20)]
    samples += [{"id": 100, "kind": "focal_rewrite", "question": "q", "answer": None, "document_id": 0}]
    train, validation = split_validation(samples, 0.2, seed=3)
    assert len(validation) == 4 and {v["document_id"] for v in validation} == {0, 1}
    assert not {v["id"] for v in validation} & {t["id"] for t in train} and 100 in {t["id"] for t in train}
    assert split_validation(samples, 0.2, seed=3) == (train, validation)  # the same run, the same choice
    assert split_validation(samples, 0.0, seed=3) == (samples, [])


@pytest.mark.slow
def test_full_weights_blend_from_the_base_at_zero_to_the_trained_at_one():
    import torch

    from smt_gui.train.base_model import resolve_base_model
    from smt_gui.train.probe import load_for_inference

    base_dir = resolve_base_model(None)
    model, _ = load_for_inference(base_dir)
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01)
    blender = Blender(model, base_dir)
    name, param = next(iter(model.named_parameters()))
    blender.set(0.0)
    assert all(torch.equal(p, base[n]) for n, p in model.named_parameters())
    blender.set(0.5)
    assert torch.allclose(param, base[name] + 0.005, atol=1e-6)
    blender.set(1.0)
    assert torch.allclose(param, base[name] + 0.01, atol=1e-6)


@pytest.mark.slow
def test_a_blended_run_chooses_on_its_validation_qas_never_the_eval_set(tmp_path):
    """A LoRA run on three invented facts, four questions each; two QAs held out for evaluation first. The blend's
    validation QAs must be training-split QAs the run did not train on, the eval QAs must stay out of both, and the
    saved adapter must be the blend the run chose."""
    from smt_gui.project import Project
    from smt_gui.train import runner
    from smt_gui.train.config import TrainConfig
    from smt_gui.train.mixture import MixtureConfig
    from smt_gui.train.probe import answer_loglik, load_for_inference

    project = Project.create(tmp_path / "proj")
    doc_file = tmp_path / "crew.md"
    doc_file.write_text("# Crew\n\n" + " ".join(f"{key} is {value}." for key, (value, _) in FACTS.items()) + "\n")
    ingest_paths(project, [doc_file])
    doc, chunk, text = first_chunk(project, "Crew")
    ids = [insert_sample(project, "qa", doc, chunk, q, f"{key} is {value}.", status="accepted")
           for key, (value, questions) in FACTS.items() for q in questions]
    insert_sample(project, "focal_rewrite", doc, chunk, "Who is in the crew?", text=text, status="accepted")
    eval_ids = {ids[3], ids[7]}
    set_split(project, sorted(eval_ids), "eval")

    config = TrainConfig(method="lora", max_steps=10, batch_size=4, learning_rate=3e-3, save_steps=100,
                         blend_with_base=True, blend_validation_share=0.3,
                         mixture=MixtureConfig(seq_len=128, replay_share=0.0, include_originals=False))
    run = runner.prepare_run(project, config)
    validation = run.summary["validation_qas"]
    validation_ids = {v["id"] for v in validation}
    trained_ids = {int(i) for i in run.summary["sample_ids"]}
    assert len(validation) == 3  # 30% of the 10 training-split QAs
    assert not validation_ids & eval_ids and not validation_ids & trained_ids and not eval_ids & trained_ids
    proc = runner.launch(project, run)
    assert runner.wait(proc, run, poll_s=0.5) == 0, (run.path / "train.log").read_text()[-3000:]

    chosen = json.loads((run.path / "blend.json").read_text())
    assert chosen["validation_qas"] == 3 and chosen["weight"] in GRID
    curve = {float(a): v for a, v in chosen["curve"].items()}
    assert curve[1.0] > curve[0.0] + 0.5  # the run learned the facts: its unseen phrasings got far likelier
    model, tokenizer = load_for_inference(run.summary["base_model_dir"], runner.output_dir(run))
    questions, answers = [v["question"] for v in validation], [v["answer"] for v in validation]
    assert answer_loglik(model, tokenizer, questions, answers) == pytest.approx(curve[chosen["weight"]], abs=2e-3)

    with pytest.raises(ValueError, match="already blended"):  # a blend of a blend would move back twice
        runner.blend_run(project, run)

    # A run that kept validation QAs out without blending is blended afterwards into a run of its own.
    config.blend_with_base, config.name, config.max_steps = False, "kept", 4
    config.mixture.validation_share = 0.3
    kept = runner.prepare_run(project, config)
    assert {v["id"] for v in kept.summary["validation_qas"]} == validation_ids  # the same seed, the same choice
    assert runner.wait(runner.launch(project, kept), kept, poll_s=0.5) == 0
    assert not (kept.path / "blend.json").exists()
    again = runner.blend_run(project, kept, tolerance=0.5)
    again_choice = json.loads((again.path / "blend.json").read_text())
    assert again.name == "kept-blend" and runner.output_dir(again).exists() and runner.output_dir(kept).exists()
    assert again_choice["weight"] == choose_weight({float(a): v for a, v in again_choice["curve"].items()}, 0.5)[0]
    assert again_choice["tolerance"] == 0.5
    assert {"kept", "kept-blend"} <= {r.name for r in runner.finished_runs(project)}


def test_a_run_without_validation_qas_is_not_blended_but_told_why(learned_fact_run):
    from smt_gui.train import runner

    project, run = learned_fact_run
    with pytest.raises(ValueError, match="no validation QAs"):
        runner.blend_run(project, run)


def test_a_blend_that_fails_leaves_the_weights_as_trained():
    import torch

    from smt_gui.train.blend import blend

    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    model[0].lora_B = torch.nn.Parameter(torch.ones(2, 2))  # named like an adapter's B: blended by scaling
    calls = []

    def score(model, tokenizer, questions, answers):
        calls.append(float(model[0].lora_B.sum()))
        if len(calls) == 3:
            raise MemoryError("out of memory")
        return -1.0

    with pytest.raises(MemoryError):
        blend(model, None, None, [{"question": "q", "answer": "a"}], 0.02, score=score)
    assert calls[:2] == [0.0, 1.0] and torch.equal(model[0].lora_B, torch.ones(2, 2))
