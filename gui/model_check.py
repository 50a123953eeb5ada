"""Reading a checkpoint for the window: any file a user picks ends in a model or in an engine UserError.

engine.inference.load_predictor refuses what it knows to be wrong with a CheckpointError; a file of the right
format that lacks part of its metadata, or holds something odd in it, can still fail in an unexpected way,
there or when the window first uses the model. Both become a CheckpointError naming the file here, and the
model is tried once (as the Live tab will use it) before the window takes it, so a bad one never replaces
the current model. It runs on a worker thread (gui.model_loader): torch never runs on the GUI thread.
"""
from __future__ import annotations

import numpy as np

BAD_MODEL_HINT = ("Load a model.ckpt saved by RNN Vision Lab (File ▸ Save model, or `python main.py train`); "
                  "if this one was, it is damaged or from another version: train the model again.")


def read_model(path: str):
    """The predictor (any task) of the checkpoint at `path`, tried out. Raises engine UserError otherwise."""
    from engine.errors import CheckpointError, UserError
    from engine.inference import load_predictor

    try:
        # threads=0 means what it means in training (engine.device.set_threads: default_threads(), one core
        # fewer than the machine has): one core stays with the window; live video edges ran at 0.8 fps with
        # torch's 2 threads on 2 cores beside the GUI thread, 17.6 fps with 1 (bench/video_edges_fps.py)
        predictor = load_predictor(path, device="cpu", threads=0)
        try_out(predictor)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 (whatever the file holds, the user gets a dialog, not a crash)
        raise CheckpointError(f"{path} cannot be used as a model: {type(error).__name__}: {error}.",
                              BAD_MODEL_HINT) from error
    return predictor


def try_out(predictor) -> None:
    """Use the model once as the window will: its settings, and for a classifier one blank image of its size
    with one probability per class. Raises (anything) when that fails."""
    from engine.config import RunConfig
    from engine.errors import CheckpointError

    RunConfig.from_dict(predictor.payload["config"])
    info = predictor.info
    if not isinstance(info, dict):
        raise CheckpointError(f"The checkpoint's preprocessing is a {type(info).__name__}, not a table.",
                              BAD_MODEL_HINT)
    if "image_shape" in info and "classify_image" in getattr(predictor, "capabilities", ()):
        c, h, w = (int(n) for n in info["image_shape"])
        probabilities = np.asarray(predictor.predict(np.zeros((1, h, w, c), np.float32)))
        classes = len(predictor.class_names)
        if probabilities.shape != (1, classes):
            raise CheckpointError(f"The model gives {probabilities.shape[-1]} scores per image but names "
                                  f"{classes} classes.", BAD_MODEL_HINT)
