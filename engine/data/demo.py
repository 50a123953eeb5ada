"""The built-in offline demo: real handwritten digits that ship with scikit-learn.

Layout: `demo` (no path, no options). scikit-learn's `load_digits` holds 1,797 8x8 digits with
values 0-16 (UCI "optical recognition of handwritten digits"); they are scaled to [0, 1] and
upscaled to 16x16 with bilinear interpolation. A fixed seeded 20% of them is the test split, so
every run of the demo sees the same split.
"""
from __future__ import annotations

import cv2
import numpy as np

from engine.data.base import DataSpec, ImageSet, Splits, check_options
from engine.data.reading import train_val_split

SIDE = 16
TEST_FRACTION = 0.2
SEED = 0
CLASS_NAMES = [str(digit) for digit in range(10)]


def load_demo(spec: DataSpec | None = None) -> Splits:
    if spec is not None:
        check_options(spec, {})
    from sklearn.datasets import load_digits  # slow to import; only when the demo is asked for

    digits = load_digits()
    small = digits.images.astype(np.float32) / 16.0
    images = np.stack([cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_LINEAR) for image in small])
    images = np.clip(images, 0.0, 1.0)[..., None]
    labels = digits.target.astype(np.int64)
    everything = ImageSet(images, labels, list(CLASS_NAMES))
    train_idx, test_idx = train_val_split(len(everything), TEST_FRACTION, SEED)
    note = (f"Demo data: {len(everything)} real handwritten digits from scikit-learn (load_digits), "
            f"8x8 upscaled to {SIDE}x{SIDE}; a fixed seeded {TEST_FRACTION:.0%} test split.")
    return Splits("demo", everything.subset(train_idx), everything.subset(test_idx), notes=[note])
