PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench screenshot clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

# the house rules first (pyproject.toml: [tool.ruff], [tool.importlinter]); they take seconds, the tests minutes
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/edges_fps.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/gui_overhead.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/video_edges_fps.py --threads 1
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/player_fps.py
	$(BIN)/python bench/grad_overhead.py --read pixels
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/runs_browser.py

screenshot: $(STAMP)
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python tools/screenshot.py resources/screenshot.png

clean:
	rm -rf $(VENV) build *.egg-info
