"""ReNet sweeps (engine/models/renet.py) and the edge detector built on them (engine/models/edge_net.py)."""
import pytest
import torch

from engine.models.edge_net import OUTPUTS, EdgeReNet
from engine.models.renet import ReNet, ReNetLayer


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("patch", [1, 2, 3])
def test_output_shape_for_odd_sizes(cell, patch):
    layer = ReNetLayer(3, 5, cell, patch)
    out = layer(torch.rand(2, 3, 7, 11))
    assert out.shape == (2, 10, -(-7 // patch), -(-11 // patch))
    assert layer.out_channels == 10


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_stack_and_states(cell):
    net = ReNet(4, 6, layers=2, cell=cell, patch=[2, 1], dropout=0.1)
    out, states = net(torch.rand(3, 4, 9, 5), return_states=True)
    assert out.shape == (3, 12, 5, 3) and net.out_channels == 12
    assert set(states) == {"rows1", "cols1", "rows2", "cols2"}
    assert all(s.shape == (3, 12, 5, 3) for s in states.values())
    assert torch.equal(states["cols2"], out)
    net.eval()
    assert torch.allclose(net(torch.ones(1, 4, 9, 5)), net(torch.ones(1, 4, 9, 5)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="cell"):
        ReNetLayer(3, 4, "transformer")
    with pytest.raises(ValueError, match="patch size per layer"):
        ReNet(3, 4, layers=2, patch=[1, 2, 2])
    with pytest.raises(ValueError, match="B, C, H, W"):
        ReNetLayer(3, 4)(torch.rand(3, 5, 5))


def _reach(layer, source, target, shape=(1, 2, 6, 7)):
    """Whether the output at `target` (row, col) depends on the input at `source`."""
    torch.manual_seed(0)
    x = torch.rand(*shape, requires_grad=True)
    layer(x)[0, :, target[0], target[1]].sum().backward()
    return bool(x.grad[0, :, source[0], source[1]].abs().sum() > 0)


def test_one_layer_sees_the_whole_image():
    layer = ReNetLayer(2, 4, "gru")
    assert _reach(layer, (5, 6), (0, 0)) and _reach(layer, (0, 0), (5, 6)) and _reach(layer, (0, 6), (5, 0))


def test_one_way_sweeps_see_only_up_and_left():
    layer = ReNetLayer(2, 4, "gru", bidirectional=False)
    assert layer.out_channels == 4
    assert _reach(layer, (0, 0), (5, 6))
    assert not _reach(layer, (5, 6), (0, 0))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_edge_net_maps_every_pixel(cell):
    model = EdgeReNet(cell, hidden=4, layers=2, width=4)
    logits = model(torch.rand(2, 3, 17, 23))
    assert logits.shape == (2, len(OUTPUTS), 17, 23)
    logits, states = model(torch.rand(1, 3, 9, 8), return_states=True)
    assert logits.shape == (1, 4, 9, 8) and states["cols2"].shape == (1, 8, 3, 2)
