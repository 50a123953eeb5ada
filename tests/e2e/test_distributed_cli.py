"""Data-parallel training as a user starts it (issue 15): `torchrun --standalone --nproc-per-node 2 main.py train`
on the CPU with gloo trains one run whose two ranks end with the same weights and the one-process run's loss;
killing one rank ends the other within 60 s with a message naming it, and the folder reads as interrupted and
resumes under torchrun."""
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.runs.folder import read_record

ROOT = Path(__file__).resolve().parents[2]
TINY = ["train", "--data", "demo", "--cell", "gru", "--hidden", "16", "--layers", "1", "--no-augment",
        "--batch", "64", "--seed", "3"]
TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2", "main.py"]


def last_row(folder: Path) -> dict:
    with open(folder / "metrics.csv", newline="") as file:
        return list(csv.DictReader(file))[-1]


def test_two_gloo_ranks_train_the_one_process_run(tmp_path):
    start = time.monotonic()
    two = subprocess.Popen([*TORCHRUN, *TINY, "--epochs", "2", "--out", str(tmp_path / "two"), "--json"], cwd=ROOT,
                           text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    one = subprocess.run([sys.executable, "main.py", *TINY, "--epochs", "2", "--threads", "1",
                          "--out", str(tmp_path / "one"), "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    out, err = two.communicate(timeout=120)
    assert two.returncode == 0, err[-3000:]
    assert one.returncode == 0, one.stderr[-3000:]
    assert time.monotonic() - start < 60
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(lines) == 1, out  # rank 0 alone prints the result
    result = lines[0]
    assert result["world_size"] == 2 and result["ranks_agree"] is True  # both ranks' weights, checksummed
    assert "2 processes (gloo), batch 64 = 32 per process" in result["device"]
    assert json.loads(one.stdout.splitlines()[-1])["world_size"] == 1
    loss_two = float(last_row(tmp_path / "two")["train_loss"])
    loss_one = float(last_row(tmp_path / "one")["train_loss"])
    assert abs(loss_two - loss_one) <= 0.01 * loss_one
    record = read_record(tmp_path / "two")
    assert record["status"] == "finished" and record["world_size"] == 2
    assert [p["rank"] for p in record["ranks"]] == [0, 1]
    events = (tmp_path / "two" / "events.jsonl").read_text().splitlines()
    assert sum('"type": "Started"' in line for line in events) == 1  # one writer: rank 0


def test_a_killed_rank_ends_the_other_and_the_run_resumes(tmp_path):
    folder = tmp_path / "run"
    run = subprocess.Popen([*TORCHRUN, *TINY, "--epochs", "200", "--out", str(folder)], cwd=ROOT, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            record = read_record(folder) or {}
            if record.get("epochs_done", 0) >= 1 and record.get("ranks"):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the run never finished an epoch")
        victim = next(p["pid"] for p in record["ranks"] if p["rank"] == 1)
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        _, err = run.communicate(timeout=60)
    finally:
        run.kill()
    assert time.monotonic() - killed < 60
    assert run.returncode != 0
    assert f"Lost rank 1 (pid {victim} on " in err and "rank 0 stopped too" in err
    assert "Traceback" not in err.split("Lost rank 1")[0]  # the run's own words come before torchrun's summary
    record = read_record(folder)
    assert record["status"] == "interrupted"
    done = int(record["epochs_done"])
    assert done >= 1 and (folder / "last.ckpt").is_file()
    resumed = subprocess.run([*TORCHRUN, "train", "--resume", str(folder), "--epochs", str(done + 1), "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    record = read_record(folder)
    assert record["status"] == "finished" and record["epochs_done"] == done + 1 and record["resumes"] == 1
    assert json.loads(resumed.stdout.splitlines()[-1])["ranks_agree"] is True
