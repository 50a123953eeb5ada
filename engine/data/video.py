"""Video in and out: files (mp4, avi, mov, mkv, gif ... through OpenCV), folders of numbered frames, cameras.

Specs (options after `?`):
    video:clip.mp4?size=320x240&stride=2&grey=1     frames:shots/     camera:0
A bare path works too (a file is a video, a folder a frame folder). `size=WxH` resizes every frame (area
interpolation when shrinking); `stride=N` keeps every N-th frame; `grey=1` gives (H, W, 1) frames.

Frames are uint8 RGB (H, W, 3), or (H, W, 1) grey. Everything that cannot be read raises a DataError that
says why: a missing file, a file that is not a video, a codec OpenCV cannot decode, a video without frames,
a camera that does not open, frames of different sizes in a folder (without `size`). Decoding is plain
blocking code: the window calls it from a worker thread.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np

from engine.data import video_h264
from engine.data.base import DataSpec, check_options
from engine.data.image_files import decode_image, file_problem
from engine.data.loading import check_cancel
from engine.errors import DataError

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".gif", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".ogv"}
FRAME_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}
DEFAULT_FPS = 25.0
OPTIONS = {"size": "frame size WxH, e.g. 320x240", "stride": "keep every N-th frame", "grey": "1 for grey frames"}


def parse_video_spec(spec: str | DataSpec) -> DataSpec:
    """A DataSpec of kind video / frames / camera; a bare path is guessed from what it is."""
    if isinstance(spec, DataSpec):
        return spec
    text = str(spec).strip()
    head = text.partition("?")[0]
    kind = head.partition(":")[0].lower()
    if kind in ("video", "frames", "camera") and ":" in head:
        return DataSpec.parse(text)
    path = Path(head).expanduser()
    query = text[len(head):]
    return DataSpec.parse(("frames:" if path.is_dir() else "video:") + str(path) + query)


MAX_FRAME_SIDE = 4096  # 4K frames; a larger size is a typo, and each such frame is 50 MB as RGB


def parse_size(text: str) -> tuple[int, int]:
    """`"320x240"` -> (height 240, width 320)."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(text))
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise DataError(f"Bad frame size {text!r}.", "Write it as WIDTHxHEIGHT, for example 320x240.")
    if int(match[1]) > MAX_FRAME_SIDE or int(match[2]) > MAX_FRAME_SIDE:
        raise DataError(f"Frame size {text!r} is larger than {MAX_FRAME_SIDE} pixels a side.",
                        "Give a smaller size, for example 320x240 or 640x360.")
    return int(match[2]), int(match[1])


class VideoSource:
    """Frames one at a time from a video file, a frame folder or a camera. Iterable; a context manager."""

    def __init__(self, spec: DataSpec, size: tuple[int, int] | None = None, grey: bool = False):
        check_options(spec, OPTIONS)
        self.spec = spec
        self.size = size or (parse_size(spec.options["size"]) if "size" in spec.options else None)
        self.grey = grey or spec.options.get("grey", "0") in ("1", "true", "yes")
        try:
            self.stride = int(spec.options.get("stride", 1))
        except ValueError:
            self.stride = 0
        if self.stride < 1:
            raise DataError(f"Bad stride {spec.options.get('stride')!r}.", "Give a whole number of 1 or more.")
        self.skipped: list[tuple[str, str]] = []
        self._capture = None
        self._files: list[Path] = []
        self._index = 0
        if spec.kind == "camera":
            self._open_camera()
        elif spec.kind == "frames":
            self._open_folder()
        elif spec.kind == "video":
            self._open_file()
        else:
            raise DataError(f"{spec} is not a video spec.", "Use video:FILE, frames:DIR or camera:N.")
        self.name = Path(spec.path).name if spec.kind != "camera" else f"camera {spec.path or 0}"
        self._pending = None
        first = self.read()
        if first is None:
            raise DataError(f"{self.name} has no frames that can be read.", self._why_no_frames())
        self.frame_size = first.shape[:2]
        if spec.kind == "camera":
            self._pending, self._index = first, 0  # a camera cannot rewind: hand this frame out first
        else:
            self.seek(0)

    # ---- opening ----
    def _open_file(self) -> None:
        path = Path(self.spec.path)
        problem = file_problem(path)  # stat only: OpenCV opening a named pipe would wait for a writer forever
        if problem is not None:
            raise DataError(f"Cannot read the video {path}: {problem}.",
                            "Check the path; a folder of numbered images opens as frames:DIR.")
        if path.stat().st_size == 0:
            raise DataError(f"{path.name} is empty (0 bytes).", "Copy the video again; the file was cut off.")
        if path.suffix.lower() not in VIDEO_SUFFIXES and not _looks_like_video(path):
            raise DataError(f"{path.name} is not a video ({path.suffix or 'no suffix'}, and no video container "
                            "signature in the file).", "Open an mp4, avi, mov, mkv or gif file.")
        capture = cv2.VideoCapture(str(path))
        if not capture.isOpened():
            what = "is not a video OpenCV can open" if path.suffix.lower() in VIDEO_SUFFIXES else \
                f"is not a video ({path.suffix or 'no suffix'})"
            raise DataError(f"{path.name} {what}.",
                            "Open an mp4, avi, mov, mkv or gif file; if it plays elsewhere, re-encode it, e.g. "
                            "ffmpeg -i IN -c:v libx264 OUT.mp4 (or mpeg4).")
        self._capture = capture
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.frame_count = max(count, 0) // self.stride + (1 if count % self.stride else 0) if count > 0 else None
        self.fps = _fps(capture.get(cv2.CAP_PROP_FPS)) / self.stride

    def _open_folder(self) -> None:
        folder = Path(self.spec.path)
        if not folder.is_dir():
            raise DataError(f"{folder} is not a folder.", "frames:DIR needs a folder of numbered images.")
        entries = [(p, file_problem(p)) for p in folder.iterdir() if not p.name.startswith(".") and not p.is_dir()]
        files = sorted((p for p, problem in entries if problem is None and p.suffix.lower() in FRAME_SUFFIXES),
                       key=_natural_key)
        self.skipped += [(str(p), problem or "not an image file") for p, problem in entries
                         if problem is not None or p.suffix.lower() not in FRAME_SUFFIXES]
        if not files:
            raise DataError(f"{folder} holds no image frames.",
                            f"Put numbered frames ({', '.join(sorted(FRAME_SUFFIXES))}) in it, e.g. 0001.png.")
        self._files = files[::self.stride]
        self.frame_count = len(self._files)
        self.fps = DEFAULT_FPS / self.stride

    def _open_camera(self) -> None:
        try:
            index = int(self.spec.path or 0)
        except ValueError:
            raise DataError(f"Bad camera number {self.spec.path!r}.", "Use camera:0 for the first camera.") from None
        capture = cv2.VideoCapture(index)
        if not capture.isOpened():
            capture.release()
            raise DataError(f"Camera {index} could not be opened.",
                            "Check that a camera is connected and not used by another program, or try camera:1.")
        self._capture = capture
        self.frame_count = None
        self.fps = _fps(capture.get(cv2.CAP_PROP_FPS))

    def _why_no_frames(self) -> str:
        if self.spec.kind == "video":
            return ("OpenCV opened the file but decoded no frame: its codec is not supported by this OpenCV build, "
                    "or the file is damaged. Re-encode it, e.g. ffmpeg -i IN -c:v mpeg4 OUT.mp4.")
        if self.spec.kind == "frames":
            return "None of the images could be decoded (see the skipped files)."
        return "The camera gave no picture: check that it is not in use elsewhere."

    # ---- reading ----
    def read(self) -> np.ndarray | None:
        """The next frame, or None at the end."""
        if self._pending is not None:
            frame, self._pending = self._pending, None
            self._index += 1
            return frame
        frame = self._read_folder() if self._files else self._read_capture()
        if frame is None:
            return None
        self._index += 1
        return self._conform(frame)

    def _read_capture(self) -> np.ndarray | None:
        if self._capture is None:
            return None
        for _ in range(self.stride - 1):
            if not self._capture.grab():
                return None
        ok, frame = self._capture.read()
        return frame if ok and frame is not None and frame.size else None

    def _read_folder(self) -> np.ndarray | None:
        while self._index < len(self._files):
            path = self._files[self._index]
            try:  # checked like every user image: a regular file, an image format by content, a sane size
                frame, why = decode_image(path, cv2.IMREAD_COLOR), ""
            except DataError as error:
                frame, why = None, error.message
            if frame is not None:
                if self.size is None and hasattr(self, "frame_size") and frame.shape[:2] != tuple(self.frame_size):
                    h, w = frame.shape[:2]
                    raise DataError(f"Frames change size in {self.spec.path}: {path.name} is {w}x{h}, the first "
                                    f"frame is {self.frame_size[1]}x{self.frame_size[0]}.",
                                    "Give a common size, e.g. frames:DIR?size=320x240, or remove the odd frames.")
                return frame
            if str(path) not in {listed for listed, _ in self.skipped}:
                self.skipped.append((str(path), why))
            self._files.pop(self._index)
            self.frame_count = len(self._files)
        return None

    def _conform(self, bgr: np.ndarray) -> np.ndarray:
        if bgr.ndim == 2:
            bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
        if self.size is not None and bgr.shape[:2] != tuple(self.size):
            h, w = self.size
            shrink = h * w < bgr.shape[0] * bgr.shape[1]
            bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        if self.grey:
            return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)[:, :, None]
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def seek(self, index: int) -> None:
        """Go to frame `index` (after the stride) of a file or folder."""
        if self.spec.kind == "camera":
            if index:
                raise DataError("A camera cannot seek.", "Only video files and frame folders can jump to a frame.")
            return
        self._index = max(int(index), 0)
        if self._capture is not None:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, self._index * self.stride)

    @property
    def position(self) -> int:
        return self._index

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __iter__(self):
        while (frame := self.read()) is not None:
            yield frame

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_video(spec: str | DataSpec, *, size: tuple[int, int] | None = None, grey: bool = False) -> VideoSource:
    """A VideoSource for a spec or bare path; `size` (height, width) overrides the spec's ?size=."""
    return VideoSource(parse_video_spec(spec), size, grey)


def read_frames(spec: str | DataSpec, *, size=None, grey: bool = False, limit: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancel: threading.Event | None = None) -> np.ndarray:
    """All frames (or the first `limit`) as uint8 (T, H, W, C)."""
    with open_video(spec, size=size, grey=grey) as source:
        total = min(x for x in (source.frame_count, limit) if x is not None) if (source.frame_count or limit) else 0
        frames = []
        for frame in source:
            frames.append(frame)
            check_cancel(cancel)
            if progress is not None and len(frames) % 10 == 0:
                progress(len(frames), max(total, len(frames)))
            if limit is not None and len(frames) >= limit:
                break
        name = source.name
    if not frames:  # e.g. a one-frame MP4 whose only frame the decoder drops
        raise DataError(f"{name}: 0 frames could be decoded.",
                        "The file may hold a single frame or a broken stream; re-encode it, e.g. "
                        "ffmpeg -i IN -c:v mpeg4 OUT.mp4, or use a longer clip.")
    if progress is not None:
        progress(len(frames), len(frames))
    return np.stack(frames)


WRITE_SUFFIXES = (".mp4", ".avi", ".gif")


def write_video(path: str | Path, frames: Iterable[np.ndarray], fps: float = DEFAULT_FPS, *,
                overwrite: bool = True) -> int:
    """Write uint8 RGB (H, W, 3) or grey (H, W) / (H, W, 1) frames to .mp4 (H.264, engine.data.video_h264; mp4v
    only where no H.264 encoder is found: video_h264.mp4_note says so), .avi (MJPG) or .gif.
    Returns the number of frames written. The file appears whole or not at all (engine.atomic_files: a fresh
    temporary file beside it, then renamed); without `overwrite` an existing file at `path` is kept.
    MP4 / AVI frames of odd width or height get one repeated column / row (the encoders would drop one)."""
    from engine.atomic_files import written_atomically

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITE_SUFFIXES:
        raise DataError(f"Cannot write {path.name}: unknown video type {suffix or '(none)'}.",
                        "Save as .mp4, .avi or .gif.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with written_atomically(path, overwrite) as partial:
        if suffix == ".gif":
            count = _write_gif(partial, frames, fps)
        elif suffix == ".mp4" and video_h264.h264_ffmpeg() is not None:
            count = video_h264.write_h264(partial, frames, fps, _even_rgb)
        else:
            count = _write_cv2(partial, frames, fps)
        if count == 0:
            raise DataError(f"No frames to write to {path.name}.", "The source gave no frames.")
    return count


def _as_rgb(frame: np.ndarray) -> np.ndarray:
    frame = np.asarray(frame)
    if frame.dtype != np.uint8:
        frame = np.round(np.clip(frame, 0, 1) * 255).astype(np.uint8)
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    return np.repeat(frame[:, :, None], 3, 2) if frame.ndim == 2 else frame


def _even_rgb(frame: np.ndarray, size: tuple[int, int] | None) -> np.ndarray:
    """An RGB frame of even width and height (the encoders drop an odd last row / column, so one is repeated),
    resized to `size` (w, h) when given and different (a video has one frame size)."""
    rgb = _as_rgb(frame)
    if rgb.shape[0] % 2 or rgb.shape[1] % 2:
        rgb = np.pad(rgb, ((0, rgb.shape[0] % 2), (0, rgb.shape[1] % 2), (0, 0)), mode="edge")
    if size is not None and (rgb.shape[1], rgb.shape[0]) != size:
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return rgb


def _write_cv2(path: Path, frames: Iterable[np.ndarray], fps: float) -> int:
    writer, size, count = None, None, 0
    try:
        for frame in frames:
            rgb = _even_rgb(frame, size)
            if writer is None:
                size = (rgb.shape[1], rgb.shape[0])
                fourcc = cv2.VideoWriter_fourcc(*("mp4v" if path.suffix.lower() == ".mp4" else "MJPG"))
                writer = cv2.VideoWriter(str(path), fourcc, float(fps), size)
                if not writer.isOpened():
                    raise DataError(f"OpenCV could not open a video writer for {path.name}.",
                                    "Check that the folder is writable; try .avi instead of .mp4.")
            writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
            count += 1
    finally:
        if writer is not None:
            writer.release()
    return count


def _write_gif(path: Path, frames: Iterable[np.ndarray], fps: float) -> int:
    from PIL import Image  # Pillow: OpenCV has no GIF encoder

    images = [Image.fromarray(_as_rgb(frame)) for frame in frames]
    if images:
        images[0].save(path, format="GIF", save_all=True, append_images=images[1:], loop=0,
                       duration=max(int(round(1000 / max(fps, 1e-3))), 20))
    return len(images)


def _looks_like_video(path: Path) -> bool:
    """A container signature at the start of the file (FFmpeg would otherwise "play" a text file as ANSI art)."""
    with open(path, "rb") as file:
        head = file.read(16)
    return (head[4:8] == b"ftyp" or head[:4] in (b"RIFF", b"OggS", b"\x1aE\xdf\xa3", b"GIF8", b"0&\xb2u")
            or head[:3] == b"FLV" or head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"))


def _fps(value: float) -> float:
    return float(value) if value and np.isfinite(value) and 0 < value < 1000 else DEFAULT_FPS


def _natural_key(path: Path):
    """frame2 before frame10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]
