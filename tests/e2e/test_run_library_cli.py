"""The run library from the command line, as a user runs it (issue 14): `runs show` on a folder that a running
`train` writes says running with its epochs growing, then finished; a run killed with SIGKILL reads as
interrupted and `train --resume` carries it to its end (bench/kill_resume.py does this 20 times)."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ["train", "--data", "demo", "--cell", "gru", "--hidden", "16", "--layers", "1", "--batch", "64",
         "--threads", "1", "--no-bidirectional"]


def main_py(*args, timeout=120):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def show(folder):
    done = main_py("runs", "show", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def wait_for(what, condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_runs_show_follows_a_running_train_to_its_end(tmp_path):
    folder = tmp_path / "run"
    writer = subprocess.Popen([sys.executable, "main.py", *TRAIN, "--epochs", "4", "--out", str(folder)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        seen = []

        def running_with_epochs():
            if not (folder / "run.json").exists():
                return None
            item = show(folder)
            seen.append((item["status"], item["epochs_done"]))
            return item["status"] == "running" and item["epochs_done"] >= 1

        wait_for("a running run with an epoch done", running_with_epochs)
        assert writer.wait(timeout=180) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
    final = show(folder)
    assert final["status"] == "finished" and final["epochs_done"] == 4 and "accuracy" in final["test"]
    running = [epochs for status, epochs in seen if status == "running"]
    assert running == sorted(running)  # epochs done only grow


def test_a_killed_run_reads_interrupted_and_resumes_to_its_end(tmp_path):
    folder = tmp_path / "run"
    writer = subprocess.Popen([sys.executable, "main.py", *TRAIN, "--epochs", "30", "--out", str(folder)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for("the first epoch", lambda: (folder / "last.ckpt").exists())
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    item = show(folder)
    assert item["status"] == "interrupted" and 1 <= item["epochs_done"] < 30
    resumed = main_py("train", "--resume", str(folder), "--epochs", str(item["epochs_done"] + 1), timeout=180)
    assert resumed.returncode == 0, resumed.stderr
    after = show(folder)
    assert after["status"] == "finished" and after["epochs_done"] == item["epochs_done"] + 1
    assert after["resumes"] == 1


def test_the_kill_bench_reads_and_resumes_every_run(tmp_path):
    done = subprocess.run([sys.executable, "bench/kill_resume.py", "--runs", "2", "--longest", "6"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout.splitlines()[-1])
    assert done.returncode == 0 and report["shown"] == report["resumed"] == 2 and not report["problems"], report
