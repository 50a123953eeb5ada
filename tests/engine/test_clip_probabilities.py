"""A clip classifier's answer after every frame (capability "classify_clip", the Live tab's clip mode): one row of
class probabilities per frame, the last row the model's answer for the whole clip, frames of any size and colour
prepared as in training, and a clear refusal of what is no clip."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine import cli
from engine.errors import DataError
from engine.inference import load_predictor
from engine.tasks.video_classify.predictor import ClipPredictor


@pytest.fixture(scope="module")
def predictor(tmp_path_factory) -> ClipPredictor:
    out = tmp_path_factory.mktemp("clips")
    assert cli.main(["train", "--task", "video-classify", "--data", "moving:60", "--hidden", "8", "--epochs", "1",
                     "--option", "length=4", "--device", "cpu", "--threads", "1", "--out", str(out)]) == 0
    return load_predictor(out / "model.ckpt", "cpu", 1)


def moving_square(frames: int, size: tuple[int, int], channels: int) -> np.ndarray:
    h, w = size
    clip = np.zeros((frames, h, w, channels), np.uint8)
    for t in range(frames):
        clip[t, h // 3:h // 3 + h // 4, t * 3:t * 3 + w // 4] = 255
    return clip


def test_one_row_per_frame_and_the_last_row_is_the_answer_for_the_whole_clip(predictor):
    clip = moving_square(7, tuple(predictor.info["size"]), predictor.info["channels"])
    probabilities = predictor.clip_probabilities(clip)
    assert probabilities.shape == (7, len(predictor.class_names)) and probabilities.dtype == np.float32
    assert np.allclose(probabilities.sum(1), 1, atol=1e-5) and (probabilities >= 0).all()
    tensor = torch.from_numpy(predictor.conform_clip(clip))[None]
    with torch.no_grad():
        whole = torch.softmax(predictor.model(tensor), -1)[0].numpy()
        first_three = torch.softmax(predictor.model(tensor[:, :3]), -1)[0].numpy()
    assert np.allclose(probabilities[-1], whole, atol=1e-5)
    assert np.allclose(probabilities[2], first_three, atol=1e-5)  # frame t's answer sees frames 0..t only


def test_frames_of_another_size_and_colour_are_prepared_as_in_training(predictor):
    h, w = predictor.info["size"]
    colour = moving_square(5, (2 * h, 3 * w), 3)
    prepared = predictor.conform_clip(colour)
    assert prepared.shape == (5, predictor.info["channels"], h, w) and prepared.dtype == np.uint8
    assert prepared.max() > 200  # the square is still there after shrinking
    assert np.allclose(predictor.clip_probabilities(colour), predictor.clip_probabilities(
        prepared.transpose(0, 2, 3, 1)), atol=1e-6)


@pytest.mark.parametrize("frames", [np.zeros((0, 8, 8, 1), np.uint8), np.zeros((8, 8), np.uint8),
                                    np.zeros((3, 8, 8, 5), np.uint8)])
def test_what_is_no_clip_is_refused_with_a_message(predictor, frames):
    with pytest.raises(DataError, match="A clip is frames"):
        predictor.clip_probabilities(frames)
