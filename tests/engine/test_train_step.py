"""engine.train_step: the one training step (the Trainer's and bench/throughput.py's) against a step written
out by hand, clipping, and which schedule steps where; and one meaning of threads=0 everywhere."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from engine import device as devices
from engine.config import RunConfig
from engine.errors import ConfigError
from engine.events import Started
from engine.inference import load_predictor
from engine.train_step import make_optimisation, train_step
from engine.training import Trainer

ROOT = Path(__file__).resolve().parents[2]
CPU = devices.resolve("cpu")


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))


def batch():
    generator = torch.Generator().manual_seed(1)
    return torch.randn(6, 3, generator=generator) * 10, torch.tensor([0, 1, 1, 0, 1, 0])


def test_a_step_is_forward_loss_backward_clip_and_the_optimiser():
    config = RunConfig(optimizer="sgd", lr=0.1, clip=0.5, schedule="none", epochs=1)
    ours, by_hand = tiny_model(), tiny_model()
    x, y = batch()
    loss_fn = torch.nn.functional.cross_entropy
    loss, output = train_step(ours, loss_fn, x, y, make_optimisation(config, ours, CPU, steps_per_epoch=1))
    optimizer = torch.optim.SGD(by_hand.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    expected = loss_fn(by_hand(x), y)
    expected.backward()
    torch.nn.utils.clip_grad_norm_(by_hand.parameters(), 0.5)
    optimizer.step()
    assert loss.item() == expected.item() and output.shape == (6, 2)
    for mine, theirs in zip(ours.parameters(), by_hand.parameters()):
        assert torch.equal(mine, theirs)
    assert torch.nn.utils.get_total_norm([p.grad for p in ours.parameters()]) <= 0.5 + 1e-6


def test_clip_zero_leaves_the_gradients_alone():
    config = RunConfig(optimizer="sgd", lr=0.1, clip=0.0, schedule="none", epochs=1)
    model = tiny_model()
    train_step(model, torch.nn.functional.cross_entropy, *batch(), make_optimisation(config, model, CPU, 1))
    assert torch.nn.utils.get_total_norm([p.grad for p in model.parameters()]) > 0.5  # as big as it came


def test_a_cosine_schedule_steps_with_each_step_and_a_step_schedule_with_each_epoch():
    model = tiny_model()
    cosine = make_optimisation(RunConfig(lr=0.1, schedule="cosine", epochs=2), model, CPU, steps_per_epoch=2)
    lrs = []
    for _ in range(3):
        train_step(model, torch.nn.functional.cross_entropy, *batch(), cosine)
        lrs.append(cosine.lr)
    assert lrs[0] > lrs[1] > lrs[2]
    cosine.end_epoch()
    assert cosine.lr == lrs[2]  # a per-step schedule does not step again at an epoch's end
    stepped = make_optimisation(RunConfig(lr=0.1, schedule="step", epochs=3), model, CPU, steps_per_epoch=2)
    train_step(model, torch.nn.functional.cross_entropy, *batch(), stepped)
    assert stepped.lr == 0.1
    stepped.end_epoch()  # milestone after epoch 3 // 3 = 1
    assert stepped.lr == pytest.approx(0.01)


def test_the_benchmark_still_prints_its_one_json_line():
    process = subprocess.run([sys.executable, "bench/throughput.py", "--data", "demo", "--limit", "64",
                              "--repeats", "1", "--hidden", "8", "--threads", "1"], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-2000:]
    result = json.loads(process.stdout.strip().splitlines()[-1])
    assert set(result) == {"trainer_samples_per_s", "bare_samples_per_s", "ratio", "device", "model", "data",
                           "threads"}
    assert result["threads"] == 1 and result["bare_samples_per_s"] > 0 and result["trainer_samples_per_s"] > 0


# ---- threads = 0 ----

@pytest.fixture(autouse=True)
def keep_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_zero_threads_means_the_cores_less_one():
    cores = os.cpu_count() or 1
    assert devices.set_threads(0) == devices.default_threads() == torch.get_num_threads() == max(1, cores - 1)
    policy = devices.resolve("cpu", 0)
    threads = devices.default_threads()
    assert f"CPU ({threads} thread{'s' if threads != 1 else ''})" in policy.description


def test_more_threads_than_cores_are_capped_and_said():
    cores = os.cpu_count() or 1
    assert devices.set_threads(100_000) == cores == torch.get_num_threads()
    assert f"asked for 100,000, capped at the {cores} core" in devices.resolve("cpu", 100_000).description


@pytest.mark.parametrize("threads", [-1, -100_000])
def test_negative_threads_are_refused(threads):
    with pytest.raises(ConfigError) as info:
        devices.set_threads(threads)
    assert f"{threads} CPU threads is not a thread count" in info.value.message and "0" in info.value.hint


def test_resolving_a_device_alone_leaves_the_threads_as_they_are():
    torch.set_num_threads(1)
    devices.resolve("cpu")
    devices.describe("auto")
    assert torch.get_num_threads() == 1


def test_training_and_a_loaded_model_mean_the_same_by_zero(make_config, tmp_path):
    automatic = devices.default_threads()
    other = 2 if automatic == 1 else 1  # a count that 0 must not leave in place
    events = []
    torch.set_num_threads(other)
    assert Trainer(make_config(epochs=1, threads=0, out=str(tmp_path)), events.append).run()["reason"] == "done"
    assert torch.get_num_threads() == automatic
    assert f"CPU ({automatic} thread" in next(e for e in events if isinstance(e, Started)).device
    torch.set_num_threads(other)
    load_predictor(tmp_path / "model.ckpt", device="cpu", threads=0)
    assert torch.get_num_threads() == automatic
