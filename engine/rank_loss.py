"""When a rank of a data-parallel run is lost: the others stop with a message naming it, and the run folder
reads as interrupted (engine/distributed.py starts the ranks).

Each rank learns every rank's host and pid when the group forms (peer_table; rank 0 writes them into
run.json's "ranks"). A rank that dies shows in two ways, both of torch.distributed's or torchrun's own
making: the next collective of the others fails (gloo: "Connection closed by peer"; NCCL's error; or the
group's timeout for a rank that hangs), or torchrun's agent, which watches its workers, stops the rest with
SIGTERM. Either way lost_rank() looks which peer on this host is gone and says so; the Trainer ends the run
as interrupted (resumable with `train --resume`).
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import time

from engine.errors import UserError
from engine.runs.folder import pid_alive
from engine.train_handlers.base import Handler

log = logging.getLogger(__name__)

# how long a rank waits for a peer that broke the connection to show as gone, before saying it cannot tell
DEAD_PEER_WAIT_S = 3.0
_state = {"ending": False}


class RankStopped(Exception):
    """torchrun's agent (or the scheduler) sent SIGTERM: another rank ended, this one is being stopped."""


class LostRank(UserError):
    """A rank of the run was lost; this one stopped. The run is interrupted, not failed: it resumes."""


def peer_table(world) -> list[dict]:
    """[{"rank", "host", "pid"}] of every rank, gathered once when the group forms."""
    import torch.distributed as dist

    mine = {"rank": world.rank, "host": socket.gethostname(), "pid": os.getpid()}
    table: list = [None] * world.size
    dist.all_gather_object(table, mine)
    return sorted(table, key=lambda p: p["rank"])


def install_stop_signal() -> None:
    """SIGTERM raises RankStopped in the main thread (once: a rank already ending finishes its message)."""
    def stopped(signum, frame):
        if not _state["ending"]:
            _state["ending"] = True
            raise RankStopped("stopped by SIGTERM")

    signal.signal(signal.SIGTERM, stopped)


def is_rank_failure(error: BaseException) -> bool:
    """Whether `error` is a collective that failed because a peer went away (or torchrun stopped this rank)."""
    if isinstance(error, RankStopped):
        return True
    try:
        from torch.distributed import DistError
    except ImportError:  # pragma: no cover - every torch this project pins has it
        DistError = ()  # noqa: N806
    if DistError and isinstance(error, DistError):
        return True
    text = str(error).lower()
    return isinstance(error, RuntimeError) and any(
        word in text for word in ("gloo", "nccl", "processgroup", "connection closed by peer",
                                  "connection reset by peer"))


def dead_peers(world, wait_s: float = DEAD_PEER_WAIT_S) -> list[dict]:
    """The other ranks on this host whose process is gone, waiting up to `wait_s` for one to show (a killed
    peer's socket closes a moment before its process is reaped)."""
    host = socket.gethostname()
    local = [p for p in world.peers if p["rank"] != world.rank and p["host"] == host]
    deadline = time.monotonic() + wait_s
    while True:
        dead = [p for p in local if not pid_alive(int(p["pid"]))]
        if dead or not local or time.monotonic() >= deadline:
            return dead
        time.sleep(0.1)


def lost_rank(world, error: BaseException, where: str = "") -> LostRank | None:
    """The message for a rank that stops because another was lost, or None when `error` is something else."""
    if not is_rank_failure(error):
        return None
    _state["ending"] = True
    at = f" {where}" if where else ""
    dead = dead_peers(world)
    if dead:
        names = ", ".join(f"rank {p['rank']} (pid {p['pid']} on {p['host']})" for p in dead)
        message = f"Lost {names}{at}: rank {world.rank} stopped too."
    elif isinstance(error, RankStopped):
        message = (f"Rank {world.rank} was stopped{at} by torchrun (or the scheduler): another rank ended first; "
                   "its own log and torchrun's summary name it.")
    else:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:240]
        message = (f"Rank {world.rank} lost contact with the other ranks{at} ({first}): a rank on another host "
                   "died or hung.")
    return LostRank(message, "The run folder reads as interrupted: start the same torchrun command with "
                             "`main.py train --resume RUN_DIR` to go on from its last finished epoch.")


class RankAgreement(Handler):
    """At the end of training every rank's weights must be every other's (DistributedDataParallel keeps them
    so); a checksum of each rank's is gathered and the result kept on the World (the --json line's
    "ranks_agree"), a disagreement logged as the bug it would be."""

    def __init__(self, world):
        self.world = world

    def on_train_end(self, run) -> None:
        import torch.distributed as dist

        from engine.checkpoint import weights_digest

        digests: list = [None] * self.world.size
        dist.all_gather_object(digests, weights_digest(run.model.state_dict()))
        self.world.digests = digests
        self.world.ranks_agree = len(set(digests)) == 1
        if not self.world.ranks_agree:
            log.error("the ranks' weights differ at the end of training (checksums %s): a bug", digests)
