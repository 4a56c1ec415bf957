"""Fixtures shared by the test suite.

Engines are built with an explicit plugin selection so that whatever else happens to
be installed in the test environment (or set in TRIAGE_* variables) cannot change
what the tests see.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import BUILTIN_PLUGINS

import triage_core
from triage_core.plugin_loading import PluginSelection

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def engine() -> triage_core.Engine:
    """The built-in plugins only, loaded through their entry points, strictly."""
    return triage_core.load_engine(selection=PluginSelection(load=BUILTIN_PLUGINS), strict=True)


@pytest.fixture(autouse=True)
def _clean_plugin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIAGE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("TRIAGE_DISABLE_PLUGINS", raising=False)


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Install a plugin distribution for real: a module plus a ``.dist-info`` with
    its ``triage`` entry point, on ``sys.path``, exactly what ``pip install`` leaves.
    """
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    installed: list[str] = []

    def install(distribution: str, module: str, source: str, entry_point: str | None = None, version: str = "1.0"):
        (site / f"{module}.py").write_text(textwrap.dedent(source))
        dist_info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
        (dist_info / "entry_points.txt").write_text(f"[triage]\n{entry_point or module} = {module}\n")
        installed.append(module)

    yield install
    for module in installed:
        sys.modules.pop(module, None)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real ``triage serve`` (gunicorn) on a free loopback port; yields its base URL.

    Its log goes to a file (a pipe nobody reads would fill up and stall the server).
    """
    log_path = tmp_path_factory.mktemp("live_server") / "serve.log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TRIAGE_LOAD_PLUGINS": "runner-triage"}
    env.pop("TRIAGE_DISABLE_PLUGINS", None)
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "triage_service", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"triage serve exited early:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("triage serve did not become ready within 60 s")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
