"""Digits relabelled even / odd (NumPy only: the window's loading thread reads through this)."""
from __future__ import annotations

import numpy as np

from engine.data.base import ImageSet, Splits
from engine.errors import DataError

PARITY_NAMES = ["even", "odd"]


def parity_splits(splits: Splits) -> Splits:
    """The same images, each labelled by whether its digit is even (0) or odd (1)."""
    names = list(splits.train.class_names)
    if not all(name.isdigit() for name in names):
        raise DataError(f"Digit parity needs classes named by digits, not {names}.",
                        "Use demo, mnist:DIR or usps:PATH.")
    parity = np.array([int(name) % 2 for name in names], dtype=np.int64)

    def relabel(images: ImageSet | None) -> ImageSet | None:
        if images is None:
            return None
        return ImageSet(images.images, parity[images.labels], list(PARITY_NAMES), images.paths)

    return Splits(f"{splits.name} (even / odd)", relabel(splits.train), relabel(splits.test),
                  list(splits.skipped), list(splits.notes))


def read_parity(spec, progress=None, cancel=None) -> Splits:
    """The digits a data spec names, labelled even / odd."""
    from engine.data.loading import load_classification

    return parity_splits(load_classification(spec, progress=progress, cancel=cancel))
