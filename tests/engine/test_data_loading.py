"""Dispatch by spec kind, the demo data, the seeded split, and the no-torch promise."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.data import DataSpec, load_classification, train_val_split
from engine.errors import DataError

ROOT = Path(__file__).resolve().parents[2]


def test_demo_is_real_digits_with_a_fixed_split():
    splits = load_classification("demo")
    assert splits.name == "demo"
    assert splits.train.images.shape[1:] == (16, 16, 1) and splits.train.images.dtype == np.float32
    assert len(splits.train) + len(splits.test) == 1797 and len(splits.test) == 359
    assert 0 <= splits.train.images.min() and splits.train.images.max() <= 1
    assert set(np.unique(splits.test.labels)) == set(range(10))
    assert any("scikit-learn" in note for note in splits.notes)
    again = load_classification(DataSpec.parse("demo"))
    np.testing.assert_array_equal(splits.test.labels, again.test.labels)
    np.testing.assert_array_equal(splits.test.images, again.test.images)


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(DataError, match="Unknown data kind 'cifar'") as caught:
        load_classification("cifar:/somewhere")
    for kind in ("demo", "mnist", "usps", "folder"):
        assert kind in caught.value.hint


def test_empty_spec():
    with pytest.raises(DataError, match="No data given"):
        load_classification("")


def test_progress_reaches_the_end_for_file_readers():
    calls = []
    load_classification("demo", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (1, 1)


def test_train_val_split_is_seeded_disjoint_and_complete():
    train, val = train_val_split(100, 0.25, seed=3)
    assert len(val) == 25 and len(train) == 75
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(100))
    again_train, again_val = train_val_split(100, 0.25, seed=3)
    np.testing.assert_array_equal(val, again_val)
    assert not np.array_equal(val, train_val_split(100, 0.25, seed=4)[1])
    assert len(train_val_split(10, 0.0, seed=0)[1]) == 0
    assert len(train_val_split(3, 0.01, seed=0)[1]) == 1  # a non-zero fraction keeps one item aside
    with pytest.raises(ValueError):
        train_val_split(10, 1.0, seed=0)


def test_readers_import_neither_torch_nor_qt(tmp_path):
    code = (
        "import sys; from engine.data import load_classification, read_image, train_val_split\n"
        "import engine.data.mnist, engine.data.usps, engine.data.folder, engine.data.demo\n"
        "load_classification('demo')\n"
        "bad = [m for m in ('torch', 'PySide6', 'pyqtgraph', 'gui') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
