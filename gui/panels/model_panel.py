"""The model panel: task, cell and hyper-parameters, with a tooltip on each and a live parameter count.

What it shows for a task is read from the task's spec (engine/tasks/spec.py): `rows` are the settings that
matter to it (RunConfig fields and the task's own options, whose widgets are made from their OptionSpecs),
`cells` the cells the three buttons stand for."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from engine.config import OPTIMIZERS, READ_ORDERS, SCHEDULES, RunConfig
from engine.tasks import registry
from gui.panels import option_widgets
from gui.panels.preset_box import PresetBox
from gui.panels.task_change import cell_title, change_task

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
BUTTON_ORDER = ("rnn", "lstm", "gru")  # the cell buttons' order, whatever the task (conv cells too)
CELL_TIPS = {"rnn": "plain tanh RNN: simple, forgets fast (vanishing gradients)",
             "lstm": "LSTM: a cell state with input, forget and output gates",
             "gru": "GRU: reset and update gates, fewer weights than an LSTM",
             "convrnn": "convolutional tanh RNN: its state is an image; simple, forgets fast",
             "convlstm": "ConvLSTM: LSTM gates computed by convolutions, the state keeps the frame's layout",
             "convgru": "ConvGRU: GRU gates computed by convolutions, fewer weights than a ConvLSTM"}
# the RunConfig fields with a row of their own, in the form's order; the task options shown by some task
# come after READ_ROWS (edge target, frames of context and horizon, clip label ...)
READ_ROWS = ("hidden", "layers", "bidirectional", "read")
LATER_ROWS = ("dropout", "epochs", "batch", "lr", "optimizer", "clip", "schedule", "augment", "patience", "seed",
              "device", "threads")
ROW_TITLES = {"lr": "learning rate"}


class ModelPanel(QWidget):
    configChanged = Signal()
    notice = Signal(str)  # what a task change kept and changed, why a preset was refused: for the status line
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
        for i in range(max(len(entry.cells) for entry in registry.entries())):
            button = QPushButton()
            button.setCheckable(True)
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

        self._setting = False
        self._options: dict = {}
        self.form = form = QFormLayout()
        # a narrow dock (a 1280 px screen) puts a label above its field rather than cutting the field off
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.preset = PresetBox(self)
        self.preset.refused.connect(self.notice)
        self.last_change = ""  # what the last task change kept and changed (TaskChange.message)
        self._shown_task = ""  # the task whose rows and cells the panel shows
        form.addRow("preset", self.preset)
        form.addRow("task", self.task)
        form.addRow("cell", cells)
        for name in READ_ROWS:
            self._add_row(name, getattr(self, name), TIPS[name])
        self._add_option_rows()
        for name in LATER_ROWS:
            self._add_row(name, getattr(self, name), TIPS[name])
        self.task.setToolTip(TIPS["task"])
        self.task.currentIndexChanged.connect(self._task_changed)
        form.addRow("parameters", self.params)
        self.cell_group.idClicked.connect(self._changed)
        save, load = QPushButton("Save config…"), QPushButton("Load config…")
        save.clicked.connect(self.saveConfigRequested)
        load.clicked.connect(self.loadConfigRequested)
        # a row of its own, so the window can keep it in view below the scrolled form (a 1280x720 screen)
        self.file_buttons = QWidget()
        files = QHBoxLayout(self.file_buttons)
        files.setContentsMargins(0, 0, 0, 0)
        files.addWidget(save)
        files.addWidget(load)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.file_buttons)
        layout.addStretch(1)
        self.set_config(defaults.to_dict())

    def _add_row(self, name: str, widget: QWidget, tip: str) -> None:
        widget.setToolTip(tip)
        self.form.addRow(ROW_TITLES.get(name, name), widget)
        option_widgets.changed_signal(widget).connect(self._changed)

    def _add_option_rows(self) -> None:
        """A row for each option a task shows (the options named in its spec's rows), made from its OptionSpec.
        `self.<name>` is the widget too where no other attribute has that name (panel.context, panel.label)."""
        self.option_rows: dict[tuple[str, str], QWidget] = {}
        for entry in registry.entries():
            for option in (o for o in entry.options if o.name in entry.rows):
                widget = option_widgets.make_widget(option)
                self._add_row(option.name, widget, option.hint)
                self.option_rows[entry.name, option.name] = widget
                if not hasattr(self, option.name):
                    setattr(self, option.name, widget)

    def _changed(self, *_) -> None:
        self.configChanged.emit()

    def _task_changed(self, *_) -> None:
        """The user picked another task: the settings the user chose stay where the new task takes them, the
        others follow its defaults (gui/panels/task_change.py); `notice` says what changed and why."""
        if self._setting:
            return
        change = change_task(self._config_for(self._shown_task), self.task.currentData())
        self.set_config(change.config)
        self.last_change = change.message()
        self.notice.emit(self.last_change)

    def set_task(self, task: str) -> None:
        """Switch task as if the user picked it (defaults applied); nothing happens when it is the current one."""
        index = self.task.findData(task)
        if index >= 0 and index != self.task.currentIndex():
            self.task.setCurrentIndex(index)

    def current_task(self) -> str:
        return self.task.currentData()

    def _show_task_rows(self, task: str) -> None:
        self._shown_task = task
        self.preset.show_presets_for(task)
        rows = registry.spec(task).rows
        for name in READ_ROWS + LATER_ROWS:
            self.form.setRowVisible(getattr(self, name), name in rows)
        for (owner, _name), widget in self.option_rows.items():
            self.form.setRowVisible(widget, owner == task)
        cells = self._cells(task)
        for i, button in enumerate(self.cell_group.buttons()):
            button.setVisible(i < len(cells))
            if i < len(cells):
                name = cells[i]
                button.setText(cell_title(name))
                button.setToolTip(CELL_TIPS.get(name, name))

    @staticmethod
    def _cells(task: str) -> tuple[str, ...]:
        """What the cell buttons stand for with this task: its spec's cells, plain ones before gated ones
        (RNN, LSTM, GRU), so a button keeps its kind of cell when the task changes."""
        return tuple(sorted(registry.spec(task).cells, key=_button_slot))

    def set_devices(self, names: list[str]) -> None:
        current = self.device.currentText()
        self.device.clear()
        self.device.addItems(names)
        self.device.setCurrentText(current if current in names else "auto")

    def config(self) -> dict:
        """The panel's settings as a RunConfig dict (data and out are the session's)."""
        return self._config_for(self.task.currentData())

    def _config_for(self, task: str) -> dict:
        """The settings as they stand for `task` (its cells, its options' widgets)."""
        cells = self._cells(task)
        return RunConfig(
            task=task, cell=cells[min(max(self.cell_group.checkedId(), 0), len(cells) - 1)],
            hidden=self.hidden.value(), layers=self.layers.value(), bidirectional=self.bidirectional.isChecked(),
            read=self.read.currentText(), dropout=self.dropout.value(), epochs=self.epochs.value(),
            batch=self.batch.value(), lr=self.lr.value(), optimizer=self.optimizer.currentText(),
            clip=self.clip.value(), schedule=self.schedule.currentText(), augment=self.augment.isChecked(),
            patience=self.patience.value(), seed=self.seed.value(), device=self.device.currentText(),
            threads=self.threads.value(), options=self._task_options(task)).to_dict()

    def _task_options(self, task: str) -> dict:
        """The options as set, with those of `task`'s rows read from their widgets ("auto": left out, for the
        task to decide)."""
        options = dict(self._options)
        spec = registry.spec(task)
        for option in (o for o in spec.options if o.name in spec.rows):
            value = option_widgets.value(self.option_rows[spec.name, option.name], option)
            if value is option_widgets.UNSET:
                options.pop(option.name, None)
            else:
                options[option.name] = value
        return options

    def set_config(self, values: dict) -> None:
        config = RunConfig.from_dict({k: v for k, v in values.items() if k not in ("out",)})
        self._setting = True
        self.blockSignals(True)
        index = self.task.findData(config.task)
        self.task.setCurrentIndex(max(index, 0))
        cells = self._cells(config.task)
        self.cell_group.button(cells.index(config.cell) if config.cell in cells else 0).setChecked(True)
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
        for (owner, name), widget in self.option_rows.items():
            option = registry.spec(owner).option(name)
            option_widgets.set_value(widget, option, self._options.get(name, option.default) if owner == config.task
                                     else option.default)
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


def _button_slot(cell: str) -> int:
    family = cell.removeprefix("conv")
    return BUTTON_ORDER.index(family) if family in BUTTON_ORDER else len(BUTTON_ORDER)


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
