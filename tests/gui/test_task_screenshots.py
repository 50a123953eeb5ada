"""tools/task_screenshots.py under a real X server at 1280x720, for one task (the tool does every task; that
takes minutes): every tab and Inside page is saved at the window's size, and the tool says when a page is
blank. Skipped where xvfb-run is not installed (apt-get install xvfb xauth libxcb-icccm4 libxcb-keysyms1)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

ROOT = Path(__file__).resolve().parents[2]
TABS = ("training", "results", "live")  # and one per page of the Inside tab

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")


def test_every_tab_of_a_task_is_saved_at_1280x720(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", sys.executable,
               str(ROOT / "tools" / "task_screenshots.py"), str(tmp_path), "--tasks", "classify", "--epochs", "1",
               "--hidden", "8", "--timeout", "120", "--settle", "150"]
    process = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert process.returncode == 0, process.stderr[-3000:]
    assert "Traceback" not in process.stderr and "problem:" not in process.stderr, process.stderr[-3000:]
    saved = sorted(path.name for path in tmp_path.glob("*.png"))
    assert {f"classify-{tab}.png" for tab in TABS} <= set(saved), saved
    assert len([name for name in saved if name.startswith("classify-inside-")]) >= 2, saved  # States, Gradients...
    for name in saved:
        image = cv2.imread(str(tmp_path / name))
        assert image is not None and image.shape[:2] == (720, 1280), f"{name}: {None if image is None else image.shape}"
        assert float(image.std()) > 20, f"{name} is nearly one colour"
