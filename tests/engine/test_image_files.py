"""engine/data/image_files.py: the checks every user image gets before a decoder sees it."""
import os
import socket
import time

import cv2
import numpy as np
import pytest
from PIL import Image

import engine.resources
from engine.data import image_files, read_image
from engine.data.image_files import decode_image, file_problem, open_pil, read_header, sniff_format
from engine.errors import DataError
from hostile_files import IMPOSTORS, bmp_bomb, fifo, finishes, jpeg_bomb, png_bomb


def test_named_pipe_device_socket_folder_and_broken_link_are_refused_without_opening(tmp_path):
    pipe = fifo(tmp_path / "pipe.png")
    (tmp_path / "folder.png").mkdir()
    os.symlink(tmp_path / "gone.png", tmp_path / "broken.png")
    assert file_problem(pipe) == "not a regular file (a named pipe)"
    assert file_problem(tmp_path / "folder.png") == "not a regular file (a folder)"
    assert file_problem("/dev/null") == "not a regular file (a character device)"
    assert file_problem(tmp_path / "broken.png") == "does not exist (a broken link)"
    assert file_problem(tmp_path / "missing.png") == "does not exist"
    with pytest.raises(DataError, match="named pipe") as caught:
        finishes(lambda: read_image(pipe, None, 1), 20, (pipe,))
    assert str(pipe) in caught.value.message
    with pytest.raises(DataError, match="character device"):
        decode_image("/dev/zero")  # would otherwise read zeros forever


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.png"
    if len(str(path)) > 100:
        pytest.skip("path too long for a Unix socket")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert file_problem(path) == "not a regular file (a socket)"
        with pytest.raises(DataError, match="socket"):
            read_image(path, None, 1)


@pytest.mark.parametrize("suffix,params", [(".png", []), (".jpg", []), (".bmp", []), (".tif", []), (".webp", []),
                                           (".gif", None), (".pgm", []), (".ppm", [])])
def test_every_allowed_format_reads(tmp_path, suffix, params):
    image = np.zeros((12, 20, 3), np.uint8)
    image[2:8, 4:14] = (250, 250, 250)
    path = tmp_path / f"x{suffix}"
    if params is None:
        Image.fromarray(image).save(path)  # OpenCV writes no GIF
    else:
        grey = suffix == ".pgm"
        assert cv2.imwrite(str(path), image[:, :, 0] if grey else image)
    loaded = read_image(path, None, 1)
    assert loaded.shape == (12, 20, 1) and loaded[5, 8, 0] > 0.9 and loaded[0, 0, 0] < 0.1


def test_format_comes_from_the_content_not_the_name(tmp_path):
    path = tmp_path / "really_a_jpeg.png"
    path.write_bytes(cv2.imencode(".jpg", np.full((16, 16), 200, np.uint8))[1].tobytes())
    assert sniff_format(path.read_bytes()[:16]) == "JPEG"
    assert read_image(path, None, 1).shape == (16, 16, 1)
    with open_pil(path) as (opened, header):
        assert header.format == "JPEG" and opened.size == (16, 16)


@pytest.mark.parametrize("kind", sorted(IMPOSTORS))
def test_postscript_pdf_and_svg_named_png_are_refused_by_content(tmp_path, kind, no_child_processes):
    path = tmp_path / "horse1.png"
    path.write_bytes(IMPOSTORS[kind])
    for read in (lambda: read_image(path, None, 1), lambda: _through_pillow(path)):
        with pytest.raises(DataError) as caught:
            finishes(read, 20)
        assert f"it looks like {kind}" in caught.value.message and "not a valid PNG, JPEG" in caught.value.message
        assert str(path) in caught.value.message and caught.value.hint


def test_other_lookalikes_are_named(tmp_path):
    named = {b"<!DOCTYPE html><html></html>": "HTML", b"PK\x03\x04rest": "ZIP", b"hello, world\n": "text",
             b"\x00\x01\x02\x03\xfe\xfd": "unknown binary data", b"\x1f\x8b\x08\x00": "gzip"}
    for i, (content, name) in enumerate(named.items()):
        path = tmp_path / f"f{i}.jpg"
        path.write_bytes(content)
        with pytest.raises(DataError, match=name):
            read_image(path, None, 1)


@pytest.mark.parametrize("make,declared", [(png_bomb, "60,000x60,000"), (jpeg_bomb, "65,000x65,000"),
                                           (bmp_bomb, "50,000x50,000")])
def test_decompression_bombs_are_refused_fast_from_the_header(tmp_path, make, declared):
    path = make(tmp_path / "bomb.png")
    assert path.stat().st_size < 64_000
    started = time.perf_counter()
    for read in (lambda: read_image(path, (28, 28), 1), lambda: _through_pillow(path)):
        with pytest.raises(DataError) as caught:
            read()
        message = caught.value.message
        assert declared in message and "decompression bomb" in message and "80 megapixels" in message
    assert time.perf_counter() - started < 5


def test_an_image_under_the_pixel_limit_but_too_big_for_memory_is_refused(tmp_path, monkeypatch):
    path = png_bomb(tmp_path / "big.png", 4000, 3000)  # 12 megapixels declared, a few KB on disk
    monkeypatch.setattr(engine.resources, "available_bytes", lambda: 10 << 20)
    with pytest.raises(DataError, match="decoding it .4000x3000 pixels. would need about 148.8 MB"):
        read_image(path, None, 1)


def test_pillow_limit_is_respected_when_lower(tmp_path, monkeypatch):
    path = tmp_path / "small.png"
    cv2.imwrite(str(path), np.zeros((30, 30), np.uint8))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)
    with pytest.raises(DataError, match="over the limit"):
        read_image(path, None, 1)


def test_damaged_headers_empty_and_truncated_files(tmp_path):
    good = cv2.imencode(".png", np.zeros((20, 20), np.uint8))[1].tobytes()
    cases = {"empty.png": b"", "magic_only.png": good[:8], "cut.png": good[:40], "zero.png": b"\x00" * 100,
             "bm.bmp": b"BMnot really a bitmap"}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(DataError, match="Cannot read image"):
            read_image(tmp_path / name, None, 1)


def test_tiff_layouts_pillow_cannot_parse_still_get_their_size_checked(tmp_path):
    path = tmp_path / "float3.tif"
    assert cv2.imwrite(str(path), np.full((6, 9, 3), 0.5, np.float32))
    header = read_header(path.read_bytes(), path)
    assert (header.width, header.height) == (9, 6)
    assert read_image(path, None, 3)[0, 0, 0] == pytest.approx(0.5)


def test_limit_constant_is_below_pillows_own_warning():
    assert image_files.MAX_PIXELS < Image.MAX_IMAGE_PIXELS


def _through_pillow(path):
    with open_pil(path) as (_, header):
        return header
