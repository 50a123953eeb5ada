"""The one place that opens a user's image and mask files, and the checks every data file gets first.

What a file must pass before any decoder sees it:
- it is a regular file (os.stat, never open(): opening a named pipe blocks until someone writes to it, and a
  device or socket is no image either);
- its first bytes are those of an allowed format (PNG, JPEG, BMP, TIFF, WebP, GIF, PBM/PGM/PPM): the content
  decides, not the name, so a PostScript program saved as `horse.png` is refused ("it looks like PostScript")
  instead of being handed to Pillow, which would run Ghostscript on it;
- its header's width x height is at most MAX_PIXELS (a 400 KB PNG may declare 60,000 x 60,000: a
  decompression bomb), and the decoded pixels fit in memory (engine.resources.check_fits).
Then OpenCV decodes it (decode_image), or Pillow restricted to that one format's plugin (open_pil, for masks).
Every refusal is a DataError naming the file and what is wrong, so readers skip and list the file.
"""
from __future__ import annotations

import io
import os
import re
import stat
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from engine.errors import DataError
from engine.files import file_problem
from engine.resources import ResourceError, check_fits, human_bytes

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}  # what the folder readers list as images
MAX_PIXELS = 80_000_000  # 80 megapixels (e.g. 10,000 x 8,000); below Pillow's own bomb warning (89.5 MP)
ALLOWED = "PNG, JPEG, BMP, TIFF, WebP, GIF or PBM/PGM/PPM"
HEAD_BYTES = 512  # enough to recognise every allowed format and the usual impostors
_RESAVE = "Open it in an image viewer; re-save it as PNG if it does not open."
_ALWAYS_FITS = 32 << 20  # bytes too few to ask the OS about (engine.resources keeps 1 GB in reserve)
_WORKING_COPIES = 3  # float32 copies a reader makes of a decoded image (unit float, channels, resize)

# what a refused file looks like instead, for the message: (first bytes, name)
_LOOKALIKES = [(b"%!", "PostScript"), (b"\xc5\xd0\xd3\xc6", "EPS (PostScript)"), (b"%PDF", "PDF"),
               (b"PK\x03\x04", "a ZIP archive"), (b"\x1f\x8b", "gzip-compressed data"), (b"8BPS", "Photoshop PSD"),
               (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"), (b"\xff\x4f\xff\x51", "JPEG 2000"), (b"v/1\x01", "OpenEXR"),
               (b"#?RADIANCE", "Radiance HDR"), (b"\x00\x00\x01\x00", "a Windows icon"), (b"MATLAB", "a MATLAB file"),
               (b"\x89HDF", "HDF5 data")]


class FileRefused(DataError):
    """A file not read, with `reason` alone ("not a regular file (a named pipe)") for callers' own wording."""

    def __init__(self, path: str | Path, reason: str, hint: str, what: str = "image"):
        super().__init__(f"Cannot read {what} {path}: {reason}.", hint)
        self.reason = reason


@dataclass(frozen=True)
class ImageHeader:
    format: str  # Pillow's name for it: PNG, JPEG, BMP, TIFF, WEBP, GIF, PPM
    width: int
    height: int
    mode: str  # Pillow's mode: L, RGB, RGBA, P, I;16, ...


def check_regular_file(path: str | Path, what: str, hint: str) -> None:
    """DataError ("Cannot read <what> <path>: not a regular file (a named pipe).") unless path is a regular file."""
    problem = file_problem(path)
    if problem is not None:
        raise FileRefused(path, problem, hint, what)


def read_file_bytes(path: str | Path, what: str = "image") -> bytes:
    """The whole of a regular file, checked first: not a pipe or device, not empty, fits in memory."""
    check_regular_file(path, what, "Give a regular file; named pipes, devices and sockets are never read.")
    size = os.stat(path).st_size
    if size == 0:
        raise FileRefused(path, "the file is empty", "Remove the file or replace it.", what)
    _fits(size, path, f"reading it ({human_bytes(size)})", what)
    # O_NONBLOCK: should the file have been swapped for a named pipe since the stat, opening it does not block
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise FileRefused(path, f"it does not open ({error.strerror or error})",
                          "Check that the file exists and can be read.", what) from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise FileRefused(path, "not a regular file", "Give a regular file.", what)
        return file.read()


def sniff_format(head: bytes) -> str | None:
    """Pillow's format name for an allowed image format recognised by its first bytes, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"BM"):
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if re.match(rb"P[1-6]\s", head):
        return "PPM"  # Pillow's PPM plugin reads PBM, PGM and PPM
    return None


def looks_like(head: bytes) -> str:
    """A short name for what a non-image file seems to be, for messages: "PostScript", "SVG", "text"..."""
    for prefix, name in _LOOKALIKES:
        if head.startswith(prefix):
            return name
    if head[4:8] == b"ftyp":
        return "HEIC/AVIF or MP4 (ISO media)"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return "SVG"
    if text.startswith((b"<!doctype html", b"<html")):
        return "HTML (a web page: a failed download?)"
    if text.startswith(b"<"):
        return "XML"
    printable = sum(32 <= byte < 127 or byte in b"\t\r\n" for byte in head)
    return "text" if head and printable >= 0.95 * len(head) else "unknown binary data"


def read_header(data: bytes, path: str | Path) -> ImageHeader:
    """Format, size and mode from the first bytes and the header, without decoding any pixel.

    DataError for a file of another format (by content) or a header the format's reader rejects."""
    fmt = sniff_format(data[:HEAD_BYTES])
    if fmt is None:
        raise FileRefused(path, f"not a valid {ALLOWED} image (it looks like {looks_like(data[:HEAD_BYTES])})",
                          "Only image files are read, whatever their name; convert it to PNG, or remove it.")
    from PIL import Image

    Image.init()
    # the format's own Pillow reader, called directly: Image.open would guess among every plugin it has
    # (EPS among them, which runs Ghostscript) and would refuse a bomb before its size could be reported
    factory = Image.OPEN[fmt][0]
    try:
        with factory(io.BytesIO(data), str(path)) as opened:
            width, height, mode = int(opened.size[0]), int(opened.size[1]), str(opened.mode)
    except Exception as error:  # noqa: BLE001 - Pillow raises SyntaxError, OSError, struct.error... for bad headers
        # Pillow knows fewer TIFF layouts than OpenCV, and stops at a file cut after its header (a bomb may be
        # nothing else): the size the header declares is still checked; OpenCV then decodes, or says it cannot
        size = _declared_size(fmt, data)
        if size is not None:
            return ImageHeader(fmt, size[0], size[1], "unknown")
        raise FileRefused(path, f"not a valid {fmt} image, its header is damaged ({error})", _RESAVE) from None
    return ImageHeader(fmt, width, height, mode)


def check_size(header: ImageHeader, path: str | Path) -> None:
    """DataError for an image over the pixel limit (a likely decompression bomb) or too large to decode here."""
    from PIL import Image

    limit = min(MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS)
    pixels = header.width * header.height
    if header.width < 1 or header.height < 1:
        raise FileRefused(path, f"its header declares {header.width}x{header.height} pixels", _RESAVE)
    if pixels > limit:
        raise FileRefused(path, f"it declares {header.width:,}x{header.height:,} pixels ({pixels / 1e6:,.0f} "
                          f"megapixels), over the limit of {limit / 1e6:,.0f} megapixels (a decompression bomb, or "
                          "far larger than any image this app can use)", "Downscale it (e.g. to 4000 px a side) or "
                          "remove it.")
    bands, sample_bytes = _bands_and_bytes(header.mode)
    need = pixels * bands * (sample_bytes + 4 * _WORKING_COPIES)
    _fits(need, path, f"decoding it ({header.width}x{header.height} pixels)")


def decode_image(path: str | Path, flags: int = cv2.IMREAD_UNCHANGED) -> np.ndarray:
    """An image file decoded by OpenCV (BGR / BGRA / grey, uint8, uint16 or float), after every check above."""
    data = read_file_bytes(path)
    check_size(read_header(data, path), path)
    try:
        pixels = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    except cv2.error:
        pixels = None
    if pixels is None or pixels.size == 0:
        raise FileRefused(path, "not a valid or supported image (corrupt or truncated?)", _RESAVE)
    return pixels


@contextmanager
def open_pil(path: str | Path) -> Iterator[tuple[PilImage, ImageHeader]]:
    """(Pillow image, header) after every check above; Pillow may use only the plugin of the format found."""
    from PIL import Image

    data = read_file_bytes(path)
    header = read_header(data, path)
    check_size(header, path)
    try:
        opened = Image.open(io.BytesIO(data), formats=[header.format])
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise FileRefused(path, str(error), _RESAVE) from None
    with opened:
        yield opened, header


def _declared_size(fmt: str, data: bytes) -> tuple[int, int] | None:
    """(width, height) where a format keeps them at a fixed place (PNG, GIF, BMP) or in its first directory
    (TIFF), or None."""
    try:
        if fmt == "PNG" and data[12:16] == b"IHDR":
            return struct.unpack_from(">II", data, 16)
        if fmt == "GIF":
            return struct.unpack_from("<HH", data, 6)
        if fmt == "BMP" and struct.unpack_from("<I", data, 14)[0] >= 40:  # a BITMAPINFOHEADER or later
            width, height = struct.unpack_from("<ii", data, 18)
            return abs(width), abs(height)  # a negative height is a top-down bitmap
    except struct.error:
        return None
    return _tiff_size(data) if fmt == "TIFF" else None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a classic TIFF's first directory (tags 256 and 257), or None when it has none."""
    order = "<" if data[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack_from(order + "I", data, 4)
        (count,) = struct.unpack_from(order + "H", data, offset)
        found = {}
        for entry in range(offset + 2, offset + 2 + 12 * count, 12):
            tag, kind = struct.unpack_from(order + "HH", data, entry)
            if tag in (256, 257) and kind in (3, 4):  # SHORT or LONG, held in the entry itself
                found[tag] = struct.unpack_from(order + ("H" if kind == 3 else "I"), data, entry + 8)[0]
    except struct.error:
        return None
    return (found[256], found[257]) if len(found) == 2 else None


def _bands_and_bytes(mode: str) -> tuple[int, int]:
    """Channels and bytes per channel of a Pillow mode (an estimate: 4 and 4 for a mode it does not know)."""
    from PIL import ImageMode

    try:
        bands = len(ImageMode.getmode(mode).bands)
    except KeyError:
        return 4, 4
    return bands, 2 if "16" in mode else 4 if mode in ("I", "F") else 1


def _fits(need: int, path: str | Path, doing: str, what: str = "image") -> None:
    if need < _ALWAYS_FITS:  # asking the OS costs more than decoding a small image; the reserve covers these
        return
    try:
        check_fits(need, doing, "Free memory, or downscale or remove the file.")
    except ResourceError as error:  # a DataError, so that readers skip and list the file like any other
        raise FileRefused(path, error.message.rstrip("."), error.hint, what) from None
