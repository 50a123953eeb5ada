"""Tiny models of every task and inputs for the Live tab's tests: checkpoints trained headless in a second or two
(once per test session each), photos and clips written into the test's folder, a window loading a model."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from engine import cli
from engine.data.video import write_video

FAST = ["--epochs", "1", "--device", "cpu", "--threads", "1", "--seed", "0"]
RECIPES = {  # task -> (data, flags): each trains in a second or two
    "classify": ("demo", ["--hidden", "8", "--batch", "64"]),
    "edges": ("shapes:24", ["--hidden", "8", "--batch", "64"]),
    "segment": ("shapes:24", ["--hidden", "8", "--batch", "64"]),
    "predict": ("moving:24", ["--hidden", "4", "--layers", "1", "--batch", "8", "--context", "3", "--horizon", "3"]),
    "video-classify": ("moving:60", ["--hidden", "8", "--batch", "32", "--option", "length=4"]),
}
_MADE: dict[str, str] = {}


def checkpoint(tmp_path_factory, task: str) -> str:
    """A tiny model of `task`, trained once per test session; its model.ckpt."""
    if task not in _MADE:
        data, flags = RECIPES[task]
        out = tmp_path_factory.mktemp(task) / "run"
        assert cli.main(["train", "--task", task, "--data", data, "--out", str(out), *flags, *FAST]) == 0
        _MADE[task] = str(out / "model.ckpt")
    return _MADE[task]


def load_model(window, qtbot, path: str) -> None:
    with qtbot.waitSignal(window.session.modelLoaded, timeout=30_000):
        window.session.set_model_from(path)


def write_photo(path: Path, h: int = 72, w: int = 96) -> Path:
    """A grey photo with a bright rectangle and a dark ellipse: edges for any detector, shapes for a segmenter."""
    image = np.full((h, w, 3), 110, np.uint8)
    image[h // 6:h // 2, w // 8:w // 2] = (240, 200, 40)
    cv2.ellipse(image, (3 * w // 4, 2 * h // 3), (w // 8, h // 6), 0, 0, 360, (30, 60, 200), -1)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image)
    return path


def write_clip(path: Path, frames: int, size: int = 64) -> Path:
    """A white square sliding right across a black clip of `frames` frames."""
    clip = np.zeros((frames, size, size, 3), np.uint8)
    for t in range(frames):
        x = 4 + 3 * t
        clip[t, 20:36, x:x + 16] = 255
    write_video(path, clip, 10)
    return path


def not_a_file_of_its_kind(path: Path) -> Path:
    """Text under a picture's or a video's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("these are words, not pixels\n" * 20)
    return path
