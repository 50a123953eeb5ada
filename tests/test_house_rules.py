"""The house rules as tools, inside the test run: `ruff check .` (the rule set in pyproject.toml's
[tool.ruff]) and `lint-imports` (the contracts in [tool.importlinter]: no Qt in the engine, no torch in the
window, no engine in the views, no torch in the task specs). `make test` runs both before pytest too; here
a failure also shows in the test output with the tools' own report."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    """The tool installed next to this Python (the venv's), else one on PATH; skip when neither exists."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


@pytest.mark.parametrize("command", [["ruff", "check", "."], ["lint-imports"]], ids=["ruff", "import-linter"])
def test_the_house_rules_hold(command):
    done = subprocess.run([_tool(command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"


def test_the_spec_contract_names_every_task_package():
    """A task package added to the registry is also held to "its spec imports no torch"."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11+")
    from engine.tasks import registry

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    specs = next(c for c in contracts if c.get("as_packages") is False and c["forbidden_modules"] == ["torch"])
    assert set(registry.PACKAGES) <= set(specs["source_modules"])
