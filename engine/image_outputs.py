"""Running a predictor over image files and writing its pictures where an output plan put them."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from engine.atomic_files import write_bytes
from engine.data import read_image
from engine.errors import DataError
from engine.output_plan import Planned, input_location, plan_folder

# image (H, W, 3) uint8 RGB -> ([(name, picture ready for cv2.imwrite)], figures for the result)
MakeFn = Callable[[np.ndarray], tuple[list[tuple[str, np.ndarray]], dict]]


def plan_images(paths: list[str], out: str | Path, names: tuple[str, ...], overwrite: bool = False,
                protected: list[Path] = ()) -> list[Planned]:
    """<stem>_<name>.png in `out` for each image and name, checked (engine.output_plan) before anything is
    written; the images themselves are always protected."""
    inputs = [(str(p), input_location(str(p)), {name: f"_{name}.png" for name in names}) for p in paths]
    return plan_folder(inputs, out, [where for _, where, _ in inputs] + list(protected), overwrite)


def write_image_results(planned: list[Planned], make: MakeFn, overwrite: bool = False) -> list[dict]:
    """For each planned image: the pictures `make` gives, each written atomically to its planned path, and a
    result with its path, size, figures and the files written. An unreadable image gets {"path", "error"}
    and the rest go on."""
    results = []
    for item in planned:
        try:
            image = np.round(read_image(item.source, None, 3) * 255).astype(np.uint8)
        except DataError as error:
            results.append({"path": item.source, "error": error.message})
            continue
        pictures, figures = make(image)
        written = {}
        for name, picture in pictures:
            target = item.files[name]
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, _png(picture, target), overwrite)
            written[name] = str(target)
        renamed = {"renamed": item.renamed} if item.renamed else {}
        results.append({"path": item.source, "size": [int(image.shape[1]), int(image.shape[0])], **figures,
                        **written, **renamed})
    return results


def _png(picture: np.ndarray, target: Path) -> bytes:
    ok, encoded = cv2.imencode(".png", picture)
    if not ok:
        raise DataError(f"Could not encode the picture for {target}.", "This is a bug; please report it.")
    return encoded.tobytes()
