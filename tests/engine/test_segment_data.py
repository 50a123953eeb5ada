"""Segmentation readers: pairs matched by stem, mask conversions, bad files skipped and listed, Weizmann."""
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from engine.data.masks import VOID, load_masks, read_mask
from engine.data.shapes import CLASS_NAMES, generate
from engine.errors import DataError

WEIZMANN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "weizmann_horse"


def _image(seed, h=24, w=32):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 255, (h, w, 3), dtype=np.uint8)


def _square_mask(h=24, w=32, value=255):
    mask = np.zeros((h, w), np.uint8)
    mask[6:18, 8:24] = value
    return mask


def _folders(tmp_path, count=3, suffix=".png", value=255):
    images, masks = tmp_path / "img", tmp_path / "mask"
    images.mkdir()
    masks.mkdir()
    for i in range(count):
        assert cv2.imwrite(str(images / f"a{i}.jpg"), _image(i))
        assert cv2.imwrite(str(masks / f"a{i}{suffix}"), _square_mask(value=value))
    return images, masks


def test_pairs_matched_by_stem_missing_partners_listed(tmp_path):
    images, masks = _folders(tmp_path)
    cv2.imwrite(str(images / "lonely.png"), _image(9))
    cv2.imwrite(str(masks / "orphan.png"), _square_mask())
    (images / "notes.txt").write_text("not an image")
    data = load_masks(f"pairs:{images},{masks}")
    assert [s.name for s in data.train] == ["a0", "a1", "a2"] and data.test is None
    reasons = {Path(p).name: why for p, why in data.skipped}
    assert "without a mask" in reasons["lonely.png"] and "without an image" in reasons["orphan.png"]
    assert "not an image file" in reasons["notes.txt"]
    assert data.class_names == ["background", "foreground"]
    mask = data.train[0].mask
    assert set(np.unique(mask)) == {0, 1} and mask[10, 10] == 1 and mask[0, 0] == 0


def test_jpeg_binary_masks_thresholded_with_note(tmp_path):
    images, masks = _folders(tmp_path, suffix=".jpg")
    data = load_masks(f"pairs:{images},{masks}")
    mask = data.train[0].mask
    assert set(np.unique(mask)) <= {0, 1}
    assert abs(int(mask.sum()) - 12 * 16) <= 8  # the square survives the JPEG noise
    assert any("thresholded" in n for n in data.notes)


def test_class_id_masks_and_classes_file(tmp_path):
    images, masks = _folders(tmp_path, value=2)
    (masks / "classes.txt").write_text("sky\ntree\nhouse\n")
    data = load_masks(f"pairs:{images},{masks}")
    assert data.class_names == ["sky", "tree", "house"]
    assert set(np.unique(data.train[0].mask)) == {0, 2}


def test_mask_values_matching_no_class_are_skipped_and_named(tmp_path):
    images, masks = _folders(tmp_path, value=2)
    (masks / "classes.txt").write_text("sky\ntree\nhouse\n")
    bad = _square_mask(value=2)
    bad[0, 0] = 7
    cv2.imwrite(str(masks / "a1.png"), bad)
    data = load_masks(f"pairs:{images},{masks}")
    assert [s.name for s in data.train] == ["a0", "a2"]
    (path, why), = data.skipped
    assert path.endswith("a1.jpg") and "7" in why and "match" in why


def test_void_255_kept_beside_class_ids(tmp_path):
    mask = _square_mask(value=1)
    mask[0, :] = VOID
    path = tmp_path / "m.png"
    cv2.imwrite(str(path), mask)
    values, how, _ = read_mask(path)
    assert how == "ids" and values[0, 0] == VOID and values[10, 10] == 1


def test_palette_png_gives_ids_and_colours(tmp_path):
    images, masks = _folders(tmp_path)
    ids = _square_mask(value=3)
    ids[0:4, 0:4] = 1
    for i in range(3):
        picture = Image.fromarray(ids, mode="P")
        picture.putpalette([0, 0, 0, 10, 20, 30, 40, 50, 60, 200, 100, 50] + [0] * (256 * 3 - 12))
        picture.save(masks / f"a{i}.png")
    data = load_masks(f"pairs:{images},{masks}")
    assert set(np.unique(data.train[0].mask)) == {0, 1, 3}
    assert len(data.class_names) == 4 and data.colours[3] == [200, 100, 50]


def test_colour_mask_without_palette_is_skipped(tmp_path):
    images, masks = _folders(tmp_path)
    colour = np.zeros((24, 32, 3), np.uint8)
    colour[5:10, 5:10] = (0, 0, 255)
    cv2.imwrite(str(masks / "a0.png"), colour)
    data = load_masks(f"pairs:{images},{masks}")
    assert len(data.train) == 2 and "palette" in data.skipped[0][1]


def test_size_mismatch_policy(tmp_path):
    images, masks = _folders(tmp_path)
    cv2.imwrite(str(masks / "a0.png"), cv2.resize(_square_mask(), (64, 48), interpolation=cv2.INTER_NEAREST))
    cv2.imwrite(str(masks / "a1.png"), np.zeros((24, 24), np.uint8))  # another aspect ratio
    data = load_masks(f"pairs:{images},{masks}")
    assert [s.name for s in data.train] == ["a0", "a2"]
    assert data.train[0].mask.shape == (24, 32) and set(np.unique(data.train[0].mask)) == {0, 1}
    assert any("nearest neighbour" in n for n in data.notes)
    assert "aspect ratio" in dict((Path(p).name, w) for p, w in data.skipped)["a1.jpg"]


def test_blank_and_broken_images_are_skipped(tmp_path):
    images, masks = _folders(tmp_path)
    cv2.imwrite(str(images / "a0.jpg"), np.full((24, 32, 3), 128, np.uint8))
    (images / "a1.jpg").write_bytes(b"not really a jpeg")
    data = load_masks(f"pairs:{images},{masks}")
    assert [s.name for s in data.train] == ["a2"]
    reasons = dict((Path(p).name, w) for p, w in data.skipped)
    assert "blank" in reasons["a0.jpg"] and "not a valid" in reasons["a1.jpg"]


def test_nothing_usable_and_bad_specs_raise_clear_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="No usable"):
        load_masks(f"pairs:{empty},{empty}")
    with pytest.raises(DataError, match="not a folder"):
        load_masks(f"pairs:{tmp_path / 'nope'},{empty}")
    with pytest.raises(DataError, match="Bad pairs spec"):
        load_masks(f"pairs:{empty}")
    with pytest.raises(DataError, match="Weizmann"):
        load_masks(f"weizmann:{empty}")
    with pytest.raises(DataError, match="cannot read"):
        load_masks("mnist:x")


def test_pairs_test_fraction(tmp_path):
    images, masks = _folders(tmp_path, count=8)
    data = load_masks(f"pairs:{images},{masks}?test=0.25&seed=1")
    assert len(data.train) == 6 and len(data.test) == 2


def test_shapes_demo_is_deterministic_with_exact_masks():
    a_images, a_masks = generate(6, 48, seed=3)
    b_images, b_masks = generate(6, 48, seed=3)
    assert np.array_equal(a_images, b_images) and np.array_equal(a_masks, b_masks)
    assert set(np.unique(a_masks)) <= set(range(len(CLASS_NAMES))) and (a_masks > 0).any()
    data = load_masks("shapes:20?size=32")
    assert len(data.train) == 15 and len(data.test) == 5 and data.train[0].image.shape == (32, 32, 3)


@pytest.mark.skipif(not WEIZMANN.is_dir(), reason="Weizmann Horse is not in ../shared/data")
def test_weizmann_fixed_split_and_blank_rgb_replaced():
    data = load_masks(f"weizmann:{WEIZMANN}")
    assert len(data.train) == 200 and len(data.test) == 128
    assert data.train[0].name == "horse001" and data.test[0].name == "horse201"
    horse = next(s for s in data.test if s.name == "horse318")
    assert horse.image.std() > 20 and horse.image.shape[:2] == horse.mask.shape
    assert any("horse318" in n and "grey" in n for n in data.notes)
    fractions = [s.mask.mean() for s in data.train]
    assert 0.03 < min(fractions) and max(fractions) < 0.5


def test_weizmann_layout_blank_rgb_falls_back_to_grey(tmp_path):
    for folder in ("rgb", "gray", "figure_ground"):
        (tmp_path / folder).mkdir()
    for i in range(3):
        cv2.imwrite(str(tmp_path / "rgb" / f"horse{i:03d}.jpg"), cv2.resize(_image(i), (64, 48)))  # 2x the mask
        cv2.imwrite(str(tmp_path / "gray" / f"horse{i:03d}.jpg"), _image(i)[:, :, 0])
        cv2.imwrite(str(tmp_path / "figure_ground" / f"horse{i:03d}.jpg"), _square_mask())
    cv2.imwrite(str(tmp_path / "rgb" / "horse001.jpg"), np.zeros((48, 64, 3), np.uint8))
    cv2.imwrite(str(tmp_path / "rgb" / "horse009.jpg"), _image(9))
    data = load_masks(f"weizmann:{tmp_path}")
    assert [s.name for s in data.train] == ["horse000", "horse001", "horse002"] and data.test is None
    assert all(s.image.shape == (24, 32, 3) for s in data.train)
    grey = data.train[1].image
    assert np.array_equal(grey[:, :, 0], grey[:, :, 2]) and grey.std() > 20
    assert any("horse001" in n for n in data.notes)
    assert "without a mask" in dict((Path(p).name, w) for p, w in data.skipped)["horse009.jpg"]
