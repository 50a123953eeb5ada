"""Fixtures for the engine tests: a tiny class folder (see tiny_images.py), configs and one shared run."""
from pathlib import Path

import pytest

from engine.config import RunConfig
from hostile_files import no_child_processes  # noqa: F401 (a fixture, offered to every engine test)
from tiny_images import write_bars


@pytest.fixture(scope="session")
def bars(tmp_path_factory) -> Path:
    """32 images (16 per class) in class folders."""
    return write_bars(tmp_path_factory.mktemp("bars"))


@pytest.fixture
def make_config(bars):
    """RunConfig for a run of about 0.1 s on the tiny data; keyword arguments override."""

    def make(**changes) -> RunConfig:
        values = dict(data=f"folder:{bars}?size=8&test=0.25", cell="gru", hidden=8, epochs=2, batch=8, lr=0.02,
                      val_fraction=0.2, device="cpu", threads=1, seed=0, layers=1, bidirectional=False,
                      augment=False)
        values.update(changes)
        return RunConfig(**values)

    return make


@pytest.fixture(scope="session")
def trained(tmp_path_factory, bars):
    """One finished run with a run folder (checkpoint, config, metrics), shared by read-only tests."""
    from engine.training import Trainer

    out = tmp_path_factory.mktemp("run")
    config = RunConfig(data=f"folder:{bars}?size=8&test=0.25", cell="gru", hidden=8, epochs=3, batch=8, lr=0.02,
                       val_fraction=0.2, device="cpu", threads=1, layers=1, bidirectional=False, augment=False,
                       out=str(out))
    events = []
    trainer = Trainer(config, events.append)
    result = trainer.run()
    assert result["reason"] == "done", result
    return {"trainer": trainer, "result": result, "events": events, "out": out, "config": config}
