"""The sixth task installed as its author would install it: its package copied into a folder on sys.path and
registered with one line (the `parity` fixture, imported by tests/engine/test_sixth_task.py and
tests/gui/test_sixth_task_window.py), and on the way out forgotten again (registry, sys.path and imported
modules), so no other test ever sees it."""
from __future__ import annotations

import importlib
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.tasks import registry

SOURCE = Path(__file__).resolve().parent / "digit_parity"
PACKAGE = SOURCE.name
TASK = "parity"


@contextmanager
def copied(folder: Path):
    """The package copied into `folder`, importable while the block runs."""
    shutil.copytree(SOURCE, folder / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield folder / PACKAGE
    finally:
        if TASK in registry.names():
            registry.unregister(TASK)
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def parity(tmp_path):
    """The sixth task's spec, its package copied into tmp_path and registered for the test's duration."""
    with copied(tmp_path / "packages"):
        yield registry.register(PACKAGE)  # the one line that adds the task
