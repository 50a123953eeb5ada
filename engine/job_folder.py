"""A job folder: what it takes to train a run on another machine or a cluster and watch it here.

    config.json   the run's settings (its --out is the run folder the job writes)
    launch.sh     one machine with N GPUs: torchrun --standalone --nproc-per-node N main.py train
    node.sh       one node of a multi-node job: torchrun with the c10d rendezvous on the job's first node
    job.sbatch    Slurm: nodes, GPUs per node, time (and a partition) as #SBATCH lines; srun starts node.sh once
                  per node
    README.txt    what each file does, and which run folder to open in the Runs browser to watch the run

Nothing here imports torch or Qt: the window writes job folders on its own thread in a moment. submit() hands
the folder to Slurm through submitit when it is installed (the 'cluster' extra).
"""
from __future__ import annotations

import importlib.util
import re
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from engine.config import RunConfig
from engine.errors import ConfigError

FILES = ("config.json", "launch.sh", "node.sh", "job.sbatch", "README.txt")
RDZV_PORT = 29500
TIME = re.compile(r"^(?:(\d+)-)?(\d{1,2}):(\d{2}):(\d{2})$")  # Slurm's [days-]hours:minutes:seconds


@dataclass
class JobPlan:
    run_folder: str  # the run's --out where the job runs: a shared path this machine sees too, to watch it
    nodes: int = 1
    gpus_per_node: int = 1
    time: str = "04:00:00"
    partition: str = ""
    cpus_per_task: int = 8
    python: str = "python"  # the interpreter on the cluster, with this project installed
    app: str = ""  # main.py on the cluster (default: this checkout's)

    def check(self) -> None:
        if not 1 <= self.nodes <= 1024:
            raise ConfigError(f"{self.nodes} nodes is not a node count.", "Give 1 to 1024 nodes.")
        if not 1 <= self.gpus_per_node <= 64:
            raise ConfigError(f"{self.gpus_per_node} GPUs per node is not a GPU count.", "Give 1 to 64.")
        if not 1 <= self.cpus_per_task <= 1024:
            raise ConfigError(f"{self.cpus_per_task} CPUs per node is not a CPU count.", "Give 1 to 1024.")
        if not TIME.match(self.time.strip()):
            raise ConfigError(f"The time limit {self.time!r} is not Slurm's [days-]hours:minutes:seconds.",
                              "For example 04:00:00, or 1-12:00:00 for a day and a half.")
        if self.partition and not re.fullmatch(r"[\w.,-]+", self.partition):
            raise ConfigError(f"The partition {self.partition!r} is not a Slurm partition name.",
                              "Letters, digits, '.', '-', '_' (several separated by commas), or leave it empty.")
        if not self.run_folder.strip():
            raise ConfigError("The job needs a run folder.", "Give the run's folder on a path the job can write.")

    @property
    def minutes(self) -> int:
        days, hours, minutes, seconds = TIME.match(self.time.strip()).groups()
        return int(days or 0) * 1440 + int(hours) * 60 + int(minutes) + (1 if int(seconds) else 0)


def default_app() -> str:
    return str(Path(__file__).resolve().parents[1] / "main.py")


def write_job(folder: Path, config: RunConfig | dict, plan: JobPlan, overwrite: bool = False) -> list[Path]:
    """The job folder's files (refused, writing nothing, where they exist and `overwrite` is not given)."""
    plan.check()
    values = config.to_dict() if isinstance(config, RunConfig) else dict(config)
    if values.get("device") in ("cpu", "mps"):  # the job is for GPUs: the cluster's own CUDA device per rank
        values["device"] = "auto"
    values.update(out=plan.run_folder, threads=0)
    config = RunConfig.from_dict(values)
    folder = Path(folder).expanduser()
    taken = [name for name in FILES if (folder / name).exists()]
    if taken and not overwrite:
        raise ConfigError(f"{folder} already holds {', '.join(taken)}.", "Choose a new job folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"Cannot make the job folder {folder}: {error.strerror or error}.",
                          "Choose a folder you can write to.") from None
    texts = {"config.json": None, "launch.sh": launch_script(plan), "node.sh": node_script(plan),
             "job.sbatch": sbatch_script(plan, config), "README.txt": readme(plan, config)}
    config.save(folder / "config.json")
    written = [folder / "config.json"]
    for name, text in texts.items():
        if text is None:
            continue
        path = folder / name
        path.write_text(text, encoding="utf-8")
        if name.endswith((".sh", ".sbatch")):
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        written.append(path)
    return written


def _header(plan: JobPlan) -> str:
    return (f'cd "$(dirname "$0")"\nPYTHON="${{PYTHON:-{shlex.quote(plan.python)}}}"\n'
            f'APP="${{APP:-{shlex.quote(plan.app or default_app())}}}"  # main.py of RNN Vision Lab there\n')


def launch_script(plan: JobPlan) -> str:
    return ("#!/usr/bin/env bash\n"
            f"# One machine, {plan.gpus_per_node} GPU(s): torchrun starts one training process per GPU (NCCL);\n"
            "# GPUS=N bash launch.sh for another count. The global batch is config.json's, split between them.\n"
            "set -euo pipefail\n" + _header(plan) +
            f'exec "$PYTHON" -m torch.distributed.run --standalone --nproc-per-node "${{GPUS:-{plan.gpus_per_node}}}" '
            '"$APP" train --config config.json --json\n')


def node_script(plan: JobPlan) -> str:
    return ("#!/usr/bin/env bash\n"
            "# One node of the Slurm job (srun starts it once per node): torchrun meets the other nodes through the\n"
            f"# c10d rendezvous on the job's first node, port {RDZV_PORT}, and starts one process per GPU.\n"
            "set -euo pipefail\n" + _header(plan) +
            'head=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)\n'
            'exec "$PYTHON" -m torch.distributed.run --nnodes "$SLURM_JOB_NUM_NODES" '
            f'--nproc-per-node {plan.gpus_per_node} \\\n'
            f'    --rdzv-id "$SLURM_JOB_ID" --rdzv-backend c10d \\\n'
            f'    --rdzv-endpoint "$head:${{RDZV_PORT:-{RDZV_PORT}}}" \\\n'
            '    "$APP" train --config config.json --json\n')


def sbatch_script(plan: JobPlan, config: RunConfig) -> str:
    name = re.sub(r"[^\w.-]", "-", f"rvl-{config.task}-{config.cell}")
    lines = ["#!/usr/bin/env bash", f"#SBATCH --job-name={name}", f"#SBATCH --nodes={plan.nodes}",
             "#SBATCH --ntasks-per-node=1", f"#SBATCH --gpus-per-node={plan.gpus_per_node}",
             f"#SBATCH --cpus-per-task={plan.cpus_per_task}", f"#SBATCH --time={plan.time.strip()}",
             "#SBATCH --output=slurm-%j.out"]
    if plan.partition:
        lines.append(f"#SBATCH --partition={plan.partition}")
    lines += ["# sbatch job.sbatch (from this folder): srun runs node.sh once on each node", "set -euo pipefail",
              'cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")}"', "srun bash node.sh", ""]
    return "\n".join(lines)


def readme(plan: JobPlan, config: RunConfig) -> str:
    gpus = plan.nodes * plan.gpus_per_node
    return (f"A {config.task} run ({config.cell}, hidden {config.hidden} x {config.layers}) on {gpus} GPU(s): "
            f"{plan.nodes} node(s) x {plan.gpus_per_node}, batch {config.batch} split between the processes.\n\n"
            "  bash launch.sh      on one machine with its GPUs (GPUS=N to change the count)\n"
            "  sbatch job.sbatch   on a Slurm cluster (nodes, GPUs and time are its #SBATCH lines; node.sh is what\n"
            "                      each node runs)\n\n"
            f"To watch it: open {plan.run_folder} in the Runs browser (Run > Runs...). The run writes there, so it\n"
            "must be a path this machine sees too (a shared file system), or copy the folder back.\n"
            "If the job ends early (time limit, a lost node), the same command with\n"
            f"  train --resume {plan.run_folder}\ngoes on from its last finished epoch.\n")


def submitit_available() -> bool:
    return importlib.util.find_spec("submitit") is not None


def submit(folder: Path, plan: JobPlan) -> str:
    """Submit the job folder to Slurm through submitit (node.sh on every node); the job's id."""
    if not submitit_available():
        raise ConfigError("Submitting needs the submitit package, which is not installed.",
                          "pip install 'rnn-vision-lab[cluster]', or run sbatch job.sbatch on the cluster.")
    import submitit

    folder = Path(folder)
    executor = submitit.AutoExecutor(folder=folder / "submitit")
    executor.update_parameters(name=f"rvl-{folder.name}", nodes=plan.nodes, tasks_per_node=1,
                               gpus_per_node=plan.gpus_per_node, cpus_per_task=plan.cpus_per_task,
                               timeout_min=plan.minutes, **({"slurm_partition": plan.partition}
                                                            if plan.partition else {}))
    try:
        job = executor.submit(submitit.helpers.CommandFunction(["bash", str(folder / "node.sh")], cwd=str(folder)))
    except Exception as error:  # no Slurm here, sbatch refused the job
        raise ConfigError(f"Slurm did not take the job: {type(error).__name__}: {error}",
                          "Submit it on the cluster with sbatch job.sbatch.") from None
    return str(job.job_id)
