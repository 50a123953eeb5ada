"""What every task's predictor starts from: a checkpoint's model rebuilt by its task, restored and put on a
device. A subclass names its task's SPEC; what it can do is the SPEC's declared `capabilities`."""
from __future__ import annotations

from pathlib import Path

from engine import checkpoint, device as devices
from engine.config import RunConfig
from engine.errors import CheckpointError


class LoadedModel:
    SPEC = None  # the task's engine.tasks.spec.TaskSpec (a subclass sets it)
    EVAL_BATCH = 64  # test samples per forward pass when evaluating

    def __init__(self, payload: dict, device: str = "auto"):
        if payload.get("task") != self.SPEC.name:
            raise CheckpointError(f"This checkpoint is a model for the task {payload.get('task')!r}, not "
                                  f"{self.SPEC.name!r}.", "Load it with engine.inference.load_predictor.")
        checkpoint.check_info(self.SPEC, payload["info"])
        self.payload = payload
        self.config = RunConfig.from_dict(payload["config"])
        self.info = payload["info"]
        self.task = self.SPEC.load_task()
        self.device = devices.resolve(device).device
        self.skipped: list[tuple[str, str]] = []  # (path, reason): files the last evaluate's data left out
        self.model = checkpoint.restore(payload, self.build_model()).to(self.device).eval()

    @classmethod
    def from_checkpoint(cls, path: str | Path, task: str | None = None, device: str = "auto"):
        """The checkpoint at `path`, refused when it is of another task than `task` (default: this class's)."""
        return cls(checkpoint.load(path, task or cls.SPEC.name), device)

    def build_model(self):
        """The model the checkpoint's weights go into, built as in training."""
        return self.task.build_model(self.config, self.info)

    def test_data(self, spec: str, **options):
        """The spec's test split (all of it when the source has none), prepared as in training, in the form the
        task's evaluate (and result_snapshots, as Prepared.test) takes; `skipped` names the files left out."""
        raise NotImplementedError(f"A {self.SPEC.name!r} model has no test data reader.")

    def evaluate(self, spec: str, **options) -> tuple[dict, dict]:
        """(metrics, details) on the spec's test split, as at the end of training (engine.evaluation)."""
        return self.task.evaluate(self.model, self.test_data(spec, **options), self.device, self.EVAL_BATCH)

    @property
    def capabilities(self) -> frozenset:
        return self.SPEC.capabilities
