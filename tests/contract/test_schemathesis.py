"""Schemathesis against the live server's own /openapi.json: no 5xx, and every
response conforms to the document (status codes, content types, headers, schemas),
invalid data is rejected and valid data accepted.

Runs in the ``contract`` tox environment (schemathesis is heavy for the unit run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.e2e
def test_the_api_conforms_to_its_openapi_document(live_server: str, tmp_path: Path) -> None:
    executable = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    completed = subprocess.run(
        [
            executable,
            "run",
            f"{live_server}/openapi.json",
            "--checks",
            "all",
            "--max-time",
            os.environ.get("SCHEMATHESIS_MAX_TIME", "60"),
            "--workers",
            "2",
            "--seed",
            os.environ.get("SCHEMATHESIS_SEED", "20261125"),
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
