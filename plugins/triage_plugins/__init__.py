"""The built-in condition plugins of triage.

Each module is a plugin registered through the ``triage`` entry-point group, exactly
as an outside clinic's plugin would be, and uses only the public API of
``triage_core``. All clinical facts of the service live here.
"""
