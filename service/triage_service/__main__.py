"""``python -m triage_service`` runs the ``triage`` command line."""

from triage_service.cli import main

main()
