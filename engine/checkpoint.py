"""Checkpoints: weights + config + preprocessing + metrics in one file.

Written atomically (temporary file in the same folder, fsync, rename) so a crash never leaves half a
file; read with torch.load(weights_only=True), which refuses any pickled code.
"""
from __future__ import annotations

import os
import pickle
import pickletools
import tempfile
from pathlib import Path

import torch

from engine.errors import CheckpointError

FORMAT = "rnn-vision-lab/1"


def save(path: str | Path, state_dict: dict, config: dict, info: dict, metrics: dict) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "task": info.get("task", config.get("task")), "config": config,
               "info": info, "metrics": {k: float(v) for k, v in metrics.items()},
               "state_dict": {k: v.detach().cpu() for k, v in state_dict.items()}}
    handle, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def load(path: str | Path, task: str | None = None) -> dict:
    """The checkpoint's dict; refuses other formats, other tasks and anything that would run code."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"Checkpoint {path} does not exist.", "Give the model.ckpt written by a training run.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "global" not in str(error).lower() and not _calls_code(path):  # just bytes pickle cannot read
            raise CheckpointError(f"{path} is not a readable checkpoint (damaged, truncated or another format).",
                                  "Give the model.ckpt written by a training run.") from error
        raise CheckpointError(
            f"{path} holds more than weights (Python objects that would run code when loaded), so it was refused.",
            "Only load checkpoints written by RNN Vision Lab; never run files from an unknown source."
        ) from error
    except Exception as error:  # truncated file, not a torch file at all, ...
        raise CheckpointError(f"{path} is not a readable checkpoint ({type(error).__name__}: {error}).",
                              "The file may be truncated or of another program.") from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an RNN Vision Lab checkpoint.",
                              "Give the model.ckpt written by `python main.py train` or the window's Save model.")
    if task is not None and payload["task"] != task:
        raise CheckpointError(f"{path} is a model for the task {payload['task']!r}, not {task!r}.",
                              f"Choose the {payload['task']!r} task, or a checkpoint trained for {task!r}.")
    return payload


def _calls_code(path: Path) -> bool:
    """Whether a raw pickle names functions or classes to call, read statically (nothing is run)."""
    calls = {"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "REDUCE", "NEWOBJ", "NEWOBJ_EX"}
    try:
        with open(path, "rb") as file:
            return any(op.name in calls for op, _, _ in pickletools.genops(file))
    except Exception:  # not a pickle at all (a zip, garbage, truncated)
        return False


def restore(payload: dict, model: torch.nn.Module) -> torch.nn.Module:
    """Load the weights into a freshly built model, with a clear message when shapes differ."""
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        first = str(error).splitlines()[0]
        raise CheckpointError(f"The checkpoint's weights do not fit this model: {first}",
                              "Build the model from the checkpoint's own config (cell, hidden, layers).") from error
    return model
