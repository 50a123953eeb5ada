"""Line charts as inline SVG text (no plotting library): several named series on one axis, linear or log y."""
from __future__ import annotations

import html
import math

COLOURS = {"rnn": "#d62728", "lstm": "#1f77b4", "gru": "#2ca02c"}
SPARE = ["#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"]


def colour(name: str, index: int) -> str:
    return COLOURS.get(name, SPARE[index % len(SPARE)])


def line_chart(series: dict, title: str, x_label: str, y_label: str, log_y: bool = False,
               width: int = 560, height: int = 320, floor: float = 1e-30) -> str:
    """series: {name: (xs, ys)} (optionally a 3rd item: "dash"). Non-finite points are left out; on a log
    axis values <= floor are drawn at the floor (an underflowed gradient is shown at the bottom, not lost)."""
    left, right, top, bottom = 70, 110, 30, 45
    pw, ph = width - left - right, height - top - bottom
    cleaned = {}
    for name, item in series.items():
        xs, ys = item[0], item[1]
        points = []
        for x, y in zip(xs, ys):
            if y is None or not math.isfinite(float(y)):
                continue
            y = float(y)
            if log_y:
                y = math.log10(max(y, floor))
            points.append((float(x), y))
        cleaned[name] = (points, item[2] if len(item) > 2 else "")
    every = [p for points, _ in cleaned.values() for p in points]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f'<text x="{left + pw / 2}" y="16" text-anchor="middle" font-size="13">{html.escape(title)}</text>']
    if not every:
        parts.append(f'<text x="{left + pw / 2}" y="{top + ph / 2}" text-anchor="middle">no data</text></svg>')
        return "".join(parts)
    x0, x1 = min(p[0] for p in every), max(p[0] for p in every)
    y0, y1 = min(p[1] for p in every), max(p[1] for p in every)
    if log_y:
        y0, y1 = math.floor(y0), math.ceil(y1)
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y0, y1 = y0 - 0.5, y1 + 0.5
    pad = 0 if log_y else (y1 - y0) * 0.05
    y0, y1 = y0 - pad, y1 + pad

    def sx(x):
        return left + (x - x0) / (x1 - x0) * pw

    def sy(y):
        return top + ph - (y - y0) / (y1 - y0) * ph

    parts.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
    for value in _ticks(y0, y1, log_y):
        y = sy(value)
        text = _log_label(value) if log_y else f"{value:.3g}"
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    for value in _ticks(x0, x1, False):
        x = sx(value)
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 15}" text-anchor="middle">{value:g}</text>')
    parts.append(f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle">{html.escape(x_label)}</text>')
    parts.append(f'<text x="14" y="{top + ph / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {top + ph / 2})">{html.escape(y_label)}</text>')
    for index, (name, (points, dash)) in enumerate(cleaned.items()):
        stroke = colour(name.split(" ")[0], index)
        dashing = ' stroke-dasharray="5,4"' if dash else ""
        if points:
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
            parts.append(f'<polyline fill="none" stroke="{stroke}" stroke-width="2"{dashing} points="{path}"/>')
        ly = top + 12 + 16 * index
        parts.append(f'<line x1="{left + pw + 8}" x2="{left + pw + 28}" y1="{ly - 4}" y2="{ly - 4}" '
                     f'stroke="{stroke}" stroke-width="2"{dashing}/>'
                     f'<text x="{left + pw + 32}" y="{ly}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ticks(low: float, high: float, log_y: bool) -> list[float]:
    if log_y:
        span = int(high - low)
        step = max(1, math.ceil(span / 6))
        return [float(v) for v in range(int(low), int(high) + 1, step)]
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _log_label(exponent: float) -> str:
    e = int(round(exponent))
    return {0: "1", 1: "10", -1: "0.1"}.get(e, f"1e{e}")
