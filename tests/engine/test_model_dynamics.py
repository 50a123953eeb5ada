"""engine.model_dynamics: a loaded model's trajectories refuse data it was not trained on, in words."""
from types import SimpleNamespace

import numpy as np
import pytest

from engine.data.base import ImageSet
from engine.errors import DataError
from engine.model_dynamics import predictor_trajectories


def fake_predictor(class_names, rnn=True):
    model = SimpleNamespace(rnn=SimpleNamespace(hidden=4, cell="rnn")) if rnn else SimpleNamespace()
    capabilities = frozenset({"trajectories"}) if rnn else frozenset({"masks"})  # declared, as a spec does
    return SimpleNamespace(model=model, info={"class_names": class_names, "image_shape": [1, 4, 4]},
                           class_names=class_names, device="cpu", capabilities=capabilities)


def images(names):
    return ImageSet(np.zeros((3, 4, 4, 1), np.float32), np.array([0, 1, 0]), names)


def test_other_classes_are_refused_with_a_hint():
    with pytest.raises(DataError) as error:
        predictor_trajectories(fake_predictor(["a", "b"]), images(["cat", "dog"]), "test")
    assert "cat" in error.value.message and "trained on" in error.value.hint


def test_a_model_without_a_recurrent_classifier_is_refused():
    with pytest.raises(DataError) as error:
        predictor_trajectories(fake_predictor(["a", "b"], rnn=False), images(["a", "b"]), "test")
    assert "classif" in error.value.hint.lower()
