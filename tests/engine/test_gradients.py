"""Gradients through time (engine/gradients.py), gate opening, and hidden-state trajectories (engine/dynamics.py)."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.dynamics import FORGET_BINS, hidden_trajectories
from engine.events import Snapshot
from engine.gradients import GradientTracker, grad_norms_through_time, grad_ratio
from engine.models.classifier import SequenceClassifier
from engine.training import Trainer


def model_and_batch(cell: str, steps: int = 8, hidden: int = 12, read: str = "rows", seed: int = 0):
    torch.manual_seed(seed)
    model = SequenceClassifier((1, steps, 6), 3, cell, hidden, read=read)
    return model, torch.rand(10, 1, steps, 6), torch.randint(0, 3, (10,))


def test_grad_ratio_on_a_hand_made_case():
    assert grad_ratio(np.array([1.0, 5.0, 4.0])) == pytest.approx(0.25)
    # several measurements: each step is averaged first, (1 + 3) / 2 over (4 + 4) / 2
    assert grad_ratio(np.array([[1.0, 2.0, 4.0], [3.0, 2.0, 4.0]])) == pytest.approx(0.5)
    assert math.isnan(grad_ratio(np.array([1.0, 0.0])))
    assert math.isnan(grad_ratio(np.zeros((0, 3))))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_grad_norms_one_per_step_finite_and_the_weights_untouched(cell):
    model, x, y = model_and_batch(cell)
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    norms = grad_norms_through_time(model, model.rnn, x, y, F.cross_entropy)
    assert norms.shape == (8,) and np.isfinite(norms).all() and (norms > 0).all()
    assert model.training and model.rnn.kept_steps is None
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_grad_norms_match_an_independent_computation(cell):
    """dLoss/dh_t is the gradient with respect to the starting state of the rest of the sequence, run through
    the fused nn.GRU / nn.LSTM: checked at the last step and in the middle."""
    model, x, y = model_and_batch(cell, steps=8)
    model.eval()
    norms = grad_norms_through_time(model, model.rnn, x, y, F.cross_entropy)
    with torch.no_grad():
        _, states = model(x, return_states=True)
    sequence = (x[:, 0] - model.mean) / model.std  # rows: (B, T, F)
    for t in (3, 7):
        h0 = states["hidden"][-1][:, t].detach().clone().requires_grad_(True)
        rest = sequence[:, t + 1:]
        if rest.shape[1] == 0:
            final = h0
        elif cell == "lstm":
            c0 = states["cell"][-1][:, t].detach()
            final = model.rnn.rnn(rest, (h0[None], c0[None]))[1][0][0]
        else:
            final = model.rnn.rnn(rest, h0[None])[1][0]
        loss = F.cross_entropy(model.head(final), y)
        (grad,) = torch.autograd.grad(loss, h0)
        assert norms[t] == pytest.approx(float(grad.norm(dim=-1).mean()), rel=1e-4)


def test_a_plain_rnn_passes_far_less_gradient_back_than_gated_cells_with_open_gates():
    """Over 60 steps at initialisation: the RNN's gradient fades geometrically; an LSTM's forget gate and a
    GRU's update gate, opened (chrono init), carry it back. Median over three seeds."""
    ratios = {}
    for cell in ("rnn", "lstm", "gru"):
        values = []
        for seed in range(3):
            model, x, y = model_and_batch(cell, steps=10, hidden=16, read="pixels", seed=seed)  # 10x6 = 60 steps
            model.rnn.open_gates(60)
            values.append(grad_ratio(grad_norms_through_time(model, model.rnn, x, y, F.cross_entropy)))
        ratios[cell] = float(np.median(values))
    assert ratios["rnn"] > 0  # float64 keeps it measurable
    assert ratios["lstm"] > 1e4 * ratios["rnn"]
    assert ratios["gru"] > 1e4 * ratios["rnn"]


def test_open_gates_sets_forget_and_update_biases_and_leaves_the_rnn_alone():
    torch.manual_seed(0)
    model = SequenceClassifier((1, 4, 4), 2, "lstm", 8)
    model.rnn.open_gates(100)
    bias = model.rnn.rnn.bias_ih_l0 + model.rnn.rnn.bias_hh_l0
    forget, input_gate = bias[8:16], bias[:8]
    assert (forget >= 0).all() and (forget <= math.log(99) + 1e-6).all() and forget.std() > 0
    assert torch.allclose(input_gate, -forget)
    rnn = SequenceClassifier((1, 4, 4), 2, "rnn", 8)
    before = rnn.rnn.rnn.bias_ih_l0.clone()
    rnn.rnn.open_gates(100)
    assert torch.equal(before, rnn.rnn.rnn.bias_ih_l0)


def test_tracker_measures_at_epoch_ends_and_keeps_per_epoch_curves():
    tracker = GradientTracker(every_s=3600)
    assert tracker.due(last_step=False)  # the first time
    tracker.measure(lambda: np.array([1.0, 2.0]))
    assert not tracker.due(last_step=False) and tracker.due(last_step=True)
    tracker.measure(lambda: np.array([3.0, 2.0]))
    assert tracker.end_epoch() == pytest.approx(1.0)
    assert tracker.last_curve.tolist() == [2.0, 2.0]
    assert math.isnan(tracker.end_epoch())  # nothing measured since


def test_trainer_emits_grad_norms_and_measuring_does_not_change_training(make_config):
    events = []
    config = make_config(cell="lstm", epochs=2)
    measured = Trainer(config, events.append).run()
    plain = Trainer(config, measure_gradients=False).run()
    snapshots = [e for e in events if isinstance(e, Snapshot) and e.kind == "grad_norms"]
    assert len(snapshots) >= 2  # at least the last step of each epoch
    assert all(s.arrays["norms"].shape == (8,) for s in snapshots)  # 8x8 images read by rows
    assert snapshots[0].meta["cell"] == "lstm" and snapshots[0].meta["read"] == "rows"
    assert 0 < measured["metrics"]["grad_ratio"] and len(measured["grad_norms"]) == 8
    assert all("grad_ratio" in row for row in measured["history"])
    assert "grad_ratio" not in plain["metrics"] and plain["grad_norms"] is None
    assert plain["metrics"]["test_loss"] == pytest.approx(measured["metrics"]["test_loss"], abs=1e-6)


def test_trainer_ends_with_a_trajectories_snapshot(make_config):
    events = []
    Trainer(make_config(cell="lstm", epochs=1), events.append).run()
    (snapshot,) = [e for e in events if isinstance(e, Snapshot) and e.kind == "trajectories"]
    points, labels = snapshot.arrays["points"], snapshot.arrays["labels"]
    assert points.ndim == 3 and points.shape[1:] == (8, 2) and labels.shape == (len(points),)
    assert snapshot.arrays["forget_hist"].shape == (8, FORGET_BINS)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_hidden_trajectories_shapes_and_forget_gate_histogram(cell):
    model, _, _ = model_and_batch(cell, steps=8, hidden=12)
    images, labels = torch.rand(40, 1, 8, 6), torch.arange(40) % 3
    result = hidden_trajectories(model, images, labels, "cpu", samples=30, chunk=7)
    assert result["points"].shape == (30, 8, 2) and np.isfinite(result["points"]).all()
    assert result["labels"].tolist() == (result["indices"] % 3).tolist()
    assert result["explained"].shape == (2,) and result["explained"].sum() <= 1.0 + 1e-6
    if cell == "lstm":
        assert result["forget_hist"].shape == (8, FORGET_BINS)
        assert (result["forget_hist"].sum(1) == 30 * 12).all()  # every sample's every unit, at each step
    else:
        assert "forget_hist" not in result


def test_hidden_trajectories_of_a_one_unit_model():
    model, _, _ = model_and_batch("rnn", steps=8, hidden=1)
    result = hidden_trajectories(model, torch.rand(5, 1, 8, 6), torch.zeros(5, dtype=torch.long), "cpu")
    assert result["points"].shape == (5, 8, 2) and (result["points"][..., 1] == 0).all()
