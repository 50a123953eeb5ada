"""MNIST in its original IDX format.

Layout: `mnist:DIR` where DIR holds, raw or gzipped (`.gz`):
    train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
(the `train-images.idx3-ubyte` spelling is accepted too). With both image files: the standard
60,000 / 10,000 split. With only one image file (as in ../shared/data/mnist, which lacks the
training images) both splits come from that file: by default the first 80% trains and the last
20% tests (0-8000 / 8000-10000 for t10k).

Options: `?train=0-8000&test=8000-10000` select index ranges: within the train / test files when
both exist, or within the one image file otherwise (where the two ranges must not overlap).
"""
from __future__ import annotations

import gzip
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np

from engine.data.base import DataSpec, ImageSet, Splits, check_options, parse_range
from engine.data.image_files import check_regular_file
from engine.errors import DataError
from engine.resources import check_fits

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
CLASS_NAMES = [str(digit) for digit in range(10)]
OPTIONS = {"train": "index range START-END, e.g. 0-8000", "test": "index range START-END, e.g. 8000-10000"}
FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("t10k", "images"): "t10k-images-idx3-ubyte",
    ("t10k", "labels"): "t10k-labels-idx1-ubyte",
}


def load_mnist(spec: DataSpec) -> Splits:
    check_options(spec, OPTIONS)
    folder = _folder(spec.path)
    images_path = {part: find_idx_file(folder, FILES[(part, "images")]) for part in ("train", "t10k")}
    if images_path["train"] is None and images_path["t10k"] is None:
        raise DataError(f"No MNIST image files in {folder}.",
                        "Expected t10k-images-idx3-ubyte[.gz] and/or train-images-idx3-ubyte[.gz] "
                        "with their -labels-idx1-ubyte files.")
    sets = {part: _read_pair(folder, part, path) for part, path in images_path.items() if path is not None}
    if len(sets) == 2:
        return _two_files(sets, spec.options)
    (part, (images, labels)), = sets.items()
    return _one_file(part, images, labels, spec.options)


def _folder(path_text: str) -> Path:
    if not path_text:
        raise DataError("MNIST needs a folder.", "Write mnist:DIR, e.g. mnist:../shared/data/mnist.")
    path = Path(path_text)
    if path.is_file():  # a user pointing at one of the files means its folder
        path = path.parent
    if not path.is_dir():
        raise DataError(f"MNIST folder not found: {path}.", "Check the path; it should hold the IDX files.")
    return path


def find_idx_file(folder: Path, name: str) -> Path | None:
    """The raw or gzipped file for `name`, also under its `.idx` dotted spelling, or None. DataError for one
    that is there but is no regular file (a named pipe would block the reader forever)."""
    dotted = name.replace("-idx", ".idx")
    for candidate in (name, name + ".gz", dotted, dotted + ".gz"):
        if os.path.lexists(folder / candidate):
            check_regular_file(folder / candidate, "the MNIST file", "Put the real IDX file there.")
            return folder / candidate
    return None


def _read_pair(folder: Path, part: str, images_path: Path) -> tuple[np.ndarray, np.ndarray]:
    labels_name = FILES[(part, "labels")]
    labels_path = find_idx_file(folder, labels_name)
    if labels_path is None:
        raise DataError(f"{images_path.name} has no labels: {labels_name}[.gz] is missing in {folder}.",
                        "Put the matching labels file beside the images.")
    images, labels = read_idx_images(images_path), read_idx_labels(labels_path)
    if len(images) != len(labels):
        raise DataError(f"{images_path.name} holds {len(images)} images but {labels_path.name} "
                        f"holds {len(labels)} labels.", "The two files must come from the same set.")
    return images, labels


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes as a stream, uncompressed when it ends in .gz; read errors become DataErrors."""
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as stream:
            yield stream
    except EOFError:
        raise DataError(f"{path} is truncated: the compressed data ends early.",
                        "Download the file again.") from None
    except (OSError, zlib.error) as error:
        raise DataError(f"Cannot read {path}: {error}.", "Download the file again.") from None


def _payload(stream: BinaryIO, path: Path, expected: int, what: str) -> bytes:
    """The `expected` bytes after the header, reading one more to tell a longer file; never more than that
    (a small .gz can inflate to gigabytes), and only once they are known to fit in memory."""
    # the uint8 images plus the float32 copy a split makes of them
    check_fits(5 * expected, f"{path.name} ({what})", "Use a smaller file, or free memory.")
    payload = stream.read(expected + 1)
    _check_length(path, len(payload), expected, what)
    return payload


def read_idx_images(path: Path) -> np.ndarray:
    """An IDX3 image file -> (N, rows, cols) uint8, with magic, dims and exact length checked."""
    with _opened(path) as stream:
        head = stream.read(16)
        if len(head) < 16:
            raise DataError(f"{path} is too short to be an IDX image file ({len(head)} bytes).",
                            "Download the file again.")
        magic, count, rows, cols = struct.unpack(">IIII", head)
        if magic != IMAGES_MAGIC:
            raise DataError(f"{path} is not an IDX image file: magic number {magic}, expected {IMAGES_MAGIC}.",
                            "Check you did not swap image and label files, and that it is not HTML from a failed "
                            "download.")
        if rows == 0 or cols == 0:
            raise DataError(f"{path} declares images of {rows}x{cols} pixels.", "Download the file again.")
        data = _payload(stream, path, count * rows * cols, f"{count} images of {rows}x{cols}")
    return np.frombuffer(data, dtype=np.uint8).reshape(count, rows, cols)


def read_idx_labels(path: Path) -> np.ndarray:
    """An IDX1 label file -> (N,) int64 in 0..9, with magic and exact length checked."""
    with _opened(path) as stream:
        head = stream.read(8)
        if len(head) < 8:
            raise DataError(f"{path} is too short to be an IDX label file ({len(head)} bytes).",
                            "Download the file again.")
        magic, count = struct.unpack(">II", head)
        if magic != LABELS_MAGIC:
            raise DataError(f"{path} is not an IDX label file: magic number {magic}, expected {LABELS_MAGIC}.",
                            "Check you did not swap image and label files.")
        data = _payload(stream, path, count, f"{count} labels")
    labels = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    if labels.size and labels.max() > 9:
        raise DataError(f"{path} holds label {labels.max()}; MNIST labels are 0-9.", "Is this really MNIST?")
    return labels


def _check_length(path: Path, payload: int, expected: int, what: str) -> None:
    if payload < expected:
        raise DataError(f"{path} is truncated: header declares {what} ({expected} bytes), the file holds "
                        f"{payload}.", "Download the file again.")
    if payload > expected:
        raise DataError(f"{path} is longer than its header says: header declares {what} ({expected} bytes), "
                        "the file holds more.", "Download the file again.")


def _image_set(images: np.ndarray, labels: np.ndarray, index: slice) -> ImageSet:
    picked = images[index].astype(np.float32) / 255.0
    return ImageSet(picked[..., None], labels[index].copy(), list(CLASS_NAMES))


def _two_files(sets: dict, options: dict) -> Splits:
    (train_images, train_labels), (test_images, test_labels) = sets["train"], sets["t10k"]
    if train_images.shape[1:] != test_images.shape[1:]:
        raise DataError(f"MNIST train images are {train_images.shape[1:]} but test images are "
                        f"{test_images.shape[1:]}.", "Both files must come from the same data set.")
    train_range = parse_range(options.get("train", "0-"), len(train_images), "train")
    test_range = parse_range(options.get("test", "0-"), len(test_images), "test")
    notes = []
    if "train" in options or "test" in options:
        notes.append(f"Using train items {train_range.start}-{train_range.stop} of the training file "
                     f"and test items {test_range.start}-{test_range.stop} of the t10k file.")
    return Splits("mnist", _image_set(train_images, train_labels, train_range),
                  _image_set(test_images, test_labels, test_range), notes=notes)


def _one_file(part: str, images: np.ndarray, labels: np.ndarray, options: dict) -> Splits:
    total = len(images)
    if total < 2:
        raise DataError(f"The MNIST {part} file holds {total} image(s): too few to split.",
                        "Use a complete file.")
    cut = int(round(total * 0.8))
    train_range = parse_range(options.get("train", f"0-{cut}"), total, "train")
    test_range = parse_range(options.get("test", f"{cut}-{total}"), total, "test")
    if train_range.start < test_range.stop and test_range.start < train_range.stop:
        raise DataError(f"The train range {train_range.start}-{train_range.stop} and test range "
                        f"{test_range.start}-{test_range.stop} overlap in the one {part} image file.",
                        "Give ranges that do not overlap, e.g. train=0-8000&test=8000-10000, "
                        "so the test score is on unseen digits.")
    missing = "training" if part == "t10k" else "t10k test"
    note = (f"No {missing} images found: train = items {train_range.start}-{train_range.stop} and "
            f"test = items {test_range.start}-{test_range.stop} of the {part} images file.")
    return Splits("mnist", _image_set(images, labels, train_range), _image_set(images, labels, test_range),
                  notes=[note])
