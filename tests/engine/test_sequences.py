"""Frame-sequence readers (npz, the moving-digits generator, video clips, labelled clip folders) and their errors."""
from pathlib import Path

import numpy as np
import pytest

from engine.data.sequences import generate_moving_digits, load_sequences, windows
from engine.data.video import write_video
from engine.errors import DataError

MMNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "moving_mnist_generated" / \
    "moving_mnist_t10k_2000x20x64x64.npz"


def test_generator_is_deterministic_bounces_and_labels():
    a = generate_moving_digits(6, 20, seed=5)
    b = generate_moving_digits(6, 20, seed=5)
    c = generate_moving_digits(6, 20, seed=6)
    assert a.frames.shape == (6, 20, 1, 64, 64) and a.frames.dtype == np.uint8
    assert np.array_equal(a.frames, b.frames) and not np.array_equal(a.frames, c.frames)
    assert set(a.extra) == {"digit", "direction"} and a.extra["digit"].max() <= 9
    ink = a.frames.reshape(6, 20, -1).sum(-1)
    assert (ink > 0).all()  # a digit stays inside the square every frame (it bounces, never leaves)
    moved = np.abs(a.frames[:, 1:].astype(int) - a.frames[:, :-1]).sum((2, 3, 4))
    assert (moved > 0).mean() > 0.9


def test_generator_directions_are_exact_compass_headings():
    data = generate_moving_digits(40, 3, digits=1, seed=1, directions=True)
    assert set(data.extra["direction"]) <= set(range(8))
    for frames, heading in zip(data.frames, data.extra["direction"]):
        ys, xs = np.nonzero(frames[0, 0])
        ye, xe = np.nonzero(frames[1, 0])
        dx = xe.mean() - xs.mean()
        if heading == 0:  # right, unless it bounced on the first step
            assert dx > 0 or abs(dx) < 1e-9 or xs.max() >= 60


def test_npz_split_and_length(tmp_path):
    frames = np.random.default_rng(0).integers(0, 255, (30, 12, 16, 16), dtype=np.uint8)
    path = tmp_path / "seq.npz"
    np.savez(path, frames=frames)
    splits = load_sequences(f"mmnist:{path}", 8)
    assert splits.train.frames.shape == (27, 8, 1, 16, 16) and splits.test.frames.shape == (3, 8, 1, 16, 16)
    assert np.array_equal(splits.test.frames[:, :, 0], frames[27:, :8])  # the last sequences test
    assert len(load_sequences(f"mmnist:{path}?test=5", 8).test) == 5
    with pytest.raises(DataError, match="grey 64 x 64"):
        load_sequences(f"mmnist:{path}?extra=4", 8)
    big = tmp_path / "big.npz"
    np.savez(big, frames=np.zeros((10, 8, 64, 64), np.uint8))
    mixed = load_sequences(f"mmnist:{big}?extra=6", 8)
    assert len(mixed.train) == 9 + 6 and len(mixed.test) == 1 and mixed.train.frames[9:].any()


def test_npz_errors_name_the_problem(tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, images=np.zeros((3, 4, 4)), labels=np.zeros(3))
    with pytest.raises(DataError, match="no array named 'frames'.*images, labels"):
        load_sequences(f"mmnist:{other}", 4)
    short = tmp_path / "short.npz"
    np.savez(short, frames=np.zeros((5, 6, 8, 8), np.uint8))
    with pytest.raises(DataError, match="6 frames per sequence, fewer than context \\+ horizon = 20"):
        load_sequences(f"mmnist:{short}", 20)
    flat = tmp_path / "flat.npz"
    np.savez(flat, frames=np.zeros((5, 64), np.uint8))
    with pytest.raises(DataError, match="shape"):
        load_sequences(f"mmnist:{flat}", 2)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(DataError, match="not a readable .npz"):
        load_sequences(f"mmnist:{junk}", 2)
    with pytest.raises(DataError, match="not found"):
        load_sequences(f"mmnist:{tmp_path / 'missing.npz'}", 2)


def _square_video(path, n):
    frames = np.zeros((n, 32, 32, 3), np.uint8)
    for t in range(n):
        frames[t, 8:16, t % 24:t % 24 + 8] = 255
    write_video(path, frames, 10)


def test_video_clips_are_sliding_windows(tmp_path):
    _square_video(tmp_path / "a.mp4", 30)
    splits = load_sequences(f"video:{tmp_path / 'a.mp4'}?size=16x16", 10)
    total = len(splits.train) + len(splits.test)
    assert total == len(range(0, 30 - 10 + 1, 5)) and splits.train.frames.shape[1:] == (10, 1, 16, 16)
    with pytest.raises(DataError, match="fewer than context \\+ horizon = 40"):
        load_sequences(str(tmp_path / "a.mp4"), 40)
    (tmp_path / "fake.mp4").write_text("hello")
    with pytest.raises(DataError):
        load_sequences(f"video:{tmp_path / 'fake.mp4'}", 4)
    _square_video(tmp_path / "one.mp4", 1)
    with pytest.raises(DataError, match="[01] frame"):
        load_sequences(f"video:{tmp_path / 'one.mp4'}", 4)
    with pytest.raises(DataError, match="1 frame"):
        windows(np.zeros((1, 1, 4, 4), np.uint8), 4, 1, "x")


def test_labelled_clip_folder_skips_and_lists_bad_files(tmp_path):
    for name in ("left", "right"):
        for i in range(5):
            _square_video(tmp_path / name / f"{i}.mp4", 12)
    (tmp_path / "left" / "broken.mp4").write_text("nope")
    _square_video(tmp_path / "right" / "short.mp4", 3)
    splits = load_sequences(f"videos:{tmp_path}?size=16x16", 8)
    assert splits.train.class_names == ["left", "right"]
    assert set(splits.train.labels) == {0, 1} and splits.test is not None
    skipped = {Path(p).name for p, _ in splits.skipped}
    assert skipped == {"broken.mp4", "short.mp4"}
    with pytest.raises(DataError, match="class folder"):
        load_sequences(f"videos:{tmp_path / 'left'}", 8)


@pytest.mark.skipif(not MMNIST.is_file(), reason="../shared/data/moving_mnist_generated is absent")
def test_shared_moving_mnist_split_and_trivial_predictors():
    splits = load_sequences(f"mmnist:{MMNIST}", 20)
    assert splits.train.frames.shape == (1800, 20, 1, 64, 64) and len(splits.test) == 200
    test = splits.test.frames[:, :, 0].astype(np.float64) / 255
    copy_last = ((test[:, 10:] - test[:, 9:10]) ** 2).sum((2, 3)).mean()
    brightness = splits.train.frames.mean() / 255  # the "mean frame" of the issue: average brightness
    mean = ((test[:, 10:] - brightness) ** 2).sum((2, 3)).mean()
    assert copy_last == pytest.approx(270.6, abs=0.5) and mean == pytest.approx(161.1, abs=0.5)
