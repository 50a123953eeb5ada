"""How a data-parallel run splits a global batch (engine/distributed.py), without starting any process group: the
ranks' shares are the batch's strided parts (DistributedSampler's semantics), and their weighted losses,
averaged over the ranks as DistributedDataParallel averages gradients, are the global batch's mean loss."""
import pytest
import torch

from engine import distributed
from engine.config import RunConfig
from engine.distributed import SOLO, World
from engine.errors import ConfigError
from engine.rank_loss import RankStopped, is_rank_failure, lost_rank


def mse(output, target):
    return ((output - target) ** 2).mean()


@pytest.mark.parametrize("batch,size", [(64, 2), (33, 2), (10, 3), (7, 4)])
def test_shares_cover_the_batch_and_their_losses_average_to_its_mean(batch, size):
    index = torch.randperm(100, generator=torch.Generator().manual_seed(batch))[:batch]
    outputs, targets = torch.randn(100), torch.randn(100)
    shares = [World(rank, size, rank, size, "gloo").share(index) for rank in range(size)]
    assert sorted(torch.cat([s.index for s in shares]).tolist()) == sorted(index.tolist())
    assert [s.index.tolist() for s in shares] == [index[r::size].tolist() for r in range(size)]
    averaged = sum(s.loss_fn(mse)(outputs[s.index], targets[s.index]) for s in shares) / size
    assert torch.allclose(averaged, mse(outputs[index], targets[index]), atol=1e-6)


def test_a_rank_left_without_a_sample_trains_on_a_stand_in_that_counts_nothing():
    index = torch.tensor([5, 9])
    share = World(2, 3, 2, 3, "gloo").share(index)  # the epoch's last batch has 2 samples for 3 ranks
    assert share.weight == 0.0 and share.index.tolist() == [5]
    loss = share.loss_fn(mse)(torch.ones(1), torch.zeros(1))
    assert float(loss) == 0.0
    raw, count, stats = share.counted(loss, {"correct": torch.tensor(1)})
    assert count == 0 and float(raw) == 0.0 and int(stats["correct"]) == 0


def test_one_process_runs_exactly_as_before():
    index = torch.arange(10)
    share = SOLO.share(index)
    assert share.index is index and share.loss_fn(mse) is mse
    loss = torch.tensor(0.5)
    stats = {"correct": 3}
    assert share.counted(loss, stats) == (loss, 10, stats)
    model = torch.nn.Linear(2, 2)
    assert SOLO.wrap(model) is model and SOLO.from_main(lambda: 7) == 7
    assert distributed.current() is SOLO  # nothing started a process group here


def test_a_batch_smaller_than_the_ranks_is_refused_and_the_split_is_said():
    world = World(0, 4, 0, 4, "gloo")
    with pytest.raises(ConfigError, match="batch of 3 cannot be split over 4"):
        world.resolve_device(RunConfig(batch=3, device="cpu", threads=1))
    policy = world.resolve_device(RunConfig(batch=66, device="cpu", threads=1))
    assert policy.description.endswith("4 processes (gloo), batch 66 = 16-17 per process")


def test_only_a_lost_peer_is_a_lost_rank(monkeypatch):
    assert is_rank_failure(RuntimeError("[gloo/transport/tcp/pair.cc:553] Connection closed by peer [127.0.0.1]"))
    assert is_rank_failure(RankStopped("SIGTERM"))
    assert not is_rank_failure(RuntimeError("mat1 and mat2 shapes cannot be multiplied"))
    world = World(0, 2, 0, 2, "gloo")
    import socket

    world.peers = [{"rank": 0, "host": socket.gethostname(), "pid": 1},
                   {"rank": 1, "host": socket.gethostname(), "pid": 2**22 + 12345}]  # no such process
    error = lost_rank(world, RuntimeError("gloo: Connection reset by peer"), "at epoch 3, step 7")
    assert error.message == f"Lost rank 1 (pid {2**22 + 12345} on {socket.gethostname()}) at epoch 3, step 7: " \
                            "rank 0 stopped too."
    assert "--resume" in error.hint
    assert lost_rank(world, ValueError("not a collective")) is None


def test_the_collective_timeout_is_checked(monkeypatch):
    assert distributed.timeout_s({}) == distributed.DEFAULT_TIMEOUT_S
    assert distributed.timeout_s({distributed.TIMEOUT_ENV: "90"}) == 90.0
    with pytest.raises(ConfigError, match="not a timeout"):
        distributed.timeout_s({distributed.TIMEOUT_ENV: "soon"})
