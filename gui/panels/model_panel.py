"""The model panel: task, cell and hyper-parameters, with a tooltip on each and a live parameter count."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from engine.config import CONV_TASKS, OPTIMIZERS, READ_ORDERS, SCHEDULES, RunConfig
from engine.tasks import registry
from gui.panels.preset_box import PresetBox

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
    "target": "What the edge network learns to draw: human (the annotators' boundaries; needs BSDS or edge "
              "pairs), canny or sobel (computed from any photo). auto: human when the data has annotations.",
    "context": "Frames the model reads before it predicts (the start of each training sequence).",
    "horizon": "Frames the model predicts after the context, each from its own previous guess.",
    "label": "What a moving-digit clip is named by: the digit, or the direction it moves in (8 headings). "
             "Clips of a videos:DIR folder are named by their class folder either way.",
}
TARGETS = ("auto", "human", "canny", "sobel")
LABELS = ("digit", "direction")
PLAIN_CELLS = ("rnn", "lstm", "gru")  # the three cell buttons; for convolutional tasks they mean CONV_CELLS
CELL_TIPS = {"rnn": "plain tanh RNN: simple, forgets fast (vanishing gradients)",
             "lstm": "LSTM: a cell state with input, forget and output gates",
             "gru": "GRU: reset and update gates, fewer weights than an LSTM",
             "convrnn": "convolutional tanh RNN: its state is an image; simple, forgets fast",
             "convlstm": "ConvLSTM: LSTM gates computed by convolutions, the state keeps the frame's layout",
             "convgru": "ConvGRU: GRU gates computed by convolutions, fewer weights than a ConvLSTM"}
# settings that matter for some tasks only (the rest are shown for every task)
TASK_ROWS = {"read": ("classify",), "target": ("edges",), "context": ("predict",), "horizon": ("predict",),
             "label": ("video-classify",), "bidirectional": ("classify", "edges", "segment"),
             "dropout": ("classify", "edges", "segment", "video-classify")}
# every setting some task changes: switching task resets them to RunConfig's, then applies the task's defaults
TASK_KEYS = sorted({key for entry in registry.entries() for key in entry.defaults})


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
        for i, name in enumerate(PLAIN_CELLS):
            button = QPushButton(name.upper())
            button.setCheckable(True)
            button.setToolTip(CELL_TIPS[name])
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
        self.target = _combo(TARGETS)
        self.context = _spin(1, 100, 10)
        self.horizon = _spin(1, 100, 10)
        self.label = _combo(LABELS)
        self.params = QLabel("—")
        self.params.setToolTip("Trainable weights of the model for the loaded data.")

        self._setting = False
        self._options: dict = {}
        self.form = form = QFormLayout()
        self.preset = PresetBox(self)
        form.addRow("preset", self.preset)
        form.addRow("task", self.task)
        form.addRow("cell", cells)
        for name in ("hidden", "layers", "bidirectional", "read", "target", "context", "horizon", "label", "dropout",
                     "epochs", "batch", "lr", "optimizer", "clip", "schedule", "augment", "patience", "seed",
                     "device", "threads"):
            widget = getattr(self, name)
            widget.setToolTip(TIPS[name])
            form.addRow({"lr": "learning rate", "target": "edge target"}.get(name, name), widget)
            _connect(widget, self._changed)
        self.task.setToolTip(TIPS["task"])
        self.task.currentIndexChanged.connect(self._task_changed)
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

    def _task_changed(self, *_) -> None:
        """The user picked another task: its own defaults, and only the settings that matter for it."""
        if self._setting:
            return
        task = self.task.currentData()
        base = {k: v for k, v in RunConfig().to_dict().items() if k in TASK_KEYS}
        self.set_config({**self.config(), **base, **registry.defaults(task), "task": task, "options": {}})

    def set_task(self, task: str) -> None:
        """Switch task as if the user picked it (defaults applied); nothing happens when it is the current one."""
        index = self.task.findData(task)
        if index >= 0 and index != self.task.currentIndex():
            self.task.setCurrentIndex(index)

    def current_task(self) -> str:
        return self.task.currentData()

    def _show_task_rows(self, task: str) -> None:
        for name, tasks in TASK_ROWS.items():
            self.form.setRowVisible(getattr(self, name), task in tasks)
        for name, button in zip(self._cells(task), self.cell_group.buttons()):
            button.setText("Conv" + name[4:].upper() if name.startswith("conv") else name.upper())
            button.setToolTip(CELL_TIPS[name])

    @staticmethod
    def _cells(task: str) -> tuple[str, ...]:
        """What the three cell buttons stand for with this task: (conv)rnn, (conv)lstm, (conv)gru."""
        return tuple(f"conv{c}" for c in PLAIN_CELLS) if task in CONV_TASKS else PLAIN_CELLS

    def set_devices(self, names: list[str]) -> None:
        current = self.device.currentText()
        self.device.clear()
        self.device.addItems(names)
        self.device.setCurrentText(current if current in names else "auto")

    def config(self) -> dict:
        """The panel's settings as a RunConfig dict (data and out are the session's)."""
        return RunConfig(
            task=self.task.currentData(),
            cell=self._cells(self.task.currentData())[max(self.cell_group.checkedId(), 0)],
            hidden=self.hidden.value(), layers=self.layers.value(), bidirectional=self.bidirectional.isChecked(),
            read=self.read.currentText(), dropout=self.dropout.value(), epochs=self.epochs.value(),
            batch=self.batch.value(), lr=self.lr.value(), optimizer=self.optimizer.currentText(),
            clip=self.clip.value(), schedule=self.schedule.currentText(), augment=self.augment.isChecked(),
            patience=self.patience.value(), seed=self.seed.value(), device=self.device.currentText(),
            threads=self.threads.value(), options=self._task_options()).to_dict()

    def _task_options(self) -> dict:
        options = dict(self._options)
        task = self.task.currentData()
        if task == "edges":
            options.pop("target", None)
            if self.target.currentText() != "auto":
                options["target"] = self.target.currentText()
        elif task == "predict":
            options.update(context=self.context.value(), horizon=self.horizon.value())
        elif task == "video-classify":
            options["label"] = self.label.currentText()
        return options

    def set_config(self, values: dict) -> None:
        config = RunConfig.from_dict({k: v for k, v in values.items() if k not in ("out",)})
        self._setting = True
        self.blockSignals(True)
        index = self.task.findData(config.task)
        self.task.setCurrentIndex(max(index, 0))
        self.cell_group.button(PLAIN_CELLS.index(config.cell.removeprefix("conv"))).setChecked(True)
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
        target = str(self._options.get("target", "") or "auto")
        self.target.setCurrentText(target if target in TARGETS else "auto")
        self.context.setValue(int(self._options.get("context", 10)))
        self.horizon.setValue(int(self._options.get("horizon", 10)))
        label = str(self._options.get("label", "digit"))
        self.label.setCurrentText(label if label in LABELS else "digit")
        self._show_task_rows(config.task)
        self.blockSignals(False)
        self._setting = False
        self.configChanged.emit()

    def show_parameter_count(self, data_shape: tuple[int, int, int] | None, classes: int) -> None:
        if data_shape is None:
            self.params.setText("— (load data to see)")
            return
        count = registry.parameter_count(RunConfig.from_dict(self.config()), data_shape, classes)
        self.show_count(count)

    def show_count(self, count: int | None, why: str = "") -> None:
        self.params.setText(f"<b>{count:,}</b>" if count is not None else f"— {why}".strip())


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
