"""triage_service: the HTTP service and command line around ``triage_core``.

``create_app()`` is the Flask application factory; ``triage serve`` runs it under
gunicorn.
"""

from triage_service.app import create_app

__all__ = ["create_app"]
