"""An outside clinic's plugin, for real: built from its own distribution, installed
into a fresh virtual environment beside the project (as a clinic would), listed,
tested with its own test suite, and served — without touching triage_core/,
plugins/ or service/. A plugin scaffolded with ``triage plugins new`` follows, and is
seen by the service after a restart.

Runs in the ``kit`` tox environment (it builds and installs packages: minutes, and
the package index must be reachable).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ITBS = ROOT / "examples" / "triage-itbs"
TYPICAL_ITBS = {
    "pain": {
        "locations": ["knee_outer"],
        "onset": "gradual",
        "when": ["during_run"],
        "worse_with_activity": True,
        "predictable_onset_in_run": True,
        "tender_area": "pinpoint",
    },
    "extensions": {"itbs": {"worse_downhill": True, "cambered_roads": True}},
}


def run(*command: str | Path, cwd: Path | None = None) -> str:
    completed = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, timeout=900, check=False
    )
    assert completed.returncode == 0, f"{command} failed:\n{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
    return completed.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with triage and the ITBS plugin installed from source."""
    root = tmp_path_factory.mktemp("kit") / "venv"
    run(sys.executable, "-m", "venv", root)
    run(root / "bin" / "python", "-m", "pip", "install", "--quiet", ROOT, f"{ITBS}[test]")
    return root


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def post(url: str, body: Any) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@contextmanager
def serving(venv: Path, log: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log.open("w") as output:
        process = subprocess.Popen(
            [venv / "bin" / "triage", "serve", "--port", str(port), "--workers", "1"], stdout=output, stderr=output
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    get(f"{base}/readyz")
                    break
                except OSError:
                    assert time.monotonic() < deadline, "the service did not become ready:\n" + log.read_text()
                    time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.e2e
def test_the_itbs_plugin_is_listed_by_the_cli(venv: Path) -> None:
    listing = json.loads(run(venv / "bin" / "triage", "plugins", "--json"))
    itbs = next(entry for entry in listing if entry["name"] == "itbs")
    assert (itbs["distribution"], itbs["version"], itbs["error"]) == ("triage-itbs", "1.0.0", None)
    assert itbs["conditions"] == ["iliotibial_band_syndrome"]
    assert "itbs: 0 error(s), 0 warning(s)" in run(venv / "bin" / "triage", "plugins", "check", "itbs")


@pytest.mark.e2e
def test_the_itbs_plugin_passes_its_own_tests(venv: Path) -> None:
    assert "4 passed" in run(venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", ITBS / "tests")


@pytest.mark.e2e
def test_the_service_lists_and_ranks_the_itbs_plugin(venv: Path, tmp_path: Path) -> None:
    with serving(venv, tmp_path / "serve.log") as base:
        plugins = get(f"{base}/v1/plugins")["plugins"]
        assert next(entry for entry in plugins if entry["name"] == "itbs")["distribution"] == "triage-itbs"
        conditions = {condition["id"]: condition for condition in get(f"{base}/v1/conditions")["conditions"]}
        assert conditions["iliotibial_band_syndrome"]["plugin"] == {"name": "itbs", "version": "1.0.0"}
        result = post(f"{base}/v1/triage", TYPICAL_ITBS)
        assert result["conditions"][0]["id"] == "iliotibial_band_syndrome"
        assert result["triage"]["level"] == "self_care"
        document = get(f"{base}/openapi.json")
        assert "worse_downhill" in document["components"]["schemas"]["ItbsExtension"]["properties"]


@pytest.mark.e2e
def test_a_scaffolded_plugin_installs_passes_its_tests_and_appears_after_a_restart(venv: Path, tmp_path: Path) -> None:
    with serving(venv, tmp_path / "before.log") as base:
        assert "heel_bruise" not in {entry["name"] for entry in get(f"{base}/v1/plugins")["plugins"]}
    run(venv / "bin" / "triage", "plugins", "new", "heel-bruise", "--directory", tmp_path)
    package = tmp_path / "triage-heel-bruise"
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-e", f"{package}[test]")
    assert "3 passed" in run(venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    with serving(venv, tmp_path / "after.log") as base:
        plugins = {entry["name"]: entry for entry in get(f"{base}/v1/plugins")["plugins"]}
        assert plugins["heel_bruise"]["conditions"] == ["heel_bruise"]
        result = post(f"{base}/v1/triage", {"pain": {"locations": ["foot_top"], "onset": "gradual"}})
        assert result["conditions"][0]["id"] == "heel_bruise"
