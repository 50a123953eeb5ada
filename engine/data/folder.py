"""Images sorted into one folder per class.

Layout: `folder:DIR` with `DIR/<class>/*.png|jpg|jpeg|bmp|tif|tiff` (classes sorted by name), or
`DIR/train/<class>/...` + `DIR/test/<class>/...` for a ready-made test split.
Options: `size=N` (every image resized to NxN, default 28; area averaging when shrinking),
`channels=grey|rgb` (default grey), `test=FRACTION` (hold out that fraction of each class as a
seeded test split; default none), `seed=N` (for that split, default 0).
Unreadable images and non-image files are listed in Splits.skipped and left out; loading goes on. That
includes named pipes and devices (never opened), files whose content is no image whatever their name (a
PostScript `x.png`), and images whose header declares over 80 megapixels (see engine/data/image_files.py).
A class with a single image stays in training when test= is given (noted); an empty test split becomes none.
Transparent pixels are composited over white (see reading.read_image).
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from engine.data.base import DataSpec, ImageSet, Splits, check_options, parse_fraction
from engine.data.image_files import IMAGE_SUFFIXES, file_problem
from engine.data.reading import ProgressFn, check_cancel, read_image, train_val_split
from engine.errors import DataError
from engine.resources import check_fits

IGNORED_FOLDERS = {"__MACOSX"}  # archive-tool debris, never a class
PROGRESS_EVERY = 50
OPTIONS = {"size": "square side in pixels, default 28", "channels": "grey or rgb, default grey",
           "test": "fraction held out for testing, e.g. 0.2", "seed": "seed for that split, default 0"}
LAYOUT_HINT = "Put each class's images in its own sub-folder: DIR/cat/*.png, DIR/dog/*.png, ..."


def load_folder(spec: DataSpec, *, progress: ProgressFn | None = None,
                cancel: threading.Event | None = None) -> Splits:
    check_options(spec, OPTIONS)
    root = _root(spec.path)
    side = _parse_int(spec.options.get("size", "28"), "size", 1, 4096)
    channels = _parse_channels(spec.options.get("channels", "grey"))
    test_fraction = parse_fraction(spec.options.get("test", "0"), "test")
    seed = _parse_int(spec.options.get("seed", "0"), "seed", 0, 2**32 - 1)

    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    split_layout = _has_split_layout(root)
    parts = ["train", "test"] if split_layout else [""]
    entries, all_folders = [], set()  # (path, class name, part); every training class folder, empty or not
    for part in parts:
        for class_name, files in _scan(root / part if part else root, skipped).items():
            entries += [(path, class_name, part or "train") for path in files]
            all_folders |= {class_name} if part != "test" else set()
    if not entries:
        raise DataError(f"No images found in the class folders of {root}.",
                        f"Accepted types: {', '.join(sorted(IMAGE_SUFFIXES))}. {LAYOUT_HINT}")

    images, ok = _read_all([path for path, _, _ in entries], side, channels, skipped, progress, cancel)
    kept = [entry for entry, good in zip(entries, ok) if good]
    images = images[ok]
    classes = sorted({name for _, name, part in kept if part == "train"})
    empty = [name for name in sorted(all_folders) if name not in classes]
    if empty:
        notes.append(f"Class folder(s) with no readable images, left out: {', '.join(empty)}.")
    if len(classes) < 2:
        raise DataError(f"{root} has {len(classes)} class(es) with readable images; classification needs 2 or more.",
                        LAYOUT_HINT)
    unknown = sorted({name for _, name, part in kept if part == "test" and name not in classes})
    if unknown:
        raise DataError(f"The test folder has classes with no training images: {', '.join(unknown)}.",
                        "Give every test class readable images under train/ too, or remove it from test/.")

    index_of = {name: i for i, name in enumerate(classes)}
    labels = np.array([index_of[name] for _, name, _ in kept], dtype=np.int64)
    everything = ImageSet(images, labels, classes, [str(path) for path, _, _ in kept])
    is_train = np.array([part == "train" for _, _, part in kept])
    train, test = _train_test(everything, is_train if split_layout else None, test_fraction, seed, notes)
    if skipped:
        notes.append(f"{len(skipped)} file(s) skipped (unreadable or not images); see the skipped list.")
    return Splits(f"folder {root.name}", train, test, skipped=skipped, notes=notes)


def _root(path_text: str) -> Path:
    if not path_text:
        raise DataError("A folder data set needs a path.", "Write folder:DIR. " + LAYOUT_HINT)
    root = Path(path_text)
    if not root.exists():
        raise DataError(f"Folder not found: {root}.", "Check the path. " + LAYOUT_HINT)
    if not root.is_dir():
        raise DataError(f"{root} is a file, not a folder.", LAYOUT_HINT)
    if not any(root.iterdir()):
        raise DataError(f"The folder {root} is empty.", LAYOUT_HINT)
    return root


def _has_split_layout(root: Path) -> bool:
    train, test = root / "train", root / "test"
    return train.is_dir() and test.is_dir() and any(_class_dirs(train))


def _class_dirs(folder: Path) -> list[Path]:
    return sorted((child for child in folder.iterdir()
                   if child.is_dir() and not child.name.startswith(".") and child.name not in IGNORED_FOLDERS),
                  key=lambda child: child.name)


def _scan(folder: Path, skipped: list[tuple[str, str]]) -> dict[str, list[Path]]:
    """{class name: image files}; loose files and non-image files go to `skipped`."""
    class_dirs = _class_dirs(folder)
    if not class_dirs:
        raise DataError(f"{folder} has no class sub-folders.", LAYOUT_HINT)
    for child in sorted(folder.iterdir()):
        if not child.is_dir():
            skipped.append((str(child), file_problem(child) or "not inside a class folder"))
    return {class_dir.name: _class_files(class_dir, skipped) for class_dir in class_dirs}


def _class_files(class_dir: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """The image files of one class folder. Anything else is listed in `skipped`, a named pipe or device up
    front, by stat alone (opening a named pipe blocks until something writes to it)."""
    files = []
    for child in sorted(class_dir.iterdir(), key=lambda c: c.name):
        problem = None if child.is_dir() else file_problem(child)
        if child.is_dir():
            skipped.append((str(child), "folder inside a class folder (not searched)"))
        elif problem is not None:
            skipped.append((str(child), problem))
        elif child.suffix.lower() in IMAGE_SUFFIXES:
            files.append(child)
        else:
            skipped.append((str(child), f"not an image file ({child.suffix or 'no extension'})"))
    return files


def _read_all(paths: list[Path], side: int, channels: int, skipped: list[tuple[str, str]],
              progress: ProgressFn | None, cancel: threading.Event | None) -> tuple[np.ndarray, np.ndarray]:
    total = len(paths)
    check_fits(total * side * side * channels * 4, f"{total:,} images of {side}x{side}x{channels} (size={side})",
               "Choose a smaller size= (28 or 64 are usual for a recurrent network reading rows).")
    images = np.zeros((total, side, side, channels), dtype=np.float32)
    ok = np.zeros(total, dtype=bool)
    if progress is not None:
        progress(0, total)
    for i, path in enumerate(paths):
        check_cancel(cancel)
        try:
            images[i] = read_image(path, (side, side), channels)
            ok[i] = True
        except DataError as error:
            skipped.append((str(path), error.message))
        if progress is not None and ((i + 1) % PROGRESS_EVERY == 0 or i + 1 == total):
            progress(i + 1, total)
    return images, ok


def _train_test(everything: ImageSet, is_train: np.ndarray | None, fraction: float, seed: int,
                notes: list[str]) -> tuple[ImageSet, ImageSet | None]:
    """(train, test): the folder's own train/ and test/ parts (is_train given), else `fraction` of every class
    held out, else no test split. An empty test split becomes None, with a note (training would score on it)."""
    if is_train is not None:
        if fraction:
            notes.append("test= ignored: the folder has its own test/ split.")
        train, test = everything.subset(np.flatnonzero(is_train)), everything.subset(np.flatnonzero(~is_train))
    elif fraction:
        train, test = _held_out(everything, fraction, seed, notes)
    else:
        return everything, None
    if len(test) == 0:
        notes.append("No test split: the test/ folder has no readable images." if is_train is not None else
                     f"No test split: test={fraction:g} held out no image, as every class has a single readable "
                     "image (a class needs 2 or more to give one to the test split).")
        return train, None
    return train, test


def _held_out(everything: ImageSet, fraction: float, seed: int, notes: list[str]) -> tuple[ImageSet, ImageSet]:
    """(train, test) with `fraction` of every class held out; a class of one image stays in training (noted)."""
    counts = np.bincount(everything.labels, minlength=len(everything.class_names))
    single = [name for name, count in zip(everything.class_names, counts) if count == 1]
    if single and len(single) < len(counts):
        notes.append(f"Class(es) with a single readable image, used for training only (none in the test split): "
                     f"{', '.join(single)}.")
    train_idx, test_idx = _stratified_split(everything.labels, fraction, seed)
    return everything.subset(train_idx), everything.subset(test_idx)


def _stratified_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hold out `fraction` of every class, so a small class still appears in the test split."""
    train, test = [], []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        train_pos, test_pos = train_val_split(len(members), fraction, seed + int(label))
        train.append(members[train_pos])
        test.append(members[test_pos])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def _parse_int(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise DataError(f"Bad {what} {text!r}.", f"Give a whole number from {low} to {high}.")
    return value


def _parse_channels(text: str) -> int:
    choices = {"grey": 1, "gray": 1, "rgb": 3}
    if text.lower() not in choices:
        raise DataError(f"Bad channels {text!r}.", "Use channels=grey or channels=rgb.")
    return choices[text.lower()]
