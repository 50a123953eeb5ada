"""The per-task part of the GPU check (issue 17, item 7), used by bench/gpu.py --tasks: for each task's defaults on
its own demo data, a short training on the CPU, on one GPU with mixed precision (AMP) and on one GPU without
(RNN_VISION_LAB_AMP=0): samples/s of training, and whether the loss fell and the selection metric matches the CPU's
within noise. One JSON line per task.

    python bench/gpu.py --tasks [--task-epochs 3]
"""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# how far a GPU run's selection metric may be from the CPU run's and still be "the same within noise": two short
# runs of one seed differ by float rounding (cuDNN, float16), which changes which samples a weak model gets right
TOLERANCE = {"absolute": 0.05, "relative": 0.10}


def run(task: str, data: str, device: str, epochs: int, out: Path, amp: bool = True, timeout: int = 600) -> dict:
    env = {**os.environ, "RNN_VISION_LAB_AMP": "1" if amp else "0"}
    command = [sys.executable, str(ROOT / "main.py"), "train", "--task", task, "--data", data, "--epochs",
               str(epochs), "--device", device, "--out", str(out), "--json"]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1][:300]}
    result = json.loads(lines[-1])
    with open(out / "metrics.csv", newline="") as file:
        losses = [float(row["train_loss"]) for row in csv.DictReader(file)]
    return {"samples_per_s": result["samples_per_s"], "seconds": result["seconds"], "device": result["device"],
            "metrics": result["metrics"], "first_loss": losses[0] if losses else None,
            "last_loss": losses[-1] if losses else None}


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(TOLERANCE["absolute"], TOLERANCE["relative"] * abs(b))


def check_task(task: str, epochs: int, work: Path) -> dict:
    """The three runs of one task and what they show."""
    from engine.tasks import registry

    spec = registry.spec(task)
    metric = f"val_{spec.selection_metric}"
    runs = {name: run(task, spec.demo_data, device, epochs, work / f"{task}-{name}", amp)
            for name, device, amp in (("cpu", "cpu", True), ("gpu_amp", "cuda:0", True),
                                      ("gpu_fp32", "cuda:0", False))}
    problems = [f"{name}: {r['error']}" for name, r in runs.items() if "error" in r]
    if not problems:
        cpu_value = runs["cpu"]["metrics"].get(metric)
        for name in ("gpu_amp", "gpu_fp32"):
            r = runs[name]
            if not (r["last_loss"] is not None and r["first_loss"] is not None and r["last_loss"] < r["first_loss"]):
                problems.append(f"{name}: the training loss did not fall ({r['first_loss']} -> {r['last_loss']})")
            if not close(r["metrics"].get(metric), cpu_value):
                problems.append(f"{name}: {metric} {r['metrics'].get(metric)} against the CPU's {cpu_value}")
    speed = {name: r.get("samples_per_s") for name, r in runs.items()}
    return {"task": task, "data": spec.demo_data, "epochs": epochs, "metric": metric, "samples_per_s": speed,
            "values": {name: r.get("metrics", {}).get(metric) for name, r in runs.items()},
            "speedup_amp": _ratio(speed["gpu_amp"], speed["cpu"]),
            "speedup_fp32": _ratio(speed["gpu_fp32"], speed["cpu"]),
            "problems": problems}


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def check_every_task(epochs: int, work: Path) -> list[dict]:
    from engine.tasks import registry

    rows = []
    for task in registry.names():
        row = check_task(task, epochs, work)
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows
