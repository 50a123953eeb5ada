"""What the command line says, run as a user runs it: a mistyped command stops at once with the list of
commands (the window used to open and ignore it); train and evaluate list the files they skipped, on
stderr and in --json; data of another task than the model's says so."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from e2e_runs import ROOT, run_all, tiny_train_commands
from tiny_images import write_bars

BROKEN = 7  # unreadable files among the training images


def imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("argv, said", [
    (["evalute", "--checkpoint", "x.ckpt"], "unknown command 'evalute'. Did you mean 'evaluate'?"),
    (["trian"], "unknown command 'trian'. Did you mean 'train'?"),
    (["--epochs", "3"], "unknown option '--epochs'."),
    (["--hlep"], "unknown option '--hlep'. Did you mean '--help'?"),
    (["digits.png"], "unknown command 'digits.png'."),
])
def test_an_unknown_command_exits_2_at_once_without_qt(argv, said):
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-X", "importtime", "main.py", *argv], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
    assert time.perf_counter() - started < 20
    assert process.returncode == 2 and process.stdout == ""
    assert said in process.stderr
    assert "train, evaluate, predict, compare" in process.stderr and "opens the window" in process.stderr
    assert not {name for name in imported(process.stderr) if name.split(".")[0] in ("PySide6", "gui", "torch")}


def test_qt_options_still_open_the_window(tmp_path):
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "RNN_LAB_QUIT_WHEN_LOADED": "1",
                   "RNN_LAB_TIMING": "1", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    process = subprocess.run([sys.executable, "main.py", "-platform", "offscreen"], cwd=ROOT, env=environment,
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stderr[-3000:]
    assert "first paint after" in process.stderr and "unknown" not in process.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """train on class folders holding BROKEN unreadable files, then evaluate there (--verbose), together with
    the commands given data of another task."""
    root = tmp_path_factory.mktemp("skipping")
    data = write_bars(root / "bars", per_class=8)
    for i in range(BROKEN):
        (data / "top" / f"broken{i}.png").write_bytes(b"not a picture")
    spec = f"folder:{data}?size=8&test=0.25"
    bsds = root / "bsds500"
    (bsds / "images").mkdir(parents=True)
    (bsds / "groundTruth").mkdir()
    common = ["--threads", "1", "--device", "cpu"]
    trained = run_all({"train": ["train", "--data", spec, "--hidden", "4", "--epochs", "1", "--out", root / "run",
                                 "--json", *common],
                       "train_other_task": ["train", "--task", "predict", "--data", f"bsds:{bsds}", *common],
                       **tiny_train_commands(root, ("video-classify",))})
    for name in ("train", "video-classify"):
        assert trained[name].returncode == 0, trained[name].stderr[-3000:]
    checkpoint = root / "run" / "model.ckpt"
    used = run_all({"evaluate": ["evaluate", "--checkpoint", checkpoint, "--data", spec, "--verbose", "--json",
                                 *common],
                    "evaluate_other_task": ["evaluate", "--checkpoint", checkpoint, "--data", f"bsds:{bsds}", *common],
                    "predict_clips": ["predict", "--checkpoint", root / "video-classify" / "model.ckpt",
                                      data / "top" / "000.png", *common]})
    return {**trained, **used}


def last_json(process) -> dict:
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_train_counts_the_skipped_files_and_lists_the_first_few(runs):
    err = runs["train"].stderr
    assert f"{BROKEN} file(s) skipped:" in err
    listed = [line for line in err.splitlines() if line.startswith("  ") and "broken" in line]
    assert len(listed) == 5 and all(": " in line for line in listed)
    assert f"... and {BROKEN - 5} more (--verbose lists them all)" in err


def test_train_json_carries_every_skipped_file(runs):
    skipped = last_json(runs["train"])["skipped"]
    assert len(skipped) == BROKEN
    assert {os.path.basename(item["path"]) for item in skipped} == {f"broken{i}.png" for i in range(BROKEN)}
    assert all(item["reason"] for item in skipped)


def test_evaluate_lists_every_skipped_file_with_verbose(runs):
    process = runs["evaluate"]
    skipped = last_json(process)["skipped"]
    assert len(skipped) == BROKEN
    lines = process.stderr.splitlines()
    for item in skipped:  # each on its own line, with its reason (which names the file only once there)
        (line,) = [line for line in lines if line.startswith(f"  {item['path']}: ")]
        assert item["reason"].rsplit(": ", 1)[-1] in line
    assert "more (--verbose" not in process.stderr and "test_accuracy" in process.stderr


def test_data_of_another_task_says_which_task_it_is_for(runs):
    for name, phrases in {"evaluate_other_task": ("is a model for the task 'classify'", "'bsds' data",
                                                  "task 'edges'", "hint: Give classify data"),
                          "train_other_task": ("The task 'predict' cannot train on", "'bsds' data",
                                               "hint: Use --task edges")}.items():
        process = runs[name]
        assert process.returncode == 2 and "Traceback" not in process.stderr, process.stderr
        for phrase in phrases:
            assert phrase in process.stderr, (phrase, process.stderr)
        assert "does not exist" not in process.stderr


def test_predict_with_a_clip_classifier_says_what_to_use_instead(runs):
    process = runs["predict_clips"]
    assert process.returncode == 2 and "Traceback" not in process.stderr, process.stderr
    assert "predict does not take a 'video-classify' checkpoint" in process.stderr
    assert "hint: Measure it with: evaluate --checkpoint" in process.stderr
