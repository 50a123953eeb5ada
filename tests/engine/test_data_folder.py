"""Class-folder reader and read_image, on small generated image files."""
import threading

import cv2
import numpy as np
import pytest

from engine.data import load_classification, read_image
from engine.errors import DataError


def write_class_images(folder, classes=("cat", "dog"), per_class=5, size=20, seed=0, ext=".png"):
    rng = np.random.default_rng(seed)
    for name in classes:
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            image = rng.integers(0, 256, size=(size, size), dtype=np.uint8)
            assert cv2.imwrite(str(folder / name / f"{i:04d}{ext}"), image)


def test_class_folders_happy_path(tmp_path):
    write_class_images(tmp_path, classes=("b_dog", "a_cat", "c_owl"), per_class=4)
    splits = load_classification(f"folder:{tmp_path}?size=12")

    assert splits.train.class_names == ["a_cat", "b_dog", "c_owl"]
    assert splits.train.images.shape == (12, 12, 12, 1) and splits.train.images.dtype == np.float32
    assert splits.train.labels.dtype == np.int64 and list(np.bincount(splits.train.labels)) == [4, 4, 4]
    assert 0 <= splits.train.images.min() and splits.train.images.max() <= 1
    assert splits.test is None and splits.skipped == []
    assert splits.train.paths[0].endswith("0000.png") and "a_cat" in splits.train.paths[0]


def test_default_size_and_rgb(tmp_path):
    write_class_images(tmp_path, per_class=2, size=40)
    splits = load_classification(f"folder:{tmp_path}?channels=rgb")
    assert splits.train.image_shape == (28, 28, 3)


def test_seeded_test_fraction_is_stratified_and_repeatable(tmp_path):
    write_class_images(tmp_path, per_class=10)
    first = load_classification(f"folder:{tmp_path}?test=0.2")
    again = load_classification(f"folder:{tmp_path}?test=0.2")
    assert (len(first.train), len(first.test)) == (16, 4)
    assert list(np.bincount(first.test.labels)) == [2, 2]
    assert first.test.paths == again.test.paths
    assert not set(first.train.paths) & set(first.test.paths)


def test_train_test_layout(tmp_path):
    write_class_images(tmp_path / "train", per_class=6)
    write_class_images(tmp_path / "test", per_class=2, seed=1)
    splits = load_classification(f"folder:{tmp_path}")
    assert (len(splits.train), len(splits.test)) == (12, 4)
    assert splits.test.class_names == ["cat", "dog"]
    assert all("/test/" in path.replace("\\", "/") for path in splits.test.paths)


def test_corrupt_png_and_text_file_are_skipped_and_the_rest_loads(tmp_path):
    write_class_images(tmp_path, per_class=50)
    corrupt = tmp_path / "cat" / "broken.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    notes = tmp_path / "dog" / "notes.txt"
    notes.write_text("not an image")

    splits = load_classification(f"folder:{tmp_path}")

    assert len(splits.train) == 100
    skipped = dict(splits.skipped)
    assert set(skipped) == {str(corrupt), str(notes)}
    assert "Cannot read image" in skipped[str(corrupt)] and "not an image file" in skipped[str(notes)]


def test_16_bit_png_scaled_by_65535(tmp_path):
    image = np.array([[0, 65535], [32768, 1000]], dtype=np.uint16)
    cv2.imwrite(str(tmp_path / "deep.png"), image)
    loaded = read_image(tmp_path / "deep.png", None, 1)
    assert loaded.shape == (2, 2, 1) and loaded.dtype == np.float32
    np.testing.assert_allclose(loaded[..., 0], image / 65535.0, atol=1e-6)


def test_rgba_is_composited_over_white_and_channel_order_is_rgb(tmp_path):
    bgra = np.zeros((2, 2, 4), dtype=np.uint8)
    bgra[0, 0] = (0, 0, 255, 255)  # opaque pure red (OpenCV stores BGRA)
    bgra[0, 1] = (0, 0, 0, 0)  # fully transparent black -> white
    bgra[1, 0] = (0, 0, 0, 128)  # half-transparent black -> mid grey
    bgra[1, 1] = (255, 0, 0, 255)  # opaque pure blue
    cv2.imwrite(str(tmp_path / "alpha.png"), bgra)

    rgb = read_image(tmp_path / "alpha.png", None, 3)
    np.testing.assert_allclose(rgb[0, 0], [1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(rgb[0, 1], [1, 1, 1], atol=1e-6)
    np.testing.assert_allclose(rgb[1, 0], [1 - 128 / 255] * 3, atol=1e-6)
    np.testing.assert_allclose(rgb[1, 1], [0, 0, 1], atol=1e-6)
    grey = read_image(tmp_path / "alpha.png", None, 1)
    assert grey.shape == (2, 2, 1) and grey[0, 1, 0] == pytest.approx(1.0)


def test_16_bit_rgba(tmp_path):
    bgra = np.full((3, 3, 4), 65535, dtype=np.uint16)
    bgra[..., 3] = 0
    cv2.imwrite(str(tmp_path / "deep_alpha.png"), bgra)
    assert read_image(tmp_path / "deep_alpha.png", None, 1).min() == pytest.approx(1.0)


def test_float_tiff(tmp_path):
    image = np.linspace(0, 1, 16, dtype=np.float32).reshape(4, 4)
    cv2.imwrite(str(tmp_path / "float.tif"), image)
    np.testing.assert_allclose(read_image(tmp_path / "float.tif", None, 1)[..., 0], image, atol=1e-6)


def test_resize_and_non_ascii_path(tmp_path):
    folder = tmp_path / "zifferñ_数字"
    folder.mkdir()
    path = folder / "bild.png"
    ok, encoded = cv2.imencode(".png", np.full((40, 30), 255, dtype=np.uint8))
    encoded.tofile(str(path))
    image = read_image(path, (10, 8), 1)
    assert image.shape == (10, 8, 1) and image.min() == pytest.approx(1.0)


def test_read_image_refuses_unreadable_files(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "junk.jpg").write_bytes(b"not a jpeg at all")
    for name in ("empty.png", "junk.jpg", "missing.png"):
        with pytest.raises(DataError, match=name):
            read_image(tmp_path / name, None, 1)


def test_progress_and_cancel(tmp_path):
    write_class_images(tmp_path, per_class=60, size=8)
    calls = []
    load_classification(f"folder:{tmp_path}", progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 120) and calls[-1] == (120, 120) and len(calls) <= 1 + 120 // 50 + 1

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DataError, match="Loading cancelled"):
        load_classification(f"folder:{tmp_path}", cancel=cancel)


@pytest.mark.parametrize("setup, message", [
    ("missing", "Folder not found"),
    ("empty", "is empty"),
    ("no_classes", "no class sub-folders"),
    ("one_class", "1 class"),
    ("no_images", "No images found"),
])
def test_bad_folders_give_clear_errors(tmp_path, setup, message):
    root = tmp_path / "data"
    if setup != "missing":
        root.mkdir()
    if setup == "no_classes":
        cv2.imwrite(str(root / "loose.png"), np.zeros((4, 4), dtype=np.uint8))
    elif setup == "one_class":
        write_class_images(root, classes=("only",))
    elif setup == "no_images":
        (root / "a").mkdir()
        (root / "b").mkdir()
        (root / "a" / "readme.txt").write_text("hi")
    with pytest.raises(DataError, match=message) as caught:
        load_classification(f"folder:{root}")
    assert caught.value.hint


def test_bad_options(tmp_path):
    write_class_images(tmp_path, per_class=2)
    for option, message in [("size=0", "Bad size"), ("channels=cmyk", "Bad channels"),
                            ("test=1.5", "Bad test fraction"), ("colour=rgb", "Unknown option")]:
        with pytest.raises(DataError, match=message):
            load_classification(f"folder:{tmp_path}?{option}")
