"""Benchmark: POST /v1/triage against a bare Flask endpoint doing only the schema work.

    python bench/http_vs_bare.py [--duration 10] [--rounds 3] [--connections 16]

Both apps are served by gunicorn with the same settings and driven by ``wrk`` (Debian
package ``wrk``) from a second process, in alternating rounds of the same run, with
the same request bodies (the example cases). The bare endpoint parses the body,
loads it with the same report schema and dumps the same result schema with a fixed,
precomputed result; the difference is the engine and the service around it.

It prints requests/s and p50/p99 latency for both (medians over rounds), the ratio,
and an in-process breakdown of where a triage request's time goes.
Target (issue #3): /v1/triage at 80 % or more of the bare endpoint's throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import triage_core
from triage_core.result_schema import TriageResultSchema

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests" / "cases" / "examples.json").read_text())

SERVER = """
import sys
from gunicorn.app.base import BaseApplication

class Server(BaseApplication):
    def __init__(self, factory, options):
        self.factory, self.options = factory, options
        super().__init__()
    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)
    def load(self):
        return self.factory()

kind, port, workers, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if kind == "triage":
    from triage_service.request_log import configure_logging
    from triage_service import create_app
    def factory():
        configure_logging("INFO")
        return create_app()
else:
    sys.path.insert(0, sys.argv[5])
    from http_vs_bare import create_bare_app as factory
Server(factory, {"bind": f"127.0.0.1:{port}", "workers": workers, "worker_class": "gthread", "threads": threads,
                 "accesslog": None, "errorlog": "-"}).run()
"""

WRK_SCRIPT = """
local bodies = {%s}
local index = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  index = index %% #bodies + 1
  return wrk.format(nil, "/v1/triage", nil, bodies[index])
end
"""


def create_bare_app() -> Any:
    """Flask, the same report schema load and result schema dump, nothing else."""
    from flask import Flask, Response, request

    engine = triage_core.load_engine()
    schema = engine.report_schema()
    fixed = engine.triage(CASES[0]["report"])
    result_schema = TriageResultSchema()
    app = Flask("bare")

    @app.post("/v1/triage")
    def bare() -> Response:
        schema.load(json.loads(request.get_data()))
        return Response(json.dumps(result_schema.dump(fixed)), mimetype="application/json")

    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(kind: str, workers: int, threads: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, kind, str(port), str(workers), str(threads), str(Path(__file__).parent)],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "TRIAGE_LOAD_PLUGINS": "runner-triage"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/triage", data=b"{}", headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=2):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{kind} server did not start; see {log}")


def run_wrk(port: int, script: Path, duration: int, connections: int) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw error responses:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"\s50%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1)),  # type: ignore[union-attr]
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def breakdown(repeat: int = 300) -> dict[str, float]:
    """Microseconds per request spent in each stage, measured in process."""
    engine = triage_core.load_engine()
    bodies = [json.dumps(case["report"]).encode() for case in CASES]
    stages: dict[str, Callable[[bytes], object]] = {}
    parsed = {body: json.loads(body) for body in bodies}
    reports = {body: engine.validate(parsed[body]) for body in bodies}
    results = {body: engine.evaluate(reports[body]) for body in bodies}
    dumped = {body: results[body].to_dict() for body in bodies}
    stages["parse JSON"] = json.loads
    stages["validate (report schema)"] = lambda body: engine.validate(parsed[body])
    stages["decide (engine.assess)"] = lambda body: engine.assess(reports[body])
    stages["explain (evaluate - assess)"] = lambda body: engine.evaluate(reports[body])
    stages["dump (result schema)"] = lambda body: results[body].to_dict()
    stages["serialise JSON"] = lambda body: json.dumps(dumped[body])
    timings = {}
    for name, stage in stages.items():
        started = time.perf_counter()
        for _ in range(repeat):
            for body in bodies:
                stage(body)
        timings[name] = (time.perf_counter() - started) / repeat / len(bodies) * 1e6
    timings["explain (evaluate - assess)"] -= timings["decide (engine.assess)"]
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "bodies.lua"
        lua_bodies = ", ".join("[==[" + json.dumps(case["report"]) + "]==]" for case in CASES)
        script.write_text(WRK_SCRIPT % lua_bodies)
        log = Path(scratch) / "servers.log"
        samples: dict[str, list[dict[str, float]]] = {"bare": [], "triage": []}
        for round_number in range(options.rounds):
            # Alternate which goes first, so a machine slowing down or speeding up
            # during the run does not favour either side.
            order = ("bare", "triage") if round_number % 2 == 0 else ("triage", "bare")
            for kind in order:
                process, port = start(kind, options.workers, options.threads, log)
                try:
                    run_wrk(port, script, 2, options.connections)  # warm-up
                    samples[kind].append(run_wrk(port, script, options.duration, options.connections))
                    print(f"  round: {kind:8}{samples[kind][-1]['rps']:8.0f} req/s", file=sys.stderr)
                finally:
                    process.terminate()
                    process.wait(timeout=30)

    median = {kind: {key: statistics.median(s[key] for s in runs) for key in ("rps", "p50", "p99")}
              for kind, runs in samples.items()}  # fmt: skip
    print(f"gunicorn gthread {options.workers}x{options.threads}, wrk 2 threads x {options.connections} connections, "
          f"{options.duration}s x {options.rounds} rounds (medians)")  # fmt: skip
    print(f"{'':16}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for kind, values in median.items():
        print(f"{kind:16}{values['rps']:10.0f}{values['p50']:10.2f}{values['p99']:10.2f}")
    # The ratio of each round's pair, then their median: pairs ran back to back, so
    # they share the machine's mood of the moment.
    ratios = [t["rps"] / b["rps"] for t, b in zip(samples["triage"], samples["bare"], strict=True)]
    ratio = statistics.median(ratios)
    print(f"per-round ratios: {', '.join(f'{value:.0%}' for value in ratios)}")
    print(f"/v1/triage throughput = {ratio:.0%} of the bare endpoint ({'meets' if ratio >= 0.8 else 'misses'} 80 %)")
    print("\nwhere a /v1/triage request's time goes (in process, us per request):")
    timings = breakdown()
    total = sum(timings.values())
    for name, value in timings.items():
        print(f"  {name:30}{value:8.1f}  {value / total:5.0%}")


if __name__ == "__main__":
    main()
