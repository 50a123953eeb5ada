"""The boundary benchmark's anchor: Canny and Sobel on BSDS500, scored by engine.edges.evaluate.

Prints one JSON line: canny_ods, canny_ois, canny_ap, canny_threshold, sobel_ods, sobel_ois, sobel_ap,
sobel_threshold, the settings, images, seconds (wall time of the whole run, both detectors) and cpu_seconds
(this process's CPU time: on a shared machine the fairer speed figure).

- Canny: engine.edges.classical.canny_soft_map (a sweep of 64 Canny thresholds at one Gaussian sigma, stacked
  into a soft map), scored as is: Canny's own non-maximum suppression already makes it thin.
- Sobel: the smoothed gradient magnitude divided by its maximum, thinned with engine.edges.nms.
- The sigmas (Canny 3.0, Sobel 3.0) were chosen on the VAL split, never on test, per the BSDS rule: its
  first 30 images, 49 thresholds, sigma in 1, 1.5, 2, 3, 4 gave Canny ODS .510 .534 .556 .567 .560 and
  Sobel ODS .527 .545 .557 .567 .566. Published anchor on test (Arbelaez et al. TPAMI 2011):
  Canny ODS 0.60, OIS 0.63, AP 0.58.
- Measured here (BSDS500 test, 200 images, 99 thresholds, 1 process, nice 10, a shared 2-core machine):
  Canny ODS .612 OIS .649 AP .524; Sobel+NMS ODS .611 OIS .640 AP .601; 956 s wall, 768 s CPU for both.

Usage: nice -n 10 python bench/edges_baseline.py [--split test] [--limit N] [--workers 1] [--thresholds 99]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.edges import bsds, classical, evaluate, nms  # noqa: E402

BSDS = ROOT.parent / "shared" / "data" / "bsds500"


def detector_maps(pairs, name: str, sigma: float):
    """Lazily yield each image's thin soft map for one detector."""
    for image_path, _ in pairs:
        image = cv2.imread(str(image_path), cv2.IMREAD_COLOR)
        if name == "canny":
            yield classical.canny_soft_map(image, sigma=sigma)
        else:
            yield nms.non_max_suppression(classical.sobel_map(image, sigma=sigma))


def score(pairs, truths, name: str, sigma: float, thresholds: int, workers: int) -> dict:
    result = evaluate.evaluate_maps(detector_maps(pairs, name, sigma), truths, thresholds=thresholds,
                                    workers=workers)
    return {f"{name}_ods": round(result["ods"], 4), f"{name}_ois": round(result["ois"], 4),
            f"{name}_ap": round(result["ap"], 4), f"{name}_threshold": round(result["best_threshold"], 4),
            f"{name}_sigma": sigma}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(BSDS))
    parser.add_argument("--split", default="test", choices=bsds.SPLITS)
    parser.add_argument("--limit", type=int, default=0, help="first N images only (0 = all)")
    parser.add_argument("--thresholds", type=int, default=99)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--canny-sigma", type=float, nargs="+", default=[3.0])
    parser.add_argument("--sobel-sigma", type=float, nargs="+", default=[3.0])
    args = parser.parse_args(argv)

    start, cpu_start = time.perf_counter(), time.process_time()
    pairs = bsds.list_split(args.root, args.split)
    if args.limit:
        pairs = pairs[:args.limit]
    truths = [bsds.load_ground_truth(gt_path) for _, gt_path in pairs]
    out = {}
    for name, sigmas in (("canny", args.canny_sigma), ("sobel", args.sobel_sigma)):
        for sigma in sigmas:  # several sigmas: a sweep (for choosing on val); the last one is printed as name_*
            row = score(pairs, truths, name, sigma, args.thresholds, args.workers)
            if len(sigmas) > 1:
                print(json.dumps(row), file=sys.stderr, flush=True)
            out.update(row)
    out.update(split=args.split, images=len(pairs), thresholds=args.thresholds, workers=args.workers,
               seconds=round(time.perf_counter() - start, 1), cpu_seconds=round(time.process_time() - cpu_start, 1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
