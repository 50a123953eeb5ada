"""Checkpoint integrity: checksums against flipped bits, every part a predictor reads checked on load,
finite weights only, and the temporary files of interrupted writes cleaned up."""
import io
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
import torch

from engine import checkpoint
from engine.config import RunConfig
from engine.errors import CheckpointError
from engine.models.classifier import SequenceClassifier
from engine.tasks import registry

INFO = {"task": "classify", "image_shape": [1, 8, 8], "classes": 3, "class_names": ["a", "b", "c"],
        "read": "rows", "mean": 0.2, "std": 0.3}
CONFIG = RunConfig(cell="lstm", hidden=8, layers=1, bidirectional=False).to_dict()
ROOT = Path(__file__).resolve().parents[2]


def weights(seed=0):
    torch.manual_seed(seed)
    return SequenceClassifier((1, 8, 8), 3, "lstm", 8, mean=0.2, std=0.3).state_dict()


def save(path, state=None, info=INFO, metrics=None):
    return checkpoint.save(path, state if state is not None else weights(), CONFIG, info, metrics or {"epoch": 1})


def same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):  # a state_dict is an OrderedDict before saving
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, torch.Tensor):
        return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    return a == b


def rewrite(path, change):
    """Load the raw payload, change it, write it back with torch.save (as another program might)."""
    payload = torch.load(path, weights_only=True)
    change(payload)
    torch.save(payload, path)
    return path


# ---- checksums ----

def tensor_region(data: bytes, name: str) -> range:
    """Byte offsets of one stored tensor's data inside the torch zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith(name))
    offset = info.header_offset  # the local header: 30 bytes, then the name and the extra field
    name_length, extra_length = struct.unpack("<HH", data[offset + 26: offset + 30])
    start = offset + 30 + name_length + extra_length
    return range(start, start + info.file_size)


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_flipped_bits_anywhere_are_refused_as_damaged(tmp_path):
    path = save(tmp_path / "model.ckpt")
    data = path.read_bytes()
    original = checkpoint.load(path)
    inside_a_tensor = tensor_region(data, "data/2")  # a weight matrix: torch.load reads these bytes blindly
    positions = sorted({*range(0, len(data), max(1, len(data) // 150)), *inside_a_tensor[::37]})
    damaged = tmp_path / "damaged.ckpt"
    refused = identical = 0
    for position in positions:
        flipped = bytearray(data)
        flipped[position] ^= 0x10
        damaged.write_bytes(bytes(flipped))
        try:
            payload = checkpoint.load(damaged)
        except CheckpointError as error:
            assert str(damaged) in error.message and "damaged" in error.message, (position, error.message)
            refused += 1
            continue
        # a byte torch.load never looks at (zip header fields, padding): the content is the original's
        assert same(payload, original), f"bit flipped at byte {position} loaded as a different checkpoint"
        identical += 1
    assert refused > len(positions) // 2 and identical < len(positions) // 2
    for position in inside_a_tensor[::29]:  # every flip inside tensor data is caught by the weights checksum
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        damaged.write_bytes(bytes(flipped))
        with pytest.raises(CheckpointError, match="weights do not match the checksum"):
            checkpoint.load(damaged)


def test_changed_weights_or_settings_are_refused(tmp_path):
    path = save(tmp_path / "model.ckpt")

    def nudge_weight(payload):
        name = sorted(payload["state_dict"])[2]
        payload["state_dict"][name].view(-1)[0] += 1e-6

    rewrite(path, nudge_weight)
    with pytest.raises(CheckpointError) as info:
        checkpoint.load(path)
    assert "damaged" in info.value.message and "weights" in info.value.message and str(path) in info.value.message
    path = save(tmp_path / "model.ckpt")
    rewrite(path, lambda payload: payload["info"].update(mean=0.21))  # evaluates silently wrong otherwise
    with pytest.raises(CheckpointError, match="settings .* do not match"):
        checkpoint.load(path)


def test_a_checkpoint_without_checksums_loads_unchecked(tmp_path):
    path = rewrite(save(tmp_path / "model.ckpt"), lambda payload: payload.pop("checksums"))  # as older versions
    payload = checkpoint.load(path, task="classify")
    assert same(payload["state_dict"], weights())


def test_the_checksum_covers_names_dtypes_shapes_and_bytes():
    state = weights()
    digest = checkpoint.weights_digest(state)
    assert digest == checkpoint.weights_digest(dict(reversed(list(state.items()))))  # order does not matter
    name = sorted(state)[1]
    for changed in ({**{k: v for k, v in state.items() if k != name}, name + "x": state[name]},  # a name
                    {**state, name: state[name].double()},  # a dtype
                    {**state, name: state[name].reshape(-1)},  # a shape, same bytes
                    {**state, name: state[name] + 0.5}):  # the bytes
        assert checkpoint.weights_digest(changed) != digest


# ---- every part a predictor needs ----

BROKEN_PARTS = [
    ("config", lambda p: p.pop("config"), "lacks its config"),
    ("info", lambda p: p.update(info=[1, 2]), "lacks its info"),
    ("metrics", lambda p: p.update(metrics=None), "lacks its metrics"),
    ("state_dict", lambda p: p.pop("state_dict"), "lacks its state_dict"),
    ("a weight", lambda p: p["state_dict"].update(extra=[1.0]), "not tensors or numbers \\(extra\\)"),
    ("a metric", lambda p: p["metrics"].update(epoch="one"), "not tensors or numbers \\(epoch\\)"),
    ("config values", lambda p: p["config"].update(hidden="big"), "config stored in .* cannot be used: .*hidden"),
    ("config keys", lambda p: p["config"].update(colour=1), "cannot be used: Unknown config key"),
    ("class names", lambda p: p["info"].pop("class_names"), "lacks its preprocessing .*class_names"),
    ("task", lambda p: p.update(task="juggle"), "task 'juggle', which this version does not know"),
    ("task type", lambda p: p.update(task=None), "task None"),
    ("format", lambda p: p.update(format="rnn-vision-lab/9"), "unknown checkpoint format 'rnn-vision-lab/9'"),
    ("unknown part", lambda p: p.update(extra=1), "parts this version does not know \\(extra\\)"),
]


@pytest.mark.parametrize("what,change,message", BROKEN_PARTS, ids=[b[0] for b in BROKEN_PARTS])
def test_a_missing_or_wrong_part_is_named(tmp_path, what, change, message):
    def unchecked(payload):  # like an older file (no checksums), so the part itself is what is checked
        payload.pop("checksums")
        change(payload)

    path = rewrite(save(tmp_path / "model.ckpt"), unchecked)
    with pytest.raises(CheckpointError, match=message) as info:
        checkpoint.load(path)
    assert str(path) in info.value.message and info.value.hint


@pytest.mark.parametrize("task,missing", [("edges", "train_size"), ("segment", "colours"), ("predict", "horizon"),
                                          ("video-classify", "label")])
def test_each_task_needs_its_own_preprocessing(tmp_path, task, missing):
    info = {key: 1 for key in registry.spec(task).checkpoint_info if key != missing}
    config = {"task": task, **({"cell": "convlstm"} if task == "predict" else {})}
    path = checkpoint.save(tmp_path / "model.ckpt", {}, config, {"task": task, **info}, {})
    with pytest.raises(CheckpointError, match=f"This '{task}' checkpoint .* lacks its preprocessing \\(no {missing} "):
        checkpoint.load(path)


def test_non_finite_weights_are_never_written_nor_loaded(tmp_path):
    state = weights()
    name = sorted(state)[3]
    for bad in (float("nan"), float("inf"), -float("inf")):
        broken = {**state, name: state[name].clone().fill_(bad)}
        with pytest.raises(CheckpointError, match=f"Not writing .*{name}.* not a finite number"):
            save(tmp_path / "model.ckpt", broken)
        assert not (tmp_path / "model.ckpt").exists() and not list(tmp_path.iterdir())
    path = save(tmp_path / "model.ckpt")
    rewrite(path, lambda p: (p.pop("checksums"), p["state_dict"][name].view(-1).__setitem__(0, float("nan"))))
    with pytest.raises(CheckpointError, match=f"not finite numbers .*{name}.*diverged") as info:
        checkpoint.load(path)
    assert "learning rate" in info.value.hint


# ---- temporary files of interrupted writes ----

def test_leftovers_of_interrupted_writes_are_removed_and_nothing_else(tmp_path):
    ours = [tmp_path / "model.ckpt.k3x_9q0a.tmp", tmp_path / "model.ckpt.zzzzzzzz.tmp"]
    others = [tmp_path / name for name in ("model.ckpt.backup.tmp", "model.ckpt.ABCDEFGH.tmp", "notes.tmp",
                                           "other.ckpt.k3x_9q0a.tmp", "model.ckpt.k3x_9q0a.tmp.keep")]
    for path in ours + others:
        path.write_bytes(b"x" * 1000)
    save(tmp_path / "model.ckpt")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["model.ckpt"] + [p.name for p in others])


@pytest.mark.skipif(checkpoint.fcntl is None, reason="file locks are Unix only")
def test_a_temporary_file_being_written_is_left_alone(tmp_path):
    busy = tmp_path / "model.ckpt.abcdefgh.tmp"
    with open(busy, "wb") as file:
        checkpoint.fcntl.flock(file.fileno(), checkpoint.fcntl.LOCK_EX)  # as a save in another process holds it
        assert checkpoint.remove_leftovers(tmp_path / "model.ckpt") == []
        assert busy.exists()
    assert checkpoint.remove_leftovers(tmp_path / "model.ckpt") == [busy]


KILLED_WRITER = textwrap.dedent("""
    import sys, time, torch
    sys.path.insert(0, {root!r})
    from engine import checkpoint

    def slow_save(payload, file, *args, **kwargs):
        file.write(b"half a checkpoint" * 1000)
        file.flush()
        print("writing", flush=True)
        time.sleep(60)

    torch.save = slow_save
    checkpoint.save({path!r}, {{"w": torch.ones(3)}}, {{"task": "classify"}}, {{"task": "classify"}}, {{}})
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_write_leaves_a_temporary_file_that_the_next_save_removes(tmp_path):
    target = tmp_path / "model.ckpt"
    names = []
    for _ in range(3):  # writers killed half-way, as a closed terminal or the OOM killer would
        script = KILLED_WRITER.format(root=str(ROOT), path=str(target))
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "writing"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        leftovers = list(tmp_path.glob("model.ckpt.*.tmp"))
        # each write removed the one killed before it: they never pile up
        assert len(leftovers) == 1 and leftovers[0].stat().st_size > 1000 and leftovers[0].name not in names
        names.append(leftovers[0].name)
    assert not target.exists()
    started = time.perf_counter()
    save(target)
    assert [p.name for p in tmp_path.iterdir()] == ["model.ckpt"]
    assert time.perf_counter() - started < 5
    checkpoint.load(target, task="classify")
