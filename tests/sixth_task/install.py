"""The sixth task installed as its author would install it: its package copied into a folder on sys.path
(the test then registers it with one line), and on the way out forgotten again (registry, sys.path and
imported modules), so no other test ever sees it."""
from __future__ import annotations

import importlib
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

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
