"""Export figure: which figure, its size in pixels (1600 × 1000, 800 × 500 or custom), its resolution (DPI: how
large text and lines are in those pixels) and PNG or SVG. A small form: it fits a 1280 × 720 screen."""
from __future__ import annotations

from PySide6 import QtWidgets

from gui.views.figure_export import DEFAULT_DPI, FONT_PT, KINDS, MAX_SIDE, MIN_SIDE, PRESETS, FigureOptions

CUSTOM = "Custom"


class FigureDialog(QtWidgets.QDialog):
    def __init__(self, figures: list[str], chosen: str = "", options: FigureOptions | None = None,
                 kind: str = ".png", parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export figure")
        options = options or FigureOptions()
        self.figure = QtWidgets.QComboBox()
        self.figure.addItems(figures)
        if chosen in figures:
            self.figure.setCurrentText(chosen)
        self.preset = QtWidgets.QComboBox()
        self.preset.addItems([*PRESETS, CUSTOM])
        self.width_spin, self.height_spin = (self._side(v) for v in (options.width, options.height))
        self.dpi = QtWidgets.QSpinBox()
        self.dpi.setRange(50, 600)
        self.dpi.setSingleStep(25)
        self.dpi.setValue(options.dpi)
        self.dpi.setSuffix(" DPI")
        self.dpi.setToolTip(f"How large text and lines are in the image: {FONT_PT} pt text is {FONT_PT} / 72 of an "
                            f"inch at this resolution ({DEFAULT_DPI} DPI: for slides and papers)")
        self.kinds = {suffix: QtWidgets.QRadioButton(f"{name} ({suffix})") for suffix, name in KINDS.items()}
        self.kinds.get(kind, self.kinds[".png"]).setChecked(True)
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        self._build()
        sizes = {size: name for name, size in PRESETS.items()}
        self.preset.setCurrentText(sizes.get((options.width, options.height), CUSTOM))
        self._preset_chosen(self.preset.currentText())
        self.preset.currentTextChanged.connect(self._preset_chosen)
        for spin in (self.width_spin, self.height_spin, self.dpi):
            spin.valueChanged.connect(self._describe)
        self._describe()

    def _side(self, value: int) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox()
        spin.setRange(MIN_SIDE, MAX_SIDE)
        spin.setSuffix(" px")
        spin.setValue(value)
        return spin

    def _build(self) -> None:
        size = QtWidgets.QHBoxLayout()
        size.addWidget(self.width_spin)
        size.addWidget(QtWidgets.QLabel("×"))
        size.addWidget(self.height_spin)
        kinds = QtWidgets.QHBoxLayout()
        for button in self.kinds.values():
            kinds.addWidget(button)
        form = QtWidgets.QFormLayout()
        form.addRow("Figure:", self.figure)
        form.addRow("Size:", self.preset)
        form.addRow("", size)
        form.addRow("Resolution:", self.dpi)
        form.addRow("Format:", kinds)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export…", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def _preset_chosen(self, name: str) -> None:
        custom = name == CUSTOM
        for spin in (self.width_spin, self.height_spin):
            spin.setEnabled(custom)
        if not custom:
            self.width_spin.setValue(PRESETS[name][0])
            self.height_spin.setValue(PRESETS[name][1])

    def _describe(self) -> None:
        o = self.options()
        self.summary.setText(f"{o.width} × {o.height} pixels, {o.width / o.dpi:.1f} × {o.height / o.dpi:.1f} inches "
                             f"at {o.dpi} DPI. Drawn from the data, as the run shown; an SVG has the same layout.")

    def options(self) -> FigureOptions:
        return FigureOptions(self.width_spin.value(), self.height_spin.value(), self.dpi.value())

    def kind(self) -> str:
        return next(suffix for suffix, button in self.kinds.items() if button.isChecked())

    def chosen(self) -> str:
        return self.figure.currentText()
