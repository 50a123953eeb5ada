"""FramesPlayer: timeline, slider and play, rollout and export signals, state grid, MSE, export strip."""
import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.views import sequence_frames as sf
from gui.views.frames_player import EMPTY_TEXT, MAX_CHANNELS, FramesPlayer

H, W = 24, 32


def moving_square(steps: int, start: int = 0, colour: bool = False) -> np.ndarray:
    """A bright square moving right one pixel a frame: frame t has it at column start + t."""
    frames = np.zeros((steps, H, W), np.float32)
    for t in range(steps):
        x = (start + t) % (W - 6)
        frames[t, 8:14, x:x + 6] = 1.0
    return np.repeat(frames[..., None], 3, axis=3) * np.array([1.0, 0.5, 0.2], np.float32) if colour else frames


def sequence(m=5, k=4, colour=False, truth=True, state=None):
    arrays = {"context": moving_square(m, 0, colour), "prediction": moving_square(k, m, colour) * 0.8}
    if truth:
        arrays["truth"] = moving_square(k, m, colour)
    if state is not None:
        arrays["state"] = state
    return arrays


@pytest.fixture
def player(qtbot):
    widget = FramesPlayer()
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(player, key):
    return player.images[key].image


def test_slider_walks_context_then_truth_and_prediction(player):
    arrays = sequence()
    player.show_sequence(arrays, {"name": "probe"})
    assert player.step_count() == 9 and player.slider.maximum() == 8
    context = sf.to_frames(arrays["context"])
    np.testing.assert_array_equal(shown(player, "context"), context[0])
    assert shown(player, "truth") is None and player.panel_title("context") == "context 1/5"
    player.set_step(6)  # second predicted frame
    np.testing.assert_array_equal(shown(player, "context"), context[4])
    np.testing.assert_array_equal(shown(player, "truth"), sf.to_frames(arrays["truth"])[1])
    np.testing.assert_array_equal(shown(player, "prediction"), sf.to_frames(arrays["prediction"])[1])
    assert player.panel_title("truth") == "truth t+2" and player.panel_title("prediction") == "predicted t+2"
    assert "t+2" in player.mse_label.text()


def test_mse_per_frame(player):
    arrays = sequence()
    player.show_sequence(arrays)
    expected = ((arrays["truth"] - np.round(arrays["prediction"] * 255) / 255) ** 2).mean(axis=(1, 2))
    np.testing.assert_allclose(player.frame_mse(), expected, atol=1e-3)
    assert (player.frame_mse() > 0).all()


def test_play_advances_and_stops_at_the_end_without_loop(player, qtbot):
    player.show_sequence(sequence(), {"fps": 100})
    player.loop_check.setChecked(False)
    player.play()
    assert player.is_playing() and player.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: player.step() >= 3, timeout=2000)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=2000)
    assert player.step() == player.step_count() - 1
    player.play()  # from the end: starts over
    assert player.step() == 0
    player.pause()
    assert not player.is_playing()


def test_loop_wraps_around(player, qtbot):
    player.show_sequence(sequence(m=2, k=2), {"fps": 200})
    seen = set()
    player.frameChanged.connect(seen.add)
    player.play()
    qtbot.waitUntil(lambda: seen >= {0, 1, 2, 3} and player.is_playing(), timeout=2000)
    player.pause()


def test_speed_sets_the_timer_interval(player):
    player.show_sequence(sequence(), {"fps": 10})
    assert player.timer.interval() == 100
    player.speed_combo.setCurrentIndex(player.speed_combo.findText("2×"))
    assert player.timer.interval() == 50


def test_rollout_and_export_buttons_emit(player, qtbot):
    assert not player.mp4_button.isEnabled()
    player.show_sequence(sequence())
    player.length_spin.setValue(25)
    with qtbot.waitSignal(player.rolloutRequested) as rollout:
        qtbot.mouseClick(player.rollout_button, Qt.MouseButton.LeftButton)
    assert rollout.args == [25]
    for button, kind in ((player.mp4_button, "mp4"), (player.gif_button, "gif")):
        with qtbot.waitSignal(player.exportRequested) as export:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert export.args == [kind]


def test_state_grid_shows_the_channels_of_the_current_frame(player):
    rng = np.random.default_rng(0)
    state = rng.normal(0, 0.3, (4, 12, 6, 8)).astype(np.float32)
    player.show_sequence(sequence(state=state))
    assert player.state_view.isVisible() and player.state_channel_count() == 12
    assert player.state_image.image is None  # context frames: no state yet
    player.set_step(5 + 2)
    mosaic = player.state_image.image
    tiles = [mosaic[r * 7:r * 7 + 6, c * 9:c * 9 + 8] for r in range(3) for c in range(5)]
    np.testing.assert_array_equal(np.stack(tiles[:12]), state[2])  # 12 channels, 5 columns, NaN gaps
    assert np.isnan(mosaic[6]).all()
    low, high = player.state_bar.levels()
    assert low == -high and high >= np.percentile(np.abs(state), 99.5)


def test_state_of_the_last_frame_only_and_many_channels(player):
    state = np.ones((64, 4, 4), np.float32)
    player.show_sequence(sequence(state=state))
    assert player.state_channel_count() == MAX_CHANNELS
    assert player.state_image.image is not None  # shown even during the context
    assert "first 32 of 64" in player.state_plot.titleLabel.text
    player.show_sequence(sequence())
    assert not player.state_view.isVisible()


def test_export_frames_shape_colour_and_grey(player):
    arrays = sequence(m=3, k=5)
    player.show_sequence(arrays)
    strip = player.frames_for_export()
    assert strip.shape == (8, H, 3 * W, 3) and strip.dtype == np.uint8
    np.testing.assert_array_equal(strip[4, :, W:2 * W, 0], sf.to_frames(arrays["truth"])[1])
    np.testing.assert_array_equal(strip[0, :, W:], 0)  # nothing predicted during the context
    player.show_sequence(sequence(m=3, k=5, colour=True))
    colour = player.frames_for_export()
    assert colour.shape == (8, H, 3 * W, 3)
    assert (colour[4, :, 2 * W:, 0] != colour[4, :, 2 * W:, 2]).any()


def test_free_rollout_without_truth_and_mixed_grey_colour(player):
    player.show_sequence({"context": moving_square(3), "prediction": moving_square(6, 3, colour=True)})
    player.set_step(4)
    assert player.panel_title("truth") == "no truth (free rollout)"
    assert shown(player, "truth") is None and shown(player, "prediction").shape == (H, W, 3)
    assert len(player.frame_mse()) == 0 and "no truth" in player.mse_label.text()
    assert player.frames_for_export().shape == (9, H, 3 * W, 3)


def test_new_sequence_keeps_position_and_bad_input_raises(player):
    player.show_sequence(sequence(m=5, k=5))
    player.set_step(7)
    player.show_sequence(sequence(m=5, k=5))  # a probe snapshot a moment later
    assert player.step() == 7
    player.show_sequence(sequence(m=2, k=2))
    assert player.step() == 3
    with pytest.raises(ValueError):
        player.show_sequence({"context": moving_square(2), "prediction": np.zeros((2, 5, 5), np.float32)})
    with pytest.raises(ValueError):
        player.show_sequence({"prediction": moving_square(2)})


def test_clear_empties_the_player_for_a_new_run(player, qtbot):
    state = np.ones((4, 3, 4, 4), np.float32)
    player.show_sequence(sequence(state=state), {"name": "old run"})
    player.set_step(6)
    player.play()
    player.clear()
    assert not player.is_playing() and player.step_count() == 0 and player.slider.maximum() == 0
    assert all(shown(player, key) is None for key in ("context", "truth", "prediction"))
    assert player.frame_label.text() == EMPTY_TEXT == "No sequence yet for this run."
    assert not player.state_view.isVisible() and player.state_image.image is None
    assert player.panel_title("context") == "context" and "old run" not in player.frame_label.text()
    assert not player.mp4_button.isEnabled() and player.frames_for_export().shape[0] == 0
    assert len(player.frame_mse()) == 0 and not player.mse_label.text().strip()
    player.show_sequence(sequence())  # and it fills again
    assert player.step_count() == 9 and shown(player, "context") is not None
    player.clear("run B (Edge maps) sends none")
    assert player.frame_label.text() == player.placeholder_text() == "run B (Edge maps) sends none"


def test_float_frames_with_nan_and_out_of_range_values():
    frames = sf.to_frames(np.array([[[np.nan, 2.0, -1.0, 0.5]]], np.float32))
    np.testing.assert_array_equal(frames, [[[0, 255, 0, 128]]])


def test_player_fps_bench_runs_on_a_small_clip(tmp_path, capsys, monkeypatch, qapp):
    import json
    import sys

    from bench import player_fps
    from engine.data.video import write_video

    clip = tmp_path / "clip.avi"
    write_video(clip, (np.full((48, 64, 3), 10 * t, np.uint8) for t in range(12)), fps=10)
    monkeypatch.setattr(sys, "argv", ["player_fps.py", "--video", str(clip), "--size", "32x24", "--frames", "20"])
    player_fps.main()
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["frames"] == 20 and result["frame_size"] == "32x24" and result["fps"] > 0


def test_a_prediction_worse_than_copying_the_last_frame_is_flagged(player):
    """A forecaster must beat repeating the last context frame; the player says plainly when it does not."""
    rng = np.random.default_rng(0)
    context = rng.integers(0, 255, (3, 16, 16), np.uint8)
    truth = np.repeat(context[-1:], 4, axis=0)  # a still scene: copying the last frame is exact
    player.show_sequence({"context": context, "truth": truth, "prediction": 255 - truth})
    assert player.loses_to_copying() and "WORSE than copying the last frame" in player.mse_label.text()
    player.show_sequence({"context": context, "truth": truth, "prediction": truth.copy()})
    assert not player.loses_to_copying() and "copying the last frame: 0.0000" in player.mse_label.text()
    assert "WORSE" not in player.mse_label.text()


def test_the_finish_line_flags_a_frame_model_that_loses_to_copying():
    from gui import metric_names
    from engine.tasks import registry

    task = next(name for name in registry.names() if registry.spec(name).is_lower_better(
        registry.spec(name).selection_metric))
    metric = registry.spec(task).selection_metric
    worse = metric_names.finish_text(metric, {f"test_{metric}": 300.0, f"test_baseline_{metric}": 270.0}, task)
    better = metric_names.finish_text(metric, {f"test_{metric}": 100.0, f"test_baseline_{metric}": 270.0}, task)
    assert "WORSE than copying the last frame" in worse and "WORSE" not in better
