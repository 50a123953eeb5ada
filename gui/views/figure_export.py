"""Figures drawn again from their data for export, at a size and resolution of the user's choosing.

A view's plot on screen has the size the window gives it (sometimes squeezed) and whatever zoom the user left
it at. An exported figure is instead rebuilt: `snapshot(plot)` copies what a pyqtgraph PlotItem shows (its
curves and scatters with their pens, symbols and legend names; its title, axis labels, log axes, and the range
when the user fixed one) into a Panel of plain data, and `write_figure` lays the panels out on an off-screen
plot of the chosen size, with the caption of the run shown under them, and writes it: PNG through pyqtgraph's
ImageExporter, SVG through Qt's SVG generator.

Sizes are in pixels of the final image; the DPI says how large text and lines are in them: the figure is laid
out at size x 96 / DPI logical pixels, where fonts have their point sizes, then drawn DPI / 96 times larger (so
at 192 DPI a 10 pt label is 27 px high in a 1600 px wide image), and the PNG records its DPI. An SVG keeps the
logical size, in the same proportions. Painted figures (the confusion matrix: confusion_render) go through
`write_painted`, which scales their drawing into the same size.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

from gui.views import figure_svg

PRESETS = {"1600 × 1000 (slides, papers)": (1600, 1000), "800 × 500 (web pages)": (800, 500)}
DEFAULT_SIZE = (1600, 1000)
DEFAULT_DPI = 150
LAYOUT_DPI = 96  # Qt lays out point sizes at 96 logical pixels an inch
FONT_PT = 10
KINDS = {".png": "PNG image", ".svg": "SVG drawing"}
MIN_SIDE, MAX_SIDE = 200, 8000


@dataclass
class Panel:
    """One plot's content as data."""
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    log_x: bool = False
    log_y: bool = False
    x_range: tuple[float, float] | None = None  # kept only where the plot's range was fixed
    y_range: tuple[float, float] | None = None
    legend: tuple[float, float] | None = None  # the legend's offset (pyqtgraph's corner convention), or none
    axes: dict = field(default_factory=dict)  # side -> the view's AxisItem class (its own tick labelling)
    curves: list[dict] = field(default_factory=list)  # keyword arguments of pg.PlotDataItem (x, y, pen, ...)
    scatters: list[dict] = field(default_factory=list)  # keyword arguments of pg.ScatterPlotItem (spots, name)


@dataclass
class Figure:
    """Panels in rows of `columns` (one: stacked top to bottom), and a caption under them (plain text)."""
    panels: list[Panel]
    caption: str = ""
    columns: int = 1

    @property
    def empty(self) -> bool:
        return not any(p.curves or p.scatters for p in self.panels)


@dataclass
class Painting:
    """A figure drawn by code (the confusion matrix): `paint(painter)` fills a natural (w, h) pixel size."""
    paint: Callable[[QtGui.QPainter], None]
    natural: tuple[int, int]
    empty: bool = False


@dataclass(frozen=True)
class FigureOptions:
    width: int = DEFAULT_SIZE[0]
    height: int = DEFAULT_SIZE[1]
    dpi: int = DEFAULT_DPI

    @property
    def scale(self) -> float:
        return self.dpi / LAYOUT_DPI

    @property
    def logical(self) -> tuple[float, float]:
        return self.width / self.scale, self.height / self.scale


# ---- from a view's plot to data ------------------------------------------------------------------------------
LINE_OPTIONS = ("pen", "fillLevel", "fillBrush", "brush", "stepMode", "connect", "name")
# symbol options only with a symbol: pyqtgraph draws circles wherever any of them is given
CURVE_OPTIONS = LINE_OPTIONS + ("symbol", "symbolSize", "symbolBrush", "symbolPen")


def snapshot(plot: pg.PlotItem, title: str | None = None) -> Panel:
    """What `plot` shows, as data (`title` replaces its own)."""
    panel = Panel(title=_plain(plot.titleLabel.text) if title is None and plot.titleLabel.isVisible() else title or "",
                  x_label=_axis_text(plot.getAxis("bottom")), y_label=_axis_text(plot.getAxis("left")),
                  log_x=bool(plot.getAxis("bottom").logMode), log_y=bool(plot.getAxis("left").logMode),
                  legend=tuple(plot.legend.opts["offset"]) if plot.legend is not None else None,
                  axes={side: type(plot.getAxis(side)) for side in ("bottom", "left")})
    auto = plot.getViewBox().state["autoRange"]
    (x0, x1), (y0, y1) = plot.viewRange()
    panel.x_range = None if auto[0] else (x0, x1)  # a log axis' range is in decades, as setRange takes it
    panel.y_range = None if auto[1] else (y0, y1)
    for item in sorted(plot.listDataItems(), key=lambda i: i.zValue()):
        if not item.isVisible():
            continue
        if isinstance(item, pg.PlotDataItem):
            x, y = item.getOriginalDataset()
            if x is not None and len(x):
                keys = CURVE_OPTIONS if item.opts.get("symbol") is not None else LINE_OPTIONS
                options = {k: item.opts[k] for k in keys if item.opts.get(k) is not None}
                panel.curves.append({"x": np.array(x, float), "y": np.array(y, float), **options})
        elif isinstance(item, pg.ScatterPlotItem) and len(item.data):
            spots = [{"pos": (p.pos().x(), p.pos().y()), "size": p.size(), "symbol": p.symbol(),
                      "pen": pg.mkPen(p.pen()), "brush": pg.mkBrush(p.brush())} for p in item.points()]
            defaults = {k: item.opts[k] for k in ("brush", "pen", "size", "symbol")}  # the legend's sample
            panel.scatters.append({"spots": spots, "name": item.name(), **defaults})
    return panel


def _axis_text(axis: pg.AxisItem) -> str:
    text = _plain(axis.labelText or "")
    return f"{text} ({axis.labelUnits})" if axis.labelUnits else text


def _plain(html: str) -> str:
    document = QtGui.QTextDocument()
    document.setHtml(html or "")
    return document.toPlainText().strip()


# ---- from data to a file ------------------------------------------------------------------------------------
class Caption(QtWidgets.QGraphicsWidget):
    """Wrapped text as a layout item whose height is what the text needs at `width` (a caption under the plots,
    or, centred, a plot's title: pyqtgraph's own title would widen a narrow plot to its one line)."""

    def __init__(self, text: str, width: float, font: QtGui.QFont, centred: bool = False):
        super().__init__()
        self.text = QtWidgets.QGraphicsTextItem(self)
        self.text.setFont(font)
        self.text.setDefaultTextColor(QtGui.QColor("#222222"))
        if centred:
            self.text.document().setDefaultTextOption(QtGui.QTextOption(QtCore.Qt.AlignmentFlag.AlignHCenter))
        self.text.setPlainText(text)
        self.text.setTextWidth(max(width - 24, 50))
        self.text.setPos(12, 0)
        height = self.text.boundingRect().height() + 6
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)


def build(figure: Figure, options: FigureOptions) -> pg.GraphicsLayoutWidget:
    """An off-screen layout of the figure at options' logical size (never shown)."""
    width, height = options.logical
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground("w")
    widget.resize(int(round(width)), int(round(height)))
    layout = widget.ci
    font = QtGui.QFont(widget.font())
    font.setPointSizeF(FONT_PT)
    columns = max(1, figure.columns)
    title_font = QtGui.QFont(font)
    title_font.setPointSizeF(FONT_PT + 2)
    widget.figure_plots, widget.figure_texts = [], []  # what figure_svg draws again
    for index, panel in enumerate(figure.panels):
        cell = layout.addLayout(row=index // columns, col=index % columns)
        if panel.title:
            title = Caption(panel.title, width / columns, title_font, centred=True)
            cell.addItem(title, row=0, col=0)
            widget.figure_texts.append(title.text)
        plot = pg.PlotItem(axisItems={side: kind(side) for side, kind in panel.axes.items()})
        cell.addItem(plot, row=1, col=0)
        _fill(plot, panel, font)
        widget.figure_plots.append(plot)
    if figure.caption:
        rows = -(-len(figure.panels) // columns)
        caption = Caption(figure.caption, width, font)
        layout.addItem(caption, row=rows, col=0, colspan=columns)
        widget.figure_texts.append(caption.text)
    layout.setGeometry(QtCore.QRectF(0, 0, width, height))
    layout.layout.activate()
    return widget


def _fill(plot: pg.PlotItem, panel: Panel, font: QtGui.QFont) -> None:
    black = {"color": "#000", "font-size": f"{FONT_PT}pt"}
    for side, text in (("bottom", panel.x_label), ("left", panel.y_label)):
        axis = plot.getAxis(side)
        axis.enableAutoSIPrefix(False)
        axis.setTickFont(font)
        axis.setTextPen("#000")
        axis.setPen("#444")
        if text:
            axis.setLabel(text, **black)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setLogMode(x=panel.log_x, y=panel.log_y)
    legend = plot.addLegend(offset=panel.legend, labelTextSize=f"{FONT_PT + 1}pt", labelTextColor="#000",
                            brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#bbb")) if panel.legend else None
    for curve in panel.curves:
        plot.addItem(pg.PlotDataItem(**curve))
    for scatter in panel.scatters:
        plot.addItem(pg.ScatterPlotItem(**scatter))
    if legend is not None and not legend.items:
        legend.hide()
    if panel.x_range is not None:
        plot.setXRange(*panel.x_range, padding=0)
    if panel.y_range is not None:
        plot.setYRange(*panel.y_range, padding=0)


def write(figure: Figure | Painting, path: str | Path, options: FigureOptions | None = None) -> Path:
    """`figure` as PNG or SVG (by `path`'s suffix) at `options` (default: 1600 x 1000 at 150 DPI); returns the
    path. OSError when it cannot be written."""
    options = options or FigureOptions()
    if isinstance(figure, Painting):
        return write_painted(figure.paint, figure.natural, path, options)
    return write_figure(figure, path, options)


def write_figure(figure: Figure, path: str | Path, options: FigureOptions) -> Path:
    path = Path(path)
    kind = _kind(path)
    widget = build(figure, options)
    try:
        if kind == ".png":
            exporter = pg.exporters.ImageExporter(widget.ci)
            exporter.parameters()["width"] = options.width
            exporter.parameters()["height"] = options.height
            exporter.parameters()["antialias"] = True
            _save_png(exporter.export(toBytes=True), path, options)
        else:
            _save_svg(figure_svg.svg(widget, figure, options.logical), path)
    finally:
        widget.deleteLater()
    return path


def _svg_bytes(size: tuple[int, int], draw: Callable[[QtGui.QPainter], None]) -> bytes:
    generator = QtSvg.QSvgGenerator()
    buffer = QtCore.QBuffer()
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    generator.setOutputDevice(buffer)
    generator.setSize(QtCore.QSize(*size))
    generator.setViewBox(QtCore.QRect(0, 0, *size))
    generator.setTitle("RNN Vision Lab figure")
    painter = QtGui.QPainter(generator)
    try:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.fillRect(QtCore.QRectF(0, 0, *size), QtGui.QColor("white"))
        draw(painter)
    finally:
        painter.end()
    return bytes(buffer.data())


def write_painted(paint: Callable[[QtGui.QPainter], None], natural: tuple[int, int], path: str | Path,
                  options: FigureOptions) -> Path:
    """A drawing made by `paint(painter)` in a natural (w, h) pixel size, scaled to fit the chosen size (kept in
    proportion, centred on white) as PNG or SVG by `path`'s suffix."""
    path = Path(path)
    kind = _kind(path)
    if kind == ".png":
        image = QtGui.QImage(options.width, options.height, QtGui.QImage.Format.Format_RGB32)
        image.fill(QtGui.QColor("white"))
        _paint_fitted(image, paint, natural, (options.width, options.height))
        _save_png(image, path, options)
    else:
        width, height = (int(round(v)) for v in options.logical)
        _save_svg(_svg_bytes((width, height), lambda painter: _paint_into(painter, paint, natural, (width, height))),
                  path)
    return path


def _paint_fitted(device, paint, natural, size) -> None:
    painter = QtGui.QPainter(device)
    try:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
        _paint_into(painter, paint, natural, size)
    finally:
        painter.end()


def _paint_into(painter: QtGui.QPainter, paint, natural, size) -> None:
    """`paint` scaled to fit `size`, centred."""
    scale = min(size[0] / max(natural[0], 1), size[1] / max(natural[1], 1))
    painter.translate((size[0] - natural[0] * scale) / 2, (size[1] - natural[1] * scale) / 2)
    painter.scale(scale, scale)
    paint(painter)


def _kind(path: Path) -> str:
    kind = path.suffix.lower()
    if kind not in KINDS:
        raise OSError(f"{path.name}: a figure is written as .png or .svg")
    return kind


def _save_png(image: QtGui.QImage, path: Path, options: FigureOptions) -> None:
    dots_per_metre = int(round(options.dpi / 0.0254))
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def _save_svg(data: bytes, path: Path) -> None:
    data = re.sub(rb'<path[^>]*\sd=""[^>]*/>\s*', b"", data)  # empty outlines (a lone marker's line): nothing drawn
    try:
        ElementTree.fromstring(data)  # a broken drawing is not written
    except ElementTree.ParseError as error:
        raise OSError(f"the SVG drawing for {path.name} is not well-formed XML ({error})") from None
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OSError(f"could not write {path}: {error.strerror or error}") from None
