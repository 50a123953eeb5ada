"""How the window names each task's selection metric, and which way is better (torch-free)."""
from __future__ import annotations

LOWER_IS_BETTER = {"mse_per_frame", "mae_per_frame"}  # engine.tasks.frames: FramesTask.lower_is_better
TITLES = {"miou": "mean IoU over classes",
          "mse_per_frame": "MSE per frame", "mae_per_frame": "MAE per frame"}
UNITS = {"predict": "training sequences", "video-classify": "training clips"}  # what one training sample is


def title(metric: str) -> str:
    """The metric plot's title, saying which way is better."""
    name = TITLES.get(metric, metric)
    name = name[:1].upper() + name[1:]
    return f"{name} (lower is better)" if metric in LOWER_IS_BETTER else f"{name} (higher is better)"


def shown(metric: str, value: float) -> str:
    if metric == "accuracy":
        return f"{value:.2%}"
    return f"{value:.1f}" if metric in LOWER_IS_BETTER and abs(value) >= 10 else f"{value:.3f}"


def finish_text(metric: str, metrics: dict) -> str:
    """' · test MSE per frame 95.2 (lower is better; copying the last frame: 180.4)' or '' without a score."""
    split = "test" if f"test_{metric}" in metrics else "val"
    score = metrics.get(f"{split}_{metric}")
    if score is None:
        return ""
    text = f" · {'test' if split == 'test' else 'validation'} {TITLES.get(metric, metric)} {shown(metric, score)}"
    if metric in LOWER_IS_BETTER:
        baseline = metrics.get(f"{split}_baseline_{metric}")
        text += " (lower is better" + (f"; copying the last frame: {shown(metric, baseline)})" if baseline is not None
                                       else ")")
    return text


def sample_units(task: str) -> str:
    return UNITS.get(task, "training images")
