"""A trained model out of the app: as an ONNX file other programs run (onnxruntime, browsers, C++, C#), checked
against torch, or as a copy of its checkpoint.

The graph is written by torch's TorchScript exporter (`torch.onnx.export(..., dynamo=False)`). The models are
fused nn.GRU / nn.LSTM / nn.RNN stacks (the classifier, the ReNet sweeps of edges and segment: exported as
ONNX's own GRU / LSTM / RNN operators) and convolutional cells stepped in Python (frame prediction, exported
one step at a time). The newer dynamo exporter needs the onnxscript package besides, and has written GRUs
wrongly without an error (pytorch issue 189225), so an export is called verified only after onnxruntime has
run it on the checkpoint's own preprocessing of sample inputs, of another batch size (and image size where
the graph takes any) than the one it was traced with, and its largest absolute difference from torch is at
most TOLERANCE. A failed verification writes nothing.

onnx and onnxruntime are an optional extra (`pip install 'rnn-vision-lab[export]'`): imported only here, when
an export is asked for, with a message that says how to install them.
"""
from __future__ import annotations

import io
import json
import time
import warnings
from pathlib import Path

import numpy as np

from engine.errors import ConfigError, UserError

TOLERANCE = 1e-4  # the largest |onnxruntime - torch| an export may show and still be called verified
OPSET = 17
FORMATS = {"onnx": (".onnx",), "checkpoint": (".ckpt", ".pt", ".pth")}
INSTALL = "Install them with: pip install 'rnn-vision-lab[export]' (or pip install onnx onnxruntime)."


class ExportError(UserError):
    """An export that cannot be made, or that does not match torch."""


def export_model(checkpoint_path: str | Path, out: str | Path, fmt: str = "onnx", *, verify: bool = False,
                 overwrite: bool = False, data: str | None = None, progress=None) -> dict:
    """Write the model of the checkpoint at `checkpoint_path` to `out` as `fmt` ("onnx" or "checkpoint") and
    return what was written and checked (the `export --json` line). `data`: a data spec whose test split the
    torch model and the ONNX file are both scored on (classify: accuracy); it implies `verify`. Never writes
    over the checkpoint; an existing `out` only with `overwrite`; the file appears whole or not at all.
    `progress(text)` is told each stage."""
    from engine.output_plan import check_output_file

    if fmt not in FORMATS:
        raise ConfigError(f"Unknown export format {fmt!r}.", f"Use one of: {', '.join(FORMATS)}.")
    out = check_output_file(out, [Path(checkpoint_path)], overwrite, FORMATS[fmt], "an exported model")
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    if fmt == "checkpoint":
        result = _copy_checkpoint(Path(checkpoint_path), out, overwrite)
    else:
        result = _export_onnx(Path(checkpoint_path), out, verify or bool(data), overwrite, data, say)
    return {**result, "seconds": round(time.perf_counter() - started, 2)}


def _copy_checkpoint(source: Path, out: Path, overwrite: bool) -> dict:
    """The checkpoint's bytes, after loading it whole (its checksums checked): a damaged file is refused."""
    from engine import checkpoint
    from engine.atomic_files import write_bytes

    payload = checkpoint.load(source)
    data = source.read_bytes()
    write_bytes(out, data, overwrite)
    return {"task": payload["task"], "format": "checkpoint", "out": str(out), "bytes": len(data),
            "verified": True, "checked": "the copy's source loaded with its checksums"}


def _export_onnx(source: Path, out: Path, verify: bool, overwrite: bool, data: str | None, say) -> dict:
    onnx = _need("onnx")
    ort = _need("onnxruntime") if verify else None
    from engine.atomic_files import write_bytes
    from engine.inference import load_predictor

    say("Reading the checkpoint…")
    predictor = load_predictor(source, device="cpu", threads=None)
    task = predictor.payload["task"]
    if "onnx" not in predictor.capabilities:
        raise ExportError(f"A {task!r} model cannot be exported to ONNX (yet).",
                          "Export it with --format checkpoint, or use it in this app.")
    graph = predictor.export_graph()
    if data and graph.score is None:
        raise ConfigError(f"--data scores exported {task} models on nothing yet; only classifiers are scored.",
                          "Leave out --data: --verify compares the outputs with torch's.")
    say("Writing the ONNX graph…")
    model = onnx.load_from_string(_traced(graph))
    _add_metadata(model, predictor, graph)
    onnx.checker.check_model(model)
    written = model.SerializeToString()
    result = {"task": task, "format": "onnx", "out": str(out), "bytes": len(written), "opset": OPSET,
              "inputs": _shapes(model.graph.input), "outputs": _shapes(model.graph.output), "describe": graph.describe,
              "verified": False}
    if verify:
        say("Checking the file with onnxruntime…")
        result.update(_verify(ort, written, graph, data))
        if not result["verified"]:
            raise ExportError(f"The ONNX graph differs from torch by up to {result['max_abs_diff']:.3g} (more than "
                              f"{TOLERANCE:g}); {out} was not written.",
                              "Export without --verify to keep it anyway, and please report the model's settings.")
    write_bytes(out, written, overwrite)
    return result


def can_verify() -> bool:
    """Whether onnxruntime is installed (found without importing it)."""
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def _need(module: str):
    try:
        return __import__(module)
    except ImportError:
        raise ExportError(f"Exporting to ONNX needs the {module} package, which is not installed.", INSTALL) from None


def _traced(graph) -> bytes:
    import torch

    buffer = io.BytesIO()
    tensors = tuple(torch.from_numpy(np.ascontiguousarray(v)) for v in graph.inputs.values())
    graph.module.eval()
    with warnings.catch_warnings():
        # the TorchScript exporter is chosen on purpose (see the module docstring); its warning about RNNs and
        # batch sizes is what the verification checks, on another batch size
        warnings.simplefilter("ignore")
        torch.onnx.export(graph.module, tensors, buffer, dynamo=False, opset_version=OPSET,
                          input_names=list(graph.inputs), output_names=list(graph.outputs),
                          dynamic_axes=graph.dynamic, do_constant_folding=True)
    return buffer.getvalue()


def _add_metadata(model, predictor, graph) -> None:
    info = predictor.info
    values = {"task": predictor.payload["task"], "cell": str(predictor.config.cell), "inputs": graph.describe,
              "exported_by": "RNN Vision Lab (python main.py export)", **graph.metadata}
    if "metrics" in predictor.payload:
        values["metrics"] = json.dumps(predictor.payload["metrics"])
    if "class_names" in info:
        values.setdefault("class_names", json.dumps(list(info["class_names"])))
    for key, value in values.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)


def _shapes(values) -> dict:
    """{name: [dim or its name, ...]} of a graph's inputs or outputs."""
    return {v.name: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in values}


def _verify(ort, written: bytes, graph, data: str | None) -> dict:
    from engine.export_graph import torch_outputs

    session = ort.InferenceSession(written, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]

    def run(inputs: dict) -> list[np.ndarray]:
        return session.run(names, {k: np.ascontiguousarray(v, np.float32) for k, v in inputs.items()})

    worst, checked = 0.0, []
    for inputs in [graph.inputs, *graph.checks]:
        for expected, found in zip(torch_outputs(graph.module, inputs), run(inputs)):
            if expected.shape != found.shape:
                raise ExportError(f"The ONNX graph gives outputs of shape {found.shape} where torch gives "
                                  f"{expected.shape} (inputs {_input_shapes(inputs)}).",
                                  "Export without --verify to keep it anyway, and please report the model's settings.")
            worst = max(worst, float(np.max(np.abs(expected.astype(np.float64) - found))) if expected.size else 0.0)
        checked.append(_input_shapes(inputs))
    result = {"verified": bool(np.isfinite(worst) and worst <= TOLERANCE), "max_abs_diff": worst,
              "tolerance": TOLERANCE, "checked": checked, "onnxruntime": ort.__version__}
    if data:
        result["test"] = graph.score(data, run)
    return result


def _input_shapes(inputs: dict) -> dict:
    return {name: list(value.shape) for name, value in inputs.items()}


def verification_line(result: dict) -> str:
    """One sentence a person reads: what was written and how it was checked."""
    where = f"{result['out']} ({result['bytes'] / 1e6:.2f} MB)"
    if result["format"] == "checkpoint":
        return f"Copied the checkpoint to {where}; it loaded whole, its checksums matching."
    if "max_abs_diff" not in result:
        how = "pass --verify to compare it with torch in onnxruntime" if can_verify() else \
            "install onnxruntime to compare it with torch: pip install onnxruntime"
        return f"Wrote {where}; not verified ({how})."
    batches = ", ".join("x".join(map(str, next(iter(shapes.values())))) for shapes in result["checked"])
    line = (f"Wrote {where}: verified with onnxruntime {result['onnxruntime']}, largest difference from torch "
            f"{result['max_abs_diff']:.2g} (at most {result['tolerance']:g}) on inputs {batches}.")
    test = result.get("test")
    if test:
        line += (f" On {test['samples']} test samples: accuracy {test['torch_accuracy']:.2%} in torch, "
                 f"{test['onnx_accuracy']:.2%} in onnxruntime ({test['same_predictions']} same answers).")
    return line
