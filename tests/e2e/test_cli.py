"""`python main.py train|evaluate|predict` run as a user runs them, in a subprocess, on tiny generated data."""
import json
import struct
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUI_PACKAGES = {"PySide6", "pyqtgraph", "gui"}


class Launch:
    """`python main.py ARGS` started now; result() waits for it. Several run at once to save wall time."""

    def __init__(self, *args, python_flags=()):
        self.command = [sys.executable, *python_flags, "main.py", *map(str, args)]
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.done = None

    def result(self, timeout=180) -> subprocess.CompletedProcess:
        if self.done is None:
            try:
                stdout, stderr = self.process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise
            self.done = subprocess.CompletedProcess(self.command, self.process.returncode, stdout, stderr)
        return self.done


def stop_all(launches: dict) -> None:
    """Kill what a failed test left running (our own child processes only)."""
    for launch in launches.values():
        if isinstance(launch, Launch) and launch.process.poll() is None:
            launch.process.kill()
            launch.process.communicate()


def bar(top: bool, size: int, rng) -> np.ndarray:
    image = rng.uniform(0, 0.15, (size, size))
    half = size // 2
    image[(slice(1, half) if top else slice(half, size - 1)), 1:size - 1] += 0.8
    return (np.clip(image, 0, 1) * 255).astype(np.uint8)


def write_folder(root: Path, per_class: int = 10) -> Path:
    rng = np.random.default_rng(0)
    for name in ("bottom", "top"):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            assert cv2.imwrite(str(root / name / f"{i}.png"), bar(name == "top", 8, rng))
    return root


def imported_modules(importtime_stderr: str) -> set[str]:
    """Module names from `python -X importtime` output ("import time: self | cumulative | name")."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def gui_modules(names: set[str]) -> list[str]:
    return sorted(name for name in names if name.split(".")[0] in GUI_PACKAGES)


def last_json_line(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert lines, "no output on stdout"
    return json.loads(lines[-1])


def assert_clear_failure(process, *phrases):
    assert process.returncode != 0, process.stdout
    assert "Traceback" not in process.stderr, process.stderr
    assert "error:" in process.stderr
    for phrase in phrases:
        assert phrase in process.stderr, process.stderr


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("digits"))


@pytest.fixture(scope="module")
def spec(folder):
    return f"folder:{folder}?size=8&test=0.3"


@pytest.fixture(scope="module")
def launched(tmp_path_factory, folder, spec):
    """Every command that needs no trained model, started together (each pays ~1.5 s of torch import)."""
    bad = tmp_path_factory.mktemp("bad")
    (bad / "empty").mkdir()
    idx = bad / "mnist"
    idx.mkdir()
    (idx / "t10k-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 1234, 2, 4, 4) + bytes(32))
    (idx / "t10k-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, 2) + bytes([1, 2]))
    from engine import checkpoint

    other = checkpoint.save(bad / "other.ckpt", {}, {"task": "no-such-task"}, {"task": "no-such-task"}, {})
    (bad / "config.json").write_text(json.dumps({"cell": "lstm", "hiddn": 16}))
    out = tmp_path_factory.mktemp("run") / "out"
    importtime = ("-X", "importtime")  # the same run also shows everything it imported
    launches = {
        "out": out,
        "train": Launch("train", "--data", spec, "--cell", "gru", "--hidden", "8", "--epochs", "2", "--out", out,
                        "--json", python_flags=importtime),
        "help": Launch("--help", python_flags=importtime),
        "missing": Launch("train", "--data", f"folder:{bad / 'nowhere'}?size=8", "--epochs", "1"),
        "empty": Launch("train", "--data", f"folder:{bad / 'empty'}?size=8", "--epochs", "1"),
        "idx": Launch("train", "--data", f"mnist:{idx}", "--epochs", "1"),
        "other_task": Launch("evaluate", "--checkpoint", other, "--data", f"folder:{folder}"),
        "unknown_keys": Launch("train", "--config", bad / "config.json", "--data", f"folder:{folder}"),
    }
    yield launches
    stop_all(launches)


@pytest.fixture(scope="module")
def trained(launched):
    process = launched["train"].result()
    assert process.returncode == 0, process.stderr[-3000:]
    return {"process": process, "out": launched["out"], "result": last_json_line(process.stdout)}


@pytest.fixture(scope="module")
def using_model(trained, folder, spec, tmp_path_factory):
    """evaluate and predict with the trained checkpoint, started together."""
    image = tmp_path_factory.mktemp("predict") / "img.png"
    assert cv2.imwrite(str(image), cv2.resize(cv2.imread(str(folder / "top" / "0.png")), (20, 20)))
    checkpoint = trained["result"]["checkpoint"]
    launches = {"image": image,
            "evaluate": Launch("evaluate", "--checkpoint", checkpoint, "--data", spec, "--json"),
            "predict": Launch("predict", "--checkpoint", checkpoint, image, "--json"),
            "predict_missing": Launch("predict", "--checkpoint", checkpoint, image, image.parent / "nothing.png")}
    yield launches
    stop_all(launches)


def test_train_prints_a_json_result_and_writes_the_run_folder(trained):
    result, out = trained["result"], trained["out"]
    assert {"task", "cell", "device", "epochs", "seconds", "samples_per_s", "metrics", "checkpoint"} <= set(result)
    assert (result["task"], result["cell"], result["epochs"]) == ("classify", "gru", 2)
    assert "CPU" in result["device"] or "CUDA" in result["device"] or "MPS" in result["device"]
    assert result["seconds"] > 0 and result["samples_per_s"] > 0
    for key in ("test_accuracy", "val_accuracy"):
        assert 0.0 <= result["metrics"][key] <= 1.0, key
    assert Path(result["checkpoint"]) == out / "model.ckpt"
    for name in ("model.ckpt", "config.json", "metrics.csv"):
        assert (out / name).is_file(), name
    assert json.loads((out / "config.json").read_text())["hidden"] == 8
    assert len((out / "metrics.csv").read_text().strip().splitlines()) == 3  # header + 2 epochs


def test_train_never_imports_the_gui(trained):
    names = imported_modules(trained["process"].stderr)
    assert "torch" in names and "engine.training" in names  # the parse found the real imports
    assert gui_modules(names) == []


def test_help_never_imports_the_gui(launched):
    process = launched["help"].result()
    assert process.returncode == 0 and "train" in process.stdout and "evaluate" in process.stdout
    names = imported_modules(process.stderr)
    assert "engine.cli" in names and gui_modules(names) == []


def test_evaluate_repeats_the_training_test_score(trained, using_model):
    process = using_model["evaluate"].result()
    assert process.returncode == 0, process.stderr
    result = last_json_line(process.stdout)
    accuracy = result["metrics"]["test_accuracy"]
    assert 0.0 <= accuracy <= 1.0
    assert accuracy == pytest.approx(trained["result"]["metrics"]["test_accuracy"])
    assert set(result["per_class_accuracy"]) == {"bottom", "top"}
    assert "test_accuracy" in process.stderr  # the human-readable line


def test_predict_image_files(using_model):
    process, image = using_model["predict"].result(), using_model["image"]
    assert process.returncode == 0, process.stderr
    path, label, probability = process.stdout.splitlines()[0].split("\t")[:3]
    assert path == str(image) and label in ("bottom", "top") and 0 <= float(probability.split()[0]) <= 1
    (prediction,) = last_json_line(process.stdout)["predictions"]
    assert prediction["class"] == label and prediction["path"] == str(image)


def test_predict_a_missing_image_fails_clearly(using_model):
    process = using_model["predict_missing"].result()
    assert process.returncode == 1 and "Traceback" not in process.stderr
    assert "nothing.png: error:" in process.stderr
    assert process.stdout.startswith(str(using_model["image"]) + "\t")  # the good image is still classified


# ---- bad input: a clear message on stderr, a non-zero exit, no traceback ----

def test_missing_folder(launched):
    assert_clear_failure(launched["missing"].result(), "Folder not found", "nowhere", "hint:")


def test_empty_folder(launched):
    assert_clear_failure(launched["empty"].result(), "is empty")


def test_idx_file_with_a_wrong_magic_number(launched):
    assert_clear_failure(launched["idx"].result(), "magic number 1234", "2051")


def test_checkpoint_of_another_task(launched):
    assert_clear_failure(launched["other_task"].result(), "'no-such-task'", "classify")


def test_config_with_unknown_keys(launched):
    assert_clear_failure(launched["unknown_keys"].result(), "Unknown config key", "hiddn")
