"""RNN Vision Lab. `python main.py` opens the window; `python main.py train|evaluate|predict|compare|runs|export|sweep
...` runs headless.

The headless path never imports Qt, so it runs on servers with no display libraries. Anything else first
on the command line is either one of Qt's own options for the window (-platform offscreen, -style fusion,
...) or a mistake: a mistyped command says so and exits with status 2, without importing Qt (the window
would ignore it, and with no display wait forever).
"""
import difflib
import sys

COMMANDS = ("train", "evaluate", "predict", "compare", "runs", "export", "sweep")
HEADLESS = COMMANDS + ("-h", "--help")
# QGuiApplication / QApplication options (Qt 6 docs, including the X11 ones); Qt reads -name or --name
QT_OPTIONS = {"platform", "platformpluginpath", "platformtheme", "plugin", "qmljsdebugger", "qwindowgeometry",
              "qwindowicon", "qwindowtitle", "reverse", "session", "style", "stylesheet", "widgetcount",
              "display", "geometry", "title", "name", "visual", "ncols", "cmap", "nograb", "dograb", "sync",
              "fn", "font", "bg", "background", "fg", "foreground", "btn", "button", "im", "inputstyle"}


def unknown_command(word: str) -> str | None:
    """What is wrong with a first argument that is neither a command nor a Qt option; None when it is fine."""
    if word in HEADLESS:
        return None
    if word.startswith("-") and word.lstrip("-").partition("=")[0] in QT_OPTIONS:
        return None
    what = "option" if word.startswith("-") else "command"
    close = difflib.get_close_matches(word.lstrip("-") if what == "option" else word, COMMANDS, n=1)
    if what == "option" and not close:
        close = difflib.get_close_matches(word, ["--help"], n=1)
    guess = f" Did you mean '{close[0]}'?" if close else ""
    return (f"error: unknown {what} '{word}'.{guess}\n"
            f"hint: the commands are {', '.join(COMMANDS)} (python main.py COMMAND --help shows its flags); "
            "with no command, python main.py opens the window.")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in HEADLESS:
        from engine.cli import main as cli_main
        return cli_main(argv)
    problem = unknown_command(argv[0]) if argv else None
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from gui.app import main as gui_main
    return gui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
