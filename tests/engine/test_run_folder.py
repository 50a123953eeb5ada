"""The run folder (--out): a name that is a file, a place that cannot be made or written, said before any
data is read; leftovers of interrupted writes removed when a run starts writing there."""
import errno
import math
import os
import tempfile

import pytest

from engine import checkpoint
from engine.cli import main
from engine.events import Failed, Finished, Started
from engine.runs import folder as runs
from engine.training import Trainer


def run(config):
    events = []
    return Trainer(config, events.append).run(), events


def assert_refused_before_training(result, events, *phrases):
    assert result["reason"] == "failed" and result["checkpoint"] == ""
    assert [type(e) for e in events] == [Failed, Finished] and not any(isinstance(e, Started) for e in events)
    for phrase in phrases:
        assert phrase in result["message"], result["message"]
    assert "--out" in result["hint"] and "write" in result["hint"]


def test_out_naming_an_existing_file(make_config, tmp_path):
    file = tmp_path / "results.txt"
    file.write_text("keep me")
    # data that cannot be read: the folder is checked first, so its message is the one given
    result, events = run(make_config(out=str(file), data=f"folder:{tmp_path / 'nowhere'}"))
    assert_refused_before_training(result, events, f"The run folder {file} cannot be made", "is a file")
    assert file.read_text() == "keep me"


def test_out_below_a_file(make_config, tmp_path):
    file = tmp_path / "results.txt"
    file.write_text("keep me")
    result, events = run(make_config(out=str(file / "deeper" / "run")))
    assert_refused_before_training(result, events, f"{file} is a file, not a folder")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_out_in_a_folder_without_write_permission(make_config, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result, events = run(make_config(out=str(locked / "run")))
    finally:
        locked.chmod(0o700)
    assert_refused_before_training(result, events, f"Cannot write in the run folder {locked / 'run'}",
                                   "Permission denied")


def test_out_on_a_read_only_file_system(make_config, tmp_path, monkeypatch):
    """No read-only mount is at hand in a test, so the file system's answer (EROFS) is given by hand."""
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    result, events = run(make_config(out=str(tmp_path / "run")))
    assert_refused_before_training(result, events, "Cannot write in the run folder", "Read-only file system")


def test_cli_out_naming_a_file_is_a_message(bars, tmp_path, capsys):
    file = tmp_path / "model.ckpt"
    file.write_bytes(b"not a folder")
    code = main(["train", "--data", f"folder:{bars}?size=8", "--epochs", "1", "--threads", "1", "--out", str(file)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"error: The run folder {file} cannot be made" in err and "hint:" in err


def test_a_run_removes_leftovers_of_interrupted_writes_and_nothing_else(make_config, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    leftovers = [out / "model.ckpt.a1b2c3d4.tmp", out / "metrics.csv.tmp"]
    kept = [out / "notes.txt", out / "model.ckpt.mine.tmp", out / "metrics.csv.tmp.old"]
    for path in leftovers + kept:
        path.write_bytes(b"x" * 4096)
    config = make_config(epochs=1, batch=64, out=str(out))
    config.lr = math.inf  # diverges in its one step: the run writes neither a checkpoint nor metrics.csv
    result, _ = run(config)
    assert result["reason"] == "failed" and "diverged" in result["message"]
    journal = {"run.json", "events.jsonl", "snapshots"}  # the run library's record of it (engine/runs)
    assert {p.name for p in out.iterdir()} == {"config.json"} | journal | {p.name for p in kept}  # removed at start
    assert runs.read_record(out)["status"] == "failed"
    result, _ = run(make_config(epochs=1, out=str(out)))
    assert result["reason"] == "done"
    assert {p.name for p in out.iterdir()} == ({"model.ckpt", "config.json", "metrics.csv", "last.ckpt"} | journal
                                               | {p.name for p in kept})
    checkpoint.load(out / "model.ckpt")
