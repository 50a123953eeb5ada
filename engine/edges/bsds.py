"""Reading BSDS500: the human boundary annotations (`groundTruth/<split>/<id>.mat`) and the image/annotation
pairs of a split.

Layout (see shared/data/bsds500/SOURCE.md): `images/{train,val,test}/<id>.jpg` and
`groundTruth/{train,val,test}/<id>.mat`. Each `.mat` holds one variable, `groundTruth`, a 1 x K MATLAB cell
array (K annotators, 4-9); each cell is a struct with the fields `Segmentation` (uint16 labels) and
`Boundaries` (uint8 H x W, 1 = boundary pixel).

Several annotators, one training target
---------------------------------------
The benchmark (engine.edges.evaluate) never merges the annotators: it matches a prediction against each one
in turn. A training target needs one map, and `soft_target` gives the mean over annotators: a value in
[0, 1], the fraction of people who drew a boundary at that pixel. We keep the mean (and train with it as a
soft label) rather than a hard vote because it loses nothing: a stroke drawn by one person in five is weak
evidence and gets weight 0.2, a boundary everyone drew gets 1.0, and the net learns to be as confident as
the people were. Where a hard label is needed (a loss that wants 0/1, a class-balance count), use
`agreement_mask(boundaries, min_agree=2)`: a pixel is positive where at least two annotators marked it.
Two, not one, because a single annotator's idiosyncratic strokes (texture, shading) are exactly what the
benchmark punishes in precision; not a majority, because annotators' lines are often a pixel apart, so
exact-pixel majorities lose many true boundaries (on 40 val images, 91 % of the pixels anyone marked
have a mean below 0.5). The pixels with 0 < mean < 2/K are the doubtful ones: HED/RCF-style training may
ignore them in the loss; `soft_target` lets the caller decide.
"""
from __future__ import annotations

import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
import scipy.io

from engine.data.image_files import file_problem
from engine.data.pairing import few, matched
from engine.errors import DataError
from engine.resources import check_fits

SPLITS = ("train", "val", "test")
MAX_MAT_BYTES = 256 << 20  # what a ground-truth file may unpack to (BSDS500's: 3-5 MB)
MI_COMPRESSED = 15  # MAT v5 data element type of a zlib-compressed variable
_EXPECTED = ("a variable 'groundTruth' holding a 1 x K cell array of structs with a 'Boundaries' field "
             "(H x W, 0/1), as in BSDS500 groundTruth/<split>/<id>.mat")


def load_ground_truth(mat_path) -> list[np.ndarray]:
    """One bool (H, W) boundary map per annotator, read from a BSDS500 ground-truth `.mat` file.

    Raises DataError when the file is missing, is not a MATLAB file, or has another structure."""
    path = Path(mat_path)
    problem = file_problem(path)  # stat only: scipy opening a named pipe would wait forever
    if problem is not None:
        raise DataError(f"cannot read the ground-truth file {path}: {problem}",
                        "give the path of a BSDS500 groundTruth .mat")
    _check_unpacked_size(path)
    try:
        contents = scipy.io.loadmat(str(path))
    except Exception as exc:  # scipy raises ValueError, TypeError, MatReadError... for foreign files
        raise DataError(f"{path.name} is not a readable MATLAB .mat file ({exc})", f"expected {_EXPECTED}") from exc
    if "groundTruth" not in contents:
        found = sorted(k for k in contents if not k.startswith("__"))
        raise DataError(f"{path.name} has no variable 'groundTruth' (found: {', '.join(found) or 'none'})",
                        f"expected {_EXPECTED}")
    cells = contents["groundTruth"]
    if not (isinstance(cells, np.ndarray) and cells.dtype == object and cells.size > 0):
        raise DataError(f"{path.name}: 'groundTruth' is a {getattr(cells, 'dtype', type(cells))} array of shape "
                        f"{getattr(cells, 'shape', '?')}, not a cell array of annotator structs",
                        f"expected {_EXPECTED}")
    maps = []
    for k, cell in enumerate(cells.ravel()):
        names = getattr(getattr(cell, "dtype", None), "names", None) or ()
        if "Boundaries" not in names:
            raise DataError(f"{path.name}: annotator {k + 1} of {cells.size} has no 'Boundaries' field "
                            f"(fields: {', '.join(names) or 'none'})", f"expected {_EXPECTED}")
        boundaries = np.asarray(cell["Boundaries"].ravel()[0])
        if boundaries.ndim != 2 or boundaries.size == 0:
            raise DataError(f"{path.name}: annotator {k + 1}'s 'Boundaries' has shape {boundaries.shape}, "
                            "not H x W", f"expected {_EXPECTED}")
        maps.append(boundaries != 0)
    if len({m.shape for m in maps}) != 1:
        raise DataError(f"{path.name}: annotators' maps differ in size ({sorted({m.shape for m in maps})})",
                        "every annotator's Boundaries must be H x W of the image")
    return maps


def _check_unpacked_size(path: Path) -> None:
    """DataError when a MAT v5 file's variables would unpack to more than MAX_MAT_BYTES (a small file of
    compressed zeros can hold gigabytes); the compressed ones are inflated and counted, never kept."""
    with open(path, "rb") as file:
        header = file.read(128)
        if len(header) < 128 or not header.startswith(b"MATLAB 5.0") or header[126:128] not in (b"IM", b"MI"):
            return  # not a v5 file: scipy says what it is; v4 data is never compressed, v7.3 is not read
        order = "<" if header[126:128] == b"IM" else ">"
        total = 0
        while total <= MAX_MAT_BYTES and len(tag := file.read(8)) == 8:
            kind, size = struct.unpack(order + "II", tag)
            if kind >> 16:  # a small element: its data is inside the tag
                continue
            if kind == MI_COMPRESSED:
                total += _inflated_size(file, size, MAX_MAT_BYTES + 1 - total)
            else:
                total += size
                file.seek(size + (-size % 8), 1)
    if total > MAX_MAT_BYTES:
        raise DataError(f"{path.name} would unpack to more than {MAX_MAT_BYTES >> 20} MB (a BSDS500 ground-truth "
                        "file unpacks to a few MB): refused as a likely decompression bomb",
                        "restore the original BSDS500 groundTruth files")
    check_fits(total, f"Reading {path.name} ({total >> 20} MB unpacked)", "free memory and try again")


def _inflated_size(file, size: int, most: int) -> int:
    """Bytes that the next `size` zlib-compressed bytes of `file` inflate to, counting at most `most`."""
    inflater, left, count = zlib.decompressobj(), size, 0
    try:
        while left > 0 and count < most:
            chunk = file.read(min(left, 1 << 20))
            if not chunk:
                break
            left -= len(chunk)
            while chunk and count < most:
                count += len(inflater.decompress(chunk, most - count))
                chunk = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged data: scipy says so when it reads the file
    file.seek(left, 1)
    return count


def _data_root(root: Path) -> Path:
    """The folder holding images/ and groundTruth/: `root` itself or the original `BSDS500/data` inside it."""
    for candidate in (root, root / "BSDS500" / "data", root / "data"):
        if (candidate / "images").is_dir() and (candidate / "groundTruth").is_dir():
            return candidate
    raise DataError(f"no BSDS500 layout under {root}",
                    "expected images/{train,val,test}/*.jpg and groundTruth/{train,val,test}/*.mat")


def list_split(root, split: str, strict: bool = True) -> list[tuple[Path, Path]]:
    """(image_path, gt_path) pairs of one split, sorted by image id.

    An image without a `.mat`, or a `.mat` without an image, is a missing partner: with `strict` (the
    default) that raises DataError naming them; otherwise they are skipped with a warning naming them."""
    if split not in SPLITS:
        raise DataError(f"unknown BSDS500 split {split!r}", f"use one of {', '.join(SPLITS)}")
    base = _data_root(Path(root))
    images = {p.stem: p for p in (base / "images" / split).glob("*.jpg")}
    truths = {p.stem: p for p in (base / "groundTruth" / split).glob("*.mat")}
    both, no_gt, no_image = matched(images, truths)
    if no_gt or no_image:
        parts = []
        if no_gt:
            parts.append(f"{len(no_gt)} image(s) without ground truth ({few(no_gt, 5)})")
        if no_image:
            parts.append(f"{len(no_image)} ground-truth file(s) without image ({few(no_image, 5)})")
        message = f"BSDS500 {split} split in {base}: " + "; ".join(parts)
        if strict:
            raise DataError(message, "restore the missing files, or pass strict=False to skip them")
        warnings.warn(message + "; skipped", stacklevel=2)
    pairs = [(images[k], truths[k]) for k in both]
    if not pairs:
        raise DataError(f"BSDS500 {split} split in {base} is empty", "expected <id>.jpg with matching <id>.mat")
    return pairs


def soft_target(boundaries) -> np.ndarray:
    """float32 (H, W) in [0, 1]: the mean over annotators of their boundary maps (see the module docstring)."""
    stack = np.asarray([np.asarray(b, dtype=bool) for b in boundaries])
    if stack.ndim != 3 or len(stack) == 0:
        raise DataError("soft_target needs a non-empty list of H x W boundary maps of one size")
    return stack.mean(axis=0, dtype=np.float32)


def agreement_mask(boundaries, min_agree: int = 2) -> np.ndarray:
    """bool (H, W): pixels marked by at least `min_agree` annotators (capped at their number)."""
    stack = np.asarray([np.asarray(b, dtype=bool) for b in boundaries])
    if stack.ndim != 3 or len(stack) == 0:
        raise DataError("agreement_mask needs a non-empty list of H x W boundary maps of one size")
    return stack.sum(axis=0) >= min(max(int(min_agree), 1), len(stack))
