"""Running a predictor over image files and writing its pictures beside each other in one folder."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from engine.data import read_image
from engine.errors import DataError

# image (H, W, 3) uint8 RGB -> ([(suffix, picture ready for cv2.imwrite)], figures for the result)
MakeFn = Callable[[np.ndarray], tuple[list[tuple[str, np.ndarray]], dict]]


def write_image_results(paths: list[str], out: str | Path, make: MakeFn) -> list[dict]:
    """For each image: <stem>_<suffix>.png per picture `make` gives, and a result with its path, size, figures
    and the files written. An unreadable image gets {"path", "error"} and the rest go on."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for path in paths:
        try:
            image = np.round(read_image(path, None, 3) * 255).astype(np.uint8)
        except DataError as error:
            results.append({"path": str(path), "error": error.message})
            continue
        pictures, figures = make(image)
        written = {}
        for name, picture in pictures:
            target = out / f"{Path(path).stem}_{name}.png"
            if not cv2.imwrite(str(target), picture):
                raise DataError(f"Could not write {target}.", "Check that the output folder is writable.")
            written[name] = str(target)
        results.append({"path": str(path), "size": [int(image.shape[1]), int(image.shape[0])], **figures, **written})
    return results
