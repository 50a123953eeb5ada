"""Video reading and writing: files, frame folders, cameras, and every bad input with its message."""
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.data.video import open_video, parse_size, read_frames, write_video
from engine.errors import DataError

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "video_clips"


def moving_square(n=12, h=48, w=64):
    frames = np.zeros((n, h, w, 3), np.uint8)
    for t in range(n):
        frames[t, 10:26, 2 + 3 * t:18 + 3 * t] = (255, 128, 0)
    return frames


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.mp4"
    assert write_video(path, moving_square(), 10) == 12
    return path


def test_mp4_round_trip_keeps_count_size_fps_and_colour(clip):
    with open_video(clip) as source:
        assert (source.frame_count, source.frame_size, source.fps) == (12, (48, 64), 10.0)
        frames = list(source)
    assert len(frames) == 12 and frames[0].shape == (48, 64, 3)
    r, g, b = frames[0][18, 10].astype(int)
    assert r > 200 and 90 < g < 170 and b < 60  # RGB order, not OpenCV's BGR


def test_options_resize_stride_grey_and_seek(clip):
    frames = read_frames(f"video:{clip}?size=32x24&stride=3&grey=1")
    assert frames.shape == (4, 24, 32, 1)
    with open_video(clip) as source:
        source.seek(5)
        fifth = source.read()
    assert np.abs(fifth.astype(int) - read_frames(clip)[5].astype(int)).mean() < 1


def test_gif_round_trip(tmp_path):
    path = tmp_path / "anim.gif"
    write_video(path, moving_square(6), 5)
    assert read_frames(path).shape[0] == 6


def test_frame_folder_in_natural_order_skips_bad_files(tmp_path):
    for t, frame in enumerate(moving_square(11)):
        cv2.imwrite(str(tmp_path / f"f{t}.png"), frame)
    (tmp_path / "f5.png").write_bytes(b"not a png")
    (tmp_path / "notes.txt").write_text("hello")
    with open_video(tmp_path) as source:
        frames = list(source)
        skipped = dict(source.skipped)
    assert len(frames) == 10
    assert str(tmp_path / "f5.png") in skipped and str(tmp_path / "notes.txt") in skipped
    assert frames[9][18, 2 + 3 * 10 + 1, 2] > 200  # f10 last, not after f1


def test_frames_of_changing_size_say_so_unless_resized(tmp_path):
    cv2.imwrite(str(tmp_path / "0.png"), np.zeros((20, 30, 3), np.uint8))
    cv2.imwrite(str(tmp_path / "1.png"), np.zeros((25, 30, 3), np.uint8))
    with pytest.raises(DataError, match="change size.*1.png is 30x25"):
        read_frames(tmp_path)
    assert read_frames(f"frames:{tmp_path}?size=30x20").shape == (2, 20, 30, 3)


@pytest.mark.parametrize("content, name, message", [
    (None, "missing.mp4", "does not exist"),
    (b"", "empty.mp4", "empty"),
    (b"hello, this is text" * 50, "notes.txt", "not a video"),
    (b"\x00\x01garbage" * 500, "broken.mp4", "(not a video|no frames)"),
])
def test_bad_files_say_why(tmp_path, content, name, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        open_video(path)
    assert info.value.hint


def test_bad_specs_and_options(tmp_path, clip):
    with pytest.raises(DataError, match="Unknown option"):
        open_video(f"video:{clip}?fps=3")
    with pytest.raises(DataError, match="stride"):
        open_video(f"video:{clip}?stride=0")
    with pytest.raises(DataError, match="WIDTHxHEIGHT"):
        parse_size("big")
    empty = tmp_path / "no_frames"
    empty.mkdir()
    with pytest.raises(DataError, match="no image frames"):
        open_video(f"frames:{empty}")
    with pytest.raises(DataError, match="Camera 97 could not be opened"):
        open_video("camera:97")


def test_writer_refuses_unknown_type_and_empty_input(tmp_path):
    with pytest.raises(DataError, match="unknown video type"):
        write_video(tmp_path / "x.webp", moving_square(2))
    with pytest.raises(DataError, match="No frames"):
        write_video(tmp_path / "x.mp4", [])
    assert not (tmp_path / "x.mp4").exists()


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/video_clips is absent")
def test_shared_clips_decode_with_their_frame_counts():
    with open_video(SHARED / "bikes.mp4") as source:
        assert source.frame_size == (272, 640) and source.fps == 25.0
        assert sum(1 for _ in source) == 250


def test_one_frame_video_is_read_or_refused_with_a_message(tmp_path):
    path = tmp_path / "single.mp4"
    write_video(path, [np.full((32, 48, 3), 90, np.uint8)], fps=5)
    try:
        frames = read_frames(f"video:{path}")
    except DataError as error:  # some decoders drop a lone frame: then say so, never a bare ValueError
        assert "0 frames could be decoded" in error.message and error.hint
    else:
        assert frames.shape == (1, 32, 48, 3)
