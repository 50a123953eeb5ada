import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# runs without --out (and the window's runs) go to a throwaway run library, never the user's: set before any
# fixture starts a subprocess (module-scoped ones start before the per-test private_run_library below)
os.environ["RNN_VISION_LAB_RUNS"] = tempfile.mkdtemp(prefix="rnn-vision-lab-test-runs-")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED_DATA = (ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def private_run_library(tmp_path_factory, monkeypatch):
    """Runs without --out go to a throwaway run library, never the user's (engine/runs/folder.py)."""
    monkeypatch.setenv("RNN_VISION_LAB_RUNS", str(tmp_path_factory.mktemp("runs")))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(os.environ.get("RNN_VISION_LAB_RUNS", ""), ignore_errors=True)
