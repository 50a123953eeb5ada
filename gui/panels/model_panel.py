"""The model panel: task, cell and hyper-parameters, with a tooltip on each and a live parameter count."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from engine.config import OPTIMIZERS, READ_ORDERS, SCHEDULES, RunConfig
from engine.tasks import registry

TIPS = {
    "task": "What the network learns to do.",
    "hidden": "Units in each recurrent layer: the size of the memory carried from step to step.",
    "layers": "Recurrent layers stacked; each reads the sequence of the one below.",
    "bidirectional": "Also read each sequence backwards and join both readings.",
    "read": "How an image becomes a sequence: one row per step (rows), one column per step (cols), "
            "or one pixel per step (pixels: very long sequences, where plain RNNs forget).",
    "dropout": "Randomly silence this fraction of units while training, against over-fitting.",
    "epochs": "Passes over the training data.",
    "batch": "Images per training step.",
    "lr": "Learning rate: the size of each optimiser step.",
    "optimizer": "How gradients become weight changes.",
    "clip": "Largest allowed gradient norm (0 = off). Recurrent nets need it against exploding gradients.",
    "schedule": "How the learning rate changes over the run: cosine decay, step (÷10 twice), or constant.",
    "augment": "Train on small random shifts, rotations and scalings of the images.",
    "patience": "Stop early after this many epochs without a better validation score (0 = never).",
    "seed": "Random seed: the same seed on the CPU repeats a run exactly.",
    "device": "Where to train. auto picks a CUDA GPU, then Apple MPS, then the CPU.",
    "threads": "CPU threads for training (0 = automatic). Fewer leaves more for the window.",
}


class ModelPanel(QWidget):
    configChanged = Signal()
    saveConfigRequested = Signal()
    loadConfigRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        defaults = RunConfig()
        self.task = QComboBox()
        for entry in registry.entries():
            self.task.addItem(entry.title, entry.name)
            self.task.setItemData(self.task.count() - 1, entry.description, 3)  # 3 = ToolTipRole
        self.cell_group = QButtonGroup(self)
        cells = QHBoxLayout()
        for i, name in enumerate(("rnn", "lstm", "gru")):
            button = QPushButton(name.upper())
            button.setCheckable(True)
            button.setToolTip({"rnn": "plain tanh RNN: simple, forgets fast (vanishing gradients)",
                               "lstm": "LSTM: a cell state with input, forget and output gates",
                               "gru": "GRU: reset and update gates, fewer weights than an LSTM"}[name])
            self.cell_group.addButton(button, i)
            cells.addWidget(button)
        self.hidden = _spin(1, 2048, defaults.hidden)
        self.layers = _spin(1, 8, defaults.layers)
        self.bidirectional = QCheckBox()
        self.read = _combo(READ_ORDERS)
        self.dropout = _float(0.0, 0.9, 0.05, 2)
        self.epochs = _spin(1, 10000, defaults.epochs)
        self.batch = _spin(1, 8192, defaults.batch)
        self.lr = _float(1e-5, 1.0, 5e-4, 5)
        self.optimizer = _combo(OPTIMIZERS)
        self.clip = _float(0.0, 100.0, 0.5, 2)
        self.schedule = _combo(SCHEDULES)
        self.augment = QCheckBox()
        self.patience = _spin(0, 1000, 0)
        self.seed = _spin(0, 2**31 - 1, 0)
        self.device = QComboBox()
        self.device.addItem("auto")
        self.threads = _spin(0, 256, 0)
        self.params = QLabel("—")
        self.params.setToolTip("Trainable weights of the model for the loaded data.")

        form = QFormLayout()
        form.addRow("task", self.task)
        form.addRow("cell", cells)
        for name in ("hidden", "layers", "bidirectional", "read", "dropout", "epochs", "batch", "lr", "optimizer",
                     "clip", "schedule", "augment", "patience", "seed", "device", "threads"):
            widget = getattr(self, name)
            widget.setToolTip(TIPS[name])
            form.addRow(name if name != "lr" else "learning rate", widget)
            _connect(widget, self._changed)
        self.task.setToolTip(TIPS["task"])
        form.addRow("parameters", self.params)
        self.cell_group.idClicked.connect(self._changed)
        save, load = QPushButton("Save config…"), QPushButton("Load config…")
        save.clicked.connect(self.saveConfigRequested)
        load.clicked.connect(self.loadConfigRequested)
        files = QHBoxLayout()
        files.addWidget(save)
        files.addWidget(load)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(files)
        layout.addStretch(1)
        self.set_config(defaults.to_dict())

    def _changed(self, *_) -> None:
        self.configChanged.emit()

    def set_devices(self, names: list[str]) -> None:
        current = self.device.currentText()
        self.device.clear()
        self.device.addItems(names)
        self.device.setCurrentText(current if current in names else "auto")

    def config(self) -> dict:
        """The panel's settings as a RunConfig dict (data and out are the session's)."""
        return RunConfig(
            task=self.task.currentData(), cell=("rnn", "lstm", "gru")[max(self.cell_group.checkedId(), 0)],
            hidden=self.hidden.value(), layers=self.layers.value(), bidirectional=self.bidirectional.isChecked(),
            read=self.read.currentText(), dropout=self.dropout.value(), epochs=self.epochs.value(),
            batch=self.batch.value(), lr=self.lr.value(), optimizer=self.optimizer.currentText(),
            clip=self.clip.value(), schedule=self.schedule.currentText(), augment=self.augment.isChecked(),
            patience=self.patience.value(), seed=self.seed.value(), device=self.device.currentText(),
            threads=self.threads.value(), options=dict(self._options)).to_dict()

    def set_config(self, values: dict) -> None:
        config = RunConfig.from_dict({k: v for k, v in values.items() if k not in ("out",)})
        self.blockSignals(True)
        index = self.task.findData(config.task)
        self.task.setCurrentIndex(max(index, 0))
        self.cell_group.button(("rnn", "lstm", "gru").index(config.cell)).setChecked(True)
        for name in ("hidden", "layers", "epochs", "batch", "patience", "seed", "threads"):
            getattr(self, name).setValue(getattr(config, name))
        for name in ("dropout", "lr", "clip"):
            getattr(self, name).setValue(getattr(config, name))
        for name in ("read", "optimizer", "schedule"):
            getattr(self, name).setCurrentText(getattr(config, name))
        if self.device.findText(config.device) < 0:
            self.device.addItem(config.device)
        self.device.setCurrentText(config.device)
        self.bidirectional.setChecked(config.bidirectional)
        self.augment.setChecked(config.augment)
        self._options = dict(config.options)
        self.blockSignals(False)
        self.configChanged.emit()

    def show_parameter_count(self, data_shape: tuple[int, int, int] | None, classes: int) -> None:
        if data_shape is None:
            self.params.setText("— (load data to see)")
            return
        count = registry.parameter_count(RunConfig.from_dict(self.config()), data_shape, classes)
        self.params.setText(f"<b>{count:,}</b>")


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


def _float(low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(step)
    return box


def _combo(items) -> QComboBox:
    box = QComboBox()
    box.addItems(list(items))
    return box


def _connect(widget, slot) -> None:
    for signal in ("valueChanged", "currentIndexChanged", "toggled"):
        if hasattr(widget, signal):
            getattr(widget, signal).connect(slot)
            return
