"""What every reader hands back, and how a data spec string is parsed.

A spec is `KIND:PATH` with optional `?key=value&key=value` options, or a bare name (`demo`):
    mnist:../shared/data/mnist?train=0-8000&test=8000-10000
    usps:../shared/data/usps           folder:~/digits?size=28&channels=grey
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np

from engine.errors import DataError


@dataclass
class ImageSet:
    """Labelled images, all one size: images (N, H, W, C) float32 in [0, 1], labels (N,) int64."""

    images: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    paths: list[str] | None = None  # where each image came from, when it was a file

    def __post_init__(self):
        if self.images.ndim != 4:
            raise ValueError(f"images must be (N, H, W, C), got shape {self.images.shape}")
        if len(self.images) != len(self.labels):
            raise ValueError(f"{len(self.images)} images but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.images)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])  # (H, W, C)

    def subset(self, index) -> ImageSet:
        index = np.asarray(index)
        paths = [self.paths[i] for i in index] if self.paths is not None else None
        return ImageSet(self.images[index], self.labels[index], self.class_names, paths)


@dataclass
class Splits:
    """What a classification reader returns. `test` is None when the source has no test split."""

    name: str  # short, for titles: "usps", "mnist", "folder digits", "demo"
    train: ImageSet
    test: ImageSet | None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of files left out
    notes: list[str] = field(default_factory=list)  # conversions a user should know about

    def summary(self) -> str:
        h, w, c = self.train.image_shape
        test = len(self.test) if self.test is not None else 0
        return (f"{self.name}: {len(self.train)} train / {test} test, {h}x{w}x{c}, "
                f"{len(self.train.class_names)} classes")


@dataclass(frozen=True)
class DataSpec:
    kind: str
    path: str
    options: dict

    @classmethod
    def parse(cls, text: str) -> DataSpec:
        text = (text or "").strip()
        if not text:
            raise DataError("No data given.", "Use a spec such as demo, mnist:DIR, usps:PATH or folder:DIR.")
        head, _, query = text.partition("?")
        kind, sep, path = head.partition(":")
        if not sep:
            kind, path = head, ""
        options = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
        return cls(kind.strip().lower(), str(Path(path).expanduser()) if path else "", options)

    def __str__(self) -> str:
        text = f"{self.kind}:{self.path}" if self.path else self.kind
        if self.options:
            text += "?" + "&".join(f"{k}={v}" for k, v in self.options.items())
        return text


def parse_range(text: str, total: int, what: str) -> slice:
    """`"0-8000"` -> slice(0, 8000), checked against `total` items."""
    try:
        start_text, end_text = text.split("-")
        start, end = int(start_text or 0), int(end_text or total)
    except ValueError:
        raise DataError(f"Bad {what} range {text!r}.", "Write it as START-END, for example 0-8000.") from None
    if not 0 <= start < end <= total:
        raise DataError(f"The {what} range {text!r} does not fit the {total} items in the file.",
                        f"Choose START-END with 0 <= START < END <= {total}.")
    return slice(start, end)


def check_options(spec: DataSpec, allowed: dict[str, str]) -> None:
    """Refuse options a reader does not know, so a typo (`?trian=0-8000`) is not silently ignored.

    `allowed` maps each option name to a short description used in the hint.
    """
    unknown = sorted(set(spec.options) - set(allowed))
    if unknown:
        known = "; ".join(f"{name} ({what})" for name, what in allowed.items()) or "none"
        raise DataError(f"Unknown option(s) for {spec.kind} data: {', '.join(unknown)}.",
                        f"Options {spec.kind} accepts: {known}.")


def parse_fraction(text: str, what: str) -> float:
    """`"0.2"` -> 0.2, checked to lie in [0, 1)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value < 1.0:
        raise DataError(f"Bad {what} fraction {text!r}.", "Give a number from 0 up to (not including) 1, e.g. 0.2.")
    return value
