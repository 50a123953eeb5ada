"""USPS handwritten digits, 16x16 grey, 7291 train / 2007 test.

Layout: `usps:PATH`, where PATH is
  - a folder holding `zip.train[.gz]` + `zip.test[.gz]` (the ESL text files: per line a label, then
    256 values in [-1, 1], 16x16 row-major) or `usps.h5` (`train/data` (N, 256) in [0, 1],
    `train/target`, `test/data`, `test/target`). When a folder has both, the text files win: they
    are the original distribution, and the HDF5 is derived from them.
  - or one of those files directly. For `zip.train[.gz]` its sibling `zip.test[.gz]` is the test
    set when present; any other single text file is loaded as training data only.
Text values are mapped to [0, 1] by (v + 1) / 2.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from engine.data.base import DataSpec, ImageSet, Splits, check_options
from engine.errors import DataError
from engine.files import is_special, require_regular_file
from engine.resources import check_fits

CLASS_NAMES = [str(digit) for digit in range(10)]
SIDE = 16
PIXELS = SIDE * SIDE
TOLERANCE = 1e-3  # values a hair outside [-1, 1] from rounding are clipped, not refused


def load_usps(spec: DataSpec) -> Splits:
    check_options(spec, {})
    if not spec.path:
        raise DataError("USPS needs a folder or file.", "Write usps:PATH, e.g. usps:../shared/data/usps.")
    path = Path(spec.path)
    if is_special(path):  # a named pipe would block open(); stat says so without opening it
        require_regular_file(path, DataError, "The USPS path",
                             "Give the folder holding zip.train.gz/zip.test.gz or usps.h5.")
    if path.is_dir():
        train_text = _find(path, "zip.train")
        if train_text is not None:
            return _from_text(train_text, _find(path, "zip.test"))
        if (path / "usps.h5").is_file() or is_special(path / "usps.h5"):
            return _from_h5(path / "usps.h5")
        raise DataError(f"No USPS files in {path}.", "Expected zip.train[.gz] + zip.test[.gz] (ESL text) or usps.h5.")
    if path.is_file():
        if path.suffix.lower() in (".h5", ".hdf5"):
            return _from_h5(path)
        test = _find(path.parent, "zip.test") if path.name.startswith("zip.train") else None
        return _from_text(path, test)
    raise DataError(f"USPS path not found: {path}.", "Give the folder holding zip.train.gz/zip.test.gz or usps.h5.")


def _find(folder: Path, name: str) -> Path | None:
    for candidate in (name, name + ".gz"):
        if (folder / candidate).is_file() or is_special(folder / candidate):  # a pipe is refused when read
            return folder / candidate
    return None


def _from_text(train_path: Path, test_path: Path | None) -> Splits:
    train = _image_set(*read_esl_text(train_path))
    notes = ["USPS text values in [-1, 1] mapped to [0, 1] by (v + 1) / 2."]
    test = None
    if test_path is not None:
        test = _image_set(*read_esl_text(test_path))
    else:
        notes.append(f"No test file beside {train_path.name}: no test split.")
    return Splits("usps", train, test, notes=notes)


def read_esl_text(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """An ESL `zip.train`-style file -> (pixels (N, 256) float32 in [0, 1], labels (N,) int64)."""
    rows, labels = [], []
    for number, line in enumerate(_read_lines(path), start=1):
        parts = line.split()
        if not parts:
            continue
        where = f"{path}, line {number}"
        if len(parts) != PIXELS + 1:
            raise DataError(f"{where}: {len(parts)} values, expected {PIXELS + 1} (a label and {PIXELS} pixels).",
                            "The file is damaged or not in the ESL USPS format.")
        try:
            values = np.array(parts, dtype=np.float64)
        except ValueError:
            bad = next(part for part in parts if not _is_number(part))
            raise DataError(f"{where}: {bad!r} is not a number.",
                            "The file is damaged or not in the ESL USPS format.") from None
        label = values[0]
        if not (np.isfinite(label) and label == int(label) and 0 <= label <= 9):
            raise DataError(f"{where}: label {parts[0]!r} is not a digit 0-9.",
                            "The first value on each line must be the digit's class.")
        pixels = values[1:]
        if not np.all(np.abs(pixels) <= 1.0 + TOLERANCE):  # also catches NaN
            raise DataError(f"{where}: pixel values must lie in [-1, 1].",
                            "The file is damaged or not in the ESL USPS format.")
        rows.append(pixels)
        labels.append(int(label))
    if not rows:
        raise DataError(f"{path} holds no data rows.", "The file is empty; download it again.")
    pixels = np.clip((np.stack(rows) + 1.0) / 2.0, 0.0, 1.0).astype(np.float32)
    return pixels, np.array(labels, dtype=np.int64)


def _read_lines(path: Path) -> list[str]:
    require_regular_file(path, DataError, "The USPS file", "Give zip.train[.gz] / zip.test[.gz] (ESL text).")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="ascii", errors="replace") as stream:
                return stream.read().splitlines()
        return path.read_text(encoding="ascii", errors="replace").splitlines()
    except EOFError:
        raise DataError(f"{path} is truncated: the compressed data ends early.", "Download the file again.") from None
    except (OSError, zlib.error) as error:
        raise DataError(f"Cannot read {path}: {error}.", "Download the file again.") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _from_h5(path: Path) -> Splits:
    require_regular_file(path, DataError, "The USPS file", "Give usps.h5 (train/data, train/target, test/...).")
    import h5py  # only when an HDF5 file is actually read

    try:
        with h5py.File(path, "r") as h5:
            if "train" not in h5:
                raise DataError(f"{path} has no 'train' group.",
                                "Expected train/data and train/target (Kaggle usps.h5).")
            train = _image_set(*_read_h5_group(path, h5, "train"))
            test = _image_set(*_read_h5_group(path, h5, "test")) if "test" in h5 else None
    except OSError as error:
        raise DataError(f"Cannot read {path} as HDF5: {error}.", "Download the file again.") from None
    notes = [] if test is not None else [f"{path.name} has no 'test' group: no test split."]
    return Splits("usps", train, test, notes=notes)


def _read_h5_group(path: Path, h5, group: str) -> tuple[np.ndarray, np.ndarray]:
    """(pixels (N, 256) float32 in [0, 1], labels (N,) int64) of one group, each dataset judged by its
    dtype and shape before it is read, then by its values."""
    data_set, target_set = _h5_dataset(path, h5, group, "data"), _h5_dataset(path, h5, group, "target")
    shape = data_set.shape
    if len(shape) < 2 or int(np.prod(shape[1:])) != PIXELS:
        raise DataError(f"{path}: {group}/data has shape {shape}, expected (N, {PIXELS}) or (N, {SIDE}, {SIDE}).",
                        "Is this the Kaggle usps.h5?")
    if shape[0] == 0:
        raise DataError(f"{path}: {group}/data holds no images (0 rows).", "Download the file again.")
    if target_set.size != shape[0]:
        raise DataError(f"{path}: {shape[0]} images but {target_set.size} targets in '{group}'.",
                        "Download the file again.")
    check_fits(shape[0] * PIXELS * (data_set.dtype.itemsize + 8), f"{path.name}'s {shape[0]:,} {group} images",
               "Is this the Kaggle usps.h5 (7,291 train / 2,007 test images)?")
    data = np.asarray(data_set[()], dtype=np.float32).reshape(shape[0], PIXELS)
    target = np.asarray(target_set[()]).reshape(-1)
    if not np.isfinite(data).all():
        raise DataError(f"{path}: {group}/data holds NaN or infinite values.", "Download the file again.")
    if not np.all((data >= -TOLERANCE) & (data <= 1.0 + TOLERANCE)):
        raise DataError(f"{path}: {group}/data values must lie in [0, 1].", "Is this the Kaggle usps.h5?")
    digits = np.isfinite(target).all() and np.all(target == np.round(target))
    if not (digits and target.min() >= 0 and target.max() <= 9):
        raise DataError(f"{path}: {group}/target holds labels that are not digits 0-9.", "Is this the Kaggle usps.h5?")
    return np.clip(data, 0.0, 1.0), target.astype(np.int64)


def _h5_dataset(path: Path, h5, group: str, leaf: str):
    """The numeric HDF5 dataset group/leaf; DataError naming file and dataset when it is missing, a group, or
    holds text, objects or records (which no float conversion reads)."""
    import h5py

    name = f"{group}/{leaf}"
    try:
        item = h5[name]
    except (KeyError, TypeError, ValueError):  # missing, or a dataset where a group was expected
        raise DataError(f"{path}: missing dataset in group '{group}' ('{leaf}').",
                        f"Expected {group}/data and {group}/target (Kaggle usps.h5 layout).") from None
    if not isinstance(item, h5py.Dataset):
        raise DataError(f"{path}: '{name}' is a group, not a dataset.", f"Expected {name} to be an array.")
    if item.dtype.kind not in "iuf":
        raise DataError(f"{path}: dataset '{name}' holds {_dtype_words(item.dtype)}, not numbers.",
                        "Is this the Kaggle usps.h5? Its data are floats in [0, 1] and its targets digits 0-9.")
    return item


def _dtype_words(dtype: np.dtype) -> str:
    words = {"S": "byte strings", "U": "text", "O": "objects (e.g. variable-length strings)", "V": "records",
             "b": "true / false values", "c": "complex numbers"}
    return f"{words.get(dtype.kind, 'values')} ({dtype})"


def _image_set(pixels: np.ndarray, labels: np.ndarray) -> ImageSet:
    return ImageSet(pixels.reshape(-1, SIDE, SIDE, 1), labels, list(CLASS_NAMES))
