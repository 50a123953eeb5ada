import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED_DATA = (ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def private_run_library(tmp_path_factory, monkeypatch):
    """Runs without --out go to a throwaway run library, never the user's (engine/runs/folder.py)."""
    monkeypatch.setenv("RNN_VISION_LAB_RUNS", str(tmp_path_factory.mktemp("runs")))
