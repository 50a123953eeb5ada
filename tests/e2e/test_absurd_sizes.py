"""Absurd sizes and values on the command line, run as a user would under an 8 GiB address-space limit
(`prlimit --as`): each ends in exit 2 with an "error:" message saying what is wrong, never a traceback, a
"This is a bug" or a process killed for memory. Every refusal comes before anything large is allocated."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = ["prlimit", f"--as={8 * 2**30}"]
QUICK = ["--threads", "1", "--epochs", "1"]

CASES = {  # name: (arguments after `main.py train`, words the message must hold)
    "a million generated sequences": (["--task", "predict", "--data", "moving:1000000"], "would need about"),
    "shapes of 100,000 pixels a side": (["--task", "segment", "--data", "shapes?size=100000"], "Bad shapes size"),
    "100,000 threads": (["--data", "demo", "--threads", "100000", "--epochs", "1"], "threads must be 0-1,024"),
    "a seed of 2**70": (["--data", "demo", "--seed", str(2**70)], "seed must be 0-4,294,967,295"),
    "a negative seed": (["--data", "demo", "--seed", "-1"], "seed must be"),
    "negative weight decay": (["--data", "demo", "--weight-decay", "-1"], "weight_decay must be 0"),
    "NaN weight decay": (["--data", "demo", "--weight-decay", "nan"], "weight_decay must be a finite number"),
    "an unknown classify option": (["--data", "demo", "--option", "foo=1"], "Unknown option(s) for the classify task"),
    "an --option nested 100,000 levels deep": (["--data", "demo", "--option", "gate_init=" + "[" * 100_000],
                                               "more than 20 levels deep"),
    "an edges stem of 100,000 channels": (["--task", "edges", "--data", "shapes:8", "--option", "width=100000"],
                                          "width must be a whole number from 1 to 128"),
}


def _start(args: list[str]) -> subprocess.Popen:
    command = [*LIMIT, sys.executable, "main.py", "train", *QUICK, *args]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def finished():
    """Every case run at once (each is a second or two of imports), as {name: (returncode, stderr)}."""
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit (util-linux) is not installed")
    running = {name: _start(args) for name, (args, _) in CASES.items()}
    results = {}
    try:
        for name, process in running.items():
            _, stderr = process.communicate(timeout=240)
            results[name] = (process.returncode, stderr)
    finally:
        for process in running.values():  # our own children only, should a case hang
            if process.poll() is None:
                process.kill()
                process.communicate()
    return results


@pytest.mark.parametrize("name", list(CASES))
def test_absurd_value_is_a_message(finished, name):
    code, stderr = finished[name]
    assert "Traceback" not in stderr and "This is a bug" not in stderr, stderr
    assert code == 2, stderr
    assert "error:" in stderr and CASES[name][1] in stderr, stderr


def test_deeply_nested_config_file(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"options": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    done = subprocess.run([sys.executable, "main.py", "train", "--config", str(path), *QUICK], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "error:" in done.stderr and "levels deep" in done.stderr
