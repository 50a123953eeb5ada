"""The recurrent stacks and the sequence classifier: the fused and the step-by-step paths agree."""
import itertools

import pytest
import torch

from engine.models.classifier import SequenceClassifier
from engine.models.recurrent import GATES, RecurrentStack
from engine.models.sequence import image_to_sequence, sequence_length
from engine.models.sizes import classifier_parameters, recurrent_parameters

CASES = list(itertools.product(("rnn", "lstm", "gru"), (False, True), (1, 2)))
HIDDEN, BATCH, STEPS, FEATURES = 6, 3, 5, 4


def case_id(case):
    cell, bidirectional, layers = case
    return f"{cell}-{'bi' if bidirectional else 'uni'}-L{layers}"


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_stack_stepwise_matches_fused(case):
    cell, bidirectional, layers = case
    stack = RecurrentStack(cell, FEATURES, HIDDEN, layers, bidirectional).eval()
    x = torch.randn(BATCH, STEPS, FEATURES)
    with torch.no_grad():
        outputs, final, none = stack(x)
        step_outputs, step_final, states = stack(x, return_states=True)
    dirs = 2 if bidirectional else 1
    assert none is None
    assert outputs.shape == step_outputs.shape == (BATCH, STEPS, dirs * HIDDEN)
    assert final.shape == step_final.shape == (BATCH, dirs * HIDDEN)
    torch.testing.assert_close(step_outputs, outputs, atol=1e-5, rtol=0)
    torch.testing.assert_close(step_final, final, atol=1e-5, rtol=0)

    expected = {"hidden"} | set(GATES[cell]) | ({"cell"} if cell == "lstm" else set())
    assert set(states) == expected
    for name, value in states.items():
        assert value.shape == (layers, BATCH, STEPS, dirs * HIDDEN), name
    # the last layer's per-step hidden states are the stack's outputs; forward final = last step
    torch.testing.assert_close(states["hidden"][-1], outputs, atol=1e-5, rtol=0)
    torch.testing.assert_close(states["hidden"][-1, :, -1, :HIDDEN], final[:, :HIDDEN], atol=1e-5, rtol=0)
    if bidirectional:  # the backward direction ends at step 0
        torch.testing.assert_close(states["hidden"][-1, :, 0, HIDDEN:], final[:, HIDDEN:], atol=1e-5, rtol=0)


@pytest.mark.parametrize("cell, gates", [("rnn", 0), ("lstm", 3), ("gru", 2)])
def test_gates_are_named_and_in_unit_range(cell, gates):
    stack = RecurrentStack(cell, FEATURES, HIDDEN, 2, True).eval()
    with torch.no_grad():
        _, _, states = stack(torch.randn(BATCH, STEPS, FEATURES) * 3, return_states=True)
    gate_names = [name for name in states if name.endswith("gate")]
    assert len(gate_names) == gates and tuple(gate_names) == GATES[cell]
    assert ("cell" in states) == (cell == "lstm")
    for name in gate_names:
        assert 0.0 <= float(states[name].min()) and float(states[name].max()) <= 1.0, name
    assert float(states["hidden"].abs().max()) <= 1.0  # tanh-bounded for all three cells


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_classifier_logits_agree_and_count_is_exact(case):
    cell, bidirectional, layers = case
    shape, classes = (1, 6, 5), 3
    model = SequenceClassifier(shape, classes, cell, HIDDEN, layers, bidirectional, mean=0.3, std=0.2).eval()
    images = torch.rand(BATCH, *shape)
    with torch.no_grad():
        logits = model(images)
        step_logits, states = model(images, return_states=True)
    assert logits.shape == (BATCH, classes)
    torch.testing.assert_close(step_logits, logits, atol=1e-5, rtol=0)
    assert states["hidden"].shape == (layers, BATCH, 6, (2 if bidirectional else 1) * HIDDEN)
    real = sum(p.numel() for p in model.parameters())
    assert classifier_parameters(shape, classes, cell, HIDDEN, layers, bidirectional, "rows") == real
    assert recurrent_parameters(cell, 5, HIDDEN, layers, bidirectional) == sum(
        p.numel() for p in model.rnn.parameters())


@pytest.mark.parametrize("read, steps, features", [("rows", 6, 10), ("cols", 5, 12), ("pixels", 30, 2)])
def test_read_orders(read, steps, features):
    c, h, w = 2, 6, 5
    images = torch.rand(BATCH, c, h, w)
    sequence = image_to_sequence(images, read)
    assert sequence.shape == (BATCH, steps, features)
    assert sequence_length(h, w, c, read) == (steps, features)
    if read == "rows":  # step t is row t, channels interleaved per pixel
        torch.testing.assert_close(sequence[:, 2], images[:, :, 2].permute(0, 2, 1).reshape(BATCH, -1))
    if read == "cols":
        torch.testing.assert_close(sequence[:, 3], images[:, :, :, 3].permute(0, 2, 1).reshape(BATCH, -1))
    if read == "pixels":  # raster order: step t is pixel (t // w, t % w)
        torch.testing.assert_close(sequence[:, 7], images[:, :, 7 // w, 7 % w])
    model = SequenceClassifier((c, h, w), 4, "lstm", HIDDEN, read=read).eval()
    with torch.no_grad():
        logits, states = model(images, return_states=True)
    assert states["hidden"].shape == (1, BATCH, steps, HIDDEN)
    assert classifier_parameters((c, h, w), 4, "lstm", HIDDEN, 1, False, read) == sum(
        p.numel() for p in model.parameters())


def test_unknown_read_order_raises():
    with pytest.raises(ValueError, match="diagonal"):
        image_to_sequence(torch.rand(1, 1, 4, 4), "diagonal")


def test_task_parameter_count_matches_built_model(make_config):
    from engine.tasks import registry

    config = make_config(cell="lstm", hidden=7, layers=2, bidirectional=True, read="cols")
    task = registry.get("classify")
    info = {"image_shape": [1, 8, 8], "classes": 2, "read": "cols", "mean": 0.0, "std": 1.0}
    model = task.build_model(config, info)
    real = sum(p.numel() for p in model.parameters())
    assert task.parameter_count(config, info) == real
    assert registry.parameter_count(config, (1, 8, 8), 2) == real
