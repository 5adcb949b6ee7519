"""A new user's first run on SQLite: set up twice (idempotent), then the portal answers."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_first_run_on_sqlite_is_idempotent_and_serves_the_portal(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'first-run.sqlite3'}"}

    def setup():
        # The same steps as `make setup`, with a smaller demo to keep the suite quick.
        make = ["make", "--no-print-directory", "setup", "DEMO_UMKM=150", f"BIN={Path(sys.executable).parent}"]
        result = subprocess.run(make, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    first = setup()
    assert "18 kecamatan, 239 desa/kelurahan" in first
    assert "Data DEMO dibuat: 150 UMKM" in first
    second = setup()
    assert "Data demo sudah ada (150 UMKM)" in second

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env={**env, "DEBUG": "true"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        page = None
        for _ in range(60):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert page is not None, "runserver did not answer"
        assert "Kemangkon" in page and "150 UMKM aktif" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
