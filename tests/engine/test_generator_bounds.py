"""Generated data, sequence files and USPS HDF5 refused with a message before anything large is allocated:
counts and sizes out of bounds, data that would not fit in memory (judged by a lowered available_bytes or an
.npz header promising terabytes), string / object / empty / NaN data, named pipes. Also through the
window's loader (load_for_window), which must give the same messages. Nothing here allocates more than a
few MB."""
import io
import os
import zipfile

import h5py
import numpy as np
import pytest

from engine import resources
from engine.data import shapes
from engine.data.masks import load_masks
from engine.data.sequences import generate_moving_digits, load_sequences
from engine.data.window_data import load_for_window
from engine.errors import DataError, UserError
from engine.resources import ResourceError


@pytest.fixture
def little_memory(monkeypatch):
    """This machine, as far as check_fits can tell, has 10 MB free."""
    monkeypatch.setattr(resources, "available_bytes", lambda: 10 << 20)


@pytest.mark.parametrize("spec, words", [
    ("shapes?size=100000", "Bad shapes size 100,000"), ("shapes?size=2000", "16 to 1024 pixels"),
    ("shapes:1000000", "Bad shapes count 1,000,000"),
])
def test_shapes_out_of_bounds(spec, words):
    with pytest.raises(DataError, match=words):
        load_masks(spec)


def test_shapes_that_do_not_fit_are_refused_before_drawing(little_memory):
    with pytest.raises(ResourceError) as info:
        shapes.generate(1000, 256)
    assert "1,000 generated 256x256 shape images" in info.value.message and "shapes:N" in info.value.hint
    assert shapes.generate(2, 16)[0].shape == (2, 16, 16, 3)  # small ones still fit


@pytest.mark.parametrize("spec, error, words", [
    ("moving:1000000", ResourceError, "1,000,000 generated 64x64 sequences"),
    ("moving:2000000", DataError, "Bad sequence count"),
    ("moving:10?size=100000", DataError, "Bad size '100000' for moving digits"),
    ("moving:10?size=48x32", DataError, "square"),
    ("moving:10?stride=2", DataError, "Unknown option.*stride"),
])
def test_moving_digits_out_of_bounds(spec, error, words, little_memory):  # 152 GB may fit somewhere
    with pytest.raises(error, match=words):
        load_sequences(spec, 20)


def test_moving_digits_that_do_not_fit(little_memory):
    with pytest.raises(ResourceError, match="2,000 generated 64x64 sequences of 20 frames"):
        load_sequences("moving:2000", 20)
    with pytest.raises(ResourceError, match="sequences"):
        generate_moving_digits(500, 1000)


def test_moving_digits_honour_size():
    assert load_sequences("moving:6?size=40", 3).train.frames.shape[-2:] == (40, 40)


def _npz_with_header(path, shape, descr="|u1"):
    """An .npz whose 'frames' header promises `shape` but holds no data (nothing to allocate)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("frames.npy", header.getvalue())
    return f"mmnist:{path}"


def test_npz_judged_by_its_header(tmp_path):
    with pytest.raises(ResourceError, match="100,000 sequences of 20 1024x1024 frames"):
        load_sequences(_npz_with_header(tmp_path / "huge.npz", (100_000, 20, 1024, 1024)), 20)
    with pytest.raises(DataError, match="are 4096x4096"):
        load_sequences(_npz_with_header(tmp_path / "wide.npz", (2, 20, 4096, 4096)), 20)
    with pytest.raises(DataError, match="holds object values, not numbers"):
        load_sequences(_npz_with_header(tmp_path / "objects.npz", (2, 20, 16, 16), "|O"), 20)
    with pytest.raises(DataError, match="shape \\(2, 20\\)"):
        load_sequences(_npz_with_header(tmp_path / "flat.npz", (2, 20)), 20)
    np.savez(tmp_path / "text.npz", frames=np.array(["a", "b"]))
    with pytest.raises(DataError, match="<U1 values, not numbers"):
        load_sequences(f"mmnist:{tmp_path / 'text.npz'}", 20)
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="not a readable .npz"):
        load_sequences(f"mmnist:{tmp_path / 'junk.npz'}", 20)


@pytest.mark.parametrize("count", [0, 1])
def test_npz_with_too_few_sequences_says_how_many(tmp_path, count):
    np.savez(tmp_path / "few.npz", frames=np.zeros((count, 4, 16, 16), np.uint8))
    with pytest.raises(DataError) as info:
        load_sequences(f"mmnist:{tmp_path / 'few.npz'}", 4)
    assert f"few.npz holds {count} sequence" in info.value.message and "at least 2" in info.value.message
    assert "Bad test count" not in info.value.message
    if count == 1:  # without a test split one sequence is enough
        assert len(load_sequences(f"mmnist:{tmp_path / 'few.npz'}?test=0", 4).train) == 1


def test_frame_sizes_are_bounded(tmp_path):
    np.savez(tmp_path / "two.npz", frames=np.zeros((2, 4, 16, 16), np.uint8))
    with pytest.raises(DataError, match="Frame size '100000x10' is larger than 4096"):
        load_sequences(f"mmnist:{tmp_path / 'two.npz'}?size=100000x10", 4)
    with pytest.raises(DataError, match="Bad frame size '2000x10'"):  # fine for a video, too big to train on
        load_sequences(f"mmnist:{tmp_path / 'two.npz'}?size=2000x10", 4)


def test_clips_that_do_not_fit(little_memory):
    from engine.data.sequences import windows

    frames = np.zeros((400, 1, 64, 64), np.uint8)  # 1.6 MB; 391 overlapping clips of 10 would be 32 MB
    with pytest.raises(ResourceError, match="391 clips of 10 frames"):
        windows(frames, 10, 1, "clip.mp4")
    assert windows(frames, 10, 10, "clip.mp4").shape == (40, 10, 1, 64, 64)


def _usps_h5(path, data, target, group="train"):
    with h5py.File(path, "w") as h5:
        h5[f"{group}/data"] = data
        h5[f"{group}/target"] = target
    return f"usps:{path}"


@pytest.mark.parametrize("data, target, words", [
    (np.array([b"a"] * 3), np.arange(3), "'train/data' holds byte strings"),
    (np.zeros((0, 256), np.float32), np.zeros(0), "holds no images \\(0 rows\\)"),
    (np.zeros((3, 100), np.float32), np.arange(3), "shape \\(3, 100\\)"),
    (np.full((3, 256), np.nan, np.float32), np.arange(3), "NaN or infinite"),
    (np.zeros((3, 256), np.float32), np.array([0, 1, 12]), "not digits 0-9"),
    (np.zeros((3, 256), np.float32), np.array([0, 1, 1.5]), "not digits 0-9"),
    (np.zeros((3, 256), np.float32), np.array([b"1"] * 3), "'train/target' holds byte strings"),
    (np.zeros((3, 256), np.float32), np.arange(2), "3 images but 2 targets"),
])
def test_usps_h5_bad_contents(tmp_path, data, target, words):
    from engine.data import load_classification

    with pytest.raises(DataError, match=words) as info:
        load_classification(_usps_h5(tmp_path / "usps.h5", data, target))
    assert "usps.h5" in info.value.message


def test_usps_h5_variable_length_strings(tmp_path):
    from engine.data import load_classification

    with h5py.File(tmp_path / "usps.h5", "w") as h5:
        h5.create_dataset("train/data", data=["x"] * 3, dtype=h5py.string_dtype())
        h5["train/target"] = np.arange(3)
    with pytest.raises(DataError, match="objects"):
        load_classification(f"usps:{tmp_path / 'usps.h5'}")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipes_are_refused_before_opening(tmp_path):
    from engine.data import load_classification
    from engine.data.guess import spec_for_path

    for name in ("usps.h5", "zip.train", "frames.npz"):
        os.mkfifo(tmp_path / name)
    with pytest.raises(DataError, match="named pipe"):
        load_classification(f"usps:{tmp_path / 'usps.h5'}")
    with pytest.raises(DataError, match="zip.train is a named pipe"):  # found in the folder, refused unread
        load_classification(f"usps:{tmp_path}")
    with pytest.raises(DataError, match="not a regular file"):
        load_sequences(f"mmnist:{tmp_path / 'frames.npz'}", 4)
    with pytest.raises(DataError, match="named pipe"):
        spec_for_path(tmp_path / "frames.npz")


@pytest.mark.parametrize("spec, task", [
    ("moving:1000000", "predict"), ("moving:1000000", "video-classify"), ("moving:20?size=100000", "video-classify"),
    ("shapes?size=100000", "segment"), ("shapes?size=100000", "edges"), ("shapes:1000000", "segment"),
])
def test_window_loader_gives_the_same_messages(spec, task, little_memory):
    with pytest.raises(UserError) as info:
        load_for_window(spec, task)
    assert "size" in info.value.message or "count" in info.value.message or "would need" in info.value.message


def test_window_loader_on_bad_files(tmp_path, little_memory):
    np.savez(tmp_path / "one.npz", frames=np.zeros((1, 20, 16, 16), np.uint8))
    with pytest.raises(DataError, match="one.npz holds 1 sequence"):
        load_for_window(f"mmnist:{tmp_path / 'one.npz'}", "predict")
    spec = _usps_h5(tmp_path / "usps.h5", np.zeros((0, 256), np.float32), np.zeros(0))
    with pytest.raises(DataError, match="0 rows"):
        load_for_window(spec, "classify")
    with pytest.raises(ResourceError, match="would need"):
        load_for_window(_npz_with_header(tmp_path / "huge.npz", (100_000, 20, 1024, 1024)), "predict")
