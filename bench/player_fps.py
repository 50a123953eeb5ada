"""Video display speed of the frames player: decode a clip at 640 x 360 on a worker thread, show every frame
in FramesPlayer's ImageItem path (uint8, no level scaling) and paint it, offscreen.

The worker decodes ahead into a small queue (as the window's video worker would); the GUI thread takes each
frame, sets it on the panel(s) and repaints the view synchronously, so every frame is really drawn. `fps` is
frames shown per second of wall time from the first frame to the last, decoding included (it runs alongside);
`display_ms` is the GUI thread's time per frame (set + paint); `decode_fps` the worker's own rate.
Prints one JSON line.

Usage: python bench/player_fps.py [--video ../shared/data/video_clips/cockatoo.mp4] [--size 640x360]
       [--frames 300] [--panels 1] [--window 1400x800]
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.data.video import open_video, parse_size  # noqa: E402
from gui.views.frames_player import PANELS, FramesPlayer  # noqa: E402

DEFAULT_VIDEO = ROOT.parent / "shared" / "data" / "video_clips" / "cockatoo.mp4"
END = None


def decode(video: str, size: tuple[int, int], limit: int, out: queue.Queue, stats: dict) -> None:
    """Worker thread: decode up to `limit` frames (rewinding at the end of the clip) into `out`."""
    start, count = time.perf_counter(), 0
    busy = 0.0
    with open_video(video, size=size) as source:
        while count < limit:
            t0 = time.perf_counter()
            frame = source.read()
            if frame is None:
                source.seek(0)
                continue
            busy += time.perf_counter() - t0
            out.put(frame)
            count += 1
    out.put(END)
    stats.update(decoded=count, decode_fps=round(count / busy, 1) if busy else 0.0,
                 decode_wall_s=round(time.perf_counter() - start, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument("--size", default="640x360", help="decoded frame size WxH")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--panels", type=int, choices=(1, 3), default=1, help="show each frame in 1 or all 3 panels")
    parser.add_argument("--window", default="1400x800", help="player window size WxH")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    player = FramesPlayer()
    win_h, win_w = parse_size(args.window)
    player.resize(win_w, win_h)
    player.show()
    app.processEvents()

    frames: queue.Queue = queue.Queue(maxsize=16)
    stats: dict = {}
    worker = threading.Thread(target=decode, args=(args.video, parse_size(args.size), args.frames, frames, stats),
                              daemon=True)
    worker.start()
    viewport = player.frames_view.viewport()
    shown, display_s, first = 0, 0.0, None
    while (frame := frames.get()) is not END:
        t0 = time.perf_counter()
        first = first or t0
        for panel in PANELS[:args.panels]:
            player.show_frame(frame, panel)
        viewport.repaint()  # synchronous paint: the frame is really drawn, not just queued
        app.processEvents()
        display_s += time.perf_counter() - t0
        shown += 1
    seconds = time.perf_counter() - first if first else 0.0
    worker.join()
    h, w = player.images["context"].image.shape[:2] if shown else (0, 0)
    player.close()
    player.deleteLater()
    print(json.dumps({"fps": round(shown / seconds, 1) if seconds else 0.0, "frames": shown,
                      "frame_size": f"{w}x{h}", "panels": args.panels, "window": args.window,
                      "display_ms": round(1000 * display_s / max(shown, 1), 2), **stats,
                      "video": Path(args.video).name, "platform": app.platformName()}))


if __name__ == "__main__":
    main()
