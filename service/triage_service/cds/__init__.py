"""CDS Hooks 2.0: the runner-leg-pain service for EHRs (discovery, service, feedback)."""
