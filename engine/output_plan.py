"""Where a `predict` command writes, decided before any work is done: outputs never touch inputs.

Every output path of the command is resolved up front and checked together: none may be an input or the
checkpoint (the same path, or the same file through a link), none may be a folder, none may already
exist unless --overwrite is given, and the folder they go into must be one that can be made and written.
Inputs that share a file name (photos/a.png and scans/a.png) get distinct outputs: the first keeps its
name, the next ones are written as a-2_..., a-3_... and their results say so. When any check fails the
whole plan is refused with one message and nothing is written.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from engine.errors import ConfigError

# spec kinds whose "kind:" prefix is not part of the path (video:FILE, mmnist:FILE.npz, frames:DIR)
SPEC_KINDS = ("video", "frames", "camera", "mmnist", "moving", "videos")
GENERATED_KINDS = ("moving", "camera")  # name no file at all
SHOWN = 5  # existing files named in a refusal; the rest are counted
OVERWRITE_HINT = "Pass --overwrite to replace them, or choose another --out."


@dataclass
class Planned:
    """The outputs of one input: {name: path}, e.g. {mask: out/a_mask.png, overlay: out/a_overlay.png}."""

    source: str  # the input as given on the command line
    files: dict[str, Path]
    renamed: str = ""  # the name its outputs were given instead of the input's own, when another input had it


def input_location(text: str, spec: bool = False) -> Path | None:
    """The file or folder an input names. An image is a path as given; a spec (`spec`: video:FILE?size=..,
    frames:DIR, mmnist:FILE.npz, a bare video path) its path part; None for generated data and cameras."""
    if not spec:
        return Path(text).expanduser()
    head = text.partition("?")[0]
    kind, sep, rest = head.partition(":")
    if sep and kind.lower() in SPEC_KINDS:
        return None if kind.lower() in GENERATED_KINDS else Path(rest).expanduser()
    return Path(head).expanduser()


def display_stem(text: str, location: Path | None) -> str:
    """The name an input's outputs are built from: its file's stem, or the spec made file-safe (moving:20)."""
    if location is not None and location.name:
        return location.stem
    return re.sub(r"[^\w.-]+", "_", text.partition("?")[0]).strip("_") or "input"


def plan_folder(inputs: list[tuple[str, Path | None, dict[str, str]]], out: str | Path,
                protected: list[Path], overwrite: bool) -> list[Planned]:
    """Outputs in the folder `out`: for each input (text, location, {name: tail}) the files
    <stem><tail>, e.g. tails {"mask": "_mask.png"}. `protected`: what must never be written
    (every input, the checkpoint). Raises ConfigError, before anything is written, when the plan is unsafe."""
    out = Path(out).expanduser()
    _check_folder(out, protected)
    stems = _distinct_stems([(display_stem(text, where), list(tails.values())) for text, where, tails in inputs])
    planned = []
    for (text, where, tails), stem in zip(inputs, stems):
        original = display_stem(text, where)
        planned.append(Planned(text, {name: out / f"{stem}{tail}" for name, tail in tails.items()},
                               stem if stem != original else ""))
    _check_outputs(planned, protected, overwrite)
    return planned


def plan_files(inputs: list[str], out: str | Path, protected: list[Path], overwrite: bool,
               suffixes: tuple[str, ...]) -> list[Planned]:
    """One output file per input: `out` itself for one input, <stem>_<i><suffix> beside it for several.
    `suffixes`: the file types that can be written (the video writer's)."""
    out = Path(out).expanduser()
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder; a rollout is one video file.",
                          f"Give a file name, e.g. --out {out / ('rollout' + suffixes[0])}.")
    if out.suffix.lower() not in suffixes:
        raise ConfigError(f"--out {out} is not a file type a rollout can be written as "
                          f"({out.suffix or 'no suffix'}).", f"End the name in {' or '.join(suffixes)}.")
    _check_can_make(out.parent)
    names = [out] if len(inputs) == 1 else [out.with_name(f"{out.stem}_{i}{out.suffix}") for i in range(len(inputs))]
    planned = [Planned(text, {"video": name}) for text, name in zip(inputs, names)]
    _check_outputs(planned, protected, overwrite)
    return planned


def check_output_file(out: str | Path, protected: list[Path], overwrite: bool, suffixes: tuple[str, ...],
                      what: str) -> Path:
    """`out`, checked as the one file a command writes (`what`, e.g. "an exported model"): of one of
    `suffixes`, not a folder, never one of `protected`, existing only with `overwrite`, in a folder that can be
    made and written."""
    out = Path(out).expanduser()
    if out.suffix.lower() not in suffixes:
        raise ConfigError(f"--out {out} is not a file type {what} can be written as ({out.suffix or 'no suffix'}).",
                          f"End the name in {' or '.join(suffixes)}.")
    _check_can_make(out.parent)
    _check_outputs([Planned(str(out), {"file": out})], protected, overwrite)
    return out


def _distinct_stems(entries: list[tuple[str, list[str]]]) -> list[str]:
    """One stem per (stem, tails) entry such that no two entries write the same file name (compared without
    case: macOS and Windows folders ignore it). The first of a name keeps it; later ones get -2, -3, ...,
    skipping names some other input writes under its own name."""
    natural = {(stem + tail).casefold() for stem, tails in entries for tail in tails}
    taken: set[str] = set()
    chosen = []
    for stem, tails in entries:
        count, candidate = 1, stem
        while True:
            names = {(candidate + tail).casefold() for tail in tails}
            if not names & taken and (count == 1 or not names & natural):
                break
            count += 1
            candidate = f"{stem}-{count}"
        taken |= names
        chosen.append(candidate)
    return chosen


def _check_folder(folder: Path, protected: list[Path]) -> None:
    """`folder` is, or can be made as, a folder this process may write in."""
    if folder.exists() and not folder.is_dir():
        role = " is one of the inputs, not a folder" if _matches(folder, _Protected(protected)) else " is a file"
        raise ConfigError(f"--out {folder}{role}; the outputs go into a folder.",
                          "Give a folder for --out (it is made when missing), e.g. --out results/.")
    _check_can_make(folder)


def _check_can_make(folder: Path) -> None:
    """The nearest existing folder at or above `folder` is a folder this process may write in."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"Cannot make the folder {folder}: {existing} is a file.",
                          "Give another --out, under a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"Cannot write in {existing}: permission denied.",
                          "Choose an output folder you can write to (--out).")


class _Protected:
    """Paths that must not be written, compared by resolved path and, for files that exist, by identity
    (device, inode): a hard link or a differently spelled path to an input is still that input."""

    def __init__(self, paths: list[Path]):
        self.resolved = {_resolve(p) for p in paths}
        self.identities = {_identity(p) for p in paths} - {None}


def _matches(path: Path, protected: _Protected) -> bool:
    return _resolve(path) in protected.resolved or _identity(path) in protected.identities


def _check_outputs(planned: list[Planned], protected: list[Path], overwrite: bool) -> None:
    guard = _Protected(protected)
    outputs = [path for item in planned for path in item.files.values()]
    for path in outputs:
        if _matches(path, guard):
            raise ConfigError(f"{path} would be written over one of this command's inputs.",
                              "Choose another --out; outputs never replace inputs, even with --overwrite.")
        if path.is_dir():
            raise ConfigError(f"{path} is a folder where an output file would go.",
                              "Choose another --out, or rename that folder.")
    existing = [path for path in outputs if os.path.lexists(path)]
    if existing and not overwrite:
        shown = ", ".join(map(str, existing[:SHOWN]))
        more = f" and {len(existing) - SHOWN} more" if len(existing) > SHOWN else ""
        raise ConfigError(f"{len(existing)} output file(s) already exist: {shown}{more}. Nothing was written.",
                          OVERWRITE_HINT)


def _resolve(path: Path) -> str:
    try:
        return os.path.normcase(str(path.expanduser().resolve()))
    except (OSError, RuntimeError):  # a symlink loop: compare as spelled
        return os.path.normcase(os.path.abspath(path))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


RUN_FILES = ("config.json", "metrics.csv", "model.ckpt")  # what a training run writes into its folder


def check_run_folder(out: str | Path, data: str, overwrite: bool, names=RUN_FILES) -> None:
    """Before a run starts: refuse a run folder that holds files the run would write (an earlier run's
    checkpoint, a user's config.json) unless `overwrite`, and a run folder that is, or is inside, the
    data being read (its files would be listed as data, or replace it)."""
    out = Path(out)
    inside = {_resolve(out), *(_resolve(p) for p in out.resolve().parents)}
    for root in _data_folders(data):
        if _resolve(root) in inside:
            raise ConfigError(f"The run folder {out} is inside the data folder {root}.",
                              "Give --out a folder outside the data, e.g. runs/my-run.")
    existing = [out / name for name in names if (out / name).exists() or (out / name).is_symlink()]
    if existing and not overwrite:
        raise ConfigError(f"The run folder {out} already holds {', '.join(p.name for p in existing)} "
                        "(an earlier run's files); they were left as they are.",
                        "Give another --out, or pass --overwrite to replace them.")


def _data_folders(data: str) -> list[Path]:
    """The folders a data spec reads (`pairs:A,B` names two; a file's folder counts), those that exist."""
    head = (data or "").partition("?")[0]
    kind, sep, rest = head.partition(":")
    paths = [Path(part).expanduser() for part in (rest if sep else head).split(",") if part.strip()]
    return [p if p.is_dir() else p.parent for p in paths if p.exists() and (sep or p.suffix or p.is_dir())]
