"""USPS reader: ESL text (raw and gzipped) and HDF5, on small generated files."""
import gzip

import h5py
import numpy as np
import pytest

from engine.data import load_classification
from engine.errors import DataError


def esl_lines(pixels, labels):
    return [f"{label:.4f} " + " ".join(f"{v:.4f}" for v in row) for label, row in zip(labels, pixels)]


def write_esl(path, pixels, labels, extra_lines=()):
    text = "\n".join(esl_lines(pixels, labels) + list(extra_lines)) + "\n"
    if str(path).endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)


def make_rows(seed, count):
    rng = np.random.default_rng(seed)
    pixels = np.round(rng.uniform(-1, 1, size=(count, 256)), 4)
    return pixels, np.arange(count) % 10


def write_h5(path, sets):
    with h5py.File(path, "w") as h5:
        for name, (data, target) in sets.items():
            h5[f"{name}/data"] = data.astype(np.float32)
            h5[f"{name}/target"] = target.astype(np.int32)


def test_text_folder_gz(tmp_path):
    train_pixels, train_labels = make_rows(0, 30)
    test_pixels, test_labels = make_rows(1, 12)
    write_esl(tmp_path / "zip.train.gz", train_pixels, train_labels)
    write_esl(tmp_path / "zip.test.gz", test_pixels, test_labels)

    splits = load_classification(f"usps:{tmp_path}")

    assert splits.train.images.shape == (30, 16, 16, 1) and splits.test.images.shape == (12, 16, 16, 1)
    assert splits.train.images.dtype == np.float32 and splits.train.labels.dtype == np.int64
    np.testing.assert_allclose(splits.train.images.reshape(30, 256), (train_pixels + 1) / 2, atol=1e-6)
    np.testing.assert_array_equal(splits.test.labels, test_labels)
    assert splits.train.images.min() >= 0 and splits.train.images.max() <= 1
    assert splits.train.class_names == [str(d) for d in range(10)]


def test_zip_train_file_directly_picks_up_sibling_test(tmp_path):
    write_esl(tmp_path / "zip.train", *make_rows(0, 10))
    write_esl(tmp_path / "zip.test", *make_rows(1, 4))
    splits = load_classification(f"usps:{tmp_path / 'zip.train'}")
    assert (len(splits.train), len(splits.test)) == (10, 4)


def test_single_text_file_without_test(tmp_path):
    write_esl(tmp_path / "zip.train", *make_rows(0, 10))
    splits = load_classification(f"usps:{tmp_path}")
    assert len(splits.train) == 10 and splits.test is None
    assert any("no test split" in note for note in splits.notes)


def test_h5_folder_and_file(tmp_path):
    train_pixels, train_labels = make_rows(0, 20)
    test_pixels, test_labels = make_rows(1, 6)
    write_h5(tmp_path / "usps.h5", {"train": ((train_pixels + 1) / 2, train_labels),
                                    "test": ((test_pixels + 1) / 2, test_labels)})
    for spec in (f"usps:{tmp_path}", f"usps:{tmp_path / 'usps.h5'}"):
        splits = load_classification(spec)
        assert splits.train.images.shape == (20, 16, 16, 1) and len(splits.test) == 6
        np.testing.assert_allclose(splits.test.images.reshape(6, 256), (test_pixels + 1) / 2, atol=1e-6)
        np.testing.assert_array_equal(splits.train.labels, train_labels)


def test_text_preferred_over_h5_in_a_folder(tmp_path):
    write_esl(tmp_path / "zip.train.gz", *make_rows(0, 10))
    write_esl(tmp_path / "zip.test.gz", *make_rows(1, 4))
    write_h5(tmp_path / "usps.h5", {"train": (np.zeros((3, 256)), np.zeros(3)),
                                    "test": (np.zeros((2, 256)), np.zeros(2))})
    assert len(load_classification(f"usps:{tmp_path}").train) == 10


@pytest.mark.parametrize("bad_line, message", [
    ("3.0 " + " ".join(["0.5"] * 255), r"line 6: 256 values, expected 257"),
    ("3.0 " + " ".join(["0.5"] * 255) + " abc", r"line 6: 'abc' is not a number"),
    ("12.0 " + " ".join(["0.5"] * 256), r"line 6: label '12.0' is not a digit 0-9"),
    ("2.5 " + " ".join(["0.5"] * 256), r"line 6: label '2.5' is not a digit"),
    ("1.0 " + " ".join(["3.0"] * 256), r"line 6: pixel values must lie in \[-1, 1\]"),
])
def test_malformed_row_names_file_and_line(tmp_path, bad_line, message):
    path = tmp_path / "zip.train.gz"
    write_esl(path, *make_rows(0, 5), extra_lines=[bad_line])
    with pytest.raises(DataError, match=r"zip\.train\.gz, " + message) as caught:
        load_classification(f"usps:{tmp_path}")
    assert caught.value.hint


def test_truncated_gz_names_the_file(tmp_path):
    path = tmp_path / "zip.train.gz"
    write_esl(path, *make_rows(0, 40))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"zip\.train\.gz is truncated"):
        load_classification(f"usps:{tmp_path}")


def test_h5_missing_dataset(tmp_path):
    with h5py.File(tmp_path / "usps.h5", "w") as h5:
        h5["train/data"] = np.zeros((3, 256), dtype=np.float32)
    with pytest.raises(DataError, match="missing dataset in group 'train'"):
        load_classification(f"usps:{tmp_path / 'usps.h5'}")


def test_not_hdf5(tmp_path):
    (tmp_path / "usps.h5").write_text("not hdf5")
    with pytest.raises(DataError, match="Cannot read .*usps.h5 as HDF5"):
        load_classification(f"usps:{tmp_path / 'usps.h5'}")


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_or_empty_folder(tmp_path, make):
    folder = tmp_path / "usps"
    if make == "empty":
        folder.mkdir()
    with pytest.raises(DataError, match="not found" if make == "missing" else "No USPS files") as caught:
        load_classification(f"usps:{folder}")
    assert caught.value.hint
