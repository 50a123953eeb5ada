"""`python main.py compare ... --json` run as a user runs it, on tiny generated data."""
from test_cli import Launch, gui_modules, imported_modules, last_json_line, write_folder


def test_compare_prints_one_json_line_keyed_by_cell_and_writes_the_report(tmp_path):
    folder = write_folder(tmp_path / "digits")
    out = tmp_path / "cmp"
    process = Launch("compare", "--task", "classify", "--data", f"folder:{folder}?size=8&test=0.3",
                     "--cells", "rnn,lstm,gru", "--epochs", "2", "--hidden", "8", "--threads", "1",
                     "--out", out, "--json", python_flags=("-X", "importtime")).result()
    assert process.returncode == 0, process.stderr
    result = last_json_line(process.stdout)
    assert list(result) == ["rnn", "lstm", "gru"]
    for run in result.values():
        assert set(run) == {"params", "seconds", "val_accuracy", "test_accuracy", "grad_ratio"}
        assert run["params"] > 0 and run["seconds"] > 0 and 0 <= run["test_accuracy"] <= 1
        assert run["grad_ratio"] is not None and run["grad_ratio"] > 0
    assert result["rnn"]["params"] < result["lstm"]["params"]
    page = (out / "report.html").read_text()
    assert "<table" in page and page.count("<svg") == 3
    assert (out / "compare.json").is_file() and all((out / c / "metrics.csv").is_file() for c in result)
    assert "report.html" in process.stderr
    assert not gui_modules(imported_modules(process.stderr))


def test_compare_refuses_an_unknown_cell_clearly(tmp_path):
    process = Launch("compare", "--data", "demo", "--cells", "rnn,transformer", "--out", tmp_path).result()
    assert process.returncode == 2
    assert "transformer" in process.stderr and "hint:" in process.stderr
