"""A laid-out figure (gui.views.figure_export.build) written as SVG elements by hand.

Neither of the ready ways draws these plots right with pyqtgraph 0.14 on Qt 6.11: pyqtgraph's SVGExporter stops
on the closed paths Qt writes ('Z' with no coordinates), and Qt's QSvgGenerator fed the scene writes curves in
view coordinates whose strokes scale with the view (a 2 px line becomes hundreds wide) and axes out of place.
So the geometry comes from the laid-out scene (each plot's view rectangle and range, its axes' own tick and grid
specs, the legend's and texts' places: what the PNG shows) and the marks from the figure's data: polylines
clipped to their plot, markers, step fills, the legend, wrapped titles and caption.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui


def svg(widget, figure, size: tuple[float, float]) -> bytes:
    """The figure laid out in `widget` (with `widget.figure_plots`, `widget.figure_texts`) as an SVG document of
    `size` (w, h) logical pixels."""
    width, height = size
    widget.scene().prepareForPaint()  # pyqtgraph's views range themselves (auto-range) just before a paint
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif">',
           "<title>RNN Vision Lab figure</title>",
           f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>']
    for index, (plot, panel) in enumerate(zip(widget.figure_plots, figure.panels)):
        out += _plot(plot, panel, f"plot{index}")
    for text in widget.figure_texts:
        out += _text_item(text)
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


def _plot(plot: pg.PlotItem, panel, clip: str) -> list[str]:
    box = plot.getViewBox().sceneBoundingRect()
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()

    def to_scene(x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log10(x) if panel.log_x else x
            y = np.log10(y) if panel.log_y else y
        return (box.left() + (x - x0) / ((x1 - x0) or 1) * box.width(),
                box.bottom() - (y - y0) / ((y1 - y0) or 1) * box.height())

    out = [f'<clipPath id="{clip}"><rect x="{box.left():.2f}" y="{box.top():.2f}" width="{box.width():.2f}" '
           f'height="{box.height():.2f}"/></clipPath>']
    for side in ("bottom", "left"):
        out += _axis(plot.getAxis(side), side)
    marks = []
    for curve in panel.curves:
        marks += _curve(curve, to_scene)
    for scatter in panel.scatters:
        for spot in scatter["spots"]:
            x, y = to_scene([spot["pos"][0]], [spot["pos"][1]])
            marks.append(_marker(float(x[0]), float(y[0]), spot["size"], spot["symbol"], spot["brush"], spot["pen"]))
    out.append(f'<g clip-path="url(#{clip})">' + "".join(marks) + "</g>")
    if plot.legend is not None and plot.legend.isVisible() and plot.legend.items:
        out += _legend(plot.legend)
    return out


def _axis(axis: pg.AxisItem, side: str) -> list[str]:
    """The axis as pyqtgraph draws it: its line, ticks and grid lines (its own draw specs) and tick labels."""
    image = QtGui.QImage(1, 1, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    (pen, p1, p2), ticks, texts = specs
    out = [_line(axis.mapToScene(p1), axis.mapToScene(p2), pen)]
    out += [_line(axis.mapToScene(a), axis.mapToScene(b), tick_pen) for tick_pen, a, b in ticks]
    size = _px(axis.style["tickFont"] or axis.font())
    for rect, _flags, text in texts:
        centre = axis.mapRectToScene(QtCore.QRectF(rect)).center()
        anchor, x = ("end", axis.mapRectToScene(QtCore.QRectF(rect)).right()) if side == "left" else ("middle",
                                                                                                      centre.x())
        out.append(f'<text x="{x:.2f}" y="{centre.y() + size * 0.35:.2f}" font-size="{size:.1f}" '
                   f'text-anchor="{anchor}" fill="#000">{escape(text)}</text>')
    if axis.label.isVisible() and axis.label.toPlainText().strip():
        centre = axis.label.sceneBoundingRect().center()
        style = str(axis.labelStyle.get("font-size", ""))  # the label's HTML size, as the PNG draws it
        label_size = float(style[:-2]) * 96 / 72 if style.endswith("pt") else _px(axis.label.font())
        turn = f' transform="rotate(-90 {centre.x():.2f} {centre.y():.2f})"' if side == "left" else ""
        out.append(f'<text x="{centre.x():.2f}" y="{centre.y() + label_size * 0.35:.2f}" font-size="{label_size:.1f}"'
                   f' text-anchor="middle" fill="#000"{turn}>{escape(axis.label.toPlainText().strip())}</text>')
    return out


def _curve(curve: dict, to_scene) -> list[str]:
    x, y = np.asarray(curve["x"], float), np.asarray(curve["y"], float)
    out = []
    if curve.get("stepMode") == "center" and len(x) == len(y) + 1:  # a histogram: bars from the fill level
        x, y = np.repeat(x, 2)[1:-1], np.repeat(y, 2)
        brush = curve.get("fillBrush", curve.get("brush"))
        if curve.get("fillLevel") is not None and brush is not None:
            level = float(curve["fillLevel"])
            fx, fy = to_scene(np.r_[x[0], x, x[-1]], np.r_[level, y, level])
            out.append(f'<path d="{_path(fx, fy, close=True)}" {_fill(brush)} stroke="none"/>')
    sx, sy = to_scene(x, y)
    pen = pg.mkPen(curve.get("pen")) if curve.get("pen") is not None else None
    if pen is not None and pen.style() != QtCore.Qt.PenStyle.NoPen:
        finite = np.isfinite(sx) & np.isfinite(sy)
        for run in np.split(np.arange(len(sx)), np.flatnonzero(~finite)):
            run = run[finite[run]]
            if len(run) > 1:
                out.append(f'<path d="{_path(sx[run], sy[run])}" fill="none" {_stroke(pen)}/>')
    if curve.get("symbol") is not None:
        for px, py in zip(sx, sy):
            if np.isfinite(px) and np.isfinite(py):
                out.append(_marker(px, py, curve.get("symbolSize", 10), curve["symbol"], curve.get("symbolBrush"),
                                   curve.get("symbolPen")))
    return out


def _marker(x: float, y: float, size, symbol, brush, pen) -> str:
    fill = _fill(brush if brush is not None else (100, 100, 150))
    stroke = _stroke(pg.mkPen(pen)) if pen is not None else 'stroke="none"'
    r = float(size or 10) / 2
    if symbol == "star":
        angles = np.arange(10) * np.pi / 5 - np.pi / 2
        radii = np.where(np.arange(10) % 2, r * 0.45, r)
        outline = _path(x + radii * np.cos(angles), y + radii * np.sin(angles), close=True)
        return f'<path d="{outline}" {fill} {stroke}/>'
    return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r:.2f}" {fill} {stroke}/>'


def _legend(legend) -> list[str]:
    rect = legend.sceneBoundingRect()
    out = [f'<rect x="{rect.left():.2f}" y="{rect.top():.2f}" width="{rect.width():.2f}" height="{rect.height():.2f}"'
           f' {_fill(legend.opts["brush"])} {_stroke(pg.mkPen(legend.opts["pen"]))}/>']
    for sample, label in legend.items:
        box = sample.sceneBoundingRect()
        item = sample.item
        opts = item.opts if isinstance(item, pg.PlotDataItem) else {}
        if isinstance(item, pg.ScatterPlotItem):
            spot = item.points()[0] if len(item.data) else None
            out.append(_marker(box.center().x(), box.center().y(), 9, "o",
                               spot.brush() if spot is not None else item.opts["brush"], None))
        elif opts.get("pen") is not None and pg.mkPen(opts["pen"]).style() != QtCore.Qt.PenStyle.NoPen:
            y = box.center().y()
            out.append(f'<path d="M{box.left() + 2:.2f},{y:.2f} L{box.right() - 2:.2f},{y:.2f}" '
                       f'{_stroke(pg.mkPen(opts["pen"]))}/>')
        elif opts.get("symbol") is not None:
            out.append(_marker(box.center().x(), box.center().y(), 9, opts["symbol"], opts.get("symbolBrush"), None))
        text = label.item  # the label's QGraphicsTextItem
        out += _text_item(text)
    return out


def _text_item(item) -> list[str]:
    """A QGraphicsTextItem's text, line by line where its document wrapped it."""
    document, origin = item.document(), item.scenePos()
    size, colour = _px(item.font()), item.defaultTextColor().name()
    out, block = [], document.begin()
    layout = document.documentLayout()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        for i in range(lines.lineCount()):
            line = lines.lineAt(i)
            words = block.text()[line.textStart():line.textStart() + line.textLength()].strip()
            if words:
                x = origin.x() + line.naturalTextRect().left()
                y = origin.y() + top + line.y() + line.ascent()
                out.append(f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size:.1f}" fill="{colour}">'
                           f'{escape(words)}</text>')
        block = block.next()
    return out


def _line(a: QtCore.QPointF, b: QtCore.QPointF, pen: QtGui.QPen) -> str:
    return f'<path d="M{a.x():.2f},{a.y():.2f} L{b.x():.2f},{b.y():.2f}" {_stroke(pen)}/>'


def _path(x, y, close: bool = False) -> str:
    points = " ".join(f"{'M' if i == 0 else 'L'}{a:.2f},{b:.2f}" for i, (a, b) in enumerate(zip(x, y)))
    return points + (" Z" if close else "")


def _stroke(pen: QtGui.QPen) -> str:
    colour = pen.color()
    dash = ' stroke-dasharray="6,4"' if pen.style() == QtCore.Qt.PenStyle.DashLine else ""
    return (f'stroke="{colour.name()}" stroke-opacity="{colour.alphaF():.3f}" '
            f'stroke-width="{max(pen.widthF(), 1.0):.2f}"{dash}')


def _fill(brush) -> str:
    colour = pg.mkBrush(brush).color()
    return f'fill="{colour.name()}" fill-opacity="{colour.alphaF():.3f}"'


def _px(font: QtGui.QFont) -> float:
    """A font's size in logical pixels (points at 96 per inch)."""
    return font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72
