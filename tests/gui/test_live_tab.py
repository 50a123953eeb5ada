"""The Live tab follows the loaded model (issue 13, Build 4): with no model it says what to do, otherwise it
offers the modes that model can do by its declared capabilities, never another task's mode with its stale
answer; a file dropped on the window goes to the mode of the loaded model that reads it, data keeps opening as
data."""
from __future__ import annotations

import pytest

from gui.views.live_modes import MODES, NO_MODEL
from live_helpers import checkpoint, load_model, write_clip, write_photo

EXPECTED = {"classify": ["draw"], "edges": ["video", "photo"], "segment": ["masks"], "predict": ["rollout"],
            "video-classify": ["clip"]}


def shown_modes(live_tab) -> list[str]:
    return [mode for i, (mode, _, _) in enumerate(MODES) if not live_tab.buttons.button(i).isHidden()]


def test_no_model_says_to_train_or_load_one(window):
    live_tab = window.live_tab
    window.tabs.setCurrentWidget(live_tab)
    assert live_tab.mode() == "" and live_tab.stack.currentWidget() is live_tab.message
    assert live_tab.message.text() == NO_MODEL and "load" in NO_MODEL and "Train" in NO_MODEL
    live_tab.show_mode("draw")  # a task's preferred mode does not bring back a mode without a model
    assert live_tab.mode() == ""


@pytest.mark.parametrize("task", list(EXPECTED))
def test_each_task_offers_its_own_modes_and_no_other(window, qtbot, tmp_path_factory, task):
    live_tab = window.live_tab
    window.tabs.setCurrentWidget(live_tab)
    load_model(window, qtbot, checkpoint(tmp_path_factory, task))
    assert list(live_tab.available) == EXPECTED[task]
    assert shown_modes(live_tab) == EXPECTED[task] and live_tab.mode() in EXPECTED[task]
    assert live_tab.mode_row.isVisibleTo(live_tab) == (len(EXPECTED[task]) > 1)
    for mode, _, _ in MODES:
        if mode not in EXPECTED[task]:
            live_tab.show_mode(mode)  # another task's mode cannot be brought back
            assert live_tab.mode() in EXPECTED[task]


def test_a_classifier_after_an_edge_model_shows_no_stale_edges(window, qtbot, tmp_path_factory, tmp_path):
    live_tab = window.live_tab
    window.tabs.setCurrentWidget(live_tab)
    load_model(window, qtbot, checkpoint(tmp_path_factory, "edges"))
    window.controller.open_dropped(str(write_photo(tmp_path / "photo.png")))
    photo = window.live_page.views["photo"]
    qtbot.waitUntil(lambda: photo.shown("model") is not None, timeout=20_000)
    load_model(window, qtbot, checkpoint(tmp_path_factory, "classify"))
    assert live_tab.mode() == "draw" and shown_modes(live_tab) == ["draw"]
    assert photo.shown("model") is None  # the edge model's picture went with it
    live_tab.show_mode("photo")
    assert live_tab.mode() == "draw"
    window.show_task("edges")  # nor does the edges task's preferred mode bring it back
    assert live_tab.mode() == "draw"


def notes(window, monkeypatch) -> list[str]:
    """What the window says in its status line from now on."""
    said = []
    monkeypatch.setattr(window.dialogs, "status", lambda text, *_args, **_kw: said.append(text))
    return said


def test_a_segmenter_after_a_classifier_offers_masks_not_drawing(window, qtbot, tmp_path_factory, monkeypatch):
    live_tab = window.live_tab
    load_model(window, qtbot, checkpoint(tmp_path_factory, "classify"))
    assert live_tab.mode() == "draw"
    said = notes(window, monkeypatch)
    load_model(window, qtbot, checkpoint(tmp_path_factory, "segment"))
    assert live_tab.mode() == "masks" and not live_tab.mode_row.isVisibleTo(live_tab)
    assert any("try it in the Live tab (Masks)" in text for text in said), said


# ---- files dropped on the window ----
def test_a_dropped_photo_goes_to_the_mode_that_reads_it(window, qtbot, tmp_path_factory, tmp_path):
    load_model(window, qtbot, checkpoint(tmp_path_factory, "edges"))
    window.tabs.setCurrentIndex(0)
    assert window.live_tab.mode() == "video"  # the edges task's own Live view comes first
    window.controller.open_dropped(str(write_photo(tmp_path / "photo.jpg")))
    assert window.tabs.currentWidget() is window.live_tab and window.live_tab.mode() == "photo"
    qtbot.waitUntil(lambda: window.live_page.views["photo"].shown("canny") is not None, timeout=20_000)
    window.controller.open_dropped(str(write_clip(tmp_path / "clip.mp4", 6)))  # a video: back to video edges
    assert window.live_tab.mode() == "video" and window.video.spec == f"video:{tmp_path / 'clip.mp4'}"


def test_a_dropped_video_goes_to_the_rollout_of_a_frame_model(window, qtbot, tmp_path_factory, tmp_path):
    load_model(window, qtbot, checkpoint(tmp_path_factory, "predict"))
    loads = []
    window.session.load = lambda *args: loads.append(args)
    window.controller.open_dropped(str(write_clip(tmp_path / "clip.avi", 8)))
    assert window.tabs.currentWidget() is window.live_tab and window.live_tab.mode() == "rollout"
    assert loads == []  # not opened as training data
    player = window.live_page.views["rollout"].player
    qtbot.waitUntil(lambda: player.step_count() > 0, timeout=30_000)


def test_data_folders_still_open_as_data_and_an_image_no_mode_reads_says_so(window, qtbot, tmp_path_factory,
                                                                             tmp_path, monkeypatch):
    load_model(window, qtbot, checkpoint(tmp_path_factory, "video-classify"))
    said = notes(window, monkeypatch)
    loads = []
    window.session.load = lambda *args: loads.append(args)
    folder = write_photo(tmp_path / "photos" / "a.png").parent
    window.controller.open_dropped(str(folder))
    assert loads and loads[0][0] == f"images:{folder}"
    window.controller.open_dropped(str(folder / "a.png"))
    assert window.tabs.currentWidget() is window.live_tab and window.live_tab.mode() == "clip"
    assert any("a.png: the loaded model does not read images" in text for text in said), said
    assert len(loads) == 1
