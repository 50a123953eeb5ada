"""A model too big for the memory it may use is refused with a message, as a user would see it: `main.py train`
in a subprocess under an address-space limit (prlimit --as, as `ulimit -v` gives)."""
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 8 * 1024 ** 3  # 8 GiB of address space: torch itself fits, 2.2 billion float32 weights (8.9 GB) do not
pytestmark = pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs prlimit (util-linux)")


def limited(*command, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(["prlimit", f"--as={LIMIT}", *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_hidden_4096_by_8_layers_is_refused_before_allocating():
    process = limited(sys.executable, "main.py", "train", "--task", "classify", "--data", "demo", "--hidden", "4096",
                      "--layers", "8", "--epochs", "1", "--threads", "1", "--device", "cpu")
    err = process.stderr
    assert process.returncode == 2, err[-3000:]
    assert "Traceback" not in err and "bug" not in err, err[-3000:]
    assert "error: Training this model (GRU, hidden 4096 x 8 layers: 2,215,460,874 parameters) with batch 64 " \
           "would need about" in err
    assert "hint: Use a smaller hidden size, fewer layers or a smaller batch." in err


ALLOCATION_FAILS = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    import engine.training as training
    from engine.config import RunConfig

    training.check_training_fits = lambda *args, **kwargs: None  # no estimate: the allocation itself fails
    result = training.Trainer(RunConfig(data="demo", hidden=4096, layers=8, epochs=1, threads=1, device="cpu")).run()
    print(result["reason"])
    print(result["message"])
    print(result["hint"])
""")


def test_an_allocation_that_fails_anyway_becomes_the_same_kind_of_message():
    process = limited(sys.executable, "-c", ALLOCATION_FAILS.format(root=str(ROOT)))
    assert process.returncode == 0, process.stderr[-3000:]
    reason, message, hint = process.stdout.strip().splitlines()[-3:]
    assert reason == "failed" and "Traceback" not in process.stderr
    assert message.startswith("Training (hidden 4096 x 8 layers, batch 64) ran out of memory")
    assert "can't allocate memory" in message and "bug" not in message + hint
    assert hint == "Use a smaller hidden size, fewer layers or a smaller batch."
