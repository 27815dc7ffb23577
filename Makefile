# Two commands: `make run` (platform with demo data on the embedded default) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app lms
PORT   ?= 5000

.PHONY: install run test lint translations clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade 'pip>=24'
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	$(BIN)/pybabel -q compile -d lms/translations
	touch $@

translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o lms/translations/messages.pot .
	$(BIN)/pybabel -q update -i lms/translations/messages.pot -d lms/translations
	$(BIN)/pybabel -q compile -d lms/translations

# Web server + a real Celery worker + beat, on SQLite and the embedded broker unless
# DATABASE_URL / REDIS_URL are set. Ctrl-C stops all three.
run: install
	$(BIN)/pybabel -q compile -d lms/translations
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Open http://127.0.0.1:$(PORT)  (Ctrl-C stops the web server, the worker and beat)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A worker.celery_app worker --loglevel=WARNING --concurrency=1 & \
	$(BIN)/celery -A worker.celery_app beat --loglevel=WARNING -s instance/celerybeat-schedule & \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pybabel -q compile -d lms/translations
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r lms courses worker config.py -ll
	$(BIN)/mypy
	$(BIN)/python -m pytest --cov --cov-report=term

lint: install
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r lms courses worker config.py -ll
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache
