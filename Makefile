# Two commands matter: `make run` and `make test` (README). Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= true

.PHONY: run test test-fast lint format bench messages clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@# A development checkout runs with DEBUG on, also for a plain `python manage.py …`; production
	@# has no .env and refuses to start without SECRET_KEY and ALLOWED_HOSTS.
	test -f .env || printf 'DEBUG=true\n' > .env
	touch $@

# Demo password: DEMO_PASSWORD if set, otherwise one generated once and kept in .demo-password.
.demo-password:
	@if [ -n "$$DEMO_PASSWORD" ]; then printf '%s' "$$DEMO_PASSWORD" > $@; \
	else $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(12), end='')" > $@; fi

run: $(BIN)/.installed .demo-password
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --password "$${DEMO_PASSWORD:-$$(cat .demo-password)}"
	@echo "Demo users: pionier, coordinator, groningen, utrecht, provincie — password: $${DEMO_PASSWORD:-$$(cat .demo-password)}"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Two workers (pytest-xdist): the suite includes browser tests and fuzzing; CI has two cores.
test: lint
	$(BIN)/pytest -n 2

# While working: the same without the tests marked slow (browser, migration round trip, fuzzing,
# races, permission matrix, backup, national data). CI and `make test` run them all.
test-fast: lint
	$(BIN)/pytest -n 2 -m "not slow"

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --ignore=.venv --ignore=tests
	$(BIN)/python manage.py compilemessages -l nl --ignore=.venv

bench: $(BIN)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .demo-password
