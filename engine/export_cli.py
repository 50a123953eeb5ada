"""`python main.py export`: a checkpoint's model as an ONNX file (checked against torch with --verify) or as a
copy of the checkpoint (engine/model_export.py)."""
from __future__ import annotations

import json
import sys


def add_export_parser(sub) -> None:
    export = sub.add_parser("export", help="write a checkpoint's model as ONNX (classify, edges, segment, frame "
                            "prediction), verified against torch with --verify, or as a checkpoint copy")
    export.add_argument("--checkpoint", required=True)
    export.add_argument("--format", choices=("onnx", "checkpoint"), default="onnx",
                        help="onnx (default; needs the onnx package, --verify also onnxruntime) or checkpoint")
    export.add_argument("--out", required=True, help="the file to write: FILE.onnx, or FILE.ckpt for a checkpoint")
    export.add_argument("--verify", action="store_true",
                        help="run the file in onnxruntime on sample inputs prepared as the checkpoint prepares "
                        "images and compare with torch; nothing is written unless they agree within 1e-4")
    export.add_argument("--data", default=None,
                        help="classify: also score torch and onnxruntime on this data spec's test split (implies "
                        "--verify)")
    export.add_argument("--overwrite", action="store_true", help="replace --out if it exists (never the checkpoint)")
    export.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = automatic)")
    export.add_argument("--json", action="store_true", help="print one JSON result line last on stdout")
    export.set_defaults(run=cmd_export)


def cmd_export(args) -> int:
    from engine.device import set_threads
    from engine.model_export import export_model, verification_line

    set_threads(args.threads)
    result = export_model(args.checkpoint, args.out, args.format, verify=args.verify, overwrite=args.overwrite,
                          data=args.data, progress=lambda text: print(text, file=sys.stderr))
    print(verification_line(result), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result))
    return 0
