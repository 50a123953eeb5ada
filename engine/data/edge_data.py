"""Images with boundary annotations, for the edge detection task (NumPy and OpenCV only).

Specs:
- `bsds:DIR` BSDS500 (see engine/edges/bsds.py): train = the train + val splits (300 images), test = the
  test split (200). Every annotator's boundary map is kept; the task decides how they become one target.
  Option `limit=N`: the first N images of each split only (quick looks; not for reported figures).
- `pairs:IMGDIR,EDGEDIR` image files and edge-map files matched by file stem (`a.jpg` <-> `a.png`), one
  annotator each. Edge maps are read as grey; a map with values other than 0 and 1 (anti-aliased lines, a
  soft detector output) is thresholded at 0.5, and a map that is mostly "edge" is taken to be dark lines
  on white and inverted: both with a note. Options `test=FRACTION` (a seeded test split, default none),
  `seed=N`.
- `images:DIR` images only: for the self-supervised targets (canny, sobel); no benchmark.
- `shapes` / `shapes:N` the built-in demo (engine/data/shapes.py, options `size` (default 128 here), `seed`):
  the true outlines of the generated shapes are the one annotator, so the benchmark runs; the striped and
  blotchy backgrounds are where Canny and Sobel find edges that are not object boundaries.

For every reader: a file refused by engine/data/image_files.py (a named pipe, not an image by content, over
80 megapixels) or an unreadable .mat is skipped and listed; an image smaller than 16 px on a side is too; one
larger than 4000 px is downscaled (its edge map too, keeping every line) with a note; an image and its edge
map of different sizes raise a DataError naming both files; an image or edge map without its partner is
skipped and listed.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from engine.data.base import DataSpec, check_options, parse_fraction
from engine.data.loading import ProgressFn, check_cancel, read_image
from engine.data.pairing import MIN_SIDE, by_stem, few, held_out, paired_stems, shrunk_size, spec_folders, too_small
from engine.errors import DataError

KINDS = {"bsds": "bsds:DIR (BSDS500 images + groundTruth .mat)",
         "pairs": "pairs:IMGDIR,EDGEDIR (image and edge-map files matched by name)",
         "images": "images:DIR (images only; canny or sobel targets)",
         "shapes": "shapes[:N] (the built-in demo: generated shapes and their true outlines)"}
DEMO_SIDE = "128"  # the edge model works at half size: 64 px demo images would leave it 8 x 8 for its sweeps


@dataclass
class EdgeSample:
    name: str
    image: np.ndarray  # (H, W, 3) uint8 RGB
    truths: list[np.ndarray] | None  # one bool (H, W) boundary map per annotator; None when unannotated


@dataclass
class EdgeData:
    name: str
    train: list[EdgeSample]
    test: list[EdgeSample] | None
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notes: list[str] = field(default_factory=list)

    @property
    def annotated(self) -> bool:
        return all(s.truths is not None for s in self.train + (self.test or []))


def load_edges(spec: str | DataSpec, *, progress: ProgressFn | None = None,
               cancel: threading.Event | None = None) -> EdgeData:
    if not isinstance(spec, DataSpec):
        spec = DataSpec.parse(spec)
    if spec.kind == "bsds":
        return _load_bsds(spec, progress, cancel)
    if spec.kind in ("pairs", "images"):
        return _load_files(spec, progress, cancel)
    if spec.kind == "shapes":
        return _load_shapes(spec)
    known = "; ".join(KINDS.values())
    raise DataError(f"The edges task cannot read {spec.kind!r} data (in {str(spec)!r}).", f"Use {known}.")


def _load_shapes(spec: DataSpec) -> EdgeData:
    from engine.data.masks import load_masks

    sized = DataSpec(spec.kind, spec.path, {"size": DEMO_SIDE, **spec.options})
    data = load_masks(sized)

    def sample(s) -> EdgeSample:
        return EdgeSample(s.name, s.image, [outlines(s.mask)])

    notes = [f"Generated demo: {len(data.train)} train, {len(data.test)} test images; the targets are the "
             "shapes' true outlines (one annotator)."]
    return EdgeData(data.name, [sample(s) for s in data.train], [sample(s) for s in data.test], [], notes)


def outlines(mask: np.ndarray) -> np.ndarray:
    """bool (H, W): the pixels of a class map whose right or lower neighbour has another class."""
    edge = np.zeros(mask.shape, bool)
    edge[:, :-1] |= mask[:, :-1] != mask[:, 1:]
    edge[:-1, :] |= mask[:-1, :] != mask[1:, :]
    return edge


def _load_bsds(spec: DataSpec, progress, cancel) -> EdgeData:
    from engine.edges import bsds

    check_options(spec, {"limit": "first N images of each split"})
    limit = _positive_int(spec.options.get("limit", "0"), "limit")
    splits = {name: bsds.list_split(spec.path, name) for name in ("train", "val", "test")}
    if limit:
        splits = {name: pairs[:limit] for name, pairs in splits.items()}
    total, done, notes, skipped = sum(map(len, splits.values())), 0, [], []
    loaded = {}
    for name, pairs in splits.items():
        loaded[name] = []
        for image_path, truth_path in pairs:
            check_cancel(cancel)
            done += 1
            try:  # an unreadable image or .mat is skipped and listed; loading goes on
                image, truths = _image(image_path), bsds.load_ground_truth(truth_path)
            except DataError as error:
                skipped.append((str(image_path), error.message))
                continue
            if truths[0].shape != image.shape[:2]:
                raise DataError(f"{image_path} is {_size(image)} but its ground truth {truth_path} is "
                                f"{truths[0].shape[1]}x{truths[0].shape[0]}.", "Restore the original BSDS500 files.")
            sample = _checked(EdgeSample(image_path.stem, image, truths), str(image_path), skipped, notes)
            if sample is not None:
                loaded[name].append(sample)
            if progress is not None:
                progress(done, total)
    if limit:
        notes.append(f"limit={limit}: only the first {limit} images of each split (figures not comparable).")
    if skipped:
        notes.append(f"{len(skipped)} file(s) skipped; see the skipped list.")
    if not loaded["train"] + loaded["val"]:
        raise DataError(f"No usable BSDS500 training images in {spec.path} ({len(skipped)} skipped).",
                        "Restore the original BSDS500 images/ and groundTruth/ files.")
    return EdgeData("bsds500", loaded["train"] + loaded["val"], loaded["test"] or None, skipped, notes)


def _load_files(spec: DataSpec, progress, cancel) -> EdgeData:
    check_options(spec, {"test": "fraction held out for testing, e.g. 0.2", "seed": "seed for that split"})
    wanted = 2 if spec.kind == "pairs" else 1
    parts = spec_folders(spec, wanted, KINDS[spec.kind])
    skipped, notes, samples = [], [], []
    images = by_stem(parts[0], skipped)
    edges = by_stem(parts[1], skipped) if wanted == 2 else None
    stems = paired_stems(images, edges, "edge map", skipped) if edges is not None else sorted(images)
    converted, inverted = [], []
    for i, stem in enumerate(stems):
        check_cancel(cancel)
        try:  # an unreadable file is skipped and listed; loading goes on
            image = _image(images[stem])
            truth, how = _edge_map(edges[stem]) if edges is not None else (None, "")
        except DataError as error:
            skipped.append((str(images[stem]), error.message))
            continue
        truths = None
        if truth is not None:
            if truth.shape != image.shape[:2]:
                raise DataError(f"The image {images[stem]} is {_size(image)} but its edge map {edges[stem]} is "
                                f"{truth.shape[1]}x{truth.shape[0]}.",
                                "Give each image an edge map of exactly its size.")
            converted += [edges[stem].name] if "thresholded" in how else []
            inverted += [edges[stem].name] if "inverted" in how else []
            truths = [truth]
        sample = _checked(EdgeSample(stem, image, truths), str(images[stem]), skipped, notes)
        if sample is not None:
            samples.append(sample)
        if progress is not None:
            progress(i + 1, len(stems))
    if converted:
        notes.append(f"{len(converted)} edge map(s) were not binary and were thresholded at 0.5 ({few(converted)}).")
    if inverted:
        notes.append(f"{len(inverted)} edge map(s) were mostly 'edge' and were taken as dark lines on white and "
                     f"inverted ({few(inverted)}).")
    if skipped:
        notes.append(f"{len(skipped)} file(s) skipped; see the skipped list.")
    if not samples:
        raise DataError(f"No usable images in {str(spec)!r}.",
                        f"Write {KINDS[spec.kind]}; images need >= {MIN_SIDE} px a side.")
    fraction = parse_fraction(spec.options.get("test", "0"), "test")
    seed = _positive_int(spec.options.get("seed", "0"), "seed") if fraction else 0
    train, test = held_out(samples, fraction, seed)
    return EdgeData(f"{spec.kind} {parts[0].name}", train, test, skipped, notes)


def _image(path: Path) -> np.ndarray:
    return np.round(read_image(path, None, 3) * 255).astype(np.uint8)


def _edge_map(path: Path) -> tuple[np.ndarray, str]:
    """bool (H, W) edge map and how it was converted ("", "thresholded", "inverted" or both)."""
    grey = read_image(path, None, 1)[:, :, 0]
    how = ""
    if np.any((grey > 1e-3) & (grey < 1 - 1e-3)):
        how += "thresholded "
    edges = grey >= 0.5
    if edges.mean() > 0.5:
        edges, how = ~edges, how + "inverted"
    return edges, how


def _checked(sample: EdgeSample, path: str, skipped: list, notes: list) -> EdgeSample | None:
    """None (listed in skipped) for a tiny image; a big one downscaled, with a note."""
    if too_small(sample.image.shape[:2], path, skipped):
        return None
    size = shrunk_size(sample.image.shape[:2], path, notes)
    if size is not None:
        sample.image = cv2.resize(sample.image, size, interpolation=cv2.INTER_AREA)
        if sample.truths is not None:
            sample.truths = [cv2.resize(t.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
                             for t in sample.truths]
    return sample


def _size(image: np.ndarray) -> str:
    return f"{image.shape[1]}x{image.shape[0]}"


def _positive_int(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise DataError(f"Bad {what} {text!r}.", "Give a whole number, 0 or more.")
    return value
