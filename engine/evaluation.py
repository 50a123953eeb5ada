"""A loaded model evaluated on a data spec's test split: the figures `main.py evaluate` prints and, for the
window, the same result pictures a training run's test phase sends (Task.result_snapshots). One code path for
both, so the window and the command line give the same numbers."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import ConfigError


@dataclass
class Evaluation:
    task: str
    data: str
    metrics: dict  # "test_<name>" -> float, as training's final figures are named
    details: dict  # the task's evaluate() details (predictions, confusion, curves, ...)
    snapshots: list = field(default_factory=list)  # engine.events.Snapshot: the Results page's pictures
    per_class_accuracy: dict = field(default_factory=dict)  # class name -> accuracy, for classifiers

    def line(self) -> str:
        """'test_loss 0.1042, test_accuracy 0.9716': what `main.py evaluate` prints."""
        return metrics_line(self.metrics)


def metrics_line(named: dict) -> str:
    return ", ".join(f"{k} {v:.4f}" for k, v in named.items())


def check_can_evaluate(predictor, spec: str, checkpoint: str) -> str:
    """The model's task, once the model can be evaluated and `spec` is data of its task (UserError otherwise,
    naming the checkpoint and the data)."""
    from engine.cli_messages import check_data_fits

    task = predictor.payload["task"]
    check_data_fits(task, spec, checkpoint)
    if "evaluate" not in predictor.capabilities:
        raise ConfigError(f"A {task!r} checkpoint cannot be evaluated ({checkpoint}).",
                          f"Use: predict --checkpoint {checkpoint} FILES.")
    return task


def evaluate_with_results(predictor, spec: str, checkpoint: str, thresholds: int | None = None,
                          pictures: bool = True) -> Evaluation:
    """Evaluate `predictor` (engine.inference.load_predictor, of the file `checkpoint`) on the test split of
    `spec` (all of it when it has none). thresholds: the BSDS benchmark's, for a model that runs it (default:
    the checkpoint's). pictures: also make the result snapshots (the command line does without them)."""
    from engine.tasks.base import Prepared

    task = check_can_evaluate(predictor, spec, checkpoint)
    # the benchmark's thresholds go to a predictor that runs it; others have no use for them
    options = {"thresholds": thresholds} if "benchmark" in predictor.capabilities else {}
    test = predictor.test_data(spec, **options)
    metrics, details = predictor.task.evaluate(predictor.model, test, predictor.device, predictor.EVAL_BATCH)
    result = Evaluation(task, spec, {f"test_{k}": float(v) for k, v in metrics.items()}, details)
    if "per_class_accuracy" in details and "class_names" in predictor.info:
        result.per_class_accuracy = {name: float(a) for name, a in
                                     zip(predictor.info["class_names"], details["per_class_accuracy"])}
    if pictures:
        prepared = Prepared(train=None, val=None, test=test, info=predictor.info, skipped=list(predictor.skipped))
        result.snapshots = list(predictor.task.result_snapshots(prepared, details))
    return result
