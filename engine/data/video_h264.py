"""H.264 MP4 files, the kind every browser, slide tool and chat program plays.

OpenCV's wheels carry no H.264 encoder (their MP4 is MPEG-4 Part 2, `mp4v`, which browsers refuse), so MP4s
are written by the ffmpeg binary that the imageio-ffmpeg wheel ships (built with libx264): frames go to it
as raw RGB on a pipe and come out as H.264 in yuv420p (the one chroma layout every player decodes), at even
sizes (yuv420p halves the chroma planes), with the index at the front of the file (`+faststart`) so a web
page starts playing before the whole file has arrived. Where no such encoder can be found, engine.data.video
falls back to OpenCV's mp4v and MP4V_NOTE says so to the user.

`video_codec` asks the same ffmpeg what a file holds (`ffmpeg -i FILE`: its stream line names the codec), so a
written file can be checked by its own metadata rather than by its name.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.errors import DataError

# x264's constant-quality mode: 18 looks the same as the frames to the eye at these small sizes (network
# inputs, maps, 64-256 px panels), where a fixed bitrate would either waste bytes or smear thin edges.
CRF = 18
PRESET = "medium"

MP4V_NOTE = ("No H.264 encoder was found (the imageio-ffmpeg package ships one: pip install imageio-ffmpeg), "
             "so this MP4 was written as MPEG-4 Part 2 (mp4v), which browsers and many slide tools do not play. "
             "Install imageio-ffmpeg and export again, or save a GIF.")


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str | None:
    """The ffmpeg binary inside the imageio-ffmpeg wheel (or the one its IMAGEIO_FFMPEG_EXE names); None
    without the package."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:  # the package without a binary for this platform
        return None


@lru_cache(maxsize=1)
def h264_ffmpeg() -> str | None:
    """That ffmpeg when it can encode H.264 with libx264 (asked once per process), else None."""
    exe = ffmpeg_exe()
    if exe is None:
        return None
    try:
        listing = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True,
                                 timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return exe if re.search(r"^\s*V\S*\s+libx264\s", listing, re.MULTILINE) else None


def mp4_note(path: str | Path) -> str | None:
    """What the user must know about a video written to `path`: MP4V_NOTE when it is an MP4 and no H.264
    encoder is here, else None."""
    return MP4V_NOTE if Path(path).suffix.lower() == ".mp4" and h264_ffmpeg() is None else None


def write_h264(path: Path, frames: Iterable[np.ndarray], fps: float,
               conform: Callable[[np.ndarray, tuple[int, int] | None], np.ndarray]) -> int:
    """Encode uint8 RGB frames into the MP4 at `path`; `conform(frame, (w, h) or None)` makes each frame RGB of
    even size (the first one's, for the rest). Returns the number of frames written."""
    import imageio_ffmpeg

    writer, size, count = None, None, 0
    try:
        for frame in frames:
            rgb = np.ascontiguousarray(conform(frame, size))
            if writer is None:
                size = (rgb.shape[1], rgb.shape[0])
                writer = imageio_ffmpeg.write_frames(
                    str(path), size, pix_fmt_in="rgb24", pix_fmt_out="yuv420p", fps=float(fps), codec="libx264",
                    quality=None, macro_block_size=2, ffmpeg_log_level="error",
                    output_params=["-crf", str(CRF), "-preset", PRESET, "-movflags", "+faststart"])
                writer.send(None)  # starts ffmpeg
            writer.send(rgb)
            count += 1
    except OSError as error:  # ffmpeg died (a full disk, a killed process): its own words
        raise DataError(f"ffmpeg could not write {path.name}: {error}",
                        "Check that the folder is writable and has space; or save as .gif.") from None
    finally:
        if writer is not None:
            writer.close()  # ends the stream; on an error the half file is removed by the atomic writer
    return count


def video_stream(path: str | Path) -> str | None:
    """The first video stream of `path` as the file's own metadata describes it, as ffmpeg reads it (e.g.
    'h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 64x48, 10 fps, ...'); None when there is no ffmpeg
    or no video stream."""
    exe = ffmpeg_exe()
    if exe is None:
        return None
    try:  # with no output file ffmpeg describes the input on stderr and exits 1: that is the answer
        described = subprocess.run([exe, "-hide_banner", "-i", str(path)], capture_output=True, text=True,
                                   timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"Stream #\S+.*?: Video: (.*)", described)
    return match.group(1).strip() if match else None


def video_codec(path: str | Path) -> str | None:
    """The codec of `path`'s first video stream by its own metadata ('h264', 'mpeg4', 'gif', ...)."""
    stream = video_stream(path)
    return stream.split()[0].rstrip(",") if stream else None


def note_for(path: str | Path) -> dict:
    """{"note": MP4V_NOTE} for a result dict when `path` is an MP4 written without H.264, else {}."""
    note = mp4_note(path)
    return {"note": note} if note else {}
