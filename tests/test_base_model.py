"""The bundled GGUF becomes a Hugging Face folder once, even when two app events ask for it at the same moment (the
first Train-tab preview and start did, and one conversion deleted the other's files mid-write)."""

from __future__ import annotations

import threading

from smt_gui.train.base_model import resolve_base_model


def test_two_conversions_at_once_give_one_complete_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SMT_CACHE_DIR", str(tmp_path))
    found, errors = [], []

    def convert() -> None:
        try:
            found.append(resolve_base_model(None))
        except Exception as exc:  # any failure is the bug
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(found)) == 1
    assert (found[0] / "config.json").is_file() and (found[0] / "model.safetensors").is_file()
    assert [p.name for p in found[0].parent.iterdir()] == [found[0].name]  # no half-written leftovers
