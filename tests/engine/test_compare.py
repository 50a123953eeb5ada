"""Run comparison (engine/compare.py) and its HTML report (engine/report.py), on tiny generated data."""
import csv
import json
import re

import pytest

from engine import presets
from engine.compare import Comparison, cell_runs, headline
from engine.errors import ConfigError
from engine.gradients import stack_source
from engine.events import Started
from engine.report import explain, write_report


def test_cell_runs_parses_and_refuses_bad_lists():
    assert cell_runs("rnn, LSTM,gru") == [("rnn", {"cell": "rnn"}), ("lstm", {"cell": "lstm"}),
                                          ("gru", {"cell": "gru"})]
    with pytest.raises(ConfigError):
        cell_runs("")
    with pytest.raises(ConfigError):
        cell_runs("gru,gru")


def test_comparison_trains_each_cell_on_the_same_data_and_writes_the_report(make_config, tmp_path):
    seen = []
    base = make_config(epochs=2)
    comparison = Comparison(base, cell_runs("rnn,lstm,gru"), tmp_path,
                            lambda name, event: seen.append((name, type(event).__name__))).run()
    assert [name for name, kind in seen if kind == "Started"] == ["rnn", "lstm", "gru"]
    runs = comparison["runs"]
    assert list(runs) == ["rnn", "lstm", "gru"]
    assert runs["rnn"]["params"] < runs["gru"]["params"] < runs["lstm"]["params"]
    for name, run in runs.items():
        assert run["reason"] == "done" and run["config"]["cell"] == name and run["config"]["seed"] == base.seed
        assert 0 <= run["test_accuracy"] <= 1 and 0 <= run["val_accuracy"] <= 1 and run["grad_ratio"] > 0
        assert len(run["history"]) == 2 and len(run["grad_norms"]) == 8
        assert run["grad_source"] == stack_source(base.layers, base.bidirectional, base.read)  # said in captions
        with open(tmp_path / name / "metrics.csv") as file:
            assert len(list(csv.DictReader(file))) == 2
    line = headline(comparison)
    assert set(line) == {"rnn", "lstm", "gru"}
    assert set(line["gru"]) == {"params", "seconds", "val_accuracy", "test_accuracy", "grad_ratio"}
    saved = json.loads((tmp_path / "compare.json").read_text())
    assert saved["runs"]["lstm"]["params"] == runs["lstm"]["params"]
    page = (tmp_path / "report.html").read_text()
    assert page.count("<svg") == 3 and "<table" in page and page.count("<tr>") == 4
    assert "What the numbers show" in page and "gradient reaching the first row" in page


def fake_run(ratio, accuracy, params, curve):
    return {"grad_ratio": ratio, "test_accuracy": accuracy, "val_accuracy": accuracy, "params": params,
            "seconds": 10.0, "reason": "done", "grad_norms": curve,
            "history": [{"epoch": 1, "train_loss": 2.0, "val_loss": 2.1, "val_accuracy": accuracy}]}


def test_the_words_come_from_the_numbers(tmp_path):
    comparison = {"data": "mnist:x", "task": "classify", "base_config": {"read": "pixels", "options": {}},
                  "runs": {"rnn": fake_run(2e-9, 0.4, 100, [2e-9, 1e-3, 1.0]),
                           "lstm": fake_run(0.02, 0.9, 400, [0.02, 0.5, 1.0]),
                           "gru": fake_run(0.5, 0.95, 300, [0.5, 0.7, 1.0])}}
    text = " ".join(explain(comparison))
    assert "first pixel is about 10<sup>-9</sup>" in text
    assert "LSTM's first pixels get about 10<sup>7</sup> times more" in text
    assert "about as large as" in text  # the GRU's 0.5
    assert "barely teach the RNN" in text
    assert "RNN 40.0%, LSTM 90.0%, GRU 95.0%" in text and "The GRU scored best" in text
    page = write_report(comparison, tmp_path / "r.html").read_text()
    assert "2e-09" in page
    # the gradient plot is on a log axis down to 1e-9 (each curve divided by its last step)
    assert re.search(r">1e-9<", page)


def test_an_underflowed_ratio_is_said_plainly(tmp_path):
    comparison = {"base_config": {"read": "rows"},
                  "runs": {"rnn": fake_run(0.0, 0.2, 10, [0.0, 1.0]), "lstm": fake_run(1e-3, 0.5, 40, [1e-3, 1.0])}}
    text = " ".join(explain(comparison))
    assert "is zero" in text and "where the RNN's first row gets none at all" in text
    assert "0 (underflow)" in write_report(comparison, tmp_path / "r.html").read_text()


def test_presets_are_plain_dicts_that_make_valid_configs():
    from engine.config import RunConfig

    for name in presets.names():
        values = presets.get(name)
        config = RunConfig.from_dict({**presets.COMPARE_DEFAULTS, **values})
        assert config.layers == 1 and not config.bidirectional
    assert presets.get("pixels")["read"] == "pixels"
    with pytest.raises(ConfigError):
        presets.get("nope")


def test_stop_skips_the_remaining_runs(make_config, tmp_path):
    comparison = None

    def on_event(name, event):
        if isinstance(event, Started):
            comparison.stop()

    comparison = Comparison(make_config(epochs=3), cell_runs("rnn,gru"), tmp_path, on_event)
    result = comparison.run()
    assert list(result["runs"]) == ["rnn"] and result["runs"]["rnn"]["reason"] == "stopped"


def test_any_task_reads_its_data_once_for_every_run(tmp_path, monkeypatch):
    """The data is read by the task's window reader before the first run and handed to each (here masks)."""
    import engine.data.masks as masks
    from engine.config import RunConfig

    reads = []
    real = masks.load_masks
    monkeypatch.setattr(masks, "load_masks", lambda *args, **kwargs: reads.append(args[0]) or real(*args, **kwargs))
    base = RunConfig(task="segment", data="shapes:8?size=32", hidden=4, layers=1, epochs=1, batch=4, device="cpu",
                     threads=1, options={"side": 16, "width": 2}, augment=False)
    result = Comparison(base, cell_runs("rnn,gru"), tmp_path).run()
    assert [run["reason"] for run in result["runs"].values()] == ["done", "done"]
    assert len(reads) == 1  # not once per run


def test_data_another_task_reads_is_refused_before_the_first_run(tmp_path, make_config):
    from engine.errors import DataError

    with pytest.raises(DataError):  # classify's reader refuses a segmentation demo, as the run itself would
        Comparison(make_config(data="shapes:8"), cell_runs("rnn"), tmp_path).run()
    assert not (tmp_path / "rnn").exists()
