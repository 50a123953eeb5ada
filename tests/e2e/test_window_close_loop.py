"""Closing the window in every phase of its work, TRIES times each, as a user starts the program
(gui.app.main in a fresh process, tests/e2e/close_driver.py): exit 0, no "QThread: Destroyed", no abort,
no thread left running and nothing written into the run folder after the window closed.

`make test` closes 8 times per phase (the suite has a 10-minute budget on 2 cores); RNN_LAB_CLOSE_TRIES=20 (or
more) is the thorough run, e.g. after a change to gui/closing.py or the threads."""
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
TRIES = int(os.environ.get("RNN_LAB_CLOSE_TRIES", 8))


def _folder(root: Path, per_class: int) -> Path:
    rng = np.random.default_rng(0)
    for label in ("a", "b"):
        (root / label).mkdir(parents=True)
        for i in range(per_class):
            cv2.imwrite(str(root / label / f"{i}.png"), rng.integers(0, 255, (8, 8), dtype=np.uint8))
    return root


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("close")
    return _folder(base / "small", 12), _folder(base / "big", 400)


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["load", "prepare", "train", "validate", "test", "paused"])
def test_closing_in_each_phase_is_clean(folders, phase):
    small, big = folders
    result = subprocess.run([sys.executable, "tests/e2e/close_driver.py", phase, str(TRIES), str(small), str(big)],
                            cwd=ROOT, capture_output=True, text=True, timeout=280,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "QThread: Destroyed" not in result.stderr and "Aborted" not in result.stderr, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["tries"] == TRIES and not report["problems"], report
