"""Checkpoints: weights + config + preprocessing + metrics in one file.

Written atomically (temporary file `model.ckpt.XXXXXXXX.tmp` in the same folder, fsync, rename) so a
crash never leaves half a file; the temporary files of writes that were killed half-way are removed by
the next save into that folder. Only finite weights are ever written.

Each file carries two sha256 checksums (`checksums`): one of the weights (every state_dict tensor's
name, dtype, shape and bytes, in sorted order) and one of the settings (format, task, config, info and
metrics as canonical JSON). torch.load reads a file with flipped bits inside the tensor data (or in a
number of the settings) without complaint, so load() recomputes both and refuses a file that does not
match as damaged. Checkpoints written before the checksums existed have none and load without this
check. Read with torch.load(weights_only=True), which refuses any pickled code; every part a predictor
needs is then checked, so a file missing one gets a message naming it, never a KeyError.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import pickle
import pickletools
import re
import tempfile
from pathlib import Path

import torch

from engine.errors import CheckpointError, ConfigError
from engine.files import require_regular_file

try:
    import fcntl  # Unix: a writer holds a lock on its temporary file, so cleaning never removes one in use
except ImportError:  # Windows: an open file cannot be removed anyway
    fcntl = None

FORMAT = "rnn-vision-lab/1"
SETTINGS = ("format", "task", "config", "info", "metrics")  # the parts the settings checksum covers
PARTS = (*SETTINGS, "state_dict", "checksums")
RETRAIN = "Give the model.ckpt written by `python main.py train` or the window's Save model, or train again."
DAMAGED = "The file is damaged (a disk or copy error): restore it from a backup or train again."


def save(path: str | Path, state_dict: dict, config: dict, info: dict, metrics: dict) -> Path:
    path = Path(path)
    weights = {name: tensor.detach().cpu() for name, tensor in state_dict.items()}
    bad = first_nonfinite(weights)
    if bad is not None:
        raise CheckpointError(f"Not writing {path}: the weight {bad!r} is not a finite number (NaN or infinity).",
                              "The model diverged: lower the learning rate or turn on gradient clipping.")
    payload = {"format": FORMAT, "task": info.get("task", config.get("task")), "config": config,
               "info": info, "metrics": {k: float(v) for k, v in metrics.items()}, "state_dict": weights}
    payload["checksums"] = {"weights": weights_digest(weights), "settings": settings_digest(payload)}
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)
    _write_atomically(path, payload)
    return path


def write_atomically(path: Path, payload: dict) -> None:
    """torch.save(payload) at `path`, whole or not at all (also last.ckpt's writer: engine/runs/resume.py)."""
    _write_atomically(path, payload)


def _write_atomically(path: Path, payload: dict) -> None:
    handle, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX)  # "in use" for remove_leftovers; released on close
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_leftovers(path: str | Path) -> list[Path]:
    """Remove the temporary files that interrupted saves of `path` left beside it (a process killed while
    writing cannot clean up). Only names of mkstemp's form, `<name>.<8 of [a-z0-9_]>.tmp`, that no running
    save holds; everything else in the folder is left alone. Returns what was removed."""
    path = Path(path)
    ours = re.compile(re.escape(path.name) + r"\.[a-z0-9_]{8}\.tmp")
    removed = []
    for candidate in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
        if ours.fullmatch(candidate.name) and not candidate.is_symlink() and candidate.is_file():
            if _remove_unless_in_use(candidate):
                removed.append(candidate)
    return removed


def _remove_unless_in_use(candidate: Path) -> bool:
    try:
        with open(candidate, "rb") as file:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while a save writes it
            candidate.unlink()
        return True
    except OSError:  # in use, already gone, or not ours to remove
        return False


def first_nonfinite(tensors: dict) -> str | None:
    """The name of the first floating-point tensor holding a NaN or an infinity, or None."""
    for name, tensor in tensors.items():
        if (tensor.is_floating_point() or tensor.is_complex()) and not bool(torch.isfinite(tensor).all()):
            return name
    return None


def weights_digest(weights: dict) -> str:
    """sha256 of the tensors: for each name in sorted order its name, dtype, shape and raw bytes."""
    digest = hashlib.sha256()
    for name in sorted(weights):
        tensor = weights[name].detach().cpu().contiguous()
        digest.update(f"{name}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy())
    return digest.hexdigest()


def settings_digest(payload: dict) -> str:
    """sha256 of the settings parts as canonical JSON (sorted keys; anything JSON lacks by its repr)."""
    settings = {part: _canonical(payload.get(part)) for part in SETTINGS}
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=repr).encode()).hexdigest()


def _canonical(value):
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


def load(path: str | Path, task: str | None = None) -> dict:
    """The checkpoint's dict; refuses other formats, other tasks, damaged files, missing parts, non-finite
    weights and anything that would run code."""
    path = Path(path)
    require_regular_file(path, CheckpointError, "Checkpoint", "Give the model.ckpt written by a training run.")
    payload = _read(path)
    _check_format(payload, path)
    _check_checksums(payload, path)
    _check_parts(payload, path)
    bad = first_nonfinite(payload["state_dict"])
    if bad is not None:
        raise CheckpointError(f"{path} holds weights that are not finite numbers (NaN or infinity, first in {bad!r}):"
                              " it was saved from a run that diverged.",
                              "Train again with a lower learning rate or gradient clipping (clip 1.0).")
    if task is not None and payload["task"] != task:
        raise CheckpointError(f"{path} is a model for the task {payload['task']!r}, not {task!r}.",
                              f"Choose the {payload['task']!r} task, or a checkpoint trained for {task!r}.")
    return payload


def _read(path: Path):
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "global" not in str(error).lower() and not _calls_code(path):  # just bytes pickle cannot read
            raise CheckpointError(f"{path} is not a readable checkpoint (damaged, truncated or another format).",
                                  "Give the model.ckpt written by a training run.") from error
        raise CheckpointError(
            f"{path} holds more than weights (Python objects that would run code when loaded), so it was refused "
            "(if RNN Vision Lab wrote it, it is damaged).",
            "Only load checkpoints written by RNN Vision Lab; never run files from an unknown source."
        ) from error
    except Exception as error:  # truncated file, not a torch file at all, bytes flipped in its structure, ...
        raise CheckpointError(f"{path} is not a readable checkpoint: damaged, truncated or of another program "
                              f"({type(error).__name__}: {error}).",
                              "The file may be truncated or damaged, or of another program.") from error


def _calls_code(path: Path) -> bool:
    """Whether a raw pickle names functions or classes to call, read statically (nothing is run)."""
    calls = {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "NEWOBJ", "NEWOBJ_EX"}
    try:
        with open(path, "rb") as file:
            return any(op.name in calls for op, _, _ in pickletools.genops(file))
    except Exception:  # not a pickle at all (a zip, garbage, truncated)
        return False


def _check_format(payload, path: Path) -> None:
    if not isinstance(payload, dict) or "format" not in payload:
        if isinstance(payload, dict) and "checksums" in payload:  # ours, with the "format" key's name damaged
            raise CheckpointError(f"{path} is damaged: it has no checkpoint format.", DAMAGED)
        raise CheckpointError(f"{path} is not an RNN Vision Lab checkpoint.", RETRAIN)
    if payload["format"] != FORMAT:
        raise CheckpointError(f"{path} has the unknown checkpoint format {payload['format']!r} "
                              f"(this version reads {FORMAT!r}): it is damaged or of another version.", RETRAIN)
    unknown = sorted(str(key) for key in payload if key not in PARTS)
    if unknown:
        raise CheckpointError(f"{path} has parts this version does not know ({', '.join(unknown)}): it is damaged "
                              "or of another version.", RETRAIN)


def _check_checksums(payload: dict, path: Path) -> None:
    """Recompute both checksums of a file that has them (older files have none and are not checked)."""
    if "checksums" not in payload:
        return
    stored, weights = payload["checksums"], payload.get("state_dict")
    if not (isinstance(stored, dict) and isinstance(weights, dict)
            and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in weights.items())):
        raise CheckpointError(f"{path} is damaged: its checksums or its weights cannot be read.", DAMAGED)
    if stored.get("weights") != weights_digest(weights):
        raise CheckpointError(f"{path} is damaged: its weights do not match the checksum written with them.", DAMAGED)
    if stored.get("settings") != settings_digest(payload):
        raise CheckpointError(f"{path} is damaged: its settings (config, preprocessing, metrics) do not match "
                              "the checksum written with them.", DAMAGED)


def _check_parts(payload: dict, path: Path) -> None:
    """Every part a predictor reads, with a message naming the one that is missing or of the wrong kind."""
    from engine.config import RunConfig
    from engine.tasks import registry

    task = payload.get("task")
    if task not in registry.names():
        raise CheckpointError(f"{path} is a model for the task {task!r}, which this version does not know.",
                              f"Known tasks: {', '.join(registry.names())}. Use the version of RNN Vision Lab "
                              "that wrote it.")
    for part in ("config", "info", "metrics", "state_dict"):
        if not isinstance(payload.get(part), dict):
            kind = "nothing" if part not in payload else type(payload[part]).__name__
            raise CheckpointError(f"{path} lacks its {part} (found {kind} where a dict belongs): it is damaged or "
                                  "was not written by RNN Vision Lab.", RETRAIN)
    wrong = [str(k) for k, v in payload["state_dict"].items()
             if not (isinstance(k, str) and isinstance(v, torch.Tensor))]
    wrong += [str(k) for k, v in payload["metrics"].items()
              if not isinstance(k, str) or isinstance(v, bool) or not isinstance(v, (int, float))]
    if wrong:
        raise CheckpointError(f"{path} has weights or metrics that are not tensors or numbers "
                              f"({', '.join(wrong[:5])}): it is damaged or was not written by RNN Vision Lab.", RETRAIN)
    try:
        RunConfig.from_dict(payload["config"])
    except ConfigError as error:
        raise CheckpointError(f"The config stored in {path} cannot be used: {error.message}", RETRAIN) from None
    check_info(registry.spec(task), payload["info"], path)


def check_info(spec, info: dict, path: Path | None = None) -> None:
    """CheckpointError naming what is missing when `info` lacks a key the task's model and predictor read
    without a default (its spec's checkpoint_info)."""
    missing = [key for key in spec.checkpoint_info if key not in info]
    if missing:
        where = f" {path}" if path is not None else ""
        raise CheckpointError(f"This {spec.name!r} checkpoint{where} lacks its preprocessing (no "
                              f"{', '.join(missing)} in its info).",
                              f"Give the model.ckpt written by `python main.py train --task {spec.name}`.")


def restore(payload: dict, model: torch.nn.Module) -> torch.nn.Module:
    """Load the weights into a freshly built model, with a clear message when shapes differ."""
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        first = str(error).splitlines()[0]
        raise CheckpointError(f"The checkpoint's weights do not fit this model: {first}",
                              "Build the model from the checkpoint's own config (cell, hidden, layers).") from error
    return model
