"""Tables as text for a paper, a web page or a spreadsheet: CSV and GitHub-flavoured markdown, from plain rows or
from a table widget as it is shown (its header and cells, line breaks in headers made spaces)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from PySide6 import QtWidgets

FORMATS = {"csv": "CSV", "markdown": "Markdown"}
SUFFIXES = {"csv": ".csv", "markdown": ".md"}


@dataclass
class Table:
    header: list[str]
    rows: list[list] = field(default_factory=list)
    caption: str = ""  # what the numbers are (markdown: a line above the table)

    @property
    def empty(self) -> bool:
        return not self.rows


def from_widget(widget: QtWidgets.QTableWidget, caption: str = "") -> Table:
    """The widget's header and cells as shown (rows in their current order; empty cells stay empty)."""
    header = []
    for column in range(widget.columnCount()):
        item = widget.horizontalHeaderItem(column)
        header.append(" ".join((item.text() if item is not None else str(column + 1)).split()))
    rows = [[widget.item(row, column).text() if widget.item(row, column) is not None else ""
             for column in range(widget.columnCount())] for row in range(widget.rowCount())]
    return Table(header, rows, caption)


def text(table: Table, kind: str) -> str:
    return csv_text(table) if kind == "csv" else markdown_text(table)


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows([_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue()


def markdown_text(table: Table) -> str:
    """A pipe table; numbers right-aligned ('---:'), pipes in cells escaped."""
    cells = [[_cell(value).replace("|", "\\|").replace("\n", " ") for value in row] for row in table.rows]
    numeric = [bool(cells) and all(_is_number(row[c]) for row in cells if row[c]) for c in range(len(table.header))]
    lines = [f"{table.caption}\n"] if table.caption else []
    lines.append("| " + " | ".join(h.replace("|", "\\|") for h in table.header) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%").replace(" s", ""))
    except ValueError:
        return False
    return True
