"""Every reader of user files, given named pipes, programs named like images, decompression bombs and odd
folders: loading finishes, the bad files are listed as skipped with their reason, nothing else is started."""
import gzip
import os
import struct
import time

import cv2
import numpy as np
import pytest
import scipy.io

import engine.resources
from engine.data import load_classification
from engine.data.edge_data import load_edges
from engine.data.masks import load_masks
from engine.data.video import open_video, read_frames
from engine.edges import bsds
from engine.errors import DataError, UserError
from engine.resources import ResourceError
from hostile_files import IMPOSTORS, ENDLESS_POSTSCRIPT, fifo, finishes, grey_png, jpeg_bomb, png_bomb


def class_folder(root, per_class=3, classes=("cat", "dog"), side=20):
    for k, name in enumerate(classes):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            grey_png(root / name / f"{i}.png", (side, side), value=40 * k + i)
    return root


def pair_folders(root, count=3):
    images, masks = root / "images", root / "masks"
    images.mkdir()
    masks.mkdir()
    for i in range(count):
        assert cv2.imwrite(str(images / f"horse{i}.jpg"), np.full((24, 32, 3), 30 + 60 * i, np.uint8) +
                           np.arange(32, dtype=np.uint8)[None, :, None])
        grey_png(masks / f"horse{i}.png")
    return images, masks


def reasons(skipped):
    return {os.path.basename(path): why for path, why in skipped}


# ---- named pipes: refused by stat, never opened ----
def test_folder_with_named_pipes_finishes_and_lists_them(tmp_path):
    root = class_folder(tmp_path)
    pipes = (fifo(root / "cat" / "pipe.png"), fifo(root / "loose.png"))
    splits = finishes(lambda: load_classification(f"folder:{root}?size=8"), 30, pipes)
    assert len(splits.train) == 6
    why = reasons(splits.skipped)
    assert why["pipe.png"] == why["loose.png"] == "not a regular file (a named pipe)"


def test_mask_and_image_folders_with_named_pipes(tmp_path):
    images, masks = pair_folders(tmp_path)
    pipes = (fifo(masks / "horse0.png"), fifo(images / "horse1.jpg"))
    data = finishes(lambda: load_masks(f"pairs:{images},{masks}"), 30, pipes)
    assert [s.name for s in data.train] == ["horse2"]
    skipped = {path: why for path, why in data.skipped}
    assert skipped[str(masks / "horse0.png")] == skipped[str(images / "horse1.jpg")] == \
        "not a regular file (a named pipe)"


def test_edge_pairs_with_a_named_pipe_edge_map(tmp_path):
    images, edges = pair_folders(tmp_path)
    pipes = (fifo(edges / "horse1.png"),)
    data = finishes(lambda: load_edges(f"pairs:{images},{edges}"), 30, pipes)
    assert sorted(s.name for s in data.train) == ["horse0", "horse2"]
    assert "named pipe" in dict(data.skipped)[str(edges / "horse1.png")]


def test_video_file_and_frame_folder_that_are_named_pipes(tmp_path, no_child_processes):
    clip = fifo(tmp_path / "clip.mp4")
    with pytest.raises(DataError, match="named pipe"):
        finishes(lambda: read_frames(f"video:{clip}"), 20, (clip,))
    frames = tmp_path / "frames"
    frames.mkdir()
    for t in range(4):
        grey_png(frames / f"f{t}.png", value=10 * t)
    pipes = (fifo(frames / "f9.png"),)
    (frames / "f5.png").write_bytes(ENDLESS_POSTSCRIPT)
    with open_video(frames) as source:
        read = finishes(lambda: list(source), 20, pipes)
        why = reasons(source.skipped)
    assert len(read) == 4
    assert why["f9.png"] == "not a regular file (a named pipe)" and "looks like PostScript" in why["f5.png"]


# ---- programs named like images: refused by content, no Ghostscript ----
def test_postscript_pdf_and_svg_masks_are_skipped_without_starting_a_program(tmp_path, no_child_processes):
    images, masks = pair_folders(tmp_path, count=4)
    for i, (_, content) in enumerate(sorted(IMPOSTORS.items())):
        (masks / f"horse{i}.png").write_bytes(content)
    started = time.perf_counter()
    data = finishes(lambda: load_masks(f"pairs:{images},{masks}"), 30)
    assert time.perf_counter() - started < 10 and [s.name for s in data.train] == ["horse3"]
    why = {os.path.basename(p): w for p, w in data.skipped}
    for i, kind in enumerate(sorted(IMPOSTORS)):
        assert f"the mask horse{i}.png" in why[f"horse{i}.jpg"] and f"it looks like {kind}" in why[f"horse{i}.jpg"]


def test_postscript_images_in_class_and_edge_folders(tmp_path, no_child_processes):
    root = class_folder(tmp_path / "classes")
    (root / "cat" / "horse1.png").write_bytes(ENDLESS_POSTSCRIPT)
    splits = finishes(lambda: load_classification(f"folder:{root}?size=8"), 30)
    assert len(splits.train) == 6 and "looks like PostScript" in reasons(splits.skipped)["horse1.png"]
    photos = tmp_path / "photos"
    photos.mkdir()
    for i in range(2):
        grey_png(photos / f"p{i}.png", value=20 * i)
    (photos / "p9.jpg").write_bytes(IMPOSTORS["PDF"])
    data = finishes(lambda: load_edges(f"images:{photos}"), 30)
    assert len(data.train) == 2 and "looks like PDF" in reasons(data.skipped)["p9.jpg"]


# ---- decompression bombs: refused from the header, fast ----
def test_bombs_are_skipped_from_folders_masks_and_edge_maps(tmp_path):
    root = class_folder(tmp_path / "classes")
    png_bomb(root / "dog" / "bomb.png")
    started = time.perf_counter()
    splits = load_classification(f"folder:{root}?size=8")
    assert len(splits.train) == 6 and "decompression bomb" in reasons(splits.skipped)["bomb.png"]
    images, masks = pair_folders(tmp_path)
    png_bomb(masks / "horse0.png")
    jpeg_bomb(images / "horse1.jpg")
    data = load_masks(f"pairs:{images},{masks}")
    why = reasons(data.skipped)
    assert [s.name for s in data.train] == ["horse2"]
    assert "60,000x60,000" in why["horse0.jpg"] and "65,000x65,000" in why["horse1.jpg"]
    data = load_edges(f"pairs:{images},{masks}")
    assert "decompression bomb" in reasons(data.skipped)["horse0.jpg"]
    assert time.perf_counter() - started < 10


# ---- BSDS .mat files and MNIST IDX files ----
def bsds_layout(root):
    cells = np.empty((1, 1), dtype=object)
    cells[0, 0] = {"Boundaries": np.eye(20, 24, dtype=np.uint8)}
    for split in bsds.SPLITS:
        for folder in ("images", "groundTruth"):
            (root / folder / split).mkdir(parents=True)
        for stem in ("1", "2", "3"):
            assert cv2.imwrite(str(root / "images" / split / f"{stem}.jpg"), np.full((20, 24, 3), 90, np.uint8))
            scipy.io.savemat(root / "groundTruth" / split / f"{stem}.mat", {"groundTruth": cells})
    return root


def test_bsds_skips_a_named_pipe_mat_a_postscript_jpg_and_a_mat_bomb(tmp_path, monkeypatch, no_child_processes):
    root = bsds_layout(tmp_path)
    (root / "groundTruth/train/1.mat").unlink()
    pipes = (fifo(root / "groundTruth/train/1.mat"),)
    (root / "images/train/2.jpg").write_bytes(ENDLESS_POSTSCRIPT)
    big = np.empty((1, 1), dtype=object)
    big[0, 0] = {"Boundaries": np.zeros((1200, 1000), np.uint8)}  # 1.2 MB of zeros, a few KB compressed
    scipy.io.savemat(root / "groundTruth/val/3.mat", {"groundTruth": big}, do_compression=True)
    monkeypatch.setattr(bsds, "MAX_MAT_BYTES", 1 << 20)
    data = finishes(lambda: load_edges(f"bsds:{root}"), 30, pipes)
    why = {path.replace(str(root), ""): w for path, w in data.skipped}
    assert len(data.train) == 3 and len(data.test) == 3
    assert "named pipe" in why["/images/train/1.jpg"] and "looks like PostScript" in why["/images/train/2.jpg"]
    assert "more than 1 MB" in why["/images/val/3.jpg"] and "decompression bomb" in why["/images/val/3.jpg"]


def test_bsds_with_every_training_file_refused_says_so(tmp_path):
    root = bsds_layout(tmp_path)
    for split in ("train", "val"):
        for stem in ("1", "2", "3"):
            (root / "images" / split / f"{stem}.jpg").write_bytes(b"no jpeg")
    with pytest.raises(DataError, match="No usable BSDS500 training images"):
        load_edges(f"bsds:{root}")


def test_mnist_named_pipe_gzip_bomb_and_overlong_file(tmp_path):
    pipe = fifo(tmp_path / "t10k-images-idx3-ubyte")
    with pytest.raises(DataError, match="named pipe"):
        finishes(lambda: load_classification(f"mnist:{tmp_path}"), 20, (pipe,))
    pipe.unlink()
    labels = struct.pack(">II", 2049, 10) + bytes(10)
    with gzip.open(tmp_path / "t10k-labels-idx1-ubyte.gz", "wb") as file:
        file.write(labels)
    with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb") as file:  # declares 4 billion 28x28 images
        file.write(struct.pack(">IIII", 2051, 4_000_000_000, 28, 28) + bytes(1000))
    started = time.perf_counter()
    with pytest.raises(ResourceError, match="would need about"):
        load_classification(f"mnist:{tmp_path}")
    assert time.perf_counter() - started < 5
    with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb") as file:  # 10 images, then 1 MB more
        file.write(struct.pack(">IIII", 2051, 10, 28, 28) + bytes(10 * 784 + (1 << 20)))
    with pytest.raises(DataError, match="longer than its header says"):
        load_classification(f"mnist:{tmp_path}")


# ---- tiny and odd class folders ----
def test_one_image_per_class_with_a_test_split_gives_no_test_split_and_says_why(tmp_path):
    root = class_folder(tmp_path / "one", per_class=1, classes=("a", "b", "c"))
    splits = load_classification(f"folder:{root}?test=0.2&size=8")
    assert len(splits.train) == 3 and splits.test is None
    assert any("held out no image" in note and "single readable image" in note for note in splits.notes)
    mixed = class_folder(tmp_path / "mixed", per_class=1, classes=("a",))
    class_folder(mixed, per_class=5, classes=("b",))
    splits = load_classification(f"folder:{mixed}?test=0.2&size=8")
    assert (len(splits.train), len(splits.test)) == (5, 1) and set(splits.test.labels.tolist()) == {1}
    assert any("used for training only" in note and "a" in note for note in splits.notes)


def test_unreadable_test_folder_gives_no_test_split(tmp_path):
    class_folder(tmp_path / "train")
    (tmp_path / "test" / "cat").mkdir(parents=True)
    (tmp_path / "test" / "cat" / "0.png").write_bytes(b"broken")
    splits = load_classification(f"folder:{tmp_path}?size=8")
    assert len(splits.train) == 6 and splits.test is None
    assert any("test/ folder has no readable images" in note for note in splits.notes)


def test_one_pixel_images_empty_and_unreadable_class_folders(tmp_path):
    root = class_folder(tmp_path, per_class=2, side=1)
    (root / "empty").mkdir()
    (root / "broken").mkdir()
    (root / "broken" / "x.png").write_bytes(IMPOSTORS["SVG"])
    splits = load_classification(f"folder:{root}?size=4")
    assert splits.train.class_names == ["cat", "dog"] and splits.train.images.shape == (4, 4, 4, 1)
    assert any("no readable images" in note and "broken" in note and "empty" in note for note in splits.notes)


def test_every_file_unreadable_or_only_pipes(tmp_path):
    root = class_folder(tmp_path / "bad", per_class=0)
    for name in ("cat", "dog"):
        (root / name / "x.png").write_bytes(ENDLESS_POSTSCRIPT)
    with pytest.raises(DataError, match="0 class"):
        load_classification(f"folder:{root}")
    pipes_only = class_folder(tmp_path / "pipes", per_class=0)
    pipes = tuple(fifo(pipes_only / name / "p.png") for name in ("cat", "dog"))
    with pytest.raises(DataError, match="No images found"):
        finishes(lambda: load_classification(f"folder:{pipes_only}"), 20, pipes)


def test_huge_size_option_is_bounded_by_value_and_by_memory(tmp_path, monkeypatch):
    root = class_folder(tmp_path)
    with pytest.raises(DataError, match="Bad size '100000'"):
        load_classification(f"folder:{root}?size=100000")
    monkeypatch.setattr(engine.resources, "available_bytes", lambda: 50 << 20)
    with pytest.raises(ResourceError, match="6 images of 4096x4096x1 .size=4096. would need about 384.0 MB") as caught:
        load_classification(f"folder:{root}?size=4096")
    assert "smaller size=" in caught.value.hint and isinstance(caught.value, UserError)
