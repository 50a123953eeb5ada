"""Data-parallel training with torch.distributed: one run trained by N processes started by torchrun.

`torchrun --nproc-per-node N main.py train ...` (or a multi-node torchrun with its c10d rendezvous) starts N
copies of `train`; start() joins them into one process group (NCCL for CUDA tensors, gloo for CPU ones, with
a timeout on every collective) and the Trainer asks the World returned by current() at a few moments:

- every rank draws the same global permutation of the training data each epoch (the one-process run's: the
  same seeded generator) and takes its share of each global batch: the batch's samples r, r + N, r + 2N, ...
  (DistributedSampler's semantics: over an epoch, rank r reads the permutation's every N-th sample). The
  global batch is the user's --batch: 64 on 2 processes is 32 per process. A batch that N does not divide
  is split as evenly as it goes (33 and 32), and each rank's loss is weighted by its share, so the gradient
  DistributedDataParallel averages is exactly the mean over the global batch; a rank left without a sample
  (the epoch's last, short batch) trains on one sample with weight 0.
- the train metrics' sums (loss x samples, the task's batch statistics, samples) are all-reduced at every log
  point; validation and test run on rank 0 with the whole split (so every task's metrics are exactly the
  one-process ones) and rank 0 hands the validation figures to every rank, so all ranks choose the same best
  epoch, stop early together and see the same divergence.
- only rank 0 writes the run folder (config, journal, metrics.csv, checkpoints) and sends events.
- a rank that dies ends the others with a message naming it (engine/rank_loss.py).

One process (no torchrun) gets SOLO, whose every answer leaves the run exactly as it was.
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, replace

from engine.errors import ConfigError, UserError

TIMEOUT_ENV = "RNN_VISION_LAB_DIST_TIMEOUT_S"
# how long a collective waits for the other ranks: longer than rank 0's validation of one epoch (the others
# wait for its figures), short enough that a hung rank ends the run the same hour
DEFAULT_TIMEOUT_S = 600.0


class MainRankFailed(UserError):
    """Rank 0 failed at a step the other ranks waited for; it says why, the others stay quiet."""


@dataclass
class Share:
    """This rank's part of a global training batch: the samples' indices and the weight of its mean loss."""

    index: object  # a LongTensor of sample indices
    weight: float = 1.0  # N x local / global samples; 0: a stand-in sample that must not count
    raw: object = None  # the unweighted loss, once computed

    def loss_fn(self, loss_fn):
        """`loss_fn` weighted by this share (itself when the weight is 1: the one-process path is untouched)."""
        if self.weight == 1.0:
            return loss_fn

        def weighted(output, target):
            self.raw = loss_fn(output, target)
            return self.raw * self.weight
        return weighted

    def counted(self, loss, stats: dict) -> tuple:
        """TrainMeter.add's arguments: the unweighted loss, the samples that count and the batch statistics."""
        if self.weight == 1.0:
            return loss, len(self.index), stats
        if self.weight == 0.0:  # a stand-in: every rank must add the same keys, so zeros, not nothing
            return self.raw.detach() * 0, 0, {key: value * 0 for key, value in stats.items()}
        return self.raw.detach(), len(self.index), stats


class Solo:
    """One process: every method answers as if there were no other rank."""

    rank, size, local_rank, local_size = 0, 1, 0, 1
    is_main, distributed = True, False
    backend = ""
    peers: list[dict] = []

    def resolve_device(self, cfg):
        from engine import device as devices

        return devices.resolve(cfg.device, cfg.threads)

    def share(self, index) -> Share:
        return Share(index)

    def wrap(self, model):
        return model

    def seed_epoch(self, seed: int, epoch: int) -> None:
        pass

    def reduce_point(self, meter) -> None:
        pass

    def from_main(self, work):
        return work()

    def keep_handlers(self, handlers: list) -> list:
        return handlers

    def explain(self, error: BaseException, where: str = "") -> UserError | None:
        return None

    def finish(self) -> None:
        pass


SOLO = Solo()
_world: Solo = SOLO


def current() -> Solo:
    """The World of this process: SOLO unless start() joined a torchrun process group."""
    return _world


def launched_by_torchrun(env=None) -> bool:
    env = os.environ if env is None else env
    return all(name in env for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"))


def timeout_s(env=None) -> float:
    env = os.environ if env is None else env
    text = env.get(TIMEOUT_ENV, "")
    try:
        value = float(text) if text else DEFAULT_TIMEOUT_S
    except ValueError:
        value = -1.0
    if not 1.0 <= value <= 86_400.0:
        raise ConfigError(f"{TIMEOUT_ENV}={text!r} is not a timeout in seconds.",
                          f"Give 1 to 86400 seconds, or leave it unset ({DEFAULT_TIMEOUT_S:.0f} s).")
    return value


def start() -> Solo:
    """Join torchrun's process group when this process was started by torchrun (its RANK, WORLD_SIZE, ...);
    otherwise SOLO. Called once, by `train`, before anything else of the run."""
    global _world
    if not launched_by_torchrun() or _world.distributed:
        return _world
    import torch
    import torch.distributed as dist

    from engine.rank_loss import install_stop_signal, peer_table

    local_rank = int(os.environ["LOCAL_RANK"])
    cuda = torch.cuda.is_available() and dist.is_nccl_available() and local_rank < torch.cuda.device_count()
    if cuda:
        torch.cuda.set_device(local_rank)
    backend = "cpu:gloo,cuda:nccl" if cuda else "gloo"  # each tensor's collectives on its device's backend
    dist.init_process_group(backend, timeout=datetime.timedelta(seconds=timeout_s()))
    world = World(dist.get_rank(), dist.get_world_size(), local_rank,
                  int(os.environ.get("LOCAL_WORLD_SIZE", dist.get_world_size())), backend)
    world.peers = peer_table(world)
    install_stop_signal()
    _world = world
    return world


class World(Solo):
    """This process as rank `rank` of `size` (torch.distributed is initialised)."""

    distributed = True

    def __init__(self, rank: int, size: int, local_rank: int, local_size: int, backend: str):
        self.rank, self.size, self.local_rank, self.local_size = rank, size, local_rank, local_size
        self.is_main = rank == 0
        self.backend = backend
        self.peers = []  # [{"rank", "host", "pid"}] of every rank (engine/rank_loss.py)
        self.digests: list[str] = []  # every rank's weights' checksum at the end of training (RankAgreement)
        self.ranks_agree: bool | None = None

    def resolve_device(self, cfg):
        """The config's device on this rank: CUDA means this rank's own GPU (LOCAL_RANK); threads left on 0
        share the machine's cores between the ranks on it. The description says how the batch is split."""
        from engine import device as devices

        name = (cfg.device or "auto").strip().lower()
        if "nccl" in self.backend and name in ("auto", "cuda") or name.startswith("cuda"):
            name = f"cuda:{self.local_rank}"
        elif name == "auto":
            name = "cpu"  # no NCCL here: the ranks' GPUs (if any) are not theirs to share
        threads = cfg.threads or max(1, (os.cpu_count() or 1) // self.local_size)
        policy = devices.resolve(name, threads)
        if cfg.batch < self.size:
            raise ConfigError(f"A batch of {cfg.batch} cannot be split over {self.size} processes.",
                              f"Give --batch {self.size} or more (the batch is the global one, split between "
                              "the processes).")
        low, high = cfg.batch // self.size, -(-cfg.batch // self.size)
        split = f"{low}" if low == high else f"{low}-{high}"
        backend = "nccl" if policy.device.type == "cuda" else "gloo"
        return replace(policy, description=f"{policy.description}; {self.size} processes ({backend}), "
                                           f"batch {cfg.batch} = {split} per process")

    def share(self, index) -> Share:
        mine = index[self.rank::self.size]
        if len(mine) == 0:
            return Share(index[:1], 0.0)
        return Share(mine, self.size * len(mine) / len(index))

    def wrap(self, model):
        from torch.nn.parallel import DistributedDataParallel

        device = next(model.parameters()).device
        return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)

    def seed_epoch(self, seed: int, epoch: int) -> None:
        """Ranks after the first draw their own augmentations and dropout: a stream of (seed, rank, epoch),
        so a resumed run repeats them (rank 0 keeps the stream its last.ckpt saves)."""
        if self.rank:
            from engine.train_step import seed_everything

            seed_everything((seed * 1_000_003 + self.rank * 7_919 + epoch) % 2**32)

    def reduce_point(self, meter) -> None:
        """Sum every rank's sums of this log point (loss x samples, samples, the task's statistics)."""
        import torch
        import torch.distributed as dist

        keys = sorted(meter.sums)
        device = meter.loss_sum.device
        parts = [meter.loss_sum.detach().double().reshape(1), torch.tensor([float(meter.seen)], device=device,
                                                                            dtype=torch.float64)]
        parts += [torch.as_tensor(meter.sums[k], device=device).double().reshape(1) for k in keys]
        values = torch.cat(parts)
        dist.all_reduce(values)
        meter.loss_sum, meter.seen = values[0], int(round(float(values[1])))
        meter.sums = {k: values[i + 2] for i, k in enumerate(keys)}

    def from_main(self, work):
        """work() on rank 0, its result handed to every rank; when it raises there, rank 0 raises it and the
        others raise MainRankFailed (they wait for rank 0's answer, so a failure must reach them too)."""
        import torch
        import torch.distributed as dist

        box = [None]
        if self.is_main:
            try:
                box[0] = ("ok", work())
            except BaseException as error:
                box[0] = ("failed", f"{type(error).__name__}: {error}")
                dist.broadcast_object_list(box, src=0, device=torch.device("cpu"))
                raise
        dist.broadcast_object_list(box, src=0, device=torch.device("cpu"))
        state, value = box[0]
        if state != "ok":
            raise MainRankFailed(f"Rank 0 failed: {value}", "Rank 0's own message says what to do.")
        return value

    def keep_handlers(self, handlers: list) -> list:
        """Ranks after the first keep the handlers that decide (the divergence guard, early stopping, the best
        weights) and drop those that only report or write, which are rank 0's; every rank checks that its
        weights are every other rank's at the end of training."""
        from engine.rank_loss import RankAgreement
        from engine.train_handlers.checkpointing import Checkpointing
        from engine.train_handlers.divergence import DivergenceGuard
        from engine.train_handlers.early_stopping import EarlyStopping

        agreement = RankAgreement(self)
        if self.is_main:
            return [agreement, *handlers]
        return [agreement, *(h for h in handlers if isinstance(h, (DivergenceGuard, Checkpointing, EarlyStopping)))]

    def explain(self, error: BaseException, where: str = "") -> UserError | None:
        from engine.rank_loss import lost_rank

        return lost_rank(self, error, where)

    def finish(self) -> None:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()
