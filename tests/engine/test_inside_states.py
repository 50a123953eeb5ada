"""The Inside tab's states for every task (issue 13, part 6): the ReNet sweeps of edges / segment as maps
("sweeps"), a frame predictor's layer states per frame ("frame_states"), a clip classifier's per-frame states
("hidden" with its frames); the gradient through time along a sweep and over a predictor's frames; a loaded
model's states of one sample of the window's data (capability "inside"); the captions' words for what is measured.
"""
import numpy as np
import pytest
import torch

from engine import checkpoint
from engine.config import RunConfig
from engine.gradients import grad_norms_through_time, stack_source, sweep_grad_norms
from engine.models.renet import ReNet, ReNetLayer
from engine.state_maps import MAX_CHANNELS, state_maps
from engine.sweep_states import forward_with_sweeps, sweeps_snapshot
from engine.tasks import registry


def tiny(task: str, **changes) -> RunConfig:
    values = {"edges": dict(data="shapes:24", cell="gru", hidden=6, layers=1, batch=4,
                            options={"scale": 0.5, "width": 4, "test_scales": [1.0], "bench_thresholds": 3}),
              "segment": dict(data="shapes:24?size=32", cell="lstm", hidden=6, layers=2, batch=4, options={"width": 4}),
              "predict": dict(data="moving:24", cell="convlstm", hidden=6, layers=2, batch=4,
                              options={"context": 3, "horizon": 2}),
              "video-classify": dict(data="moving:40", cell="gru", hidden=6, layers=2, batch=4)}[task]
    return RunConfig(**{"task": task, "epochs": 1, "device": "cpu", "threads": 1, "augment": False, **values,
                        **changes})


@pytest.fixture(scope="module")
def prepared():
    """Each task's prepared data and a fresh model (no training: the states' shapes and meaning do not need it)."""
    made = {}
    for name in ("edges", "segment", "predict", "video-classify"):
        torch.manual_seed(0)
        config = tiny(name)
        task = registry.spec(name).load_task()
        data = task.prepare(config)
        made[name] = (config, task, data, task.build_model(config, data.info))
    return made


# ---- the sweeps ----

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_a_direction_has_read_only_what_lies_behind_it(cell):
    """left→right at grid column j has read columns 0..j of its input; top→bottom at row i has read rows 0..i of
    the row sweep's output; changing the input's last column changes no left→right state before it."""
    torch.manual_seed(0)
    layer = ReNetLayer(3, 5, cell).eval().requires_grad_(False)
    x = torch.rand(1, 3, 6, 7)
    out, maps = layer.sweep_states(x)
    assert torch.allclose(out, layer(x), atol=1e-5)  # stepped in Python = the fused module
    changed = x.clone()
    changed[..., -1] += 1
    _, again = layer.sweep_states(changed)
    before = maps["left→right"]["hidden"]
    assert torch.equal(before[..., :-1], again["left→right"]["hidden"][..., :-1])
    assert not torch.equal(before[..., -1], again["left→right"]["hidden"][..., -1])
    assert not torch.equal(maps["right→left"]["hidden"][..., 0], again["right→left"]["hidden"][..., 0])
    changed = x.clone()
    changed[..., -1, :] += 1  # the last image row: the top→bottom sweep reaches it last
    _, again = layer.sweep_states(changed)
    assert torch.equal(maps["top→bottom"]["hidden"][..., :-1, :], again["top→bottom"]["hidden"][..., :-1, :])
    for states in maps.values():
        assert list(states)[0] == "hidden" and all(v.shape == (1, 5, 6, 7) for v in states.values())
        for name, value in states.items():
            if name.endswith("gate"):
                assert 0 <= float(value.min()) and float(value.max()) <= 1


def test_a_one_way_renet_has_two_directions_and_layers_stack():
    net = ReNet(3, 4, layers=2, cell="gru", patch=[2, 1], bidirectional=False).eval()
    x = torch.rand(1, 3, 9, 8)
    out, layers = net.sweep_states(x)
    assert torch.allclose(out, net(x), atol=1e-5)
    assert [list(maps) for maps in layers] == [["left→right", "top→bottom"]] * 2
    assert layers[0]["left→right"]["hidden"].shape == (1, 4, 5, 4)  # 2 x 2 patches of a padded 10 x 8 map


def test_state_maps_keep_sixteen_channels_a_summary_of_all_and_pool_a_large_grid():
    hidden = torch.rand(1, 40, 130, 70) * 2 - 1
    gate = torch.rand(1, 40, 130, 70)
    values, summaries, block = state_maps({"hidden": hidden, "update gate": gate})
    assert block == 3 and values.shape == (2, 1, MAX_CHANNELS, 44, 24) and summaries.shape == (2, 1, 44, 24)
    rms = hidden.pow(2).mean(1).sqrt()[0, :3, :3].mean()  # the first block of 3 x 3 positions
    assert summaries[0, 0, 0, 0] == pytest.approx(float(rms), rel=1e-5)
    assert summaries[1, 0, 0, 0] == pytest.approx(float(gate.mean(1)[0, :3, :3].mean()), rel=1e-5)


@pytest.mark.parametrize("name", ["edges", "segment"])
def test_the_probe_sends_its_picture_and_the_sweeps_of_the_same_image(prepared, name):
    config, task, data, model = prepared[name]
    shots = task.probe(model, data, 1, "cpu")
    assert [s.kind for s in shots] == [registry.spec(name).snapshots[0], "sweeps"]
    picture, sweeps = shots
    assert np.array_equal(picture.arrays["image"], sweeps.arrays["image"])
    meta = sweeps.meta
    assert meta["index"] == 1 and meta["layers"] == config.layers and meta["channels"] == config.hidden
    directions = ["left→right", "right→left", "top→bottom", "bottom→top"]
    assert [s["direction"] for s in meta["sweeps"]] == directions * config.layers
    gru = ["reset gate", "update gate"]
    gates = gru if config.cell == "gru" else ["cell", "input gate", "forget gate", "output gate"]
    h, w = sweeps.arrays["image"].shape[:2]
    for sweep in meta["sweeps"]:
        assert sweep["states"] == ["hidden"] + gates
        assert sweep["axis"] == ("x" if sweep["direction"] in directions[:2] else "y")
        assert sweep["reverse"] == (sweep["direction"] in ("right→left", "bottom→top"))
        maps, summary = sweeps.arrays[sweep["key"]], sweeps.arrays[sweep["key"] + " summary"]
        assert maps.shape[:2] == (len(sweep["states"]), config.hidden)
        assert summary.shape == (maps.shape[0], *maps.shape[2:])
        assert maps.shape[2] == meta["grid"][0] and h / maps.shape[2] == pytest.approx(4, abs=0.5)
    assert "whole row" in meta["sweeps"][2]["reads"]  # the column sweep reads the row sweep's output
    if config.layers > 1:
        assert "whole image" in meta["sweeps"][4]["reads"]  # layer 2 reads layer 1's output


def test_the_sweeps_of_a_bigger_net_are_cut_to_what_the_window_shows():
    from engine.models.edge_net import EdgeReNet

    model = EdgeReNet("lstm", hidden=24, width=4)
    _, layers = forward_with_sweeps(model, torch.rand(1, 3, 300, 200))
    shot = sweeps_snapshot(layers, np.zeros((300, 200, 3), np.float32), "lstm", {})
    assert shot.meta["grid"] == [75, 50] and shot.meta["block"] == 2 and shot.meta["shown_channels"] == MAX_CHANNELS
    assert shot.arrays["layer 1 left→right"].shape == (5, MAX_CHANNELS, 38, 25)


# ---- gradients along a sweep and over frames ----

def test_the_sweep_gradient_is_the_end_signal_carried_back_up_the_columns(prepared):
    """Checked against torch's own GRU: the top→bottom direction from row t on, started from h_t, gives the last
    row's state; its gradient with the loss's gradient at the last row is what the curve has at row t."""
    _, task, data, model = prepared["edges"]
    x, y = data.train[0][:2], data.train[1][:2]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    norms = sweep_grad_norms(model, x, y, task.loss)
    _, layers = forward_with_sweeps(model, x)
    rows = layers[-1]["top→bottom"]["hidden"].shape[2]
    assert norms.shape == (rows,) and np.isfinite(norms).all() and (norms > 0).all()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())
    layer = model.renet.layers[-1]
    seen = {}
    handle = layer.cols.register_forward_hook(lambda m, a, o: seen.update(x=a[0], y=o[0]))
    model.eval()
    end = torch.autograd.grad(task.loss(model(x), y), seen["y"])[0][:, -1, :layer.hidden].detach()
    handle.remove()
    forward = torch.nn.GRU(layer.cols.input_size, layer.hidden, batch_first=True)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(forward, name + "_l0").data.copy_(getattr(layer.cols, name + "_l0"))
    sequences = seen["x"].detach()
    for t in (0, rows // 2):
        with torch.no_grad():
            h_t = forward(sequences[:, :t + 1])[1]
        start = h_t.clone().requires_grad_(True)
        final = forward(sequences[:, t + 1:], start)[1][0] if t + 1 < rows else start[0]
        (grad,) = torch.autograd.grad((final * end).sum(), start)
        expected = grad[0].reshape(2, -1).norm(dim=1).mean()
        assert norms[t] == pytest.approx(float(expected), rel=1e-3)


def test_frame_gradients_one_per_frame_read_and_the_model_untouched(prepared):
    _, task, data, model = prepared["predict"]
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    norms = task.grad_norms(model, data.train[0][:3], data.train[1][:3])
    assert norms.shape == (4,) and np.isfinite(norms).all() and (norms > 0).all()  # 5 frames: 4 steps read
    assert model.training and model.stack.kept_steps is None
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    # the last step's state feeds only the last prediction: its gradient is the loss's through the decoder
    x = data.train[0][:3].float() / 255
    kept = []
    model.stack.kept_steps = kept
    model.eval()
    loss = task.loss(model(x), data.train[1][:3])
    model.stack.kept_steps = None
    (grad,) = torch.autograd.grad(loss, kept[-1])
    assert norms[-1] == pytest.approx(float(grad.reshape(3, -1).norm(dim=1).mean()), rel=1e-3)
    model.train()


def test_the_captions_say_which_layer_and_direction_is_measured(prepared):
    assert stack_source(1, False, "rows") == "the recurrent layer"
    words = stack_source(2, True, "rows")
    assert "last of 2" in words and "forward direction only" in words and "backward direction is not measured" in words
    assert "top→bottom" in prepared["edges"][1].grad_source(prepared["edges"][0])
    assert "top ConvLSTM layer's (layer 2)" in prepared["predict"][1].grad_source(prepared["predict"][0])
    assert prepared["video-classify"][1].grad_source(prepared["video-classify"][0]) == "the last of 2 recurrent layers"


def test_classify_gradients_still_measure_the_forward_direction():
    from engine.models.classifier import SequenceClassifier

    model = SequenceClassifier((1, 6, 5), 3, "gru", 4, bidirectional=True)
    norms = grad_norms_through_time(model, model.rnn, torch.rand(3, 1, 6, 5), torch.tensor([0, 1, 2]),
                                    torch.nn.functional.cross_entropy)
    assert norms.shape == (6,)


# ---- frames and clips ----

def test_a_frame_predictor_sends_every_layers_states_at_every_frame(prepared):
    config, task, data, model = prepared["predict"]
    frames, states = task.probe(model, data, 1, "cpu")
    assert frames.kind == "frames" and states.kind == "frame_states"
    a, meta = states.arrays, states.meta
    assert meta["states"] == ["hidden", "cell", "input gate", "forget gate", "output gate"]
    assert meta["layers"] == 2 and meta["context"] == 3 and meta["patch"] == 4
    assert a["frames"].shape == a["predicted"].shape == a["truth"].shape == (4, 64, 64)
    assert meta["index"] == 1
    sequence = data.test[0][1].float().numpy()[:, 0] / 255  # (5, 64, 64)
    np.testing.assert_allclose(a["frames"][:3], sequence[:3], atol=1e-6)  # the context is read as it is
    np.testing.assert_allclose(a["truth"], sequence[1:], atol=1e-6)
    np.testing.assert_allclose(a["frames"][3], a["predicted"][2], atol=1e-6)  # then its own last frame
    np.testing.assert_allclose(a["predicted"][2:], frames.arrays["prediction"], atol=1e-6)
    for layer in (1, 2):
        maps, summary = a[f"layer {layer}"], a[f"layer {layer} summary"]
        assert maps.shape == (5, 4, config.hidden, 16, 16) and summary.shape == (5, 4, 16, 16)
        assert 0 <= maps[2:].min() and maps[2:].max() <= 1  # gates
    np.testing.assert_allclose(a["layer 2"][0, -1], frames.arrays["state"], atol=1e-6)  # the top state at the end


def test_a_clip_classifier_sends_its_states_per_frame_with_the_frames(prepared):
    config, task, data, model = prepared["video-classify"]
    shot = task.probe(model, data, 3, "cpu")
    assert shot.kind == "hidden" and shot.meta["read"] == "frames" and shot.meta["layer"] == 2
    assert shot.meta["states"] == ["hidden", "reset gate", "update gate"]
    frames = shot.arrays["frames"]
    assert frames.shape == (10, 64, 64, 1) and np.array_equal(shot.arrays["image"], frames[0])
    assert shot.arrays["hidden"].shape == (10, config.hidden)
    assert shot.meta["label"] in shot.meta["class_names"] and shot.meta["prediction"] in shot.meta["class_names"]


# ---- a loaded model on the window's data ----

@pytest.mark.parametrize("name,kind", [("edges", "sweeps"), ("segment", "sweeps"), ("predict", "frame_states"),
                                       ("video-classify", "hidden")])
def test_a_loaded_model_gives_the_states_of_a_sample_of_the_loaded_data(prepared, tmp_path, name, kind):
    config, task, data, model = prepared[name]
    spec = registry.spec(name)
    path = checkpoint.save(tmp_path / "model.ckpt", model.state_dict(), config.to_dict(), data.info, {})
    predictor = spec.predictor_class().from_checkpoint(path, device="cpu")
    assert "inside" in predictor.capabilities
    window_data, _ = spec.window_reader().read(config.data, None, None)
    if name == "predict":  # the window reads the task's default lengths: the run's are shorter
        from engine.tasks.predict.window import splits_for_run
        from engine.data.window_data import WindowData

        window_data = splits_for_run(WindowData(config.data, "moving", name, window_data, None, (name,)),
                                     config.options)
    shots = predictor.inside(window_data, 1)
    assert [s.kind for s in shots] == [kind] and shots[0].meta["index"] == 1
    if kind == "sweeps":
        assert shots[0].arrays["image"].shape[:2] == tuple(data.info["train_size"])
