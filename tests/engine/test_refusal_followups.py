"""Smaller refusals of issue 11 that sit between the readers, the tasks and the CLI."""
import threading

import pytest
import torch

from engine.compare import Comparison, cell_runs
from engine.data.video import parse_size
from engine.errors import DataError
from engine.events import Finished
from engine.inference import load_predictor
from engine.tasks.base import Prepared, probe_split


def test_frame_sizes_past_4k_are_refused():
    assert parse_size("4096x2160") == (2160, 4096)
    with pytest.raises(DataError, match="larger than 4096"):
        parse_size("100000x100000")


def test_an_empty_held_out_split_is_passed_over_for_probes():
    empty = (torch.zeros(0, 1, 4, 4), torch.zeros(0, dtype=torch.long))
    train = (torch.zeros(3, 1, 4, 4), torch.zeros(3, dtype=torch.long))
    name, split = probe_split(Prepared(train=train, val=empty, test=empty, info={}))
    assert name == "train" and len(split[0]) == 3
    name, _ = probe_split(Prepared(train=train, val=train, test=None, info={}))
    assert name == "val"


def test_a_loaded_model_never_asks_for_more_threads_than_cores(make_config, tmp_path):
    from engine.training import Trainer

    Trainer(make_config(epochs=1, out=str(tmp_path))).run()
    before = torch.get_num_threads()
    try:
        load_predictor(tmp_path / "model.ckpt", device="cpu", threads=100_000)
        import os
        assert torch.get_num_threads() <= (os.cpu_count() or 1)
    finally:
        torch.set_num_threads(before)


def test_an_aborted_comparison_writes_no_report(make_config, tmp_path):
    seen = []
    comparison = None

    def on_event(name, event):
        seen.append(type(event).__name__)
        if type(event).__name__ == "Progress" and comparison is not None:
            comparison.abort()

    comparison = Comparison(make_config(epochs=50), cell_runs("rnn,gru"), tmp_path / "cmp", on_event)
    done = threading.Event()
    result = {}
    worker = threading.Thread(target=lambda: (result.update(comparison.run()), done.set()))
    worker.start()
    worker.join(60)
    assert done.is_set(), "abort did not end the comparison"
    assert result.get("aborted") is True and list(result["runs"]) == ["rnn"]
    assert not (tmp_path / "cmp" / "report.html").exists() and not (tmp_path / "cmp" / "compare.json").exists()
    assert Finished.__name__ in seen
