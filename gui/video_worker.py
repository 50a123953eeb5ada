"""Video edges off the GUI thread: decode frames (engine.data.video), run EdgePredictor.live_map on each, and
hand the newest (frame, edges) to the window; plus writing an edge video with progress and cancel. The same
player hands segmentation masks per frame (MaskVideoWorker) to the Live tab's masks.

The window is told at most MAX_SHOW_HZ times a second, and only once it took the previous frame: frames
the window has no time for are dropped, never queued. Connect the signals to methods of GUI-thread QObjects.
"""
from __future__ import annotations

import threading
import time
from collections import deque

from PySide6.QtCore import QObject, Signal, Slot

from gui.worker import yield_to_the_window

MAX_SHOW_HZ = 30.0


class VideoWorker(QObject):
    opened = Signal(int, float, str)  # frame count (0: unknown, a camera), the source's fps, its name
    frameReady = Signal()  # a new frame waits in take()
    ended = Signal()  # the last frame was shown (the worker pauses; seek to play again), unless looping
    failed = Signal(str, str)  # message, hint
    done = Signal()

    def __init__(self, spec: str, predictor, size: tuple[int, int] | None = (240, 320), canny: bool = False,
                 realtime: bool = True):
        super().__init__()
        self.spec, self.predictor, self.size = spec, predictor, size
        self.realtime = realtime  # no faster than the video's own frame rate; False: as fast as it computes
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._paused = False
        self._seek: int | None = None
        self._canny = canny
        self._loop = False
        self._latest = None
        self._waiting = False  # the window was told about a frame and has not taken it yet
        self._times: deque[float] = deque(maxlen=120)
        self.processed = 0

    @Slot()
    def run(self) -> None:
        yield_to_the_window()  # a repaint gets a core at once, not after a spinning torch thread
        from engine.errors import UserError

        try:
            self._play()
        except UserError as error:
            self.failed.emit(error.message, error.hint)
        except Exception as error:  # a reader or model failure must reach the user, not kill the thread silently
            self.failed.emit(f"Video stopped: {type(error).__name__}: {error}", "")
        finally:
            self.done.emit()

    def _play(self) -> None:
        from engine.data.video import open_video

        source = open_video(self.spec, size=self.size)
        try:
            if not self._stop.is_set():
                self.opened.emit(int(source.frame_count or 0), float(source.fps or 0.0), source.name)
                self._decode(source)
        finally:
            source.close()

    def _decode(self, source) -> None:
        """Read, compute and hand over frames until stop(); the flag is checked before each costly step."""
        shown_at, started, first_index = 0.0, time.monotonic(), 0
        while not self._stop.is_set():
            with self._lock:
                seek, self._seek, paused, with_canny = self._seek, None, self._paused, self._canny
            if seek is not None:
                source.seek(seek)
                started, first_index = time.monotonic(), seek
            if paused and seek is None:
                self._stop.wait(0.02)
                continue
            index = source.position
            frame = source.read()
            if frame is None:
                with self._lock:
                    loop = self._loop and index > 0
                    self._paused = self._paused or not loop
                    self._seek = 0 if loop else self._seek
                if not loop:
                    self.ended.emit()
                continue
            if self._stop.is_set():
                break
            edges, canny = self.compute(frame, with_canny)
            now = time.monotonic()
            self._times.append(now)
            self.processed += 1
            with self._lock:
                self._latest = (frame, edges, canny, index, self.fps())
                tell = not self._waiting and now - shown_at >= 1 / MAX_SHOW_HZ
                self._waiting = self._waiting or tell
            if tell:
                shown_at = now
                self.frameReady.emit()
            if self.realtime and source.fps and not paused:
                ahead = started + (index + 1 - first_index) / source.fps - time.monotonic()
                if ahead > 0:
                    self._stop.wait(ahead)

    def compute(self, frame, with_canny: bool):
        """(the model's map of an RGB frame, Canny's or None): what take() hands over beside the frame."""
        from engine.edges.classical import canny_map

        edges = self.predictor.live_map(frame)
        canny = canny_map(frame[:, :, ::-1]) if with_canny and not self._stop.is_set() else None  # BGR
        return edges, canny

    def fps(self) -> float:
        """Frames processed per second over the last second (or what there is of it)."""
        times = self._times
        if len(times) < 2:
            return 0.0
        recent = [t for t in times if times[-1] - t <= 1.0]
        if len(recent) < 2:
            return 1.0 / max(times[-1] - times[-2], 1e-6)
        return (len(recent) - 1) / max(recent[-1] - recent[0], 1e-6)

    # ---- called from the GUI thread ----
    def take(self):
        """(frame, edges, canny or None, frame index, fps) of the newest frame, or None."""
        with self._lock:
            self._waiting = False
            latest, self._latest = self._latest, None
            return latest

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused

    def seek(self, index: int) -> None:
        with self._lock:
            self._seek = max(int(index), 0)

    def set_loop(self, on: bool) -> None:
        with self._lock:
            self._loop = on

    def set_canny(self, on: bool) -> None:
        with self._lock:
            self._canny = on

    def stop(self) -> None:
        self._stop.set()


class MaskVideoWorker(VideoWorker):
    """A segmentation model's class ids per frame (SegmentPredictor.mask) in place of the edge map (Live masks)."""

    def compute(self, frame, with_canny: bool):
        return self.predictor.mask(frame), None


class EdgeVideoExport(QObject):
    """EdgePredictor.write_edge_video on a worker thread."""
    progress = Signal(int, int)
    finished = Signal(object)  # the summary dict
    failed = Signal(str, str)
    done = Signal()

    def __init__(self, predictor, spec: str, out: str, size: tuple[int, int] | None, side_by_side: bool = True):
        super().__init__()
        self.predictor, self.spec, self.out, self.size, self.side_by_side = predictor, spec, out, size, side_by_side
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        yield_to_the_window()
        from engine.errors import UserError

        try:
            result = self.predictor.write_edge_video(self.spec, self.out, side_by_side=self.side_by_side,
                                                     size=self.size, progress=self.progress.emit,
                                                     cancel=self.cancel_event)
        except UserError as error:
            self.failed.emit(error.message, error.hint)
        except Exception as error:
            self.failed.emit(f"Export failed: {type(error).__name__}: {error}", "")
        else:
            self.finished.emit(result)
        self.done.emit()

    def cancel(self) -> None:
        self.cancel_event.set()
