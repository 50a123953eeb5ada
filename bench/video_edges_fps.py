"""The window's live video edges: frames processed per second and GUI event-loop lateness while it plays.

Opens the window as `python main.py` does, loads an edges model (--checkpoint, else an untrained model with
the edges task's defaults: speed does not depend on the weights), switches the Live tab to Video edges and
plays a real clip at 320 x 240 as fast as the model goes (looping), for --seconds. Prints one JSON line:
  fps                  frames processed per second, whole run (the worker's count / wall time, after warm-up)
  fps_counter          the window's own counter (last second), sampled every 0.5 s: median and last
  frames_shown         frames painted by the view (at most 30 a second; the rest are dropped, not queued)
  lateness_ms          p50 / p99 / max of (actual interval - 10 ms) of a 10 ms QTimer in the GUI thread
and context: torch threads, the clip, the size, the load average. --shot PATH also saves the window.

Usage: QT_QPA_PLATFORM=offscreen python bench/video_edges_fps.py [--checkpoint runs/edges/model.ckpt]
       [--video ../shared/data/video_clips/realshort.mp4] [--seconds 10] [--threads 0] [--shot out.png]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_VIDEO = ROOT.parent / "shared" / "data" / "video_clips" / "realshort.mp4"
PROBE_MS = 10
WARM_UP_S = 1.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", default=str(DEFAULT_VIDEO))
    parser.add_argument("--checkpoint", default="")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's choice)")
    parser.add_argument("--canny", action="store_true", help="also show Canny per frame")
    parser.add_argument("--shot", default="", help="save the window as this PNG at the end")
    args = parser.parse_args()

    import torch
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer

    from gui.app import create_app
    from gui.main_window import MainWindow

    if args.threads:
        torch.set_num_threads(args.threads)
    app = create_app([])
    settings_dir = tempfile.TemporaryDirectory(prefix="rnn-lab-bench-")
    window = MainWindow(QSettings(str(Path(settings_dir.name) / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1500, 900)
    window.show()
    if args.checkpoint:
        window.session.set_model_from(args.checkpoint)  # as Load model does: the video view gets it
        window.model_panel.set_config(window.session.predictor.payload["config"])
        model = args.checkpoint
    else:
        from edges_fps import default_predictor

        predictor = default_predictor("gru")
        window.session.predictor = predictor
        window.session.modelChanged.emit(predictor)
        model = "untrained default (gru h32 bi, width 16)"
    video = window.video
    window.tabs.setCurrentWidget(window.live_tab)
    window.live_tab.show_mode("video")
    video.show_canny.setChecked(args.canny)
    video.loop.setChecked(True)  # the clip is short: play it again and again

    lateness: list[float] = []
    counter: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(PROBE_MS)
    state = {"last": None, "start": None, "start_count": 0}

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if state["last"] is not None and state["start"] is not None:
            lateness.append(now - state["last"] - PROBE_MS)
        state["last"] = now

    def sample() -> None:
        worker = video.worker
        if worker is None:
            return
        if state["start"] is None and time.monotonic() - started >= WARM_UP_S:
            state["start"], state["start_count"] = time.monotonic(), worker.processed
        elif state["start"] is not None:
            counter.append(video.last_fps)

    probe.timeout.connect(tick)
    sampler = QTimer()
    sampler.setInterval(500)
    sampler.timeout.connect(sample)
    clock.start()
    started = time.monotonic()
    video.play(f"video:{args.video}", realtime=False)
    probe.start()
    sampler.start()
    deadline = started + WARM_UP_S + args.seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)
    worker = video.worker
    seconds = time.monotonic() - state["start"]
    processed = worker.processed - state["start_count"]
    if args.shot:
        window.grab().save(args.shot)
    video.shutdown()
    result = {
        "model": model, "video": Path(args.video).name, "size": "320x240", "canny": args.canny,
        "torch_threads": torch.get_num_threads(), "seconds": round(seconds, 1),
        "fps": round(processed / seconds, 2),
        "fps_counter": {"median": round(statistics.median(counter), 2) if counter else None,
                        "last": round(counter[-1], 2) if counter else None},
        "frames_processed": processed, "frames_shown": video.frames_shown,
        "lateness_ms": {"p50": round(percentile(lateness, 50), 1), "p99": round(percentile(lateness, 99), 1),
                        "max": round(max(lateness), 1) if lateness else None},
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))
    window.close()


if __name__ == "__main__":
    main()
