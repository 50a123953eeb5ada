"""Tiny generated data for the engine tests: two classes of 8x8 PNGs that a small GRU learns in an epoch.

"top" has a bright bar in the upper half, "bottom" in the lower half; the border stays dark, so the
data reads as light ink on a dark ground, like MNIST.
"""
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.config import RunConfig

CLASSES = ("bottom", "top")


def bar_image(name: str, size: int = 8, rng=None, dtype=np.uint8) -> np.ndarray:
    """One (size, size) image of the class `name`, with a little noise."""
    rng = rng or np.random.default_rng(0)
    peak = np.iinfo(dtype).max
    image = rng.uniform(0.0, 0.15, (size, size))
    half, edge = size // 2, max(1, size // 8)
    rows = slice(edge, half) if name == "top" else slice(half, size - edge)
    image[rows, edge:size - edge] += 0.8
    return np.clip(image * peak, 0, peak).astype(dtype)


def write_bars(root: Path, per_class: int = 16, size: int = 8, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for name in CLASSES:
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            assert cv2.imwrite(str(root / name / f"{i:03d}.png"), bar_image(name, size, rng))
    return root


@pytest.fixture(scope="session")
def bars(tmp_path_factory) -> Path:
    """32 images (16 per class) in class folders."""
    return write_bars(tmp_path_factory.mktemp("bars"))


@pytest.fixture
def make_config(bars):
    """RunConfig for a run of about 0.1 s on the tiny data; keyword arguments override."""

    def make(**changes) -> RunConfig:
        values = dict(data=f"folder:{bars}?size=8&test=0.25", cell="gru", hidden=8, epochs=2, batch=8, lr=0.02,
                      val_fraction=0.2, device="cpu", threads=1, seed=0)
        values.update(changes)
        return RunConfig(**values)

    return make


@pytest.fixture(scope="session")
def trained(tmp_path_factory, bars):
    """One finished run with a run folder (checkpoint, config, metrics), shared by read-only tests."""
    from engine.training import Trainer

    out = tmp_path_factory.mktemp("run")
    config = RunConfig(data=f"folder:{bars}?size=8&test=0.25", cell="gru", hidden=8, epochs=3, batch=8, lr=0.02,
                       val_fraction=0.2, device="cpu", threads=1, out=str(out))
    events = []
    trainer = Trainer(config, events.append)
    result = trainer.run()
    assert result["reason"] == "done", result
    return {"trainer": trainer, "result": result, "events": events, "out": out, "config": config}
