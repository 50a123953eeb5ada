"""Hostile files for the reader tests, all tiny on disk: named pipes, PostScript / PDF / SVG programs named like
images, and images whose headers declare gigapixels (decompression bombs) without holding them."""
from __future__ import annotations

import os
import struct
import subprocess
import threading
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import EpsImagePlugin

# a real PostScript program that never ends: Ghostscript, given it, spins at 100 % CPU forever
ENDLESS_POSTSCRIPT = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 32 24\n{ } loop\nshowpage\n"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="32" height="24"></svg>\n'
IMPOSTORS = {"PostScript": ENDLESS_POSTSCRIPT, "PDF": PDF, "SVG": SVG}


def fifo(path: Path) -> Path:
    """A named pipe at path (in place of a file there)."""
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


def png_bomb(path: Path, width: int = 60_000, height: int = 60_000) -> Path:
    """A PNG whose header declares width x height grey pixels, with a few rows of compressed zeros (a few KB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer = zlib.compressobj(9)
    rows = b"".join(packer.compress(b"\x00" * (width + 1)) for _ in range(8)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    return path


def jpeg_bomb(path: Path, width: int = 65_000, height: int = 65_000) -> Path:
    """A small real JPEG whose frame header (SOF0) is rewritten to declare width x height."""
    data = bytearray(cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    path.write_bytes(bytes(data))
    return path


def bmp_bomb(path: Path, width: int = 50_000, height: int = 50_000) -> Path:
    data = bytearray(cv2.imencode(".bmp", np.zeros((2, 2, 3), np.uint8))[1].tobytes())
    data[18:26] = struct.pack("<ii", width, height)
    path.write_bytes(bytes(data))
    return path


def grey_png(path: Path, size=(24, 32), value: int = 0, square: bool = True) -> Path:
    image = np.full(size, value, np.uint8)
    if square:
        image[4:16, 6:22] = 255 - value
    assert cv2.imwrite(str(path), image)
    return path


def finishes(call, seconds: float = 30.0, pipes: tuple[Path, ...] = ()):
    """call() run in a thread: its result, or AssertionError when it has not returned within `seconds` (a
    reader blocked on a named pipe). Then the pipes are opened for writing, so that the blocked reader gets an
    end of file and the test run itself does not hang."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        for pipe in pipes:
            try:
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        raise AssertionError(f"still reading after {seconds} s: blocked on a named pipe?")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def child_processes_named(name: str) -> list[int]:
    """Process ids of this process's children called `name` (from /proc; empty where there is none)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)
            command, parent = fields[0].split("(", 1)[1], int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if command == name and parent == os.getpid():
            found.append(int(entry.parent.name))
    return found


@pytest.fixture
def no_child_processes(monkeypatch):
    """Fails the test if anything starts a program (Pillow runs Ghostscript for PostScript)."""
    started = []

    def refuse(*args, **kwargs):
        started.append(args[0] if args else kwargs.get("args"))
        raise AssertionError(f"a program was started: {started[-1]!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", "gs")  # as if Ghostscript were installed
    yield started
    assert started == [] and child_processes_named("gs") == []
