"""The readers on the real data in ../shared/data (skipped when it is absent)."""
from pathlib import Path

import numpy as np
import pytest

from engine.data import load_classification

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MNIST = SHARED_DATA / "mnist"
USPS = SHARED_DATA / "usps"
MNIST_TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
USPS_TRAIN_HISTOGRAM = [1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644]
USPS_TEST_HISTOGRAM = [359, 264, 198, 166, 200, 160, 170, 147, 166, 177]

pytestmark = pytest.mark.shared_data


def need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real data not present: {path}")


def test_mnist_t10k_gives_8000_2000():
    need(MNIST / "t10k-images-idx3-ubyte.gz")
    splits = load_classification(f"mnist:{MNIST}")
    assert (len(splits.train), len(splits.test)) == (8000, 2000)
    assert splits.train.image_shape == (28, 28, 1)
    histogram = np.bincount(splits.train.labels, minlength=10) + np.bincount(splits.test.labels, minlength=10)
    assert histogram.tolist() == MNIST_TEST_HISTOGRAM and histogram.sum() == 10000
    assert splits.notes and "0-8000" in splits.notes[0]
    assert 0.12 < splits.train.images.mean() < 0.15  # mean pixel 33.79 / 255 per SOURCE.md


def test_usps_text_matches_h5():
    need(USPS / "zip.train.gz")
    need(USPS / "usps.h5")
    text = load_classification(f"usps:{USPS}")
    h5 = load_classification(f"usps:{USPS / 'usps.h5'}")
    assert (len(text.train), len(text.test)) == (7291, 2007)
    assert np.bincount(text.train.labels).tolist() == USPS_TRAIN_HISTOGRAM
    assert np.bincount(text.test.labels).tolist() == USPS_TEST_HISTOGRAM
    for ours, theirs in ((text.train, h5.train), (text.test, h5.test)):
        np.testing.assert_array_equal(ours.labels, theirs.labels)
        assert np.abs(ours.images - theirs.images).max() <= 1e-6
