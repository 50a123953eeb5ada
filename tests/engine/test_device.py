"""Device choice: the CPU always works and says why no GPU was used; impossible requests fail clearly."""
import pytest
import torch

from engine import device as devices
from engine.errors import ConfigError

NO_GPU = not torch.cuda.is_available() and not devices._mps_available()


def test_cpu_resolves_and_describes_itself():
    policy = devices.resolve("cpu")
    assert policy.device == torch.device("cpu")
    assert not policy.amp and not policy.pin_memory
    assert "CPU" in policy.description and torch.__version__ in policy.description
    if NO_GPU:
        reason = devices.why_no_gpu()
        assert reason and reason in policy.description and "no GPU" in policy.description


def test_auto_falls_back_to_cpu_without_gpu():
    if not NO_GPU:
        pytest.skip("a GPU is available here")
    assert devices.resolve("auto").device.type == "cpu"
    assert devices.resolve("  AUTO ").device.type == "cpu"
    assert devices.available() == ["auto", "cpu"]


def test_missing_cuda_device_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ConfigError) as info:
        devices.resolve("cuda:7")
    assert "cuda:7" in info.value.message and "no CUDA device" in info.value.message
    assert "cpu" in info.value.hint
    assert "cuda:7" in devices.describe("cuda:7")  # the status bar gets the message, not an exception


def test_cuda_index_beyond_the_devices():
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    count = torch.cuda.device_count()
    with pytest.raises(ConfigError, match="does not exist"):
        devices.resolve(f"cuda:{count}")


@pytest.mark.parametrize("name, text", [("tpu", "Unknown device 'tpu'"), ("gpu0", "Unknown device 'gpu0'"),
                                        ("cuda:x", "Bad device 'cuda:x'")])
def test_unknown_names(name, text):
    with pytest.raises(ConfigError, match=text) as info:
        devices.resolve(name)
    assert "cuda" in info.value.hint  # says what to write instead


def test_default_threads_leaves_a_core():
    assert 1 <= devices.default_threads() <= max(1, __import__("os").cpu_count() or 1)
