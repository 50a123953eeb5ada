"""Run > Run elsewhere...: the window's run as a job folder for GPUs or a Slurm cluster (engine/job_folder.py):
config.json, launch.sh (torchrun on one machine), job.sbatch + node.sh (srun + torchrun with the c10d
rendezvous) and a README naming the run folder to open in the Runs browser to watch the run. With submitit
installed, Submit to Slurm hands the folder to the cluster (off the GUI thread: sbatch can take seconds)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from gui.jobs import Jobs


class RunElsewhereDialog(QDialog):
    def __init__(self, base_config, parent=None):
        """`base_config()`: the window's settings as a dict, with the loaded data's spec."""
        super().__init__(parent)
        from engine.job_folder import default_app
        from engine.runs.folder import proposed_run_dir, runs_home

        self.setWindowTitle("Run elsewhere")
        self.base_config = base_config
        self.jobs = Jobs(self, self._failed)
        config = base_config()
        # a suggestion: nothing is made until the job folder is written
        run = proposed_run_dir(runs_home(), config.get("task", "run"), config.get("cell", "run"))
        self.job_folder = QLineEdit(str(run.parent / f"job-{run.name}"))
        self.run_folder = QLineEdit(str(run))
        self.run_folder.setToolTip("The run's --out where the job runs: a shared path this machine sees too, so "
                                   "the Runs browser can follow it")
        self.nodes, self.gpus, self.cpus = QSpinBox(), QSpinBox(), QSpinBox()
        for box, (low, high, value, tip) in zip((self.nodes, self.gpus, self.cpus), (
                (1, 1024, 1, "Machines (Slurm nodes)"), (1, 64, 1, "GPUs on each node: one training process each"),
                (1, 1024, 8, "CPU cores for each node's processes (data loading)"))):
            box.setRange(low, high)
            box.setValue(value)
            box.setToolTip(tip)
        self.time = QLineEdit("04:00:00")
        self.time.setToolTip("Slurm's time limit: hours:minutes:seconds, or days-hours:minutes:seconds")
        self.partition = QLineEdit("")
        self.partition.setPlaceholderText("the cluster's default")
        self.python = QLineEdit("python")
        self.python.setToolTip("The Python on the cluster that has RNN Vision Lab installed")
        self.app = QLineEdit(default_app())
        self.app.setToolTip("main.py of RNN Vision Lab on the cluster")
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.write_button, self.submit_button = QPushButton("Write job folder"), QPushButton("Submit to Slurm")
        self.write_button.clicked.connect(self.write)
        self.submit_button.clicked.connect(self.submit)
        self.submit_button.setEnabled(False)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        self._layout(close)

    def _layout(self, close: QPushButton) -> None:
        from engine.job_folder import submitit_available

        form = QFormLayout()
        form.addRow("Job folder", self._with_browse(self.job_folder))
        form.addRow("Run folder", self.run_folder)
        form.addRow("Nodes", self.nodes)
        form.addRow("GPUs per node", self.gpus)
        form.addRow("CPUs per node", self.cpus)
        form.addRow("Time limit", self.time)
        form.addRow("Partition", self.partition)
        form.addRow("Python there", self.python)
        form.addRow("main.py there", self.app)
        buttons = QHBoxLayout()
        buttons.addWidget(self.write_button)
        buttons.addWidget(self.submit_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not submitit_available():
            note = QLabel("Submitting from here needs submitit (pip install 'rnn-vision-lab[cluster]'); "
                          "sbatch job.sbatch on the cluster does the same.")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.result, 1)
        layout.addLayout(buttons)
        self.resize(760, 520)

    def _with_browse(self, field: QLineEdit) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(field))
        row.addWidget(browse)
        return box

    def _browse(self, field: QLineEdit) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Job folder", str(Path(field.text()).parent))
        if chosen:
            field.setText(str(Path(chosen) / Path(field.text()).name))

    def plan(self):
        from engine.job_folder import JobPlan

        return JobPlan(run_folder=self.run_folder.text().strip(), nodes=self.nodes.value(),
                       gpus_per_node=self.gpus.value(), time=self.time.text().strip(),
                       partition=self.partition.text().strip(), cpus_per_task=self.cpus.value(),
                       python=self.python.text().strip() or "python", app=self.app.text().strip())

    @Slot()
    def write(self) -> None:
        """Write the job folder (a few small files: on the GUI thread) and say how to run and watch it."""
        from engine.errors import UserError
        from engine.job_folder import submitit_available, write_job

        config = self.base_config()
        if not config.get("data"):
            self.result.setText("Load data first: the job trains on the window's data (its spec must name a path "
                                "the cluster reads, e.g. on a shared file system).")
            return
        plan = self.plan()
        try:
            written = write_job(Path(self.job_folder.text().strip()).expanduser(), config, plan)
        except UserError as error:
            self.result.setText(f"{error.message} {error.hint}".strip())
            return
        folder = written[0].parent
        gpus = plan.nodes * plan.gpus_per_node
        self.result.setText(
            f"Wrote {', '.join(p.name for p in written)} in {folder}.\n\n"
            f"One machine: bash {folder / 'launch.sh'}\nSlurm ({plan.nodes} node(s), {gpus} GPU(s) in all): "
            f"cd {folder} && sbatch job.sbatch\n\nTo watch it, open {plan.run_folder} in the Runs browser "
            "(a shared path this machine sees).")
        self.submit_button.setEnabled(submitit_available())
        self._written = (folder, plan)

    @Slot()
    def submit(self) -> None:
        from engine.job_folder import submit

        folder, plan = self._written
        self.submit_button.setEnabled(False)
        self.jobs.start(lambda cancel: submit(folder, plan), self._submitted, "Submit to Slurm")

    def _submitted(self, job_id: str) -> None:
        self.result.setText(self.result.text() + f"\n\nSubmitted to Slurm: job {job_id}.")

    def _failed(self, title: str, message: str, hint: str) -> None:
        self.submit_button.setEnabled(True)
        self.result.setText(self.result.text() + f"\n\n{title}: {message} {hint}".rstrip())
