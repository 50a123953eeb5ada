"""Predictor: a trained checkpoint classifying image files of any size and format, and evaluating a folder."""
import cv2
import numpy as np
import pytest

from tiny_images import bar_image, write_bars
from engine.errors import CheckpointError, DataError
from engine.tasks.classify.predictor import Predictor


@pytest.fixture(scope="module")
def predictor(trained):
    return Predictor.from_checkpoint(trained["out"] / "model.ckpt", device="cpu")


def write(path, image):
    assert cv2.imwrite(str(path), image)
    return str(path)


def test_predicts_files_of_other_sizes_and_formats(predictor, tmp_path):
    rng = np.random.default_rng(1)
    grey_big = write(tmp_path / "top_20.png", bar_image("top", 20, rng))
    bottom = bar_image("bottom", 12, rng)
    rgba = write(tmp_path / "bottom_rgba.png", np.dstack([bottom, bottom, bottom, np.full_like(bottom, 255)]))
    deep = bar_image("top", 16, rng, dtype=np.uint16)
    assert deep.max() > 255
    sixteen = write(tmp_path / "top_16bit.png", deep)
    colour = write(tmp_path / "bottom_rgb.png", np.dstack([bottom, bottom // 2, bottom]))
    results = predictor.predict_files([grey_big, rgba, sixteen, colour])
    assert [r["class"] for r in results] == ["top", "bottom", "top", "bottom"]
    for result in results:
        assert 0.5 < result["probability"] <= 1.0 and result["inverted"] is False


def test_light_background_is_inverted_to_match_training(predictor, tmp_path):
    path = write(tmp_path / "paper.png", 255 - bar_image("bottom", 10))
    (result,) = predictor.predict_files([path])
    assert result["inverted"] is True and result["class"] == "bottom"


def test_unreadable_file_is_reported_not_raised(predictor, tmp_path):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    good = write(tmp_path / "good.png", bar_image("top", 8))
    results = predictor.predict_files([str(bad), good, str(tmp_path / "missing.png")])
    assert "error" in results[0] and "bad.png" in results[0]["error"]
    assert results[1]["class"] == "top"
    assert "error" in results[2]


def test_predict_arrays(predictor):
    images = np.stack([bar_image(name, 8) for name in ("top", "bottom")]).astype(np.float32)[..., None] / 255
    probabilities = predictor.predict(images)
    assert probabilities.shape == (2, 2)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    assert [predictor.class_names[i] for i in probabilities.argmax(1)] == ["top", "bottom"]


def test_evaluate_a_folder(predictor, bars):
    metrics, details = predictor.evaluate(f"folder:{bars}")
    assert metrics["accuracy"] >= 0.9 and metrics["loss"] >= 0
    assert int(details["confusion"].sum()) == 32 and details["confusion"].shape == (2, 2)


def test_evaluate_a_folder_of_another_size(predictor, tmp_path):
    root = write_bars(tmp_path / "big", per_class=4, size=24, seed=3)
    metrics, details = predictor.evaluate(f"folder:{root}?size=24")
    assert metrics["accuracy"] >= 0.75 and int(details["confusion"].sum()) == 8


def test_evaluate_other_classes_is_a_clear_error(predictor, tmp_path):
    for name in ("cat", "dog"):
        (tmp_path / name).mkdir()
        write(tmp_path / name / "0.png", bar_image("top", 8))
    with pytest.raises(DataError, match="classes"):
        predictor.evaluate(f"folder:{tmp_path}")


def test_from_checkpoint_for_another_task(trained):
    with pytest.raises(CheckpointError, match="edges"):
        Predictor.from_checkpoint(trained["out"] / "model.ckpt", task="edges", device="cpu")
