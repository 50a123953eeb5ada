"""A run killed at any moment can be read and resumed (issue 14): N short `main.py train` runs, each killed with
SIGKILL after a random delay, then `main.py runs show` must read its folder and `main.py train --resume` must
carry it to its end. Prints one JSON line.

    .venv/bin/python bench/kill_resume.py --runs 20

{"runs": 20, "killed": K, "finished_before_the_kill": F, "shown": 20, "resumed": 20, "statuses": {...},
 "problems": []}
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# about 6.5 s a run here: kills at 0.5-6 s land in start-up, data loading, training and the test
TRAIN = ["--task", "classify", "--data", "demo", "--cell", "gru", "--hidden", "16", "--layers", "1", "--epochs",
         "8", "--batch", "64", "--threads", "1", "--no-bidirectional"]


def main_py(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def one_run(folder: Path, delay: float, report: dict) -> None:
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", *TRAIN, "--out", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    time.sleep(delay)
    finished = process.poll() is not None
    if not finished:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    report["killed" if not finished else "finished_before_the_kill"] += 1
    shown = main_py("runs", "show", str(folder), "--json")
    if shown.returncode != 0:
        report["problems"].append(f"{folder.name}: runs show failed: {shown.stderr.strip()[-300:]}")
        return
    status = json.loads(shown.stdout)["status"]
    report["statuses"][status] = report["statuses"].get(status, 0) + 1
    report["shown"] += 1
    if status == "finished":
        report["resumed"] += 1  # nothing left to resume
        return
    resumed = main_py("train", "--resume", str(folder))
    after = main_py("runs", "show", str(folder), "--json")
    if resumed.returncode != 0 or after.returncode != 0 or json.loads(after.stdout)["status"] != "finished":
        report["problems"].append(f"{folder.name} ({status} after {delay:.1f} s): resume failed: "
                                  f"{resumed.stderr.strip()[-300:]}")
        return
    report["resumed"] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--longest", type=float, default=6.0, help="the latest kill, in seconds after the start")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    report = {"runs": args.runs, "killed": 0, "finished_before_the_kill": 0, "shown": 0, "resumed": 0,
              "statuses": {}, "problems": []}
    with tempfile.TemporaryDirectory(prefix="kill-resume-") as home:
        os.environ["RNN_VISION_LAB_RUNS"] = home
        for i in range(args.runs):
            one_run(Path(home) / f"run-{i:02d}", rng.uniform(0.5, args.longest), report)
    print(json.dumps(report))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
