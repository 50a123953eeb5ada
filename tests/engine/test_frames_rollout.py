"""engine.tasks.predict.rollout: a rollout that keeps the state behind each generated frame gives the same frames as the
model's own rollout and as its evaluation pass (which feeds back its own guesses after the context)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from engine.tasks.predict.rollout import rollout_with_states
from engine.models.forecaster import Forecaster


@pytest.mark.parametrize("cell", ["convlstm", "convgru"])
def test_frames_match_the_model_and_each_has_its_state(cell):
    torch.manual_seed(0)
    model = Forecaster(cell, 1, (16, 16), context=4, hidden=6, layers=2, patch=4).eval()
    frames = torch.randint(0, 256, (1, 9, 1, 16, 16), dtype=torch.uint8)
    predictor = SimpleNamespace(model=model, device=torch.device("cpu"))
    generated, states = rollout_with_states(predictor, frames[0, :4].numpy(), 5, channels=4)
    assert generated.shape == (5, 1, 16, 16) and generated.dtype == np.uint8
    assert states.shape == (5, 4, 4, 4) and states.dtype == np.float32  # first 4 of 6 channels, 16/4 a side
    with torch.no_grad():
        own = model.rollout(frames[:, :4], 5)[0].numpy()
        evaluation = model(frames)[0, 3:].clamp(0, 1).numpy()  # predictions of frames 4..8
    assert np.abs(generated / 255.0 - own).max() <= 0.5 / 255 + 1e-6
    assert np.abs(generated / 255.0 - evaluation).max() <= 0.5 / 255 + 1e-6
    assert not np.allclose(states[0], states[-1])  # the state moves on with every frame
    with pytest.raises(ValueError):
        rollout_with_states(predictor, frames[0, :4].numpy(), 0)
