"""Sizes of frame-sequence data checked before anything is allocated (engine/data/sequences.py uses these).

A count, frame size or clip length a person types is held to hard limits first (a million sequences, frames
of 1,024 pixels a side), then the bytes it would take are estimated and checked against what this machine
has free (engine.resources.check_fits). An .npz is judged by its header, read from the zip without loading
the array: shape, dtype (object arrays are refused: they would need pickle) and size.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from engine.data.base import DataSpec
from engine.errors import DataError
from engine.resources import check_fits

MAX_SEQUENCES = 10**6
MIN_FRAME_SIDE, MAX_FRAME_SIDE = 8, 1024  # frame height / width (?size=WxH)
MIN_MOVING_SIDE, DEFAULT_MOVING_SIDE = 32, 64  # generated digits are 28 px: the square leaves them room to move
MIN_SEQUENCES = 2  # a split needs a sequence to train on and one to test on
# copies of the frames a run holds: as read or generated, and the task's training split cut from them
COPIES = 2


def frame_size(text: str) -> tuple[int, int]:
    """`"320x240"` -> (240, 320), each side within MIN_FRAME_SIDE..MAX_FRAME_SIDE."""
    from engine.data.video import parse_size

    h, w = parse_size(text)
    if not (MIN_FRAME_SIDE <= h <= MAX_FRAME_SIDE and MIN_FRAME_SIDE <= w <= MAX_FRAME_SIDE):
        raise DataError(f"Bad frame size {text!r}: each side must be {MIN_FRAME_SIDE} to {MAX_FRAME_SIDE} pixels.",
                        "Write ?size=WIDTHxHEIGHT, for example size=64x64.")
    return h, w


def moving_side(spec: DataSpec) -> int:
    """The side of the square generated digits move in: `?size=S` or `?size=SxS` (default 64)."""
    from engine.data.video import parse_size

    text = str(spec.options.get("size", DEFAULT_MOVING_SIDE)).strip()
    try:
        h, w = (int(text), int(text)) if text.isdigit() else parse_size(text)
    except DataError:
        h, w = 0, 0
    if h != w or not MIN_MOVING_SIDE <= h <= MAX_FRAME_SIDE:
        raise DataError(f"Bad size {text!r} for moving digits: they move in a square of {MIN_MOVING_SIDE} to "
                        f"{MAX_FRAME_SIDE} pixels a side.", "Write ?size=S (or SxS), for example size=64.")
    return h


def check_generated(n: int, length: int, side: int) -> None:
    """Bounds of a moving-digits request, then its memory: DataError / ResourceError before generating."""
    if not 1 <= n <= MAX_SEQUENCES:
        raise DataError(f"Bad sequence count {n:,}: generate 1 to {MAX_SEQUENCES:,}.",
                        "Write moving:N, e.g. moving:2000.")
    if not 1 <= length <= 1000:
        raise DataError(f"Bad sequence length {length:,}: 1 to 1,000 frames.", "Lower --context / --horizon.")
    if not MIN_MOVING_SIDE <= side <= MAX_FRAME_SIDE:
        raise DataError(f"Bad size {side:,} for moving digits: {MIN_MOVING_SIDE} to {MAX_FRAME_SIDE} pixels a side.",
                        "Write ?size=S, for example size=64.")
    check_fits(COPIES * n * length * side * side, f"{n:,} generated {side}x{side} sequences of {length} frames",
               "Generate fewer sequences (moving:N), shorter ones (--context / --horizon) or smaller ones (?size=S).")


def check_clips(count: int, length: int, frame_bytes: int, what: str) -> None:
    """Memory for `count` clips of `length` frames of `frame_bytes` each, before they are cut out."""
    check_fits(COPIES * count * length * frame_bytes, f"{count:,} clips of {length} frames from {what}",
               "Raise ?step= (fewer, less overlapping clips), use ?stride=, a smaller ?size=, or shorter clips.")


def check_sequence_count(n: int, name: str, test_off: bool = False) -> None:
    """DataError when `n` sequences cannot be split: 0 ever, 1 unless no test split is asked for (?test=0)."""
    if n < (1 if test_off else MIN_SEQUENCES):
        raise DataError(f"{name} holds {n} sequence{'s' if n != 1 else ''}; a split into training and test needs "
                        f"at least {MIN_SEQUENCES} (one to train on, one to test; more leave some for validation).",
                        "Give more sequences, or add ?test=0 to train on a single one without a test split.")


def npz_header(path: Path, name: str) -> tuple[tuple[int, ...], np.dtype] | None:
    """(shape, dtype) of array `name` in the .npz at `path`, read from its .npy header without loading the
    data; None when the archive has no such array. DataError when it is no zip or the header is damaged."""
    from numpy.lib import format as npy

    try:
        with zipfile.ZipFile(path) as archive:
            if f"{name}.npy" not in archive.namelist():
                return None
            with archive.open(f"{name}.npy") as member:
                version = npy.read_magic(member)
                read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
                shape, _, dtype = read(member)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:  # not a zip, a damaged .npy header
        raise DataError(f"{path} is not a readable .npz file ({type(error).__name__}: {error}).",
                        "Give an .npz written by numpy.savez with an array 'frames'.") from None
    return tuple(int(s) for s in shape), dtype


def check_npz_frames(path: Path, shape: tuple[int, ...], dtype: np.dtype, length: int) -> None:
    """What an .npz's 'frames' header promises, judged before loading: numbers (not objects), (N, T, H, W)
    or (N, T, H, W, C), long enough, within the frame-size limits, and fitting in memory."""
    if dtype.hasobject or dtype.kind not in "iuf":
        raise DataError(f"'frames' in {path.name} holds {dtype} values, not numbers.",
                        "Store frames as uint8 0-255 or floats 0-1 (np.savez(FILE, frames=array)).")
    if len(shape) not in (4, 5) or len(shape) == 5 and shape[-1] not in (1, 3):
        raise DataError(f"'frames' in {path.name} has shape {shape}; expected (N, T, H, W).",
                        "Sequence, time, height, width (the canonical Moving MNIST file is (T, N, H, W): "
                        "transpose it).")
    h, w = shape[2:4]
    if not (MIN_FRAME_SIDE <= h <= MAX_FRAME_SIDE and MIN_FRAME_SIDE <= w <= MAX_FRAME_SIDE):
        raise DataError(f"'frames' in {path.name} are {w}x{h}; frames of {MIN_FRAME_SIDE} to {MAX_FRAME_SIDE} "
                        "pixels a side are read.", "Resize the frames before saving them.")
    channels = shape[4] if len(shape) == 5 else 1
    loaded = int(np.prod(shape, dtype=np.float64) * dtype.itemsize)
    kept = COPIES * shape[0] * min(shape[1], length) * h * w * channels  # uint8, cut to `length` frames
    check_fits(loaded + kept, f"{path.name}'s {shape[0]:,} sequences of {shape[1]} {w}x{h} frames ({dtype})",
               "Save fewer or shorter sequences in the file, or split it into several files.")
