"""Exceptions the engine raises, each carrying what a caller needs to say *where*."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class TriageError(Exception):
    """Base class of every error raised by ``triage_core``."""


class ReportValidationError(TriageError):
    """The symptom report is invalid. ``errors`` maps full field paths to messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {path: list(messages) for path, messages in sorted(errors.items())}
        summary = "; ".join(f"{path}: {' '.join(messages)}" for path, messages in self.errors.items())
        super().__init__(f"invalid report: {summary}")


class RuleDefinitionError(TriageError):
    """A rule is malformed (unknown field, impossible value, bad operator...).

    Raised while compiling a predicate; the registry adds the plugin, condition and
    rule it belongs to before reporting it.
    """


class RulesetError(TriageError):
    """A plugin's contribution is invalid; the message names plugin, condition and rule."""

    def __init__(self, plugin: str, message: str, *, condition: str | None = None, rule: str | None = None) -> None:
        self.plugin = plugin
        self.condition = condition
        self.rule = rule
        self.detail = message
        where = [f"plugin {plugin!r}"]
        if condition:
            where.append(f"condition {condition!r}")
        if rule:
            where.append(f"rule {rule!r}")
        super().__init__(f"{', '.join(where)}: {message}")


class PluginLoadError(TriageError):
    """Raised in strict mode when any plugin failed to load or register."""

    def __init__(self, failures: Sequence[str]) -> None:
        self.failures = list(failures)
        super().__init__("plugins failed to load:\n  " + "\n  ".join(self.failures))
