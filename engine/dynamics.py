"""Hidden-state dynamics of a trained sequence classifier: PCA trajectories and LSTM forget-gate values.

The window animates the trajectories over t (one 2-D point per sample per step, coloured by class) and
shows the forget-gate histogram of step t beside them. Everything is the LAST recurrent layer's FORWARD
direction (as in engine.gradients). The gates come from RecurrentStack's stepwise pass, which runs the
trained nn.LSTM's own weights one step at a time (nn.LSTM itself does not hand its gates out).
"""
from __future__ import annotations

import numpy as np
import torch

from engine.events import Snapshot
from engine.tasks.base import probe_split

FORGET_BINS = 20


@torch.no_grad()
def hidden_trajectories(model, images: torch.Tensor, labels: torch.Tensor, device, samples: int = 300,
                        seed: int = 0, chunk: int = 50) -> dict:
    """Per-step hidden states of up to `samples` images projected onto their first two principal components.

    Returns {"points": (N, T, 2) float32, "labels": (N,) int64, "indices": (N,) positions in `images`,
    "explained": (2,) variance ratios}, and for an LSTM also "forget_hist": (T, FORGET_BINS) counts of the
    forget-gate values at each step over all samples and units, with "forget_edges" (FORGET_BINS + 1,).
    """
    from sklearn.decomposition import PCA  # imported when asked for: slow to import

    count = min(samples, len(images))
    indices = np.sort(np.random.default_rng(seed).choice(len(images), count, replace=False))
    hidden_size = model.rnn.hidden
    was_training = model.training
    model.eval()
    hidden, forget = [], []
    try:
        for start in range(0, count, chunk):
            batch = images[torch.from_numpy(indices[start:start + chunk])].to(device)
            _, states = model(batch, return_states=True)
            hidden.append(states["hidden"][-1][..., :hidden_size].float().cpu().numpy())
            if "forget gate" in states:
                forget.append(states["forget gate"][-1][..., :hidden_size].float().cpu().numpy())
    finally:
        model.train(was_training)
    hidden = np.concatenate(hidden)  # (N, T, H)
    n, steps, units = hidden.shape
    components = min(2, units, n * steps)
    pca = PCA(n_components=components, random_state=seed)
    points = np.zeros((n, steps, 2), np.float32)  # a 1-unit model fills the first axis only
    points[..., :components] = pca.fit_transform(hidden.reshape(-1, units)).reshape(n, steps, components)
    explained = np.zeros(2, np.float32)
    explained[:components] = pca.explained_variance_ratio_
    result = {"points": points, "labels": labels.numpy()[indices].astype(np.int64),
              "indices": indices.astype(np.int64), "explained": explained}
    if forget:
        gates = np.concatenate(forget)  # (N, T, H)
        edges = np.linspace(0.0, 1.0, FORGET_BINS + 1)
        per_step = gates.transpose(1, 0, 2).reshape(steps, -1)
        result["forget_hist"] = np.stack([np.histogram(row, edges)[0] for row in per_step]).astype(np.int64)
        result["forget_edges"] = edges.astype(np.float32)
    return result


def trajectories_snapshot(model, prepared, device, cell: str, samples: int = 300) -> Snapshot:
    """The "trajectories" snapshot for the probe set (test split, else validation, else training)."""
    split, (images, labels) = probe_split(prepared)
    arrays = hidden_trajectories(model, images, labels, device, samples)
    return Snapshot("trajectories", arrays, {
        "cell": cell, "read": prepared.info.get("read", "rows"), "split": split,
        "class_names": prepared.info.get("class_names", []),
        "which": "last layer, forward direction; PCA over all samples and steps"})
