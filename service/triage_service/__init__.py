"""triage_service: the HTTP service and command line around ``triage_core``."""
