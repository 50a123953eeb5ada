"""Videos that open anywhere (issue 16): `predict --out x.mp4` rollouts and edge videos are H.264 in yuv420p by
the files' own metadata (ffmpeg's description of the stream), and OpenCV reads back every frame; where no
H.264 encoder is found the MP4 is mp4v and the command says so in a warning line. Tiny checkpoints are
trained by the real `train` command."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from e2e_runs import run_all, tiny_train_commands
from engine.data import video_h264
from engine.data.video import write_video
from tiny_edges import rectangles

pytestmark = pytest.mark.skipif(video_h264.h264_ffmpeg() is None, reason="imageio-ffmpeg is not installed")


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("h264")
    done = run_all(tiny_train_commands(root, ("edges", "predict")))
    for name, process in done.items():
        assert process.returncode == 0, (name, process.stderr[-2000:])
    return root


def every_frame(path: Path) -> list[np.ndarray]:
    """Every frame OpenCV decodes, read one by one as a player would."""
    capture, frames = cv2.VideoCapture(str(path)), []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def assert_h264(path: Path, frames: int, size: tuple[int, int]) -> None:
    stream = video_h264.video_stream(path)
    assert stream is not None and stream.startswith("h264") and "yuv420p" in stream, stream
    decoded = every_frame(path)
    assert len(decoded) == frames and decoded[0].shape[:2] == size
    assert size[0] % 2 == 0 and size[1] % 2 == 0


def test_rollouts_and_edge_videos_are_h264_and_read_back_whole(checkpoints, tmp_path):
    image, _ = rectangles((48, 48), 3, np.random.default_rng(4))
    clip = tmp_path / "clip.avi"
    write_video(clip, [np.roll(image, 3 * t, 1) for t in range(5)], 10)
    sequences = tmp_path / "seq.npz"
    np.savez(sequences, frames=np.random.default_rng(0).integers(0, 255, (2, 6, 64, 64)).astype(np.uint8))
    done = run_all({
        "rollout": ["predict", "--checkpoint", checkpoints / "predict/model.ckpt", f"mmnist:{sequences}",
                    "--frames", "7", "--out", tmp_path / "roll.mp4", "--json"],
        "edges": ["predict", "--checkpoint", checkpoints / "edges/model.ckpt", clip, "--out", tmp_path / "edges",
                  "--json"],
    })
    for process in done.values():
        assert process.returncode == 0, process.stderr[-2000:]
        assert "warning" not in process.stderr  # H.264 was there: nothing to warn of
    (rollout,) = json.loads(done["rollout"].stdout.splitlines()[-1])["rollouts"]
    # 2 seed frames + 7 generated, truth | gap | model at 128 px a panel
    assert rollout["frames"] == 9 and "note" not in rollout
    assert_h264(Path(rollout["video"]), 9, (128, 2 * 128 + 4))
    (edges,) = json.loads(done["edges"].stdout.splitlines()[-1])["edges"]
    assert_h264(tmp_path / "edges/clip_edges.mp4", 5, (48, 96))  # input | edges
    assert edges["frames"] == 5


def test_without_an_h264_encoder_the_mp4_is_mp4v_and_the_command_warns(checkpoints, tmp_path, monkeypatch,
                                                                       capsys):
    from engine.cli import main

    monkeypatch.setattr(video_h264, "h264_ffmpeg", lambda: None)
    sequences = tmp_path / "seq.npz"
    np.savez(sequences, frames=np.random.default_rng(0).integers(0, 255, (2, 6, 64, 64)).astype(np.uint8))
    out = tmp_path / "roll.mp4"
    assert main(["predict", "--checkpoint", str(checkpoints / "predict/model.ckpt"), f"mmnist:{sequences}",
                 "--frames", "3", "--out", str(out), "--threads", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert video_h264.video_codec(out) == "mpeg4" and len(every_frame(out)) == 5
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "mp4v" in warnings[0] and "imageio-ffmpeg" in warnings[0]
    (result,) = json.loads(captured.out.splitlines()[-1])["rollouts"]
    assert "mp4v" in result["note"]
