"""The comparison report: ONE self-contained HTML file (inline SVG plots, a table, and plain words).

The words are written from the actual numbers, for a student: how much gradient reaches the first step
compared with the last one, what that means for learning, which model scored best and at what cost.
"""
from __future__ import annotations

import html
import math
from pathlib import Path

from engine.svg_plot import line_chart

STEP_NAMES = {"rows": "row", "cols": "column", "pixels": "pixel"}


def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def power_of_ten(ratio) -> str:
    """0.0000012 -> '10^-6' (as HTML), for the words."""
    if not _finite(ratio):
        return "unknown"
    if ratio <= 0:
        return "0"
    return f"10<sup>{round(math.log10(ratio))}</sup>"


def ratio_words(ratio, unit: str = "step") -> str:
    if not _finite(ratio):
        return "could not be measured"
    if ratio <= 0:
        return "is zero: it underflowed, too small even for a 64-bit float (below about 10<sup>-308</sup>)"
    if ratio >= 3:
        return f"is larger ({ratio:.2g} times) than the gradient at the last {unit}"
    if ratio >= 0.3:
        return f"is about as large as ({ratio:.2g} times) the gradient at the last {unit}"
    text = f"is about {power_of_ten(ratio)} ({ratio:.2g}) of the gradient at the last {unit}"
    if ratio < 1e-12:
        text += f": {math.floor(-math.log10(ratio))} zeros after the decimal point, for learning nothing at all"
    return text


def explain(comparison: dict) -> list[str]:
    """Paragraphs (HTML) saying what the numbers show."""
    runs = comparison["runs"]
    base = comparison.get("base_config", {})
    unit = STEP_NAMES.get(base.get("read", ""), "step")
    steps = _steps(runs)
    said = []
    lines = []
    for name, run in runs.items():
        text = ratio_words(run["grad_ratio"], unit)
        lines.append(f"<b>{html.escape(name.upper())}</b>: the gradient reaching the first {unit} {text}.")
    said.append("Gradient through time, over the final epoch" + (f" ({steps} {unit}s per image)" if steps else "")
                + ":<br>" + "<br>".join(lines))
    rnn = runs.get("rnn")
    gated = {n: r for n, r in runs.items() if n in ("lstm", "gru") and _finite(r["grad_ratio"])}
    if rnn is not None and _finite(rnn["grad_ratio"]) and gated:
        parts = []
        for name, run in gated.items():
            if rnn["grad_ratio"] > 0 and run["grad_ratio"] > 0:
                factor = run["grad_ratio"] / rnn["grad_ratio"]
                if factor >= 10:
                    parts.append(f"the {name.upper()}'s first {unit}s get about {_times(factor)} more "
                                 f"of the gradient than the RNN's")
                elif factor <= 0.1:
                    parts.append(f"the {name.upper()}'s first {unit}s get about {_times(1 / factor)} "
                                 f"less of the gradient than the RNN's (unusual: it has not opened its gates)")
                else:
                    parts.append(f"the {name.upper()} and the RNN pass back a similar share ({factor:.2g} times)")
            elif rnn["grad_ratio"] == 0 and run["grad_ratio"] > 0:
                parts.append(f"the {name.upper()}'s first {unit} still gets {run['grad_ratio']:.2g} times the gradient "
                             f"of its last {unit}, where the RNN's first {unit} gets none at all")
        if parts:
            said.append("Compared: " + "; ".join(parts) + ".")
        if any(r["grad_ratio"] > max(rnn["grad_ratio"], 0) * 10 for r in gated.values()) or rnn["grad_ratio"] < 1e-3:
            said.append(
                f"Why: going back one step, a plain RNN's gradient is multiplied by its recurrent weights and by the "
                f"slope of tanh, and these products shrink it again at every step, so it fades geometrically. "
                f"The first {unit}s then barely teach the RNN: it learns mostly from the last few {unit}s it read. "
                f"An LSTM keeps a separate memory cell whose forget gate, held near 1, passes the gradient back almost "
                f"unchanged; a GRU's update gate does the same for its hidden state. That is why gates matter.")
        elif rnn["grad_ratio"] >= 1e-2 and steps and steps < 100:
            said.append(f"Over only {steps} {unit}s a trained RNN still passes a fair share of its gradient back "
                        f"to the start, so here the cells differ little in that. The fading is geometric in the "
                        f"number of steps: read the image pixel by pixel (--preset pixels, 784 steps) to see it.")
    scored = {n: r for n, r in runs.items() if _finite(r.get("test_accuracy"))}
    key = "test_accuracy"
    if not scored:
        scored, key = {n: r for n, r in runs.items() if _finite(r.get("val_accuracy"))}, "val_accuracy"
    if scored:
        best = max(scored, key=lambda n: scored[n][key])
        split = "test" if key == "test_accuracy" else "validation"
        figures = ", ".join(f"{n.upper()} {r[key]:.1%}" for n, r in scored.items())
        said.append(f"Accuracy on the {split} set: {figures}. The {best.upper()} scored best.")
        others = [r[key] for n, r in scored.items() if n != "rnn"]
        if "rnn" in scored and others and scored["rnn"][key] < min(others) - 0.05:
            said.append(f"The RNN's lower accuracy is the same story told by the results: with almost no gradient "
                        f"reaching its first {unit}s, it can only learn from what it read last.")
        if scored[best][key] < 0.5 and base.get("epochs"):
            said.append(f"All accuracies are still low: these runs were short ({base['epochs']} epochs). More epochs "
                        f"raise them; the gradient figures above already show the difference between the cells.")
    if rnn is not None and len(runs) > 1:
        costs = ", ".join(f"{n.upper()} {r['params']:,} weights in {r['seconds']:.1f} s" for n, r in runs.items())
        said.append(f"The price of the gates: {costs}. An LSTM has four sets of weights per unit (input, forget and "
                    f"output gates and the candidate), a GRU three, a plain RNN one.")
    if (base.get("options") or {}).get("gate_init") == "chrono":
        said.append("These runs started the LSTM's forget gates and the GRU's update gates open (chrono "
                    "initialisation), as is usual for long sequences; with PyTorch's default start those gates sit "
                    "near 0.5 and, over hundreds of steps, even a gated cell's gradient fades at first.")
    return said


def _times(factor: float) -> str:
    """13.2 -> '13 times', 2.4e7 -> '10^7 times' (as HTML)."""
    return f"{factor:.0f} times" if factor < 1000 else f"{power_of_ten(factor)} times"


def _steps(runs: dict) -> int:
    return max((len(r.get("grad_norms") or []) for r in runs.values()), default=0)


def _table(runs: dict) -> str:
    head = ("run", "parameters", "seconds", "best val accuracy", "test accuracy", "grad_ratio (first / last step)",
            "grad_ratio, epoch 1")
    rows = []
    for name, run in runs.items():
        def pct(value):
            return f"{value:.2%}" if _finite(value) else "–"
        def ratio_text(ratio):
            return "–" if not _finite(ratio) else "0 (underflow)" if ratio == 0 else f"{ratio:.3g}"
        first = (run.get("history") or [{}])[0].get("grad_ratio")
        note = "" if run.get("reason") in ("done", "early_stop") else f" ({html.escape(run.get('reason', ''))})"
        rows.append(f"<tr><td>{html.escape(name)}{note}</td><td>{run['params']:,}</td><td>{run['seconds']:.1f}</td>"
                    f"<td>{pct(run['val_accuracy'])}</td><td>{pct(run['test_accuracy'])}</td>"
                    f"<td>{ratio_text(run['grad_ratio'])}</td><td>{ratio_text(first)}</td></tr>")
    return ("<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(rows) + "</table>")


def _plots(runs: dict) -> list[str]:
    loss, accuracy, grads = {}, {}, {}
    for name, run in runs.items():
        history = run.get("history") or []
        epochs = [row["epoch"] for row in history]
        loss[f"{name} train"] = (epochs, [row.get("train_loss") for row in history])
        if any("val_loss" in row for row in history):
            loss[f"{name} val"] = (epochs, [row.get("val_loss") for row in history], "dash")
        key = "val_accuracy" if any("val_accuracy" in row for row in history) else "train_accuracy"
        accuracy[name] = (epochs, [row.get(key) for row in history])
        curve = run.get("grad_norms") or []
        if curve and _finite(curve[-1]) and curve[-1] > 0:
            grads[name] = (list(range(1, len(curve) + 1)), [v / curve[-1] for v in curve])
    return [
        line_chart(loss, "Loss per epoch (solid: training, dashed: validation)", "epoch", "loss"),
        line_chart(accuracy, "Validation accuracy per epoch", "epoch", "accuracy"),
        line_chart(grads, "Gradient reaching each step (final epoch)", "time step t (1 = first read)",
                   "|dLoss/dh_t| / last step's", log_y=True),
    ]


def write_report(comparison: dict, path: str | Path) -> Path:
    path = Path(path)
    runs = comparison["runs"]
    base = comparison.get("base_config", {})
    settings = ", ".join(f"{k} {base[k]}" for k in ("read", "hidden", "layers", "bidirectional", "epochs", "batch",
                                                      "lr", "seed") if k in base)
    paragraphs = "".join(f"<p>{p}</p>" for p in explain(comparison))
    figures = "".join(f"<figure>{svg}</figure>" for svg in _plots(runs))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>RNN Vision Lab: why gates matter</title>
<style>
body {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; color: #222; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 10px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
figure {{ display: inline-block; margin: 0.5em; }}
.small {{ color: #666; font-size: 0.9em; }}
</style></head><body>
<h1>Why gates matter: {' vs '.join(html.escape(n.upper()) for n in runs)}</h1>
<p class="small">Data {html.escape(str(comparison.get('data', '')))}
 · task {html.escape(str(comparison.get('task', '')))}
 · same data, split and seed for every run · {html.escape(settings)}</p>
<h2>What the numbers show</h2>
{paragraphs}
<h2>Table</h2>
{_table(runs)}
<p class="small">grad_ratio: the mean size of dLoss/dh_t at the first step divided by that at the last step,
over the measurements of the final epoch (h_t: the last recurrent layer, forward direction), and of the first
epoch beside it. 1 means the first
step learns as much as the last; 10<sup>-6</sup> means a millionth as much. Seconds are wall time of each whole
run (training, evaluation, pictures): on a busy machine they vary.</p>
<h2>Plots</h2>
{figures}
<p class="small">The gradient plot divides each step's gradient by the last step's, on a log scale: each
factor of ten down is one order of magnitude less learning signal reaching that step. Values below
10<sup>-30</sup> (and underflowed zeros) are drawn at the bottom edge.</p>
</body></html>
"""
    temp = path.with_suffix(".html.tmp")
    temp.write_text(page, encoding="utf-8")
    temp.replace(path)
    return path
