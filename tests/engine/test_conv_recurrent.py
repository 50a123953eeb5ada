"""Convolutional recurrent cells and the encoder-forecaster: shapes, stacking, memory, rollouts, sampling."""
import pytest
import torch

from engine.models.conv_recurrent import CONV_CELLS, ConvRecurrentStack, make_cell
from engine.models.forecaster import Forecaster


@pytest.mark.parametrize("kind", CONV_CELLS)
def test_cells_keep_the_image_layout_and_stack(kind):
    torch.manual_seed(0)
    stack = ConvRecurrentStack(kind, 3, 8, layers=3, kernel=3)
    outputs, states = stack(torch.rand(2, 5, 3, 12, 10))
    assert outputs.shape == (2, 5, 8, 12, 10) and len(states) == 3
    top = states[-1][0] if kind == "convlstm" else states[-1]
    assert torch.allclose(outputs[:, -1], top)
    assert outputs.abs().max() <= 1.0  # tanh / sigmoid-gated states stay bounded


def test_state_carries_information_across_time():
    torch.manual_seed(0)
    stack = ConvRecurrentStack("convlstm", 1, 4, layers=1)
    a, b = torch.zeros(1, 4, 1, 8, 8), torch.zeros(1, 4, 1, 8, 8)
    b[0, 0, 0, 4, 4] = 1.0  # differ only in the first frame
    out_a, _ = stack(a)
    out_b, _ = stack(b)
    assert not torch.allclose(out_a[:, -1], out_b[:, -1])  # the last step still remembers the first frame


def test_unknown_cell_is_refused():
    with pytest.raises(ValueError, match="convlstm"):
        make_cell("lstm", 1, 4)


def test_forecaster_predicts_every_next_frame_and_rolls_out_any_length():
    torch.manual_seed(0)
    model = Forecaster("convgru", 1, (16, 16), context=3, hidden=8, layers=2, patch=4).eval()
    frames = torch.randint(0, 255, (2, 7, 16, 16), dtype=torch.uint8)
    assert model(frames).shape == (2, 6, 1, 16, 16)
    for n in (1, 5, 25):
        out = model.rollout(frames[:, :3], n)
        assert out.shape == (2, n, 1, 16, 16) and 0 <= out.min() and out.max() <= 1
    # a rollout from the context equals the forward pass's forecast (same feedback, same cells)
    with torch.no_grad():
        forecast = model(frames)[:, 2:].clamp(0, 1)
    assert torch.allclose(model.rollout(frames[:, :3], 4), forecast, atol=1e-6)


def test_forecast_ignores_the_future_frames_when_evaluating():
    torch.manual_seed(0)
    model = Forecaster("convlstm", 1, (8, 8), context=2, hidden=4, layers=1, patch=2).eval()
    a = torch.rand(1, 6, 8, 8)
    b = a.clone()
    b[:, 2:] = torch.rand(1, 4, 8, 8)  # other truth after the context
    with torch.no_grad():
        assert torch.allclose(model(a)[:, 1:], model(b)[:, 1:])


def test_scheduled_sampling_falls_from_one_to_zero():
    model = Forecaster("convrnn", 1, (8, 8), context=2, hidden=4, layers=1, patch=2, sampling_steps=4).train()
    frames = torch.rand(1, 4, 8, 8)
    seen = []
    for _ in range(6):
        seen.append(model.teacher_probability())
        model(frames)
    assert seen == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    assert model.eval().teacher_probability() == 0.0


def test_patch_size_must_divide_the_frame():
    with pytest.raises(ValueError, match="multiple of the patch"):
        Forecaster("convlstm", 1, (10, 10), context=2, patch=4)
