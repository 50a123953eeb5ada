"""Run elsewhere (issue 15): a job folder's files, and its launch.sh and node.sh (the Slurm job's per-node
script, with a stand-in scontrol) training the run under torchrun on this CPU, two processes with gloo."""
import json
import os
import socket
import stat
import subprocess
import sys

import pytest

from engine.config import RunConfig
from engine.errors import ConfigError
from engine.job_folder import JobPlan, write_job
from engine.runs.folder import read_record

TINY = RunConfig(data="demo", hidden=8, layers=1, epochs=1, augment=False, bidirectional=False, device="cpu")


def test_the_job_folder_says_how_to_run_and_where_to_watch(tmp_path):
    plan = JobPlan(run_folder="/shared/runs/usps-gru", nodes=2, gpus_per_node=4, time="1-02:00:00",
                   partition="gpu", cpus_per_task=16, python="/opt/venv/bin/python", app="/opt/rvl/main.py")
    written = write_job(tmp_path / "job", TINY, plan)
    assert sorted(p.name for p in written) == ["README.txt", "config.json", "job.sbatch", "launch.sh", "node.sh"]
    config = json.loads((tmp_path / "job" / "config.json").read_text())
    assert config["out"] == "/shared/runs/usps-gru" and config["device"] == "auto" and config["hidden"] == 8
    sbatch = (tmp_path / "job" / "job.sbatch").read_text()
    for line in ("#SBATCH --nodes=2", "#SBATCH --gpus-per-node=4", "#SBATCH --time=1-02:00:00",
                 "#SBATCH --partition=gpu", "#SBATCH --cpus-per-task=16", "srun bash node.sh"):
        assert line in sbatch
    node = (tmp_path / "job" / "node.sh").read_text()
    assert "--rdzv-backend c10d" in node and "--nproc-per-node 4" in node and "/opt/rvl/main.py" in node
    assert '--standalone --nproc-per-node "${GPUS:-4}"' in (tmp_path / "job" / "launch.sh").read_text()
    assert "open /shared/runs/usps-gru in the Runs browser" in (tmp_path / "job" / "README.txt").read_text()
    for name in ("launch.sh", "node.sh", "job.sbatch"):
        path = tmp_path / "job" / name
        assert path.stat().st_mode & stat.S_IXUSR
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
    assert plan.minutes == 26 * 60
    with pytest.raises(ConfigError, match="already holds config.json"):
        write_job(tmp_path / "job", TINY, plan)


@pytest.mark.parametrize("change,words", [
    ({"time": "4h"}, "hours:minutes:seconds"), ({"nodes": 0}, "node count"),
    ({"partition": "gpu; rm -rf /"}, "partition"), ({"run_folder": " "}, "run folder")])
def test_bad_fields_are_refused(tmp_path, change, words):
    with pytest.raises(ConfigError, match=words):
        write_job(tmp_path / "job", TINY, JobPlan(**{"run_folder": str(tmp_path / "run"), **change}))
    assert not (tmp_path / "job").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("script", ["launch.sh", "node.sh"])
def test_the_scripts_train_the_run_with_two_processes(tmp_path, script):
    run = tmp_path / "run"
    write_job(tmp_path / "job", TINY.replace(device="cpu"), JobPlan(run_folder=str(run), gpus_per_node=2,
                                                                    python=sys.executable))
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "scontrol").write_text("#!/bin/sh\necho 127.0.0.1\n")  # Slurm's node list, for node.sh
    (fake / "scontrol").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}", "SLURM_JOB_NODELIST": "node1",
           "SLURM_JOB_NUM_NODES": "1", "SLURM_JOB_ID": "42", "RDZV_PORT": str(free_port())}
    done = subprocess.run(["bash", str(tmp_path / "job" / script)], env=env, capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["world_size"] == 2 and result["run"] == str(run)
    assert read_record(run)["status"] == "finished"
