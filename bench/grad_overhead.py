"""What measuring gradients through time costs the training loop: samples/s with and without.

Trains the same config with Trainer(measure_gradients=True) and (False), alternating, `--repeats` times
each, and prints one JSON line: the median samples/s of each and their ratio, plus the process CPU time
per sample (fairer on a shared machine). The measuring pass runs at the last step of every epoch and at
most once a second, and is throttled to about 10% of the time (engine/gradients.py GradientTracker), on the
first 32 samples of the batch.

Measured (a 2-core machine shared with other busy processes, nice 19, so noisy): demo digits read by pixels
(256 steps), LSTM h64, 2 epochs: 489 samples/s measuring vs 529 not (ratio 0.925; most of it is the forced
measurement at each epoch's end, dear when an epoch lasts 2.6 s); by rows (16 steps) the difference is lost
in the noise (ratio 1.08).

Usage: nice -n 19 python bench/grad_overhead.py [--data demo] [--read rows] [--cell lstm] [--epochs 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.config import RunConfig  # noqa: E402
from engine.training import Trainer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="demo")
    parser.add_argument("--read", default="rows")
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = RunConfig(data=args.data, read=args.read, cell=args.cell, epochs=args.epochs, hidden=args.hidden,
                       layers=1, bidirectional=False, augment=False, threads=1, device="cpu")
    rates = {True: [], False: []}
    cpu = {True: [], False: []}
    for _ in range(args.repeats):
        for measure in (True, False):
            start = time.process_time()
            result = Trainer(config, measure_gradients=measure).run()
            rates[measure].append(result["samples_per_s"])
            cpu[measure].append(time.process_time() - start)
    on, off = statistics.median(rates[True]), statistics.median(rates[False])
    print(json.dumps({"data": args.data, "read": args.read, "cell": args.cell, "epochs": args.epochs,
                      "samples_per_s_measuring": round(on, 1), "samples_per_s_not_measuring": round(off, 1),
                      "ratio": round(on / off, 3), "cpu_s_measuring": round(statistics.median(cpu[True]), 2),
                      "cpu_s_not_measuring": round(statistics.median(cpu[False]), 2)}))


if __name__ == "__main__":
    main()
