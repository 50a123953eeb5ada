"""One entry point for classification data, plus the image and split helpers every reader shares.

`load_classification("usps:../shared/data/usps")` picks the reader by the spec's kind. Readers are
imported only when asked for, so loading MNIST never pays for scikit-learn or h5py. The helpers the
readers share (check_cancel, train_val_split, read_image) live in engine.data.reading.
"""
from __future__ import annotations

import threading

from engine.data.base import DataSpec, Splits
from engine.data.reading import ProgressFn, check_cancel, read_image, train_val_split
from engine.errors import DataError

# read_image and train_val_split are also named here, where readers outside engine.data found them first
__all__ = ["KNOWN_KINDS", "ProgressFn", "check_cancel", "load_classification", "read_image", "train_val_split"]

KNOWN_KINDS = {
    "demo": "built-in handwritten digits from scikit-learn (no files needed)",
    "mnist": "mnist:DIR with the IDX files (train-/t10k-images-idx3-ubyte[.gz] ...)",
    "usps": "usps:PATH, a folder or file with zip.train[.gz]/zip.test[.gz] or usps.h5",
    "folder": "folder:DIR with one sub-folder of images per class",
}


def load_classification(spec: str | DataSpec, *, progress: ProgressFn | None = None,
                        cancel: threading.Event | None = None) -> Splits:
    """Read the labelled images a spec names. Raises DataError with a hint for anything unreadable."""
    if not isinstance(spec, DataSpec):
        spec = DataSpec.parse(spec)
    check_cancel(cancel)
    if spec.kind == "demo":
        from engine.data.demo import load_demo
        splits = load_demo(spec)
    elif spec.kind == "mnist":
        from engine.data.mnist import load_mnist
        splits = load_mnist(spec)
    elif spec.kind == "usps":
        from engine.data.usps import load_usps
        splits = load_usps(spec)
    elif spec.kind == "folder":
        from engine.data.folder import load_folder
        return load_folder(spec, progress=progress, cancel=cancel)
    else:
        known = "; ".join(f"{kind}: {what}" for kind, what in KNOWN_KINDS.items())
        raise DataError(f"Unknown data kind {spec.kind!r} (in {str(spec)!r}).", f"Known kinds are {known}.")
    check_cancel(cancel)
    if progress is not None:
        progress(1, 1)
    return splits
