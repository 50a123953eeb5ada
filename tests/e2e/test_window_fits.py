"""`python main.py` on a 1280x720 screen (a projector) puts the whole window on the screen (issue 13), started as
a user starts it (tests/e2e/test_window_start.py): on a first start, and with a geometry the window saved on a
1920x1080 screen. Qt's offscreen platform takes its screens from a JSON file (QT_QPA_PLATFORM=
offscreen:configfile=FILE). (On a real X server, xvfb-run -a -s "-screen 0 1280x720x24" python main.py, a first
start gave 1264x648 at 8,36, as here; that run is left out of make test for time.)

Where the window was is read back from what it saved when it closed (QSettings window/geometry, the bytes of
QWidget.saveGeometry: magic, version, then the frame and the normal geometry).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QDataStream, QIODevice, QRect, QSettings

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120
GEOMETRY_MAGIC = 0x1D9D0CB


def screen_file(tmp_path: Path, width: int, height: int) -> Path:
    path = tmp_path / f"screen_{width}x{height}.json"
    path.write_text(json.dumps({"screens": [{"name": "projector", "x": 0, "y": 0, "width": width, "height": height,
                                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    return path


def start(command: list[str], config: Path, **env) -> None:
    """Run the window until the demo data has loaded (it then closes itself and saves its geometry)."""
    environment = {**os.environ, "RNN_LAB_QUIT_WHEN_LOADED": "1", "XDG_CONFIG_HOME": str(config), **env}
    process = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert process.returncode == 0, process.stderr[-3000:]
    assert "Traceback" not in process.stderr, process.stderr[-3000:]


def offscreen(tmp_path: Path, config: Path, width: int, height: int) -> None:
    """A start whose data folder is missing: it opens, paints and closes as with the demo, 4 s sooner (the
    window's size does not depend on the data)."""
    start([sys.executable, "main.py"], config, RNN_LAB_DATA=f"folder:{tmp_path / 'nowhere'}",
          QT_QPA_PLATFORM=f"offscreen:configfile={screen_file(tmp_path, width, height)}")


def saved_frame(config: Path) -> QRect:
    """The frame geometry the window saved when it closed."""
    settings = QSettings(str(config / "RNN Vision Lab" / "RNN Vision Lab.conf"), QSettings.Format.IniFormat)
    data = settings.value("window/geometry")
    assert data is not None, "the window saved no geometry"
    stream = QDataStream(data, QIODevice.OpenModeFlag.ReadOnly)
    assert stream.readUInt32() == GEOMETRY_MAGIC
    stream.readUInt16(), stream.readUInt16()  # version
    frame = QRect()
    stream >> frame
    return frame


def test_a_window_saved_on_a_1920_screen_opens_inside_a_1280x720_screen(tmp_path):
    config = tmp_path / "config"
    offscreen(tmp_path, config, 1920, 1080)
    large = saved_frame(config)
    assert large.width() > 1280 and QRect(0, 0, 1920, 1080).contains(large), large  # a 1920 screen's window
    offscreen(tmp_path, config, 1280, 720)
    frame = saved_frame(config)
    assert QRect(0, 0, 1280, 720).contains(frame), f"the window at {frame} is not all on the 1280x720 screen"
    assert frame.width() >= 1200, frame  # and it uses the screen


def test_a_first_start_on_a_1280x720_screen_fits(tmp_path):
    config = tmp_path / "config"
    offscreen(tmp_path, config, 1280, 720)
    frame = saved_frame(config)
    assert QRect(0, 0, 1280, 720).contains(frame), f"the window at {frame} is not all on the 1280x720 screen"
    assert frame.width() >= 1200 and frame.height() >= 600, frame  # it takes the screen, not a corner of it
