"""The parity Task: the classify task (sequence classifier, loss, metrics, probes, gallery) on digits
labelled even / odd."""
from __future__ import annotations

from engine.tasks.classify.task import ClassifyTask

from . import SPEC
from .labels import read_parity


class ParityTask(ClassifyTask):
    name = SPEC.name
    selection_metric = SPEC.selection_metric

    def prepare(self, config, progress=None, cancel=None, splits=None):
        SPEC.read_options(config.options)  # a typo in an option is refused before any data is read
        if splits is None:  # the window hands over the even / odd splits its reader made
            splits = read_parity(config.data, progress, cancel)
        return super().prepare(config, progress, cancel, splits)


TASK = ParityTask()
