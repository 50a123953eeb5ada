"""The run library (issue 14): every run is a folder with run.json, events.jsonl, metrics.csv, model.ckpt and
last.ckpt; a stopped run resumes exactly; `runs list|show|compare` read the folders."""
import json
import os
import socket

import numpy as np
import pytest
import torch

from engine import cli
from engine.errors import ConfigError
from engine.events import Metrics
from engine.runs import catalog, folder as runs
from engine.training import Trainer


def train(make_config, out, epochs, stop_after=None, resume=False, **changes):
    trainer = None

    def on_event(event):
        if stop_after and isinstance(event, Metrics) and event.split == "val" and event.epoch == stop_after:
            trainer.stop()

    trainer = Trainer(make_config(epochs=epochs, out=str(out), augment=True, **changes), on_event, resume=resume)
    return trainer.run()


def weights(out, name="last.ckpt"):
    payload = torch.load(out / name, map_location="cpu", weights_only=True)
    return payload["model"] if "model" in payload else payload["state_dict"]


def same_weights(a, b) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_a_stopped_run_resumed_ends_as_the_uninterrupted_one(make_config, tmp_path):
    """4 planned epochs (cosine schedule, augmentation), stopped after epoch 2, resumed: same final weights, same
    best model, same test figures and the same metrics.csv (but for its clock)."""
    full = train(make_config, tmp_path / "full", 4)
    part = train(make_config, tmp_path / "part", 4, stop_after=2)
    assert part["reason"] == "stopped" and runs.read_record(tmp_path / "part")["status"] == "stopped"
    resumed = train(make_config, tmp_path / "part", 4, resume=True)
    assert resumed["reason"] == "done" and resumed["metrics"] == full["metrics"]
    assert same_weights(weights(tmp_path / "full"), weights(tmp_path / "part"))
    assert same_weights(weights(tmp_path / "full", "model.ckpt"), weights(tmp_path / "part", "model.ckpt"))
    rows = [catalog.read_history(tmp_path / name) for name in ("full", "part")]
    drop = ("seconds", "grad_ratio")  # the clock, and a measurement throttled by it
    assert [{k: v for k, v in r.items() if k not in drop} for r in rows[0]] == \
           [{k: v for k, v in r.items() if k not in drop} for r in rows[1]]
    record = runs.read_record(tmp_path / "part")
    assert record["status"] == "finished" and record["resumes"] == 1 and record["epochs_done"] == 4


def test_extending_a_finished_run_without_a_schedule_equals_the_longer_run(make_config, tmp_path):
    train(make_config, tmp_path / "short", 2, schedule="none")
    args = cli.build_parser().parse_args(["train", "--resume", str(tmp_path / "short"), "--epochs", "4"])
    from engine.runs_cli import resume_config

    extended = Trainer(resume_config(args), resume=True).run()
    longer = train(make_config, tmp_path / "long", 4, schedule="none")
    assert extended["metrics"] == longer["metrics"]
    assert same_weights(weights(tmp_path / "short"), weights(tmp_path / "long"))
    assert len(catalog.read_history(tmp_path / "short")) == 4  # the curves go on


def test_resume_refuses_changed_settings_a_finished_run_and_a_running_one(make_config, tmp_path):
    train(make_config, tmp_path / "run", 2)
    changed = Trainer(make_config(epochs=4, hidden=16, out=str(tmp_path / "run"), augment=True), resume=True).run()
    assert changed["reason"] == "failed" and "hidden: 8 -> 16" in changed["message"]
    from engine.runs_cli import resume_config

    args = cli.build_parser().parse_args(["train", "--resume", str(tmp_path / "run")])
    with pytest.raises(ConfigError, match="finished all its 2 epochs"):
        resume_config(args)
    record = runs.read_record(tmp_path / "run")
    record.update(status="running", pid=os.getpid(), host=socket.gethostname())  # as while this process trains it
    runs.write_json(tmp_path / "run" / runs.RUN, record)
    with pytest.raises(ConfigError, match="still being trained"):
        resume_config(cli.build_parser().parse_args(["train", "--resume", str(tmp_path / "run"), "--epochs", "3"]))


def test_a_run_folder_holds_the_journal_and_run_json(make_config, tmp_path):
    result = train(make_config, tmp_path / "run", 2)
    out = tmp_path / "run"
    record = runs.read_record(out)
    assert record["status"] == "finished" and record["task"] == "classify" and record["cell"] == "gru"
    assert record["epochs_done"] == record["epochs_planned"] == 2 and record["pid"] == os.getpid()
    assert record["metrics"] == result["metrics"] and record["best"]["metric"] == "accuracy"
    lines = [json.loads(line) for line in (out / runs.EVENTS).read_text().splitlines()]
    types = [line["type"] for line in lines]
    assert types[0] == "Started" and types[-1] == "Finished" and "Metrics" in types and "Snapshot" in types
    for line in lines:
        if line["type"] == "Snapshot":
            with open(out / line["arrays"], "rb") as file:
                import numpy as np

                assert set(np.load(file).files) == set(line["array_names"])
    assert {"config.json", "metrics.csv", "model.ckpt", "last.ckpt"} <= {p.name for p in out.iterdir()}


def test_a_running_record_whose_writer_is_gone_reads_interrupted(tmp_path):
    record = runs.new_record({"task": "classify", "cell": "gru"})
    record["pid"] = 2 ** 22 + 12345  # no such process
    runs.write_json(tmp_path / runs.RUN, record)
    assert runs.read_record(tmp_path)["status"] == "interrupted"
    record.update(host="elsewhere", updated=0.0)
    assert runs.live_status(record, now=1000.0) == "interrupted"
    assert runs.live_status(record, now=10.0) == "running"  # another host, seen recently


def test_runs_list_show_and_compare(make_config, tmp_path, capsys, monkeypatch):
    home = tmp_path / "library"
    for seed in (0, 1):
        train(make_config, home / f"gru-{seed}", 1, seed=seed)
    train(make_config, home / "lstm", 1, cell="lstm")
    assert cli.main(["runs", "list", "--dir", str(home), "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(listed) == 3 and all(item["status"] == "finished" and item["epochs_done"] == 1 for item in listed)
    assert {item["cell"] for item in listed} == {"gru", "lstm"} and all("accuracy" in item["test"] for item in listed)
    assert cli.main(["runs", "show", str(home / "lstm"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["config"]["cell"] == "lstm" and shown["last"]["epoch"] == 1.0
    table = catalog.compare([home / "gru-0", home / "gru-1", home / "lstm"])
    assert table["keys"] == ["cell", "seed"]
    grouped = next(row for row in table["rows"] if row["n"] == 2)  # the two GRU seeds
    assert grouped["cell"] == "gru" and "seed" not in grouped and set(grouped["test_accuracy"]) == {"mean", "std", "n"}
    assert cli.main(["runs", "compare", str(home / "gru-0"), str(home / "gru-1"), str(home / "lstm"),
                     "--markdown", str(tmp_path / "cmp.md")]) == 0
    text = (tmp_path / "cmp.md").read_text()
    assert text.startswith("| run | cell |") and "±" in text and "2 seeds" in text


def test_train_without_out_writes_into_the_run_library(make_config, tmp_path, monkeypatch, capsys, bars):
    monkeypatch.setenv(runs.RUNS_ENV, str(tmp_path / "home"))
    code = cli.main(["train", "--data", f"folder:{bars}?size=8&test=0.25", "--cell", "gru", "--hidden", "8",
                     "--epochs", "1", "--threads", "1", "--json"])
    assert code == 0
    line = json.loads(capsys.readouterr().out.splitlines()[-1])
    folder = tmp_path / "home" / os.path.basename(line["run"])
    assert folder.is_dir() and folder.name.endswith("_classify_gru") and (folder / "model.ckpt").is_file()


def test_events_read_back_as_they_were_sent_and_from_the_last_whole_line(make_config, tmp_path):
    from engine.events import Snapshot, Started
    from engine.runs.replay import read_events

    sent = []
    Trainer(make_config(epochs=2, out=str(tmp_path / "run")), sent.append).run()
    reading = read_events(tmp_path / "run")
    assert reading.skipped == 0 and type(reading.events[0]) is Started and reading.events[0] == sent[0]
    metrics = [e for e in sent if isinstance(e, Metrics)]
    assert [e for e in reading.events if isinstance(e, Metrics)] == metrics  # every curve point, in order
    results = [e for e in reading.events if isinstance(e, Snapshot) and e.kind == "prediction"]
    original = next(e for e in sent if isinstance(e, Snapshot) and e.kind == "prediction")
    assert len(results) == 1 and results[0].meta == original.meta
    assert all(np.array_equal(results[0].arrays[k], original.arrays[k]) for k in original.arrays)
    # a writer half-way through a line: only whole lines are read, and the next read goes on from there
    events_file = tmp_path / "run" / "events.jsonl"
    size = events_file.stat().st_size
    with open(events_file, "a") as file:
        file.write('{"type": "Metrics", "split": "val"')
    later = read_events(tmp_path / "run", reading.offset)
    assert later.events == [] and later.offset == size
    with open(events_file, "a") as file:
        file.write(', "epoch": 3, "global_step": 9, "values": {"loss": 0.5}}\n')
    assert read_events(tmp_path / "run", later.offset).events == [Metrics("val", 3, 9, {"loss": 0.5})]


def test_the_newest_probe_of_each_kind_is_in_the_folder_at_the_end(make_config, tmp_path):
    """The window shows the newest probe of each kind (hidden states, the gradient curve) when a run ends; the
    journal writes a live probe at most every 5 s, so one it left out is written when training ends, and the run
    read back shows the same pictures."""
    from engine.events import Snapshot
    from engine.runs.replay import read_events

    sent = []
    Trainer(make_config(epochs=3, out=str(tmp_path / "run")), sent.append, snapshot_every_s=0.0).run()
    newest = {e.kind: e for e in sent if isinstance(e, Snapshot) and e.kind in ("hidden", "grad_norms")}
    assert sum(isinstance(e, Snapshot) and e.kind == "grad_norms" for e in sent) > 1  # some were held back
    read = {e.kind: e for e in read_events(tmp_path / "run").events if isinstance(e, Snapshot)}
    for kind, event in newest.items():
        assert read[kind].global_step == event.global_step and read[kind].epoch == event.epoch
        assert all(np.array_equal(read[kind].arrays[k], event.arrays[k]) for k in event.arrays)
