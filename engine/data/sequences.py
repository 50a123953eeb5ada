"""Frame sequences for next-frame prediction and clip classification.

Specs:
    mmnist:FILE.npz      sequences in an array `frames` (N, T, H, W) uint8, as ../shared/data/moving_mnist_generated
    moving / moving:N    N generated sequences of digits bouncing in a 64 x 64 square (Moving MNIST recipe)
    video:FILE, frames:DIR, or a bare path    one video cut into clips (sliding windows)
    videos:DIR           labelled clips: DIR/<class>/<video or frame folder>

Split (documented, fixed): the last 200 sequences are the test split (the last 10% when there are fewer
than 1,000); the validation split is taken from the rest by the Trainer's val_fraction. Clips of one video
split in time: the last 10% of the windows test.

Options: `size=WxH` (frame size, default: the file's for npz, 64x64 for video), `grey=0|1` (video; default
1), `stride=N` (keep every N-th video frame), `step=N` (frames between clip starts, default half a clip),
`test=N` (test sequences), `extra=N` (mmnist: N generated sequences added to training). For `moving`:
`digits=1|2` (per sequence), `seed=N`, `mnist=DIR` (MNIST digits instead of scikit-learn's built-in 8 x 8
digits), `size=S` (the square's side, 32-1024, default 64).

Everything is uint8 (N, T, C, H, W): 2,000 x 20 x 64 x 64 is 160 MB, kept whole in memory. Counts, frame
sizes (8-1024 a side) and the memory they take are checked before anything is read or generated
(engine/data/sequence_bounds.py); a split needs at least 2 sequences (1 with test=0).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from engine.data import sequence_bounds as bounds
from engine.data.base import DataSpec, check_options
from engine.errors import DataError
from engine.files import is_special

TEST_SEQUENCES = 200
DIRECTIONS = ["right", "down-right", "down", "down-left", "left", "up-left", "up", "up-right"]
_OPTIONS = {"size": "frame size WxH", "grey": "0 or 1", "stride": "keep every N-th frame",
            "step": "frames between clip starts", "test": "number of test sequences", "digits": "1 or 2",
            "seed": "generator seed", "mnist": "MNIST folder for the digits",
            "extra": "generated sequences added to the training split"}
MOVING_OPTIONS = {"size": "side of the square, S or SxS (32-1024)", "test": "number of test sequences",
                  "digits": "1 or 2", "seed": "generator seed", "mnist": "MNIST folder for the digits"}


@dataclass
class SequenceSet:
    frames: np.ndarray  # uint8 (N, T, C, H, W)
    labels: np.ndarray | None = None  # int64 (N,) for labelled clips
    class_names: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # e.g. {"digit": (N,), "direction": (N,)} from the generator

    def __len__(self) -> int:
        return len(self.frames)

    def subset(self, index) -> SequenceSet:
        return SequenceSet(self.frames[index], None if self.labels is None else self.labels[index],
                           list(self.class_names), {k: v[index] for k, v in self.extra.items()})


@dataclass
class SequenceSplits:
    train: SequenceSet
    test: SequenceSet | None
    name: str
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def load_sequences(spec: str | DataSpec, length: int, *, progress=None, cancel=None) -> SequenceSplits:
    """Sequences of exactly `length` frames (context + horizon), split into train and test."""
    spec = spec if isinstance(spec, DataSpec) else DataSpec.parse(str(spec))
    if spec.kind not in ("mmnist", "moving", "videos"):  # a video spec or a bare path to a video / folder
        from engine.data.video import parse_video_spec

        spec = parse_video_spec(str(spec))
    check_options(spec, _OPTIONS)
    if spec.kind == "mmnist":
        splits = _split(read_npz(spec, length), spec, f"Moving-MNIST sequences ({Path(spec.path).name})")
        return _add_generated(splits, spec, length)
    if spec.kind == "moving":
        check_options(spec, MOVING_OPTIONS)
        data = generate_moving_digits(_int(spec.path or "2000", "sequence count", 1, bounds.MAX_SEQUENCES), length,
                                      size=bounds.moving_side(spec),
                                      digits=_int(spec.options.get("digits", "2"), "digits", 1, 3),
                                      seed=_int(spec.options.get("seed", "0"), "seed", 0, 2**31),
                                      source=_digit_source(spec.options.get("mnist")))
        return _split(data, spec, f"moving digits ({len(data)} generated sequences)")
    if spec.kind == "videos":
        return load_labelled_clips(spec, length, progress=progress, cancel=cancel)
    return _video_clips(spec, length, progress, cancel)


def _split(data: SequenceSet, spec: DataSpec, name: str) -> SequenceSplits:
    n = len(data)
    what = Path(spec.path).name if spec.kind == "mmnist" else name
    bounds.check_sequence_count(n, what, spec.options.get("test", "").strip() == "0")
    default = TEST_SEQUENCES if n >= 1000 else max(1, n // 10)
    test = _int(spec.options.get("test", str(default)), "test count", 0, n - 1)
    if test == 0:
        return SequenceSplits(data, None, name, ["No test split (test=0): validation figures only."])
    return SequenceSplits(data.subset(slice(0, n - test)), data.subset(slice(n - test, n)), name,
                          [f"Split: the first {n - test} sequences train (validation taken from them), "
                           f"the last {test} test."])


def _add_generated(splits: SequenceSplits, spec: DataSpec, length: int) -> SequenceSplits:
    """`?extra=N`: N moving-digit sequences appended to the training split (never to the test split)."""
    extra = _int(spec.options.get("extra", "0"), "extra count", 0, bounds.MAX_SEQUENCES)
    if not extra:
        return splits
    h, w = splits.train.frames.shape[3:]
    if (h, w) != (64, 64) or splits.train.frames.shape[2] != 1:
        raise DataError("Generated sequences are grey 64 x 64; this file's frames are not.", "Leave out ?extra=.")
    made = generate_moving_digits(extra, length, seed=_int(spec.options.get("seed", "1"), "seed", 0, 2**31),
                                  source=_digit_source(spec.options.get("mnist")))
    splits.train = SequenceSet(np.concatenate([splits.train.frames, made.frames]))
    splits.notes.append(f"Training: {extra} generated moving-digit sequences added "
                        f"({'MNIST' if spec.options.get('mnist') else 'scikit-learn'} digits).")
    return splits


def read_npz(spec: DataSpec, length: int) -> SequenceSet:
    path = Path(spec.path)
    if not path.is_file():
        problem = "is not a regular file (a pipe or device is never read)" if is_special(path) else "not found"
        raise DataError(f"Sequence file {problem}: {path}.", "Write mmnist:FILE.npz with an existing file.")
    header = bounds.npz_header(path, "frames")  # judged before loading: a header may promise 100 GB
    if header is not None:
        bounds.check_npz_frames(path, *header, length)
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = list(archive.files)
            if "frames" not in names:
                raise DataError(f"{path.name} has no array named 'frames' (it holds: {', '.join(names) or 'nothing'}).",
                                "Save the sequences as np.savez(FILE, frames=array) with shape (N, T, H, W) uint8.")
            frames = archive["frames"]
            extra = {k: archive[k] for k in ("digit_labels",) if k in names}
    except DataError:
        raise
    except Exception as error:  # not a zip, damaged, pickled objects
        raise DataError(f"{path} is not a readable .npz file ({type(error).__name__}: {error}).",
                        "Give an .npz written by numpy.savez with an array 'frames'.") from None
    if frames.ndim == 4:
        frames = frames[:, :, None]
    elif frames.ndim == 5 and frames.shape[-1] in (1, 3):  # (N, T, H, W, C)
        frames = frames.transpose(0, 1, 4, 2, 3)
    else:
        raise DataError(f"'frames' in {path.name} has shape {frames.shape}; expected (N, T, H, W).",
                        "Sequence, time, height, width (the canonical Moving MNIST file is (T, N, H, W): "
                        "transpose it).")
    frames = _as_uint8(frames, path.name)
    _check_length(frames.shape[1], length, path.name)
    if "size" in spec.options:
        frames = _resize_all(frames[:, :length], _size(spec.options["size"]))
    return SequenceSet(np.ascontiguousarray(frames[:, :length]), extra={
        k: v for k, v in extra.items() if len(v) == len(frames)})


def _as_uint8(frames: np.ndarray, name: str) -> np.ndarray:
    if frames.dtype == np.uint8:
        return frames
    if np.issubdtype(frames.dtype, np.floating) and frames.size and float(frames.max()) <= 1.0:
        return np.round(np.clip(frames, 0, 1) * 255).astype(np.uint8)
    if (np.issubdtype(frames.dtype, np.number) and frames.size
            and 0 <= float(frames.min()) and float(frames.max()) <= 255):
        return frames.astype(np.uint8)
    raise DataError(f"'frames' in {name} is {frames.dtype} outside 0-255 (or 0-1 for floats).",
                    "Store frames as uint8 0-255 or floats 0-1.")


def _check_length(have: int, need: int, what: str) -> None:
    if have < need:
        raise DataError(f"{what} has {have} frames per sequence, fewer than context + horizon = {need}.",
                        "Lower --context / --horizon, or give longer sequences.")


# ---- the moving-digits generator ----
def _digit_source(mnist_dir: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(digits uint8 (N, 28, 28), labels (N,)) from MNIST when a folder is given, else scikit-learn's 8 x 8
    digits scaled to 28 x 28 (20 x 20 ink in a 4-pixel margin, like MNIST)."""
    if mnist_dir:
        from engine.data.mnist import load_mnist

        splits = load_mnist(DataSpec("mnist", mnist_dir, {}))
        images = np.round(splits.train.images[..., 0] * 255).astype(np.uint8)
        return images, splits.train.labels
    from sklearn.datasets import load_digits

    digits = load_digits()
    small = (digits.images / 16.0 * 255).astype(np.float32)
    big = np.zeros((len(small), 28, 28), np.uint8)
    for i, image in enumerate(small):
        big[i, 4:24, 4:24] = np.clip(cv2.resize(image, (20, 20), interpolation=cv2.INTER_LINEAR), 0, 255)
    return big, digits.target.astype(np.int64)


def generate_moving_digits(n: int, length: int, *, size: int = 64, digits: int = 2, seed: int = 0,
                           source: tuple[np.ndarray, np.ndarray] | None = None,
                           directions: bool = False) -> SequenceSet:
    """Digits bouncing inside a size x size square (Srivastava et al. 2015 recipe, as in SOURCE.md of the
    shared file): random start, speed 2-5 px/frame, mirror reflection at the walls, combined by max.
    Deterministic for a seed. `directions`: headings only along the 8 compass directions (so the first
    digit's heading is an exact class). Labels in `extra`: "digit" (first digit) and "direction" (index
    into DIRECTIONS of the first digit's starting heading)."""
    bounds.check_generated(n, length, size)
    images, labels = source if source is not None else _digit_source(None)
    side = images.shape[1]
    room = size - side
    rng = np.random.default_rng(seed)
    frames = np.zeros((n, length, 1, size, size), np.uint8)
    first_digit = np.zeros(n, np.int64)
    heading = np.zeros(n, np.int64)
    for s in range(n):
        pick = rng.integers(0, len(images), size=digits)
        for d, index in enumerate(pick):
            if directions:
                sector = int(rng.integers(0, 8))
                theta = sector * math.pi / 4
            else:
                theta = rng.uniform(0, 2 * math.pi)
                sector = int(round(theta / (math.pi / 4))) % 8
            speed = rng.uniform(2.0, 5.0)
            y, x = rng.uniform(0, room), rng.uniform(0, room)
            vy, vx = speed * math.sin(theta), speed * math.cos(theta)
            if d == 0:
                first_digit[s], heading[s] = labels[index], sector
            for t in range(length):
                top, left = int(round(y)), int(round(x))
                window = frames[s, t, 0, top:top + side, left:left + side]
                np.maximum(window, images[index], out=window)
                y, vy = _bounce(y + vy, vy, room)
                x, vx = _bounce(x + vx, vx, room)
    return SequenceSet(frames, extra={"digit": first_digit, "direction": heading})


def _bounce(position: float, velocity: float, room: float) -> tuple[float, float]:
    if position < 0:
        return -position, -velocity
    if position > room:
        return 2 * room - position, -velocity
    return position, velocity


# ---- clips from videos ----
def _video_clips(spec: DataSpec, length: int, progress, cancel) -> SequenceSplits:
    frames = _read_video(spec, progress, cancel)
    clips = windows(frames, length, _int(spec.options.get("step", str(max(1, length // 2))), "step", 1, 10**6),
                    str(spec.path or spec))
    data = SequenceSet(clips)
    n = len(data)
    test = max(1, n // 10) if n >= 5 else 0
    test = _int(spec.options.get("test", str(test)), "test count", 0, n - 1)
    name = f"clips of {Path(spec.path).name} ({len(frames)} frames, {n} clips of {length})"
    if test == 0:
        return SequenceSplits(data, None, name, ["Too few clips for a test split: validation only."])
    return SequenceSplits(data.subset(slice(0, n - test)), data.subset(slice(n - test, n)), name,
                          [f"Split in time: the first {n - test} clips train, the last {test} test."])


def _read_video(spec: DataSpec, progress=None, cancel=None) -> np.ndarray:
    """uint8 (T, C, H, W) frames of a video / frame-folder spec; size 64x64 and grey unless told otherwise."""
    from engine.data.video import read_frames

    video_spec = DataSpec(spec.kind, spec.path, {k: v for k, v in spec.options.items() if k == "stride"})
    grey = spec.options.get("grey", "1") not in ("0", "false", "no")
    frames = read_frames(video_spec, size=_size(spec.options.get("size", "64x64")), grey=grey,
                         progress=progress, cancel=cancel)  # a DataError when no frame decodes
    return np.ascontiguousarray(frames.transpose(0, 3, 1, 2))


def windows(frames: np.ndarray, length: int, step: int, name: str) -> np.ndarray:
    """Sliding windows (N, length, ...) of a (T, ...) frame array."""
    if len(frames) < 2:
        raise DataError(f"{name} has {len(frames)} frame(s): a clip needs at least 2.",
                        "Give a longer video.")
    _check_length(len(frames), length, name)
    starts = range(0, len(frames) - length + 1, step)
    bounds.check_clips(len(starts), length, frames[0].nbytes, name)  # overlapping clips repeat frames
    return np.stack([frames[s:s + length] for s in starts])


def load_labelled_clips(spec: DataSpec, length: int, *, progress=None, cancel=None) -> SequenceSplits:
    """videos:DIR with one folder per class holding videos (or frame folders). A file that cannot be read,
    or is shorter than a clip, is skipped and listed. Every 5th video (per class) tests."""
    from engine.data.loading import check_cancel
    from engine.data.video import VIDEO_SUFFIXES

    root = Path(spec.path)
    if not root.is_dir():
        raise DataError(f"Video folder not found: {root}.", "Write videos:DIR with DIR/<class>/<videos>.")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        raise DataError(f"{root} has {len(classes)} class folder(s); classification needs at least 2.",
                        "Put each class's videos in its own sub-folder: DIR/walk/a.mp4, DIR/run/b.mp4, ...")
    step = _int(spec.options.get("step", str(max(1, length // 2))), "step", 1, 10**6)
    sets = {"train": ([], []), "test": ([], [])}
    skipped: list[tuple[str, str]] = []
    for label, name in enumerate(classes):
        items = sorted(p for p in (root / name).iterdir() if not p.name.startswith(".")
                       and (p.is_dir() or p.suffix.lower() in VIDEO_SUFFIXES or p.is_file()))
        for i, item in enumerate(items):
            check_cancel(cancel)
            kind = "frames" if item.is_dir() else "video"
            try:
                frames = _read_video(DataSpec(kind, str(item), dict(spec.options, step=str(step))))
                clips = windows(frames, length, step, item.name)
            except DataError as error:
                skipped.append((str(item), error.message))
                continue
            part = "test" if i % 5 == 4 else "train"
            sets[part][0].append(clips)
            sets[part][1].append(np.full(len(clips), label, np.int64))
            if progress is not None:
                progress(i + 1, len(items))
    if not sets["train"][0]:
        raise DataError(f"No readable clips of {length} frames in {root}.",
                        "Check the videos (see the skipped list) or lower the clip length.")

    def build(part):
        if not sets[part][0]:
            return None
        clips = sets[part][0]
        bounds.check_clips(sum(map(len, clips)), length, clips[0][0, 0].nbytes, f"the videos in {root}")
        return SequenceSet(np.concatenate(sets[part][0]), np.concatenate(sets[part][1]), classes)

    notes = ["Split: every 5th video of each class tests; its clips never train."]
    return SequenceSplits(build("train"), build("test"), f"labelled clips in {root.name}", notes, skipped)


# ---- small parsers ----
def _int(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(str(text))
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise DataError(f"Bad {what} {text!r}.", f"Give a whole number from {low} to {high}.")
    return value


def _size(text: str) -> tuple[int, int]:
    return bounds.frame_size(text)


def _resize_all(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    h, w = size
    n, t, c = frames.shape[:3]
    flat = frames.reshape(n * t, c, *frames.shape[3:]).transpose(0, 2, 3, 1)
    out = np.stack([cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA).reshape(h, w, c) for f in flat])
    return out.transpose(0, 3, 1, 2).reshape(n, t, c, h, w)
