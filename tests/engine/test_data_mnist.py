"""MNIST IDX reader on small generated files."""
import gzip
import struct

import numpy as np
import pytest

from engine.data import load_classification
from engine.errors import DataError


def write_idx_images(path, images, magic=2051, compress=None):
    count, rows, cols = images.shape
    data = struct.pack(">IIII", magic, count, rows, cols) + images.astype(np.uint8).tobytes()
    _write(path, data, compress)


def write_idx_labels(path, labels, magic=2049, compress=None):
    data = struct.pack(">II", magic, len(labels)) + np.asarray(labels, dtype=np.uint8).tobytes()
    _write(path, data, compress)


def _write(path, data, compress):
    compress = str(path).endswith(".gz") if compress is None else compress
    path.write_bytes(gzip.compress(data) if compress else data)


def make_set(rng, count):
    images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
    labels = np.arange(count) % 10
    return images, labels


def write_t10k(folder, count=50, seed=0, gz=True):
    images, labels = make_set(np.random.default_rng(seed), count)
    ext = ".gz" if gz else ""
    write_idx_images(folder / f"t10k-images-idx3-ubyte{ext}", images)
    write_idx_labels(folder / f"t10k-labels-idx1-ubyte{ext}", labels)
    return images, labels


def test_full_train_and_test_files(tmp_path):
    train_images, train_labels = make_set(np.random.default_rng(1), 60)
    write_idx_images(tmp_path / "train-images-idx3-ubyte", train_images)  # raw and gz mixed
    write_idx_labels(tmp_path / "train-labels-idx1-ubyte.gz", train_labels)
    test_images, test_labels = write_t10k(tmp_path, count=20)

    splits = load_classification(f"mnist:{tmp_path}")

    assert splits.train.images.shape == (60, 28, 28, 1) and splits.test.images.shape == (20, 28, 28, 1)
    assert splits.train.images.dtype == np.float32 and splits.train.labels.dtype == np.int64
    assert 0.0 <= splits.train.images.min() and splits.train.images.max() <= 1.0
    np.testing.assert_allclose(splits.train.images[..., 0] * 255, train_images, atol=1e-3)
    np.testing.assert_array_equal(splits.test.labels, test_labels)
    assert splits.train.class_names == [str(d) for d in range(10)]


def test_ranges_select_within_each_file_when_both_exist(tmp_path):
    train_images, _ = make_set(np.random.default_rng(1), 60)
    write_idx_images(tmp_path / "train-images-idx3-ubyte.gz", train_images)
    write_idx_labels(tmp_path / "train-labels-idx1-ubyte.gz", np.arange(60) % 10)
    write_t10k(tmp_path, count=20)

    splits = load_classification(f"mnist:{tmp_path}?train=10-40&test=0-5")

    assert len(splits.train) == 30 and len(splits.test) == 5
    np.testing.assert_allclose(splits.train.images[0, ..., 0] * 255, train_images[10], atol=1e-3)


def test_t10k_only_default_split_is_80_20_with_a_note(tmp_path):
    images, labels = write_t10k(tmp_path, count=50)
    write_idx_labels(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(60))  # labels without images

    splits = load_classification(f"mnist:{tmp_path}")

    assert len(splits.train) == 40 and len(splits.test) == 10
    np.testing.assert_array_equal(splits.train.labels, labels[:40])
    np.testing.assert_array_equal(splits.test.labels, labels[40:])
    assert any("0-40" in note and "40-50" in note for note in splits.notes)


def test_t10k_only_custom_ranges(tmp_path):
    images, labels = write_t10k(tmp_path, count=50, gz=False)

    splits = load_classification(f"mnist:{tmp_path}?train=0-30&test=30-45")

    assert (len(splits.train), len(splits.test)) == (30, 15)
    np.testing.assert_allclose(splits.test.images[0, ..., 0] * 255, images[30], atol=1e-3)


def test_overlapping_ranges_in_one_file_are_refused(tmp_path):
    write_t10k(tmp_path, count=50)
    with pytest.raises(DataError, match="overlap"):
        load_classification(f"mnist:{tmp_path}?train=0-30&test=20-50")


def test_range_past_the_end_is_refused(tmp_path):
    write_t10k(tmp_path, count=50)
    with pytest.raises(DataError, match="does not fit the 50 items"):
        load_classification(f"mnist:{tmp_path}?train=0-60")


def test_wrong_magic_number_names_the_file(tmp_path):
    write_t10k(tmp_path)
    images, _ = make_set(np.random.default_rng(0), 50)
    write_idx_images(tmp_path / "t10k-images-idx3-ubyte.gz", images, magic=2049)
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz is not an IDX image file: magic number 2049"):
        load_classification(f"mnist:{tmp_path}")


def test_truncated_gz_names_the_file(tmp_path):
    write_t10k(tmp_path)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte\.gz is truncated") as caught:
        load_classification(f"mnist:{tmp_path}")
    assert caught.value.hint


def test_short_raw_file_names_the_file(tmp_path):
    write_t10k(tmp_path, gz=False)
    path = tmp_path / "t10k-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(DataError, match=r"t10k-labels-idx1-ubyte is truncated: header declares 50 labels"):
        load_classification(f"mnist:{tmp_path}")


def test_image_and_label_counts_must_agree(tmp_path):
    write_t10k(tmp_path)
    write_idx_labels(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(49))
    with pytest.raises(DataError, match="50 images but .* 49 labels"):
        load_classification(f"mnist:{tmp_path}")


def test_missing_labels_file(tmp_path):
    write_t10k(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.* is missing"):
        load_classification(f"mnist:{tmp_path}")


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_or_empty_folder(tmp_path, make):
    folder = tmp_path / "mnist"
    if make == "empty":
        folder.mkdir()
    with pytest.raises(DataError, match="not found" if make == "missing" else "No MNIST image files") as caught:
        load_classification(f"mnist:{folder}")
    assert caught.value.hint


def test_unknown_option_is_refused(tmp_path):
    write_t10k(tmp_path)
    with pytest.raises(DataError, match="Unknown option.*trian"):
        load_classification(f"mnist:{tmp_path}?trian=0-10")
