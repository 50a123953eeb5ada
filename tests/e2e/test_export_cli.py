"""`python main.py export` (issue 16, part 2): classify (GRU and LSTM stacks, bidirectional), edges and segment
(ReNet sweeps of GRUs and LSTMs) and frame-prediction (a ConvLSTM step) checkpoints written as ONNX, run by
onnxruntime on other batch and image sizes and within 1e-4 of torch; the frame model's step run in the
README's rollout loop gives the model's own rollout; test accuracy is the same in both; the user's files are
never written over; a missing package or a task without a graph is said plainly. Tiny checkpoints are
trained by the real `train` command."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from e2e_runs import run_all, tiny_train_commands
from tiny_images import write_bars

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
TINY = ["--hidden", "4", "--epochs", "1", "--threads", "1", "--device", "cpu"]


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export")
    bars = write_bars(root / "bars")
    commands = tiny_train_commands(root, ("edges", "segment", "video-classify"))
    folder = f"folder:{bars}?size=8&test=0.25"
    commands["classify"] = ["train", "--task", "classify", "--data", folder, "--cell", "gru", "--layers", "2",
                            "--bidirectional", *TINY, "--out", root / "classify"]
    commands["classify-lstm"] = ["train", "--task", "classify", "--data", folder, "--cell", "lstm", "--read", "cols",
                                 *TINY, "--out", root / "classify-lstm"]
    commands["edges-lstm"] = [*commands["edges"][:-1], root / "edges-lstm", "--cell", "lstm"]
    commands["predict"] = ["train", "--task", "predict", "--data", "moving:24", "--context", "2", "--horizon", "2",
                           "--cell", "convlstm", "--layers", "2", "--batch", "8", *TINY, "--out", root / "predict"]
    for name, process in run_all(commands).items():
        assert process.returncode == 0, (name, process.stderr[-2000:])
    return {name: root / name / "model.ckpt" for name in commands} | {"bars": folder}


def export(args: list) -> tuple[int, dict | None, str]:
    from engine.cli import main

    return main(["export", *map(str, args)])


@pytest.mark.parametrize("name", ["classify", "classify-lstm", "edges", "edges-lstm", "segment", "predict"])
def test_exports_run_in_onnxruntime_within_1e_4_of_torch(checkpoints, name, tmp_path, capsys):
    out = tmp_path / f"{name}.onnx"
    assert export(["--checkpoint", checkpoints[name], "--out", out, "--verify", "--json", "--threads", "1"]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    print(name, "max_abs_diff", result["max_abs_diff"])  # the figures of the report (pytest -s)
    assert result["verified"] is True and 0 <= result["max_abs_diff"] <= 1e-4 and out.is_file()
    assert len(result["checked"]) == 3  # the traced batch and two others
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    first = session.get_inputs()[0]
    assert first.shape[0] == "batch"
    if name.startswith(("edges", "segment")):  # fully convolutional + sweeps: any image size
        assert first.shape[2:] == ["height", "width"]
        assert len({tuple(c["images"][2:]) for c in result["checked"]}) >= 2
    metadata = session.get_modelmeta().custom_metadata_map
    assert metadata["task"] == name.split("-")[0] and "in [0, 1]" in metadata["inputs"]


def test_the_frame_step_in_the_readmes_loop_rolls_out_as_the_model(checkpoints, tmp_path):
    from engine.inference import load_predictor

    out = tmp_path / "frames.onnx"
    assert export(["--checkpoint", checkpoints["predict"], "--out", out, "--threads", "1"]) == 0
    predictor = load_predictor(checkpoints["predict"], device="cpu", threads=1)
    seed = np.random.default_rng(3).integers(0, 255, (2, 1, 64, 64)).astype(np.uint8)
    expected = predictor.rollout(seed, 4)  # uint8 (4, 1, 64, 64)

    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()][1:]  # h0, c0, h1, c1
    states = {n: np.zeros([1, *session.get_inputs()[k + 1].shape[1:]], np.float32) for k, n in enumerate(names)}
    frames = list(seed.astype(np.float32)[:, None] / 255)  # each (1, 1, 64, 64)
    generated = []
    for step in range(len(frames) + 4 - 1):
        prediction, *new = session.run(None, {"frame": frames[step], **states})
        states = dict(zip(names, new))
        if step >= len(seed) - 1:
            frames.append(np.clip(prediction, 0, 1))
            generated.append(frames[-1][0])
    found = np.round(np.stack(generated) * 255).astype(np.uint8)
    assert found.shape == expected.shape and np.abs(found.astype(int) - expected).max() <= 1


def test_classify_test_accuracy_is_the_same_in_onnxruntime(checkpoints, tmp_path, capsys):
    out = tmp_path / "bars.onnx"
    assert export(["--checkpoint", checkpoints["classify"], "--out", out, "--data", checkpoints["bars"], "--json",
                   "--threads", "1"]) == 0
    test = json.loads(capsys.readouterr().out.splitlines()[-1])["test"]
    assert test["samples"] == 8 and test["torch_accuracy"] == test["onnx_accuracy"]
    assert test["same_predictions"] == 8


def test_a_users_files_are_never_written_over(checkpoints, tmp_path, capsys):
    mine = tmp_path / "mine.onnx"
    mine.write_bytes(b"my own file")
    assert export(["--checkpoint", checkpoints["classify"], "--out", mine]) == 2
    assert mine.read_bytes() == b"my own file" and "already exist" in capsys.readouterr().err
    ckpt = tmp_path / "model.ckpt"
    ckpt.write_bytes(Path(checkpoints["classify"]).read_bytes())
    assert export(["--checkpoint", ckpt, "--out", ckpt, "--format", "checkpoint", "--overwrite"]) == 2
    assert "inputs" in capsys.readouterr().err and ckpt.read_bytes() == Path(checkpoints["classify"]).read_bytes()
    assert export(["--checkpoint", checkpoints["classify"], "--out", tmp_path / "m.txt"]) == 2
    assert "End the name in .onnx" in capsys.readouterr().err
    copy = tmp_path / "copy.ckpt"
    assert export(["--checkpoint", checkpoints["classify"], "--out", copy, "--format", "checkpoint", "--json"]) == 0
    assert copy.read_bytes() == Path(checkpoints["classify"]).read_bytes()
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["verified"] is True
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_what_cannot_be_exported_is_said(checkpoints, tmp_path, capsys, monkeypatch):
    assert export(["--checkpoint", checkpoints["video-classify"], "--out", tmp_path / "clips.onnx"]) == 2
    err = capsys.readouterr().err
    assert "cannot be exported to ONNX" in err and "--format checkpoint" in err
    assert export(["--checkpoint", checkpoints["edges"], "--out", tmp_path / "e.onnx", "--data", "demo"]) == 2
    assert "only classifiers are scored" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "onnx", None)  # as if it were not installed
    assert export(["--checkpoint", checkpoints["classify"], "--out", tmp_path / "c.onnx"]) == 2
    err = capsys.readouterr().err
    assert "needs the onnx package" in err and "pip install" in err
    assert list(tmp_path.iterdir()) == []
