"""The BSDS benchmark for the edges task: scoring the net's maps, and Canny / Sobel on the same images.

The classical anchors are those of bench/edges_baseline.py (settings chosen on BSDS val, never on test):
Canny as a sweep of 64 thresholds at sigma 3 (engine.edges.classical.canny_soft_map), Sobel magnitude at
sigma 3 thinned by non-maximum suppression. They cost a few minutes on the 200 BSDS test images, so their
scores are cached as small JSON files under ~/.cache/rnn-vision-lab/edges (or $XDG_CACHE_HOME, or
$RNN_VISION_LAB_CACHE), keyed by a hash of the images, the annotations and the settings; the data folder is
never written to.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from engine.edges import classical, evaluate, nms

log = logging.getLogger(__name__)
CANNY_SIGMA = SOBEL_SIGMA = 3.0
VERSION = 1  # bump when the detectors or the benchmark change, so old cached scores are not reused


def cache_dir() -> Path:
    if os.environ.get("RNN_VISION_LAB_CACHE"):
        return Path(os.environ["RNN_VISION_LAB_CACHE"]) / "edges"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rnn-vision-lab" / "edges"


def scores(result: dict, prefix: str = "") -> dict:
    """The benchmark's figures as plain floats: ods, ois, ap, ods_threshold."""
    return {f"{prefix}ods": float(result["ods"]), f"{prefix}ois": float(result["ois"]),
            f"{prefix}ap": float(result["ap"]), f"{prefix}ods_threshold": float(result["best_threshold"])}


def benchmark(thin_maps, truths, thresholds: int, what: str = "maps", report=None) -> dict:
    """evaluate_maps with a log line every 25 images (the test split takes minutes on one CPU thread);
    `report(done, total, detail)` (engine/tasks/progress.py) is told after every image."""
    total = len(truths)

    def progress(done, _):
        if report is not None:
            report(done, total, f"{what} benchmark")
        if done % 25 == 0 or done == total:
            log.info("benchmark (%s): %d / %d images", what, done, total)

    return evaluate.evaluate_maps(thin_maps, truths, thresholds=thresholds, progress=progress)


def canny(image_rgb: np.ndarray) -> np.ndarray:
    return classical.canny_soft_map(np.ascontiguousarray(image_rgb[:, :, ::-1]), sigma=CANNY_SIGMA)


def sobel(image_rgb: np.ndarray) -> np.ndarray:
    return nms.non_max_suppression(classical.sobel_map(np.ascontiguousarray(image_rgb[:, :, ::-1]), sigma=SOBEL_SIGMA))


def baselines(images, truths, thresholds: int, use_cache: bool = True, report=None) -> tuple[dict, dict]:
    """({canny_ods, canny_ois, canny_ap, sobel_...}, {canny_precision, canny_recall, sobel_...} curves);
    `report` as benchmark's."""
    key = _key(images, truths, thresholds)
    path = cache_dir() / f"baselines-{key}.json"
    if use_cache and path.is_file():
        try:
            cached = json.loads(path.read_text())
            return cached["scores"], {k: np.asarray(v) for k, v in cached["curves"].items()}
        except (OSError, ValueError, KeyError):
            log.warning("ignoring an unreadable cache file %s", path)
    figures, curves = {}, {}
    for name, detector in (("canny", canny), ("sobel", sobel)):
        result = benchmark((detector(image) for image in images), truths, thresholds, name.capitalize(), report)
        figures.update(scores(result, name + "_"))
        curves.update({f"{name}_precision": result["precision"], f"{name}_recall": result["recall"]})
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(".tmp")
            temp.write_text(json.dumps({"scores": figures, "curves": {k: v.tolist() for k, v in curves.items()},
                                        "images": len(images), "thresholds": thresholds}))
            temp.replace(path)
        except OSError as error:
            log.warning("could not cache the baseline scores in %s: %s", path, error)
    return figures, curves


def _key(images, truths, thresholds: int) -> str:
    digest = hashlib.sha256(f"v{VERSION} canny {CANNY_SIGMA} sobel {SOBEL_SIGMA} t{thresholds}".encode())
    for image, people in zip(images, truths):
        digest.update(str(image.shape).encode())
        digest.update(np.ascontiguousarray(image).tobytes())
        for truth in people:
            digest.update(np.packbits(truth).tobytes())
    return digest.hexdigest()[:20]
