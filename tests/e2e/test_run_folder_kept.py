"""train and compare never write over an earlier run's files or into the data they read."""
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUICK = ["--data", "demo", "--epochs", "1", "--hidden", "8", "--layers", "1", "--threads", "1"]


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=240)


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_second_train_into_the_same_folder_is_refused_until_overwrite(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "config.json").write_text('{"mine": "a user file"}\n')
    refused = _run("train", *QUICK, "--out", str(out))
    assert refused.returncode == 2 and "already holds config.json" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    assert (out / "config.json").read_text() == '{"mine": "a user file"}\n' and _digest(out).keys() == {"config.json"}
    done = _run("train", *QUICK, "--out", str(out), "--overwrite")
    assert done.returncode == 0, done.stderr
    assert {"config.json", "metrics.csv", "model.ckpt"} <= set(_digest(out))


def test_a_run_folder_inside_the_data_is_refused(tmp_path):
    data = tmp_path / "digits"
    for label in ("a", "b"):
        (data / label).mkdir(parents=True)
    before = {p: p.stat().st_mtime_ns for p in data.rglob("*")}
    result = _run("train", "--data", f"folder:{data}", "--epochs", "1", "--threads", "1", "--out", str(data / "run"))
    assert result.returncode == 2 and "inside the data folder" in result.stderr, result.stderr
    assert {p: p.stat().st_mtime_ns for p in data.rglob("*")} == before


def test_compare_keeps_an_earlier_report(tmp_path):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "report.html").write_text("<p>last week's report</p>")
    result = _run("compare", *QUICK, "--cells", "rnn", "--out", str(out))
    assert result.returncode == 2 and "report.html" in result.stderr and "--overwrite" in result.stderr, result.stderr
    assert (out / "report.html").read_text() == "<p>last week's report</p>" and len(list(out.iterdir())) == 1
