"""Images with segmentation masks, for the segment task (NumPy, OpenCV and Pillow only).

Specs:
- `pairs:IMGDIR,MASKDIR` image files and mask files matched by file stem (`a.jpg` <-> `a.png`). Options
  `test=FRACTION` (a seeded test split; default none: validation figures only), `seed=N`, `classes=FILE`.
- `weizmann:DIR` the Weizmann Horse layout (`rgb/`, `gray/`, `figure_ground/`, 328 images). Fixed split:
  sorted by name, the first 200 are for training (and validation, cut off by val_fraction), the last 128
  the test split. `rgb/` images are resized to their mask's size (the masks are aligned with `gray/`, and
  the aspect ratios agree); an rgb image that is near-blank (horse318.jpg in one known copy is black) is
  replaced by its grey image, with a note.
- `shapes` or `shapes:N` the built-in demo (engine/data/shapes.py): no files needed.

How a mask file becomes class ids, per file:
- an indexed-palette PNG (Pillow mode "P"): the palette indices are the class ids; the palette's colours are
  kept as the class colours;
- a grey mask holding only 0 and 255 (or 0 and 1, or a 1-bit image): binary, 255 (or 1) is class 1;
- a lossless grey mask whose values are all small class ids (below 32, or below the number of names in the
  classes file) plus perhaps 255 on under a quarter of it: class ids, 255 meaning "void" (not scored, not
  trained on, as in PASCAL VOC);
- any other grey mask (every JPEG mask, anti-aliased outlines): binary by threshold, >= 128 is class 1,
  with a note;
- a colour mask (R, G, B differ) that is not a palette PNG: skipped and listed (save it as a palette PNG).
Classes file: `classes.txt` in MASKDIR (or `classes=FILE`), one class name a line, line 1 is class 0. With
more than two names every grey mask is read as class ids, and a mask with a value that matches none of the
classes (nor 255) is skipped and listed, naming the values.

Bad files never stop loading: an image without a mask (and a mask without an image), a file that is not an
image (by content: a PostScript `horse.png` is never given to Pillow), a named pipe or device, an image whose
header declares over 80 megapixels, an unreadable or blank (one flat value) image, an image under 16 px a side:
each is skipped and listed (engine/data/image_files.py does the checks).
Size mismatch policy: a mask of another size than its image is resized to the image by nearest neighbour
(class ids stay class ids) with a note, when the aspect ratios agree within 3 %; otherwise the pair is
skipped and listed. Images over 4000 px a side are downscaled (their masks by nearest neighbour), with a note.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from engine.data import shapes
from engine.data.base import DataSpec, check_options, parse_fraction
from engine.data.image_files import FileRefused, file_problem, open_pil
from engine.data.loading import ProgressFn, check_cancel, read_image
from engine.data.pairing import (MIN_SIDE, by_stem, few, held_out, paired_stems, shrunk_size, spec_folders,
                                  too_small)
from engine.errors import DataError

VOID = 255  # mask value that is neither trained on nor scored
MAX_CLASSES_BYTES = 1 << 20  # a classes file names at most 255 classes: a larger file is something else
MAX_IDS = 32  # a grey mask with values all below this (or VOID) is read as class ids
WEIZMANN_TRAIN = 200  # sorted by name: the first 200 train (+ validation), the rest (128) test
KINDS = {"pairs": "pairs:IMGDIR,MASKDIR (images and masks matched by file name)",
         "weizmann": "weizmann:DIR (Weizmann Horse: rgb/, gray/, figure_ground/)",
         "shapes": "shapes or shapes:N (built-in demo)"}
DEFAULT_COLOURS = [(0, 0, 0), (230, 60, 60), (60, 180, 75), (60, 110, 230), (255, 200, 40), (170, 60, 200),
                   (70, 200, 220), (240, 130, 40), (150, 150, 150), (128, 0, 0)]


@dataclass
class SegSample:
    name: str
    image: np.ndarray  # (H, W, 3) uint8 RGB
    mask: np.ndarray  # (H, W) uint8 class ids, VOID = not scored


@dataclass
class SegData:
    name: str
    train: list[SegSample]
    test: list[SegSample] | None
    class_names: list[str]
    colours: list[list[int]]  # RGB per class, for overlays
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    notes: list[str] = field(default_factory=list)


def load_masks(spec: str | DataSpec, *, progress: ProgressFn | None = None,
               cancel: threading.Event | None = None) -> SegData:
    if not isinstance(spec, DataSpec):
        spec = DataSpec.parse(spec)
    if spec.kind == "shapes":
        return _load_shapes(spec)
    if spec.kind == "weizmann":
        return _load_weizmann(spec, progress, cancel)
    if spec.kind == "pairs":
        return _load_pairs(spec, progress, cancel)
    raise DataError(f"The segment task cannot read {spec.kind!r} data (in {str(spec)!r}).",
                    f"Use {'; '.join(KINDS.values())}.")


def _load_shapes(spec: DataSpec) -> SegData:
    check_options(spec, {"seed": "seed of the generator", "size": "image side in pixels"})
    count = _whole(spec.path or str(shapes.DEFAULT_COUNT), "image count", 4)
    size = _whole(spec.options.get("size", str(shapes.DEFAULT_SIZE)), "size", MIN_SIDE)
    images, masks = shapes.generate(count, size, _whole(spec.options.get("seed", "0"), "seed", 0))
    samples = [SegSample(f"shape{i:04d}", images[i], masks[i]) for i in range(count)]
    cut = count - count // 4
    return SegData(f"shapes {count}", samples[:cut], samples[cut:], list(shapes.CLASS_NAMES),
                   _colours(len(shapes.CLASS_NAMES)), [], [f"Generated demo: {cut} train, {count - cut} test images."])


def _load_weizmann(spec: DataSpec, progress, cancel) -> SegData:
    check_options(spec, {})
    root = Path(spec.path)
    folders = {name: root / name for name in ("rgb", "gray", "figure_ground")}
    if not root.is_dir() or not folders["figure_ground"].is_dir() or not (
            folders["rgb"].is_dir() or folders["gray"].is_dir()):
        raise DataError(f"{root} does not look like the Weizmann Horse data set.",
                        "Give the folder holding rgb/ (or gray/) and figure_ground/.")
    skipped, notes, samples = [], [], []
    masks = by_stem(folders["figure_ground"], skipped)
    listed = {name: by_stem(folders[name], skipped) if folders[name].is_dir() else {} for name in ("rgb", "gray")}
    skipped += [(str(listed["rgb"][s]), "image without a mask of the same name")
                for s in sorted(listed["rgb"].keys() - masks.keys())]
    stems = sorted(masks)
    for i, stem in enumerate(stems):
        check_cancel(cancel)
        try:
            mask = read_image(masks[stem], None, 1)[:, :, 0] >= 0.5
            image, how = _weizmann_image(listed, stem, mask.shape)
        except DataError as error:
            skipped.append((str(masks[stem]), error.message))
            continue
        if how:
            notes.append(f"{stem}: {how}")
        samples.append(SegSample(stem, image, mask.astype(np.uint8)))
        if progress is not None:
            progress(i + 1, len(stems))
    if not samples:
        raise DataError(f"No usable images in {root}.", "Check the rgb/ and figure_ground/ folders.")
    notes.append(f"Weizmann split (fixed): sorted by name, the first {WEIZMANN_TRAIN} for training and validation, "
                 f"the other {max(0, len(samples) - WEIZMANN_TRAIN)} for testing.")
    return SegData("weizmann horse", samples[:WEIZMANN_TRAIN], samples[WEIZMANN_TRAIN:] or None,
                   ["background", "horse"], _colours(2), skipped, notes)


def _weizmann_image(listed: dict, stem: str, shape: tuple[int, int]) -> tuple[np.ndarray, str]:
    """The rgb image at the mask's size, or the grey one (as RGB) where rgb is missing or near-blank."""
    how = ""
    for name in ("rgb", "gray"):
        found = listed[name].get(stem)
        if found is None:
            continue
        image = _uint8(read_image(found, None, 3))
        if _blank(image) and name == "rgb":
            how = "the rgb image is near-blank: the grey image is used instead"
            continue
        if image.shape[:2] != shape:
            image = cv2.resize(image, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
        return image, how
    raise DataError(f"No usable image for the mask {stem}.", "Restore rgb/ or gray/ from the original data.")


def _load_pairs(spec: DataSpec, progress, cancel) -> SegData:
    check_options(spec, {"test": "fraction held out for testing, e.g. 0.2", "seed": "seed for that split",
                         "classes": "a text file of class names, one a line"})
    parts = spec_folders(spec, 2, KINDS["pairs"])
    skipped, notes = [], []
    names = _class_names(spec, parts[1])
    images, masks = by_stem(parts[0], skipped), by_stem(parts[1], skipped)
    stems = paired_stems(images, masks, "mask", skipped)
    samples, palette, converted, resized = [], None, [], []
    for i, stem in enumerate(stems):
        check_cancel(cancel)
        try:  # a bad pair is skipped and listed; loading goes on
            image = _uint8(read_image(images[stem], None, 3))
            if _blank(image):
                raise DataError("blank image (every pixel about the same value)")
            mask, how, colours = read_mask(masks[stem], len(names) if names else None)
            mask, was_resized = _fit(mask, image.shape[:2], masks[stem])
        except DataError as error:
            skipped.append((str(images[stem]), error.message))
            continue
        palette = palette or colours
        converted += [masks[stem].name] if how == "thresholded" else []
        resized += [masks[stem].name] if was_resized else []
        sample = _checked(SegSample(stem, image, mask), str(images[stem]), skipped, notes)
        if sample is not None:
            samples.append(sample)
        if progress is not None:
            progress(i + 1, len(stems))
    if converted:
        notes.append(f"{len(converted)} mask(s) were neither binary nor class ids and were thresholded at 128 "
                     f"({few(converted)}).")
    if resized:
        notes.append(f"{len(resized)} mask(s) were of another size than their image and were resized to it by "
                     f"nearest neighbour ({few(resized)}).")
    if skipped:
        notes.append(f"{len(skipped)} file(s) skipped; see the skipped list.")
    if not samples:
        raise DataError(f"No usable image and mask pairs in {str(spec)!r}.",
                        f"Write {KINDS['pairs']}; give each image a mask file of the same name.")
    count = max(int(max(int(s.mask[s.mask != VOID].max(initial=0)) for s in samples)) + 1, 2, len(names or []))
    if not names:
        names = ["background", "foreground"] if count == 2 else ["background"] + [f"class {k}" for k in range(1, count)]
    colours = [list(map(int, c)) for c in (palette or [])][:count]
    colours += _colours(count)[len(colours):]
    fraction = parse_fraction(spec.options.get("test", "0"), "test")
    seed = _whole(spec.options.get("seed", "0"), "seed", 0) if fraction else 0
    train, test = held_out(samples, fraction, seed)
    return SegData(f"pairs {parts[0].name}", train, test, names, colours, skipped, notes)


def read_mask(path: Path, classes: int | None = None) -> tuple[np.ndarray, str, list | None]:
    """uint8 (H, W) class ids (VOID = not scored), how it was read ("palette", "binary", "ids", "thresholded"),
    and the palette's colours (palette PNGs only). Raises DataError for a mask it cannot read."""
    try:  # open_pil checks the file first (regular, an image format by content, a sane size)
        with open_pil(path) as (opened, header):
            mode, palette = opened.mode, opened.getpalette() if opened.mode == "P" else None
            if mode in ("LA", "1", "RGBA"):
                opened = opened.convert("RGB" if mode == "RGBA" else "L")
            values = np.array(opened)
    except FileRefused as error:
        raise DataError(f"cannot read the mask {path.name}: {error.reason}", error.hint) from None
    except (OSError, ValueError) as error:  # a header that reads but pixels that do not (truncated data)
        raise DataError(f"cannot read the mask {path.name} ({error})") from None
    if mode == "P":
        mask, how = values.astype(np.uint8), "palette"
        colours = [palette[3 * k:3 * k + 3] for k in range(len(palette) // 3)] if palette else None
    else:
        if values.ndim == 3:
            if not (np.array_equal(values[..., 0], values[..., 1]) and np.array_equal(values[..., 0], values[..., 2])):
                raise DataError(f"the mask {path.name} is in colour but not an indexed-palette PNG: save it as a "
                                "palette PNG, or as grey class ids")
            values = values[..., 0]
        (mask, how), colours = _grey_mask(values, classes, header.format == "JPEG"), None
    if classes is not None:
        wrong = np.unique(mask[(mask >= classes) & (mask != VOID)])
        if wrong.size:
            raise DataError(f"the mask {path.name} has value(s) {', '.join(map(str, wrong[:5].tolist()))} that match "
                            f"no class (the classes file names {classes}: 0-{classes - 1}; 255 is void)")
    return mask, how, colours


def _grey_mask(values: np.ndarray, classes: int | None, lossy: bool) -> tuple[np.ndarray, str]:
    """Class ids from a grey mask (the rules in the module docstring); a lossy (JPEG) mask cannot hold exact
    ids, and ids with mostly "void" are really a white-on-black mask: both are thresholded."""
    peak = int(values.max()) if values.size else 0
    if values.dtype != np.uint8 and peak > 255:  # 16-bit masks: ids if small, else scaled to 8 bits
        if peak < MAX_IDS:
            return values.astype(np.uint8), "ids"
        values = (values.astype(np.float64) * 255 / 65535).round().astype(np.uint8)
    values = values.astype(np.uint8)
    present = np.unique(values)
    if set(present.tolist()) <= {0, 255} or set(present.tolist()) <= {0, 1} and classes is None:
        return (values > 0).astype(np.uint8), "binary"
    if classes is not None and classes > 2:  # named classes: ids, checked against the names by the caller
        return values, "ids"
    limit = classes if classes is not None else MAX_IDS
    if not lossy and all(v < limit or v == VOID for v in present.tolist()) and (values == VOID).mean() < 0.25:
        return values, "ids"
    return (values >= 128).astype(np.uint8), "thresholded"


def _fit(mask: np.ndarray, shape: tuple[int, int], path: Path) -> tuple[np.ndarray, bool]:
    """The mask at the image's size (and whether it was resized): nearest neighbour when the aspect ratios
    agree within 3 %."""
    if mask.shape == shape:
        return mask, False
    ratio = (mask.shape[1] / mask.shape[0]) / (shape[1] / shape[0])
    if abs(ratio - 1) > 0.03:
        raise DataError(f"the mask {path.name} is {mask.shape[1]}x{mask.shape[0]} but its image is "
                        f"{shape[1]}x{shape[0]} (another aspect ratio): give a mask of the image's size")
    return cv2.resize(mask, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST), True


def _class_names(spec: DataSpec, mask_dir: Path) -> list[str] | None:
    given = spec.options.get("classes")
    path = Path(given).expanduser() if given else mask_dir / "classes.txt"
    problem = file_problem(path)
    if problem is None and path.stat().st_size > MAX_CLASSES_BYTES:
        problem = f"it is {path.stat().st_size:,} bytes, far more than a list of up to {VOID} names"
    if problem is not None:
        if given or os.path.lexists(path):  # a classes.txt that is a named pipe or a huge file is no list
            raise DataError(f"Cannot read the classes file {path}: {problem}.",
                            "Give a text file, one class name a line.")
        return None
    names = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    if not 2 <= len(names) <= VOID:
        raise DataError(f"The classes file {path} names {len(names)} class(es).",
                        f"Give 2 to {VOID} names, one a line, the first for class 0 (background).")
    return names


def _checked(sample: SegSample, path: str, skipped: list, notes: list) -> SegSample | None:
    if too_small(sample.image.shape[:2], path, skipped):
        return None
    size = shrunk_size(sample.image.shape[:2], path, notes)
    if size is not None:
        sample.image = cv2.resize(sample.image, size, interpolation=cv2.INTER_AREA)
        sample.mask = cv2.resize(sample.mask, size, interpolation=cv2.INTER_NEAREST)
    return sample


def _uint8(image: np.ndarray) -> np.ndarray:
    return np.round(image * 255).astype(np.uint8)


def _blank(image: np.ndarray) -> bool:
    return int(image.max()) - int(image.min()) <= 4


def _colours(count: int) -> list[list[int]]:
    rng = np.random.default_rng(7)
    extra = [tuple(int(v) for v in rng.integers(40, 255, 3)) for _ in range(max(0, count - len(DEFAULT_COLOURS)))]
    return [list(c) for c in (DEFAULT_COLOURS + extra)[:count]]


def _whole(text: str, what: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise DataError(f"Bad {what} {text!r}.", f"Give a whole number, {least} or more.")
    return value
