# Peta UMKM Purbalingga: `make run` (portal with demo data on SQLite), `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_UMKM ?= 3000

.PHONY: run setup test install install-dev browser check-deploy clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Idempotent: migrate, load the real geography, seed demo data once.
setup: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_wilayah
	DEBUG=true $(BIN)/python manage.py seed_demo --umkm $(DEMO_UMKM)

# The portal and its job worker (spreadsheet checks and imports); Ctrl+C stops both.
run: setup
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium for the browser tests; Playwright never downloads a browser.
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Menginstal Chromium (Debian) untuk uji peramban..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

# Tests run with production settings (DEBUG off, manifest static files served by
# WhiteNoise) except HTTPS redirects, and without a tile server (no network in tests):
# pytest.ini selects purbalingga_umkm/settings_test.py, which sets those defaults, and
# the test session collects the static files into var/test-static when they changed.
test: install-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check-deploy: install
	DEBUG=false SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=umkm.purbalinggakab.go.id $(BIN)/python manage.py check --deploy --fail-level WARNING

clean-demo: install
	DEBUG=true $(BIN)/python manage.py clear_demo
