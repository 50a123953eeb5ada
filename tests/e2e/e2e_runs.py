"""Helpers for the end-to-end tests: `python main.py ...` in subprocesses, a few at a time, tiny checkpoints
trained by the real `train` command (one epoch, one thread, generated data: seconds each), and a
fingerprint of every file under a folder, to show which files a command changed."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "engine"))  # tiny_images, tiny_edges: the engine tests' generators
PARALLEL = 3  # commands at once: the machine is shared, but each pays ~2 s of torch import


def run_all(commands: dict[str, list], timeout: float = 240) -> dict[str, subprocess.CompletedProcess]:
    """{name: `python main.py ARGS`} run PARALLEL at a time -> {name: finished process}."""
    done, waiting = {}, list(commands.items())
    while waiting:
        batch, waiting = waiting[:PARALLEL], waiting[PARALLEL:]
        started = {name: subprocess.Popen([sys.executable, "main.py", *map(str, args)], cwd=ROOT, text=True,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name, args in batch}
        for name, process in started.items():
            try:
                stdout, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                for other in started.values():
                    other.kill()
                raise
            done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


def fingerprint(root: Path) -> dict[str, str]:
    """{path relative to root: sha256} of every file below root, hidden ones too (a leftover temporary
    file shows up as a new entry)."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def tiny_train_commands(root: Path, tasks: tuple[str, ...]) -> dict[str, list]:
    """`train` commands for tiny checkpoints of `tasks` (edges, segment, predict, video-classify), their data
    written under root; each checkpoint lands in root/<task>/model.ckpt."""
    from tiny_edges import write_pairs

    common = ["--hidden", "4", "--layers", "1", "--epochs", "1", "--threads", "1", "--device", "cpu", "--json"]
    images, edges = write_pairs(root / "rects", n=8)
    data = {
        "edges": ["--task", "edges", "--data", f"pairs:{images},{edges}?test=0.25", "--batch", "4", "--no-augment",
                  "--option", "scale=1", "--option", "width=4", "--option", "bench_thresholds=3",
                  "--option", "baselines=false"],
        "segment": ["--task", "segment", "--data", "shapes:24?size=24", "--option", "width=4", "--option", "side=24"],
        "predict": ["--task", "predict", "--data", "moving:24", "--context", "2", "--horizon", "2",
                    "--cell", "convgru", "--batch", "8"],
        "video-classify": ["--task", "video-classify", "--data", "moving:24", "--option", "length=4", "--batch", "8"],
    }
    return {task: ["train", *data[task], *common, "--out", root / task] for task in tasks}
