"""tools/screenshot.py under a real X server (Xvfb): every tab is saved, and none of the pictures is blank.

Skipped where xvfb-run is not installed (apt-get install xvfb xauth libxcb-icccm4 libxcb-keysyms1).
The run is tiny (hidden 16, 2 epochs, one thread) so it takes seconds, not the default run's minute.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = ("", "-training", "-inside", "-results", "-live")

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    out = tmp_path_factory.mktemp("shots")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(out / "config")
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, str(ROOT / "tools" / "screenshot.py"),
               str(out / "shot.png"), "--epochs", "2", "--hidden", "16", "--threads", "1", "--after", "0.5",
               "--timeout", "150"]
    process = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=200)
    assert process.returncode == 0, process.stderr[-3000:]
    assert "Traceback" not in process.stderr, process.stderr[-3000:]
    return {suffix: out / f"shot{suffix}.png" for suffix in SUFFIXES}


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_each_picture_is_a_real_window(shots, suffix):
    path = shots[suffix]
    assert path.is_file() and path.stat().st_size > 20_000, f"{path.name} is missing or tiny"
    image = cv2.imread(str(path))
    assert image is not None
    height, width = image.shape[:2]
    assert 1000 <= width <= 1600 and 600 <= height <= 1000, f"{path.name}: {width}x{height} does not fit the screen"
    assert float(image.std()) > 20, f"{path.name} is nearly one colour"
    colours = np.unique(image.reshape(-1, 3)[::7], axis=0)
    assert len(colours) > 200, f"{path.name} has only {len(colours)} colours: blank or unpainted"


def test_the_live_picture_shows_a_drawing_and_a_prediction(shots):
    live = cv2.imread(str(shots["-live"]))
    training = cv2.imread(str(shots["-training"]))
    assert live.shape == training.shape  # the window kept its size from tab to tab
    assert not np.array_equal(live, training)
