"""A parity checkpoint applied to new digits: classify's predictor (same preprocessing, same drawn-digit
and inspect support), evaluated on digits relabelled even / odd."""
from __future__ import annotations

import torch

from engine.data.images import conform
from engine.tasks.classify.predictor import Predictor

from . import SPEC
from .labels import read_parity


class ParityPredictor(Predictor):
    SPEC = SPEC

    def test_data(self, spec: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(images, even / odd labels) of the spec's test split (all of it when the source has none)."""
        splits = read_parity(spec)
        self.skipped = list(splits.skipped)
        data = splits.test if splits.test is not None else splits.train
        images = conform(data.images, self.info["image_shape"]).transpose(0, 3, 1, 2).copy()
        return torch.from_numpy(images), torch.from_numpy(data.labels)
