"""A run's events also as TensorBoard event files in its run folder (`train --tensorboard`, the window's Train ▸
TensorBoard logs), so `tensorboard --logdir RUNS` lists every run of a runs folder by its folder name.

A tap on the run's event stream, like the journal (engine/runs/journal.py), put in front of the command line's
or the window's own listener: every Metrics value becomes a scalar `<metric>/<split>` at its global step (the
test split's at the last step); each probe snapshot's image-like arrays (the probe image, its maps and heat
maps, scaled to [0, 1] each) become images `probe/<kind>/<array>`, and the gradient-through-time curve an image
`gradient_through_time` drawn here (log scale), each at most once an epoch plus the newest at the end (a long
run must not fill the disk). Written by torch.utils.tensorboard, which needs the `tensorboard` package: an
optional extra (`pip install 'rnn-vision-lab[tensorboard]'`), asked for only when TensorBoard logs are.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np

from engine.errors import ConfigError
from engine.events import Failed, Finished, Metrics, Snapshot

INSTALL = "Install it with: pip install 'rnn-vision-lab[tensorboard]' (or pip install tensorboard)."
IMAGES_PER_PROBE = 6  # image-like arrays written of one probe snapshot (a sweep probe has dozens of maps)
MIN_SIDE = 8  # smaller arrays are numbers, not pictures
NOT_PROBES = ("grad_norms", "trajectories", "prediction", "pr_curve")  # whole-run results, not probe pictures


def available() -> bool:
    """Whether the tensorboard package is installed (found without importing it or torch)."""
    return importlib.util.find_spec("tensorboard") is not None


def check_available() -> None:
    if not available():
        raise ConfigError("TensorBoard logs need the tensorboard package, which is not installed.", INSTALL)


class TensorBoardTap:
    """Call it with each event of a run writing into `out`; it writes what TensorBoard shows, then passes the
    event on to `then` (the progress bar, the window's signal). close() when the run has ended."""

    def __init__(self, out: str | Path, then=None):
        check_available()
        self.out, self.then = Path(out), then
        self._writer = None
        self._last_step = 0
        self._written_epoch: dict[str, int] = {}  # snapshot kind -> the epoch last written
        self._held: dict[str, Snapshot] = {}  # the newest snapshot of a kind not written yet

    def __call__(self, event) -> None:
        self.write(event)
        if self.then is not None:
            self.then(event)

    def write(self, event) -> None:
        if isinstance(event, Metrics):
            self._scalars(event)
        elif isinstance(event, Snapshot) and (event.kind == "grad_norms" or self._is_probe(event)):
            if self._written_epoch.get(event.kind) == event.epoch:
                self._held[event.kind] = event
            else:
                self._picture(event)
        elif isinstance(event, (Finished, Failed)):
            for held in list(self._held.values()):
                self._picture(held)
            self._held.clear()
            if self._writer is not None:
                self._writer.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # ---- what is written ----
    def _scalars(self, event: Metrics) -> None:
        step = event.global_step or self._last_step
        self._last_step = max(self._last_step, step)
        for name, value in event.values.items():
            if isinstance(value, (int, float)) and np.isfinite(value):
                self.writer().add_scalar(f"{name}/{event.split}", float(value), step)
        if event.split != "train":  # an epoch's (or the test's) figures: on disk now, not in two minutes
            self.writer().flush()

    def _picture(self, event: Snapshot) -> None:
        self._written_epoch[event.kind] = event.epoch
        self._held.pop(event.kind, None)
        step = event.global_step or self._last_step
        if event.kind == "grad_norms":
            curve = gradient_picture(np.asarray(event.arrays.get("norms", []), float), str(event.meta.get("which", "")))
            self.writer().add_image("gradient_through_time", curve, step, dataformats="HWC")
            return
        for name, picture in probe_pictures(event.arrays):
            self.writer().add_image(f"probe/{event.kind}/{name}", picture, step, dataformats="HWC")

    def _is_probe(self, event: Snapshot) -> bool:
        return event.kind not in NOT_PROBES and event.meta.get("split") != "test"

    def writer(self):
        if self._writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(log_dir=str(self.out))
        return self._writer


def probe_pictures(arrays: dict) -> list[tuple[str, np.ndarray]]:
    """(name, float32 (H, W, 3) in [0, 1]) of the arrays that are pictures: (H, W), (H, W, 1) or (H, W, 3) with
    sides of MIN_SIDE or more, each scaled to its own range (a hidden-state heat map as much as an image)."""
    found = []
    for name, value in arrays.items():
        value = np.asarray(value)
        if value.dtype.kind not in "uif" or value.ndim not in (2, 3) or min(value.shape[:2]) < MIN_SIDE:
            continue
        if value.ndim == 3 and value.shape[2] not in (1, 3):
            continue
        picture = value.astype(np.float32)
        finite = np.isfinite(picture)
        low, high = (float(picture[finite].min()), float(picture[finite].max())) if finite.any() else (0.0, 1.0)
        picture = np.where(finite, (picture - low) / ((high - low) or 1.0), 0.0)
        if picture.ndim == 2:
            picture = picture[:, :, None]
        found.append((name, np.ascontiguousarray(np.repeat(picture, 3 // picture.shape[2], 2))))
        if len(found) == IMAGES_PER_PROBE:
            break
    return found


def gradient_picture(norms: np.ndarray, which: str = "", size: tuple[int, int] = (640, 360)) -> np.ndarray:
    """‖dLoss/dh_t‖ over t drawn as a line on a log scale (decades marked), float32 (H, W, 3) in [0, 1]."""
    width, height = size
    left, right, top, bottom = 70, 20, 30, 40
    canvas = np.full((height, width, 3), 255, np.uint8)
    values = np.log10(np.clip(norms[np.isfinite(norms)], 1e-30, None)) if norms.size else np.zeros(0)
    if values.size:
        low, high = np.floor(values.min()), np.ceil(values.max())
        high = high if high > low else low + 1
        ys = top + (high - values) / (high - low) * (height - top - bottom)
        xs = left + np.arange(values.size) / max(values.size - 1, 1) * (width - left - right)
        for decade in np.arange(low, high + 1):
            y = int(round(top + (high - decade) / (high - low) * (height - top - bottom)))
            cv2.line(canvas, (left, y), (width - right, y), (225, 225, 225), 1)
            cv2.putText(canvas, f"1e{int(decade)}", (8, y + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (60, 60, 60), 1,
                        cv2.LINE_AA)
        points = np.stack([xs, ys], 1).round().astype(np.int32)
        cv2.polylines(canvas, [points], False, (176, 114, 0), 2, cv2.LINE_AA)  # orange (the canvas is RGB)
        cv2.putText(canvas, f"t = 1 ... {values.size}", (left, height - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                    (60, 60, 60), 1, cv2.LINE_AA)
    words = "gradient size per time step t, log scale" + (f": {which}" if which else "")
    for row, start in enumerate(range(0, min(len(words), 200), 100)):  # two lines at most
        cv2.putText(canvas, words[start:start + 100], (8, 14 + 13 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.38,
                    (20, 20, 20), 1, cv2.LINE_AA)
    return canvas.astype(np.float32) / 255
