"""Hidden-state trajectories of a loaded classifier (engine.inference.Predictor), for the window's
Trajectories page when the model came from a file rather than from a run just finished.

The same snapshot as engine.dynamics.trajectories_snapshot makes at the end of a run.
"""
from __future__ import annotations

import numpy as np
import torch

from engine.data.images import conform
from engine.dynamics import hidden_trajectories
from engine.errors import DataError
from engine.events import Snapshot


def predictor_trajectories(predictor, image_set, split: str, samples: int = 300) -> Snapshot:
    """A "trajectories" Snapshot for `predictor` on `image_set` (engine.data.base.ImageSet; `split` names it).

    Raises DataError when the images' classes differ from the model's or the predictor does not declare the
    "trajectories" capability (its task's spec).
    """
    if "trajectories" not in getattr(predictor, "capabilities", ()):
        from engine.tasks import registry

        able = " / ".join(spec.title for spec in registry.specs() if "trajectories" in spec.capabilities)
        raise DataError("This model does not classify images, so it has no trajectories to show.",
                        f"Load or train an image classifier (task {able}).")
    if list(image_set.class_names) != list(predictor.class_names):
        raise DataError(f"The loaded data's classes {list(image_set.class_names)} differ from the model's "
                        f"{list(predictor.class_names)}.", "Load the data the model was trained on.")
    images = conform(image_set.images, predictor.info["image_shape"]).transpose(0, 3, 1, 2)
    arrays = hidden_trajectories(predictor.model, torch.from_numpy(np.ascontiguousarray(images, np.float32)),
                                 torch.from_numpy(image_set.labels.astype(np.int64)), predictor.device, samples)
    return Snapshot("trajectories", arrays, {
        "cell": predictor.model.rnn.cell, "read": predictor.info.get("read", "rows"), "split": split,
        "class_names": list(predictor.class_names),
        "which": "last layer, forward direction; PCA over all samples and steps"})
