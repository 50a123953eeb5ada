"""A model-panel widget for a task option, made from its OptionSpec (engine/tasks/spec.py): choices become a
combo box, whole numbers a spin box within the option's bounds, numbers a decimal spin box, true/false a
check box, anything else a line of text; the option's help is the tooltip.

A combo whose default is not one of its choices ("" = decided from the data) starts with an entry for
"not set" ("auto"): choosing it leaves the option out of the config, so the task decides.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

UNSET = None  # widget_value() of the "auto" entry: the option is left out
SPIN_LIMIT = 2**31 - 1


def unset_text(option) -> str:
    return "auto" if option.default in ("", None) else str(option.default)


def has_unset(option) -> bool:
    return option.choices is not None and option.default not in option.choices


def make_widget(option) -> QWidget:
    if option.choices is not None:
        widget = QComboBox()
        if has_unset(option):
            widget.addItem(unset_text(option))
        widget.addItems([str(choice) for choice in option.choices])
    elif option.type is bool:
        widget = QCheckBox()
    elif option.type is int:
        widget = QSpinBox()
        widget.setRange(int(option.low if option.low is not None else -SPIN_LIMIT),
                        int(option.high if option.high is not None else SPIN_LIMIT))
    elif option.type is float:
        widget = QDoubleSpinBox()
        widget.setDecimals(3)
        widget.setRange(option.low if option.low is not None else -1e9, option.high if option.high is not None else 1e9)
    else:
        widget = QLineEdit()
    widget.setToolTip(option.hint)
    set_value(widget, option, option.default)
    return widget


def value(widget: QWidget, option):
    """The widget's value for the config's options, or UNSET for the "auto" entry."""
    if isinstance(widget, QComboBox):
        if has_unset(option) and widget.currentIndex() == 0:
            return UNSET
        text = widget.currentText()
        return next((choice for choice in option.choices if str(choice) == text), text)
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value()
    text = widget.text()
    return [float(part) for part in text.split(",") if part.strip()] if option.type is list else text


def set_value(widget: QWidget, option, given) -> None:
    """Show `given` (a config's value, possibly of a bad type: then the default is shown)."""
    if isinstance(widget, QComboBox):
        texts, offset = [str(choice) for choice in option.choices], int(has_unset(option))
        if str(given) in texts:
            widget.setCurrentIndex(texts.index(str(given)) + offset)
        else:  # not set, or not a choice: "auto" where there is one, else the default (then one of the choices)
            widget.setCurrentIndex(0 if offset else texts.index(str(option.default)))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(given))
    elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        try:
            widget.setValue(int(given) if isinstance(widget, QSpinBox) else float(given))
        except (TypeError, ValueError):
            widget.setValue(option.default)
    else:
        widget.setText(", ".join(map(str, given)) if isinstance(given, (list, tuple)) else str(given))


def changed_signal(widget: QWidget):
    for name in ("valueChanged", "currentIndexChanged", "toggled", "textChanged"):
        if hasattr(widget, name):
            return getattr(widget, name)
    raise TypeError(f"no change signal on {type(widget).__name__}")
