"""RNN Vision Lab. `python main.py` opens the window; `python main.py train|evaluate|predict ...` runs headless.

The headless path never imports Qt, so it runs on servers with no display libraries.
"""
import sys

HEADLESS = ("train", "evaluate", "predict", "compare", "-h", "--help")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in HEADLESS:
        from engine.cli import main as cli_main
        return cli_main(argv)
    from gui.app import main as gui_main
    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
