"""The GPU check of issue 15, as one short script for a machine with CUDA GPUs: data-parallel training under
torchrun with NCCL, and throughput on the CPU, one GPU and every GPU. One JSON line per measurement, then a
verdict line; exits 1 when a check fails.

    python bench/gpu.py [--epochs 3] [--task classify] [--data demo] [--timeout 240]

1. NCCL: `torchrun --standalone --nproc-per-node G main.py train --device cuda` on the G GPUs here (G = 1 still
   runs NCCL through a process group of one): the run must finish, say "nccl" in its device line, report
   world_size G and ranks_agree true (every rank's weights equal at the end), and write one run folder.
2. Throughput: the same run (the default model: 2 bidirectional GRU layers of 128, batch 64) on the CPU (one
   process), on one GPU, and under torchrun on every GPU: samples/s of training, seconds, test accuracy.
3. With --tasks (issue 17): every task's defaults on its demo data, on the CPU, one GPU with AMP and one GPU
   without (bench/gpu_tasks.py): samples/s, and whether the loss fell and the metric matches the CPU's.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def train(out: Path, args, device: str, processes: int = 0, threads: int = 0) -> dict:
    """One `train --json` run; processes > 0 runs it under torchrun. Its JSON line, or {"error": ...}."""
    launch = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(processes)] \
        if processes else [sys.executable]
    command = [*launch, str(ROOT / "main.py"), "train", "--task", args.task, "--data", args.data, "--epochs",
               str(args.epochs), "--device", device, "--threads", str(threads), "--out", str(out), "--json"]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1][:300], "rc": done.returncode}
    return json.loads(lines[-1])


def figures(name: str, result: dict) -> dict:
    if "error" in result:
        return {"run": name, **result}
    metrics = result["metrics"]
    return {"run": name, "device": result["device"], "world_size": result.get("world_size", 1),
            "ranks_agree": result.get("ranks_agree"), "samples_per_s": result["samples_per_s"],
            "seconds": result["seconds"], "test_accuracy": metrics.get("test_accuracy"),
            "val_accuracy": metrics.get("val_accuracy")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--task", default="classify")
    parser.add_argument("--data", default="demo")
    parser.add_argument("--timeout", type=int, default=240, help="seconds for each run")
    parser.add_argument("--tasks", action="store_true", help="also every task's defaults, AMP on and off")
    parser.add_argument("--task-epochs", type=int, default=3)
    args = parser.parse_args()
    import torch

    gpus = torch.cuda.device_count()
    print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "gpus": gpus,
                      "names": [torch.cuda.get_device_name(i) for i in range(gpus)],
                      "nccl": torch.distributed.is_nccl_available()}), flush=True)
    if not gpus:
        print(json.dumps({"verdict": "no CUDA GPU here: nothing to check"}))
        return 1
    os.environ.setdefault("RNN_VISION_LAB_RUNS", tempfile.mkdtemp(prefix="gpu-bench-runs-"))
    work = Path(tempfile.mkdtemp(prefix="gpu-bench-"))
    rows = {"nccl": figures("nccl", train(work / "nccl", args, "cuda", processes=gpus)),
            "cpu": figures("cpu, 1 process", train(work / "cpu", args, "cpu")),
            "gpu": figures("1 GPU", train(work / "gpu", args, "cuda:0"))}
    for row in rows.values():
        print(json.dumps(row), flush=True)
    nccl = rows["nccl"]
    failures = []
    if "error" in nccl:
        failures.append(f"the NCCL run failed: {nccl['error']}")
    else:
        if "nccl" not in nccl["device"]:
            failures.append(f"the distributed run did not use NCCL: {nccl['device']}")
        if nccl["world_size"] != gpus or nccl["ranks_agree"] is not True:
            failures.append(f"world_size {nccl['world_size']} (expected {gpus}), ranks_agree {nccl['ranks_agree']}")
    failures += [f"{row['run']} failed: {row['error']}" for key, row in rows.items()
                 if key != "nccl" and "error" in row]
    if args.tasks:
        from gpu_tasks import check_every_task

        failures += [f"{row['task']}: {problem}" for row in check_every_task(args.task_epochs, work)
                     for problem in row["problems"]]
    speed = {k: r.get("samples_per_s") for k, r in rows.items()}
    print(json.dumps({"verdict": "ok" if not failures else "failed", "failures": failures,
                      "samples_per_s": speed}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
