"""The Inside tab's map views on made-up arrays: SweepStatesView (a 2-D sweep's states over the image, the sweep's
position shaded on the image and the maps), FrameStatesView (a frame predictor's states per step beside its
frames) and HiddenStateView showing a clip's frame at the cursor."""
import numpy as np
import pytest

from gui.views import map_panels as mp
from gui.views.frame_states import FrameStatesView
from gui.views.hidden_state import HiddenStateView
from gui.views.sweep_states import SweepStatesView

GRID = (6, 8)  # grid rows, columns
IMAGE = (24, 32)  # the image the maps lie over: 4 px a grid cell


def sweeps(layers: int = 1, channels: int = 5) -> tuple[dict, dict]:
    rng = np.random.default_rng(0)
    arrays = {"image": rng.random((*IMAGE, 3)).astype(np.float32)}
    meta = {"sweeps": [], "channels": channels, "name": "horse 7", "cell": "gru"}
    for layer in range(1, layers + 1):
        for direction, axis, reverse in (("left→right", "x", False), ("right→left", "x", True),
                                         ("top→bottom", "y", False), ("bottom→top", "y", True)):
            key = f"layer {layer} {direction}"
            arrays[key] = rng.random((3, channels, *GRID)).astype(np.float32)
            arrays[key + " summary"] = rng.random((3, *GRID)).astype(np.float32)
            meta["sweeps"].append({"key": key, "layer": layer, "direction": direction, "axis": axis,
                                   "reverse": reverse, "states": ["hidden", "reset gate", "update gate"],
                                   "reads": "features"})
    return arrays, meta


@pytest.fixture
def sweep_view(qtbot):
    view = SweepStatesView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    return view


def test_a_sweep_shows_its_states_over_the_image_and_what_it_has_read(sweep_view):
    view = sweep_view
    arrays, meta = sweeps()
    view.set_sweeps(arrays, meta)
    assert not view.placeholder.isVisible()
    assert view.panel_names() == ["hidden", "reset gate", "update gate"]
    assert view.step_count() == GRID[1] and view.step() == GRID[1] - 1  # it opens with the sweep done
    np.testing.assert_array_equal(view.panel_values("update gate"), arrays["layer 1 left→right summary"][2])
    assert view.read_rect().width() == pytest.approx(IMAGE[1])  # every column read
    view.set_step(0)
    assert view.read_rect().width() == pytest.approx(4) and view.read_rect().left() == pytest.approx(0)
    assert "column 1 of 8" in view.player.label.text()
    view.choose(1, "right→left")  # backwards: the first step reads the last column
    view.set_step(1)
    rect = view.read_rect()
    assert rect.left() == pytest.approx(IMAGE[1] - 8) and rect.width() == pytest.approx(8)
    view.choose(1, "top→bottom")
    assert view.step_count() == GRID[0]
    view.set_step(2)
    assert view.read_rect().height() == pytest.approx(12) and view.read_rect().width() == pytest.approx(IMAGE[1])
    view.channel_combo.setCurrentIndex(view.channel_combo.findData(3))  # channel 4
    np.testing.assert_array_equal(view.panel_values("hidden"), arrays["layer 1 top→bottom"][0, 3])
    assert "top→bottom" in view.caption.text() and "features" in view.caption.text()


def test_a_new_probe_keeps_the_choices_and_clear_empties_the_view(sweep_view):
    view = sweep_view
    view.set_sweeps(*sweeps(layers=2))
    assert view.layer_combo.count() == 2
    view.choose(2, "bottom→top")
    view.set_step(3)
    arrays, meta = sweeps(layers=2)
    arrays["layer 2 bottom→top summary"] += 5
    view.set_sweeps(arrays, meta)
    assert view.current_sweep()["key"] == "layer 2 bottom→top" and view.step() == 3
    np.testing.assert_array_equal(view.panel_values("hidden"), arrays["layer 2 bottom→top summary"][0])
    view.clear("run 3 (edge maps): nothing yet")
    assert view.panel_names() == [] and view.step_count() == 0
    assert view.placeholder.isVisible() and view.placeholder_text() == "run 3 (edge maps): nothing yet"


def test_play_runs_the_sweep_from_its_start(sweep_view, qtbot):
    view = sweep_view
    view.set_sweeps(*sweeps())
    view.player.play_button.click()
    assert view.step() == 0 and view.player.playing()
    qtbot.waitUntil(lambda: view.step() >= 2, timeout=3000)
    view.player.play_button.click()
    assert not view.player.playing()


def test_levels_mean_one_thing_per_kind_of_state():
    assert mp.map_levels("update gate", np.zeros((2, 2)), summary=True)[0] == (0.0, 1.0)
    assert mp.map_levels("hidden", np.zeros((2, 2)), summary=False)[:2] == ((-1.0, 1.0), "CET-D1")
    levels, _, meaning = mp.map_levels("hidden", np.full((2, 2), 0.03), summary=True)
    assert levels == (0.0, 0.05) and "root mean square" in meaning
    assert mp.map_levels("cell", np.full((2, 2), -3.0), summary=False)[0] == (-5.0, 5.0)


def frame_states(steps: int = 6, channels: int = 4) -> tuple[dict, dict]:
    rng = np.random.default_rng(1)
    frames = rng.random((steps, 16, 16)).astype(np.float32)
    arrays = {"frames": frames, "predicted": frames[::-1].copy(), "truth": frames * 0.5}
    for layer in (1, 2):
        arrays[f"layer {layer}"] = rng.random((5, steps, channels, 4, 4)).astype(np.float32)
        arrays[f"layer {layer} summary"] = rng.random((5, steps, 4, 4)).astype(np.float32)
    meta = {"layers": 2, "states": ["hidden", "cell", "input gate", "forget gate", "output gate"], "context": 3,
            "channels": 64, "cell": "convlstm", "name": "sequence 2"}
    return arrays, meta


def test_frame_states_follow_the_step_beside_the_frames(qtbot):
    view = FrameStatesView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    arrays, meta = frame_states()
    view.set_states(arrays, meta)
    assert view.panel_names() == meta["states"] and view.step_count() == 6 and view.step() == 5
    assert view.channel_combo.currentText() == "grid (4 of 64)"  # every shown channel at once
    assert view.panel_values("hidden").shape == (2 * 4 + 1, 2 * 4 + 1)  # a 2 x 2 mosaic, NaN between tiles
    view.set_step(1)
    assert "reads frame 2, a true context frame; predicts frame 3" in view.player.label.text()
    np.testing.assert_array_equal(view.frame_shown("frames"), np.round(arrays["frames"][1] * 255).astype(np.uint8))
    view.set_step(4)
    assert "its own last prediction" in view.player.label.text()
    view.layer_combo.setCurrentIndex(1)
    view.channel_combo.setCurrentIndex(view.channel_combo.findData(mp.SUMMARY))
    np.testing.assert_array_equal(view.panel_values("forget gate"), arrays["layer 2 summary"][3, 4])
    view.channel_combo.setCurrentIndex(view.channel_combo.findData(2))
    np.testing.assert_array_equal(view.panel_values("cell"), arrays["layer 2"][1, 4, 2])
    view.clear("nothing for this run")
    assert view.panel_names() == [] and view.frame_shown("frames") is None
    assert view.placeholder_text() == "nothing for this run"


def test_a_clip_shows_the_frame_each_step_reads(qtbot):
    view = HiddenStateView()
    qtbot.addWidget(view)
    view.show()
    frames = np.random.default_rng(2).random((5, 12, 12, 1)).astype(np.float32)
    view.set_read_order("frames")
    view.set_frames(frames)
    view.set_states(frames[0], {"hidden": np.zeros((5, 4))}, {})
    view.set_time(3)
    np.testing.assert_allclose(view.image_item.image, frames[3, :, :, 0])
    assert view.highlight_rect().isEmpty()  # a frame is read whole
    view.clear()
    view.set_read_order("rows")
    view.set_states(frames[0, :, :, 0], {"hidden": np.zeros((12, 4))}, {})
    view.set_time(2)
    assert view.highlight_rect().height() == 1  # an image again: one row a step
