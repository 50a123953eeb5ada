"""Training throughput of the engine's Trainer against a bare PyTorch loop doing the same work.

Both train the same SequenceClassifier (built by the task from the same config), on the same in-memory
tensors, with the same batch size, Adam, gradient clipping and per-step cosine schedule, no augmentation
and no validation, with the same torch thread count, and both take each step through the same function,
engine.train_step.train_step: what the ratio measures is what the Trainer does around its steps. The
data is read once and handed to both (the Trainer takes it through `splits=`, as the window does),
limited to --limit training images and no test split so each run is short; runs alternate (bare,
trainer, bare, trainer, ...) and the medians are reported. The Trainer's figure is its own
`samples_per_s`, measured over training steps only.

    python bench/throughput.py [--data SPEC] [--epochs N] [--cell gru] [--hidden 128] [--device cpu]
                               [--threads N] [--limit N] [--repeats N]

Prints exactly one JSON line on stdout; per-run figures go to stderr.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from engine import device as devices  # noqa: E402
from engine.config import RunConfig  # noqa: E402
from engine.data import Splits, load_classification  # noqa: E402
from engine.tasks import registry  # noqa: E402
from engine.train_step import make_optimisation, seed_everything, train_step  # noqa: E402
from engine.training import Trainer  # noqa: E402

USPS = ROOT.parent / "shared" / "data" / "usps"


def default_data() -> str:
    return f"usps:{USPS}" if USPS.exists() else "demo"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=default_data(), help="data spec (default: USPS when present, else demo)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per timed run")
    parser.add_argument("--cell", default="gru")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--device", default="cpu", help="cpu, auto, cuda:N or mps")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads for both (0 = automatic: engine.device.default_threads())")
    parser.add_argument("--limit", type=int, default=2048, help="training images used (0 = all)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each (alternating)")
    return parser.parse_args(argv)


def bare_loop(config: RunConfig, task, prepared, policy) -> float:
    """The plain PyTorch loop around the engine's own training step: samples/s over the training steps."""
    seed_everything(config.seed)
    dev = policy.device
    model = task.build_model(config, prepared.info).to(dev)
    train_x, train_y = prepared.train
    if policy.pin_memory:
        train_x, train_y = train_x.pin_memory(), train_y.pin_memory()
    steps = math.ceil(len(train_x) / config.batch)
    optimisation = make_optimisation(config, model, policy, steps)
    generator = torch.Generator().manual_seed(config.seed)
    model.train()
    trained, seconds = 0, 0.0
    for _ in range(config.epochs):
        order = torch.randperm(len(train_x), generator=generator)
        _sync(dev)
        tick = time.perf_counter()
        for step in range(steps):
            index = order[step * config.batch:(step + 1) * config.batch]
            x = train_x[index].to(dev, non_blocking=policy.pin_memory)
            y = train_y[index].to(dev, non_blocking=policy.pin_memory)
            loss, _ = train_step(model, task.loss, x, y, optimisation)
            trained += len(index)
        float(loss.detach())  # wait for the device, as the Trainer's end-of-epoch metrics do
        seconds += time.perf_counter() - tick
    return trained / seconds


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def main(argv=None) -> int:
    args = parse_args(argv)
    config = RunConfig(data=args.data, cell=args.cell, hidden=args.hidden, epochs=args.epochs, batch=args.batch,
                       optimizer="adam", clip=1.0, schedule="cosine", val_fraction=0.0, augment=False,
                       device=args.device, threads=args.threads, patience=0, out="")
    policy = devices.resolve(config.device, config.threads)
    task = registry.get(config.task)
    loaded = load_classification(config.data)
    train = loaded.train.subset(range(min(args.limit, len(loaded.train)) if args.limit > 0 else len(loaded.train)))
    splits = Splits(loaded.name, train, None)  # no test split: the Trainer's final test is not timed anyway
    prepared = task.prepare(config, splits=splits)
    warm = config.replace(epochs=1)
    small = type(prepared)(train=tuple(t[: 4 * config.batch] for t in prepared.train), val=None, test=None,
                           info=prepared.info)
    bare_loop(warm, task, small, policy)  # first-call costs (lazy imports, allocator) outside the timings

    bare, trainer = [], []
    for repeat in range(args.repeats):
        bare.append(bare_loop(config, task, prepared, policy))
        result = Trainer(config, splits=splits).run()
        if result["reason"] != "done":
            print(f"trainer run failed: {result}", file=sys.stderr)
            return 1
        trainer.append(result["samples_per_s"])
        print(f"run {repeat + 1}: bare {bare[-1]:.0f}, trainer {trainer[-1]:.0f} samples/s", file=sys.stderr)

    c, h, w = prepared.info["image_shape"]
    parameters = sum(p.numel() for p in task.build_model(config, prepared.info).parameters())
    trainer_rate, bare_rate = statistics.median(trainer), statistics.median(bare)
    print(json.dumps({
        "trainer_samples_per_s": round(trainer_rate, 1),
        "bare_samples_per_s": round(bare_rate, 1),
        "ratio": round(trainer_rate / bare_rate, 3),
        "device": policy.description,
        "model": f"{config.cell.upper()} h{config.hidden} x{config.layers}, read {config.read}, batch {config.batch}, "
                 f"{parameters:,} parameters",
        "data": f"{config.data}: {len(prepared.train[0])} train images {h}x{w}x{c}, {config.epochs} epoch(s) per run",
        "threads": torch.get_num_threads(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
