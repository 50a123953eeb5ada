"""The Live modes' shared parts: frames that fill their panels (laid out in the columns that show them largest,
refitted on resize until the user zooms, also when first shown from a hidden tab), which dropped files a mode
takes, and the busy line's Cancel."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from gui.views.live_parts import BusyLine, FramePanels, MessageLine, dropped_spec

FOUR = (("image", "input"), ("model", "recurrent"), ("canny", "Canny"), ("sobel", "Sobel"))


def filled(panels, key: str) -> bool:
    """The frame is about as large as its box allows, not a stamp in an empty box."""
    shown, box = panels.images[key].sceneBoundingRect(), panels.views[key]
    return shown.width() >= 0.9 * box.width() or shown.height() >= 0.9 * box.height()


def settle(qtbot):
    qtbot.wait(30)  # the refit runs once the layout has given every panel its size
    QApplication.processEvents()


def all_filled(qtbot, panels, keys) -> None:
    qtbot.waitUntil(lambda: all(filled(panels, key) for key in keys), timeout=3000)


def show_four(panels, h: int, w: int) -> None:
    panels.set_frame("image", np.zeros((h, w, 3), np.uint8))
    for key in ("model", "canny", "sobel"):
        panels.set_frame(key, np.linspace(0, 1, h * w, dtype=np.float32).reshape(h, w), (0, 1))


def test_frames_fill_their_panels_in_the_columns_that_show_them_largest(qtbot):
    panels = FramePanels(FOUR)
    qtbot.addWidget(panels)
    panels.resize(1200, 300)
    panels.show()
    qtbot.waitExposed(panels)
    show_four(panels, 240, 320)
    all_filled(qtbot, panels, dict(FOUR))
    assert panels.columns == 4  # a wide strip: one row
    panels.resize(700, 600)
    qtbot.waitUntil(lambda: panels.columns == 2, timeout=3000)  # two by two
    all_filled(qtbot, panels, dict(FOUR))
    panels.views["image"].scaleBy((0.5, 0.5))  # the user zooms in: later resizes keep the zoom
    panels.views["image"].sigRangeChangedManually.emit([True, True])
    panels.resize(720, 620)
    settle(qtbot)
    assert panels.images["image"].sceneBoundingRect().width() > 1.2 * panels.views["image"].width()
    panels.fit()
    all_filled(qtbot, panels, ["image"])


def test_frames_given_while_hidden_fill_their_panels_once_shown(qtbot):
    panels = FramePanels((("image", "input"), ("overlay", "classes")))
    qtbot.addWidget(panels)
    show_four_two = np.zeros((100, 60, 3), np.uint8)  # portrait
    panels.set_frame("image", show_four_two)
    panels.set_frame("overlay", show_four_two)
    panels.resize(800, 500)
    panels.show()
    qtbot.waitExposed(panels)
    all_filled(qtbot, panels, ["image", "overlay"])
    assert panels.columns == 2


def test_dropped_files_go_where_their_kind_is_read(tmp_path):
    (tmp_path / "frames").mkdir()
    for name in ("a.png", "b.gif", "c.mp4", "d.txt"):
        (tmp_path / name).write_bytes(b"x")
    photo, gif, clip = (str(tmp_path / n) for n in ("a.png", "b.gif", "c.mp4"))
    assert dropped_spec(photo, ("image",)) == f"image:{photo}" and dropped_spec(photo, ("video",)) == ""
    assert dropped_spec(gif, ("image",)) == f"image:{gif}" and dropped_spec(gif, ("image", "video")) == f"video:{gif}"
    assert dropped_spec(clip, ("image", "video")) == f"video:{clip}"
    assert dropped_spec(str(tmp_path / "d.txt"), ("image", "video", "frames")) == ""
    folder = str(tmp_path / "frames")
    assert dropped_spec(folder, ("video", "frames")) == f"frames:{folder}" and dropped_spec(folder, ("video",)) == ""


def test_the_busy_line_says_what_runs_with_progress_and_cancel(qtbot):
    line, message = BusyLine(), MessageLine()
    qtbot.addWidget(line)
    qtbot.addWidget(message)
    line.start("Reading clip.mp4…")
    assert line.isVisibleTo(line.parentWidget() or line) and line.text() == "Reading clip.mp4…"
    assert line.bar.maximum() == 0  # busy until counts come
    line.progress(3, 12)
    assert (line.bar.value(), line.bar.maximum()) == (3, 12)
    with qtbot.waitSignal(line.cancelled, timeout=1000):
        line.cancel_button.click()
    line.stop()
    assert line.text() == ""
    message.warn("clip.mp4 has 2 frame(s).", "Open a longer clip.")
    assert message.problem and message.text() == "clip.mp4 has 2 frame(s). Open a longer clip."
    message.say("clip.mp4: 12 frames read.")
    assert not message.problem
