"""The window's torch-free parameter counts (engine.tasks.registry.parameter_count) against the models the tasks
really build: the count shown before training must be the count trained."""
import pytest

from engine.config import RunConfig
from engine.tasks import registry


def _real(model) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("cell,hidden,layers,bidirectional,width,patch,classes", [
    ("gru", 32, 2, True, 16, 1, 4), ("lstm", 12, 1, False, 8, 2, 2), ("rnn", 20, 3, True, 6, 3, 5),
    ("lstm", 16, 2, True, 10, 1, 21)])
def test_segmenter_count(cell, hidden, layers, bidirectional, width, patch, classes):
    config = RunConfig(task="segment", cell=cell, hidden=hidden, layers=layers, bidirectional=bidirectional,
                       options={"width": width, "patch": patch})
    info = {"classes": classes, "width": width, "patch": patch, "mean": [0.5] * 3, "std": [0.25] * 3}
    real = _real(registry.get("segment").build_model(config, info))
    assert registry.parameter_count(config, (3, 0, 0), classes) == real
    assert registry.parameter_count(config, (3, 0, 0), 0) is None  # no data yet: no classes to count


@pytest.mark.parametrize("cell,hidden,layers,channels,kernel,patch", [
    ("convlstm", 64, 2, 1, 3, 4), ("convgru", 16, 1, 3, 5, 2), ("convrnn", 8, 3, 1, 3, 1), ("convgru", 24, 2, 3, 3, 4)])
def test_forecaster_count(cell, hidden, layers, channels, kernel, patch):
    config = RunConfig(task="predict", cell=cell, hidden=hidden, layers=layers, bidirectional=False,
                       options={"kernel": kernel, "patch": patch})
    info = {"channels": channels, "size": [16, 16], "context": 3, "kernel": kernel, "patch": patch,
            "train_count": 10, "sampling": 0.3}
    real = _real(registry.get("predict").make_model(config, info))
    assert registry.parameter_count(config, (channels, 16, 16), 0) == real
    assert registry.parameter_count(config, (channels, 0, 0), 0) is None


@pytest.mark.parametrize("cell,hidden,layers,channels,classes", [
    ("gru", 64, 1, 1, 10), ("lstm", 32, 2, 3, 8), ("rnn", 16, 3, 1, 2)])
def test_clip_classifier_count(cell, hidden, layers, channels, classes):
    config = RunConfig(task="video-classify", cell=cell, hidden=hidden, layers=layers, bidirectional=False,
                       dropout=0.1 if layers > 1 else 0.0)
    info = {"channels": channels, "size": [32, 32], "classes": classes}
    real = _real(registry.get("video-classify").build_model(config, info))
    assert registry.parameter_count(config, (channels, 32, 32), classes) == real
    assert registry.parameter_count(config, (channels, 0, 0), 0) is None


# one small case per task: (config changes, (c, h, w), classes, info the task's model is built from)
EVERY_TASK = {
    "classify": (dict(cell="lstm", hidden=9, layers=2, read="cols"), (1, 8, 12), 3,
                 {"image_shape": [1, 8, 12], "classes": 3, "read": "cols", "mean": 0.0, "std": 1.0}),
    "edges": (dict(cell="gru", hidden=6, layers=2, options={"width": 5}), (3, 0, 0), 0,
              {"width": 5, "mean": [0.5] * 3, "std": [0.2] * 3}),
    "segment": (dict(cell="rnn", hidden=6, layers=1, options={"width": 4, "patch": 2}), (3, 0, 0), 3,
                {"classes": 3, "width": 4, "patch": 2, "mean": [0.5] * 3, "std": [0.2] * 3}),
    "predict": (dict(cell="convgru", hidden=5, layers=2, options={"kernel": 5, "patch": 2}), (1, 8, 8), 0,
                {"channels": 1, "size": [8, 8], "context": 2, "kernel": 5, "patch": 2}),
    "video-classify": (dict(cell="lstm", hidden=7, layers=2), (3, 16, 16), 4,
                       {"channels": 3, "size": [16, 16], "classes": 4}),
}


@pytest.mark.parametrize("name", registry.names())
def test_every_task_counts_without_torch_what_its_model_has_on_the_meta_device(name):
    """The window's count (sizes.py formulas through the spec) against the real model built on torch's meta
    device: a task without a case here fails, so a new task gets its formula checked too."""
    import torch

    assert name in EVERY_TASK, f"add a case for the {name} task"
    changes, shape, classes, info = EVERY_TASK[name]
    config = RunConfig(task=name, **{**registry.defaults(name), **changes})
    with torch.device("meta"):
        model = registry.get(name).build_model(config, info)
    assert all(p.is_meta for p in model.parameters())
    assert registry.spec(name).parameter_count(config, shape, classes) == _real(model)
