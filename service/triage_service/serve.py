"""Serving the app with gunicorn, a production WSGI server (``triage serve``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from triage_service.app import create_app
from triage_service.request_log import configure_logging


def default_workers() -> int:
    """gunicorn's rule of thumb: two per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


class TriageServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn running ``create_app()``; each worker builds its own app and engine."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        configure_logging(os.environ.get("TRIAGE_LOG_LEVEL", "INFO"))
        return create_app()


def serve(host: str, port: int, workers: int, threads: int = 4, reload: bool = False, timeout: int = 30) -> None:
    TriageServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            # Threaded workers: a slow or stalled client holds one thread, not a whole worker.
            "worker_class": "gthread",
            "threads": threads,
            "reload": reload,
            "timeout": timeout,
            # The app writes its own access log (with request ids, without bodies).
            "accesslog": None,
            "errorlog": "-",
            "proc_name": "triage",
        }
    ).run()
