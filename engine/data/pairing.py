"""Image folders for the mask and edge-map readers: listing by name, pairing images with their partners,
the size limits every image must meet, and the held-out split. Anything unusable is listed, never fatal."""
from __future__ import annotations

from pathlib import Path

from engine.data.base import DataSpec
from engine.data.image_files import IMAGE_SUFFIXES, file_problem
from engine.data.loading import train_val_split
from engine.errors import DataError

MIN_SIDE, MAX_SIDE = 16, 4000


def spec_folders(spec: DataSpec, wanted: int, usage: str) -> list[Path]:
    """The `wanted` comma-separated folders of spec.path; DataError (hint: usage) when they are not that."""
    parts = [Path(p.strip()).expanduser() for p in spec.path.split(",")] if spec.path else []
    if len(parts) != wanted or not all(str(p) for p in parts):
        raise DataError(f"Bad {spec.kind} spec {str(spec)!r}.", f"Write {usage}.")
    for folder in parts:
        if not folder.is_dir():
            raise DataError(f"{folder} is not a folder.", f"Write {usage}.")
    return parts


def by_stem(folder: Path, skipped: list | None = None) -> dict[str, Path]:
    """Image files of folder by name without suffix; other files, and entries that are not regular files (a
    named pipe would block whoever opens it), are listed in skipped when one is given. Sub-folders are ignored."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == "classes.txt" or path.is_dir():
            continue
        problem = file_problem(path)
        if problem is None and path.suffix.lower() in IMAGE_SUFFIXES:
            found[path.stem] = path
        elif skipped is not None:
            skipped.append((str(path), problem or "not an image file (PNG, JPG, BMP or TIFF)"))
    return found


def matched(first: dict, second: dict) -> tuple[list[str], list[str], list[str]]:
    """Sorted keys in both, only in first, only in second."""
    return (sorted(first.keys() & second.keys()), sorted(first.keys() - second.keys()),
            sorted(second.keys() - first.keys()))


def paired_stems(images: dict[str, Path], partners: dict[str, Path], partner: str, skipped: list) -> list[str]:
    """Stems with both an image and a partner file (`partner` names it, e.g. "mask"); the rest go to skipped."""
    both, no_partner, no_image = matched(images, partners)
    skipped += [(str(partners[s]), f"{partner} without an image of the same name") for s in no_image]
    skipped += [(str(images[s]), f"image without {_a(partner)} of the same name") for s in no_partner]
    return both


def too_small(size: tuple[int, int], path: str, skipped: list) -> bool:
    """True (and listed in skipped) when an image of size (h, w) is under MIN_SIDE on a side."""
    h, w = size
    if min(h, w) >= MIN_SIDE:
        return False
    skipped.append((path, f"{w}x{h} px is smaller than {MIN_SIDE} px on a side"))
    return True


def shrunk_size(size: tuple[int, int], path: str, notes: list) -> tuple[int, int] | None:
    """(w, h) to downscale an image of size (h, w) to (with a note), or None when it is within MAX_SIDE."""
    h, w = size
    if max(h, w) <= MAX_SIDE:
        return None
    factor = MAX_SIDE / max(h, w)
    new = (max(MIN_SIDE, round(w * factor)), max(MIN_SIDE, round(h * factor)))
    notes.append(f"{path} is {w}x{h} px: downscaled to {new[0]}x{new[1]} (at most {MAX_SIDE} px a side).")
    return new


def held_out(samples: list, fraction: float, seed: int) -> tuple[list, list | None]:
    """(train, test) with `fraction` of samples held out for testing; test is None when fraction is 0."""
    if not fraction:
        return samples, None
    train_idx, test_idx = train_val_split(len(samples), fraction, seed)
    return [samples[i] for i in train_idx], [samples[i] for i in test_idx]


def few(names: list[str], most: int = 3) -> str:
    """The first `most` names, comma-separated, with ", ..." when there are more."""
    return ", ".join(names[:most]) + (", ..." if len(names) > most else "")


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
