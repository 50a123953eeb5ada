"""Train > Run elsewhere... and Train > Sweep...: the dialogs that take the window's settings beyond this
process (a job folder for GPUs or Slurm, an Optuna sweep of runs), each made once and brought to the front."""
from __future__ import annotations


class ElsewhereActions:
    def __init__(self, window, actions: dict, base_config):
        """`base_config()`: the window's settings as a dict with the loaded data's spec (read when used)."""
        self.window, self.base_config = window, base_config
        self.dialogs: dict = {}
        actions["run_elsewhere"].triggered.connect(lambda: self.open("run_elsewhere"))
        actions["sweep"].triggered.connect(lambda: self.open("sweep"))

    def open(self, name: str):
        dialog = self.dialogs.get(name)
        if dialog is None:
            if name == "sweep":
                from gui.sweep_dialog import SweepDialog

                dialog = SweepDialog(self.base_config, self.window)
            else:
                from gui.job_dialog import RunElsewhereDialog

                dialog = RunElsewhereDialog(self.base_config, self.window)
            self.dialogs[name] = dialog
        if dialog.isVisible():  # behind the window: bring it to the front
            dialog.raise_()
            dialog.activateWindow()
        dialog.show()
        return dialog
