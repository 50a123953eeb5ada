"""How the window names a task's metrics and which way is better, read from the task specs (torch-free):
spec.label(metric), spec.is_lower_better(metric), spec.sample_units.

`task` is optional where callers know only the metric: the first task whose spec names the metric (as its
selection metric, a lower-is-better metric or a labelled one) then says how it reads.
"""
from __future__ import annotations

from engine.tasks import registry


def _spec(metric: str, task: str = ""):
    if task:
        return registry.spec(task)
    specs = registry.specs()
    return next((s for s in specs if metric == s.selection_metric or metric in s.lower_metrics
                 or metric in s.metric_labels), specs[0])


def lower_is_better(metric: str, task: str = "") -> bool:
    return _spec(metric, task).is_lower_better(metric)


def label(metric: str, task: str = "") -> str:
    return _spec(metric, task).label(metric)


def title(metric: str, task: str = "") -> str:
    """The metric plot's title, saying which way is better."""
    name = label(metric, task)
    name = name[:1].upper() + name[1:]
    return f"{name} (lower is better)" if lower_is_better(metric, task) else f"{name} (higher is better)"


def shown(metric: str, value: float, task: str = "") -> str:
    if metric == "accuracy":
        return f"{value:.2%}"
    return f"{value:.1f}" if lower_is_better(metric, task) and abs(value) >= 10 else f"{value:.3f}"


def finish_text(metric: str, metrics: dict, task: str = "") -> str:
    """' · test MSE per frame 95.2 (lower is better; copying the last frame: 180.4)' or '' without a score."""
    split = "test" if f"test_{metric}" in metrics else "val"
    score = metrics.get(f"{split}_{metric}")
    if score is None:
        return ""
    text = f" · {'test' if split == 'test' else 'validation'} {label(metric, task)} {shown(metric, score, task)}"
    if lower_is_better(metric, task):
        baseline = metrics.get(f"{split}_baseline_{metric}")
        text += " (lower is better" + (f"; copying the last frame: {shown(metric, baseline, task)})"
                                       if baseline is not None else ")")
    return text


def sample_units(task: str) -> str:
    """What one training sample of `task` is ("training images", "training sequences", ...)."""
    return registry.spec(task).sample_units
