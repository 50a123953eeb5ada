"""How the window names a task's metrics and which way is better, read from the task's spec (torch-free):
spec.label(metric), spec.is_lower_better(metric)."""
from __future__ import annotations

from engine.tasks import registry


def title(metric: str, task: str) -> str:
    """The metric plot's title, saying which way is better."""
    spec = registry.spec(task)
    name = spec.label(metric)
    name = name[:1].upper() + name[1:]
    return f"{name} (lower is better)" if spec.is_lower_better(metric) else f"{name} (higher is better)"


def shown(metric: str, value: float, task: str) -> str:
    if metric == "accuracy":
        return f"{value:.2%}"
    return f"{value:.1f}" if registry.spec(task).is_lower_better(metric) and abs(value) >= 10 else f"{value:.3f}"


def finish_text(metric: str, metrics: dict, task: str) -> str:
    """' · test MSE per frame 95.2 (lower is better; copying the last frame: 180.4)' or '' without a score."""
    split = "test" if f"test_{metric}" in metrics else "val"
    score = metrics.get(f"{split}_{metric}")
    if score is None:
        return ""
    spec = registry.spec(task)
    text = f" · {'test' if split == 'test' else 'validation'} {spec.label(metric)} {shown(metric, score, task)}"
    if spec.is_lower_better(metric):
        baseline = metrics.get(f"{split}_baseline_{metric}")
        text += " (lower is better" + (f"; copying the last frame: {shown(metric, baseline, task)})"
                                       if baseline is not None else ")")
        if baseline is not None and score > baseline:  # a forecaster that loses to repeating its input
            text += " · WORSE than copying the last frame: no motion learned yet (train longer)"
    return text
