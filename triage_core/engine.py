"""The engine: a loaded ruleset that turns symptom reports into triage results.

Embedding takes three lines::

    import triage_core
    engine = triage_core.load_engine()
    result = engine.triage({"pain": {"locations": ["inner_shin"]}})
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from marshmallow import Schema

from triage_core.errors import PluginLoadError
from triage_core.evaluation import ConditionOutcome, check_red_flags, evaluate_condition
from triage_core.explain import condition_result, merged_recommendations, red_flag_hit, summary
from triage_core.field_catalog import FieldCatalog
from triage_core.levels import TriageLevel
from triage_core.plugin_loading import (
    HOST_DISTRIBUTION,
    PluginRecord,
    PluginSelection,
    load_entry_point_plugins,
    load_given_plugins,
    new_plugin_manager,
)
from triage_core.questions import rank_questions
from triage_core.registry import Contributions, collect, resolve
from triage_core.report import SymptomReport, load_report
from triage_core.result import (
    API_VERSION,
    PluginSummary,
    ResultWarning,
    RulesetInfo,
    TriageOutcome,
    TriageResult,
)
from triage_core.rule_files import RULES_DIR_ENV, load_rules_dir
from triage_core.rules import OperatorFailedError
from triage_core.ruleset import CompiledCondition, CompiledLevelRule, Ruleset, digest_of

log = logging.getLogger(__name__)

DEFAULT_DISCLAIMER = (
    "This is decision support, not a diagnosis. It does not replace an examination by a qualified "
    "clinician. If symptoms are severe, get worse or you are worried, seek medical care; in an "
    "emergency call your local emergency number."
)
#: Questions returned by default: an app asks one at a time and re-submits, and the
#: ranking past the first few is of little use. ``None`` returns every candidate.
DEFAULT_MAX_QUESTIONS = 10
#: When a plugin fails on a report its red flags could not be checked: the result is
#: never less urgent than this, so a bug cannot quietly send a runner home.
FAILURE_FLOOR = TriageLevel.CONSULTATION


def engine_version() -> str:
    try:
        return metadata.version(HOST_DISTRIBUTION)
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


@dataclass(frozen=True)
class _PluginGroup:
    """One plugin's conditions and red flags: they succeed or fail together per report."""

    plugin: str
    conditions: tuple[CompiledCondition, ...]
    red_flags: tuple[CompiledLevelRule, ...]


class Engine:
    """Validates reports and evaluates them against one immutable ruleset."""

    def __init__(
        self,
        ruleset: Ruleset,
        schema: type[Schema],
        plugins: Iterable[PluginRecord],
        *,
        disclaimer: str = DEFAULT_DISCLAIMER,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        max_questions: int | None = DEFAULT_MAX_QUESTIONS,
    ) -> None:
        self.ruleset = ruleset
        self.report_schema = schema
        self.plugins = tuple(plugins)
        self.disclaimer = disclaimer
        self._schema = schema()
        self._clock = clock
        self._new_id = new_id
        self.max_questions = max_questions
        self._groups = _group_by_plugin(ruleset)
        self._ruleset_info = RulesetInfo(
            version=ruleset.version,
            digest=ruleset.digest,
            plugins=tuple(
                PluginSummary(
                    record.name,
                    record.version or "0",
                    tuple(condition.id for condition in ruleset.conditions if condition.plugin.name == record.name),
                )
                for record in self.plugins
                if record.loaded
            ),
        )

    # ----------------------------------------------------------------- public API

    @property
    def catalog(self) -> FieldCatalog:
        return self.ruleset.catalog

    @property
    def load_errors(self) -> tuple[PluginRecord, ...]:
        return tuple(record for record in self.plugins if not record.loaded)

    @property
    def ruleset_info(self) -> RulesetInfo:
        return self._ruleset_info

    def validate(self, data: object) -> SymptomReport:
        """Validate a decoded JSON report; raises :class:`ReportValidationError`."""
        return load_report(self._schema, self.catalog, data)

    def triage(self, data: object) -> TriageResult:
        """Validate and evaluate a report given as decoded JSON (a dict)."""
        return self.evaluate(self.validate(data))

    def assess(self, report: SymptomReport) -> Assessment:
        """The decision alone: findings, scores, red flags and the triage level.

        This is the part of :meth:`evaluate` that decides; the rest explains. Batch
        jobs that only need levels (auditing past reports against a new ruleset, say)
        can stop here.
        """
        values = report.values
        outcomes: list[ConditionOutcome] = []
        fired_flags: list[CompiledLevelRule] = []
        unknown_flags: list[CompiledLevelRule] = []
        warnings: list[ResultWarning] = []
        for group in self._groups:
            try:
                group_outcomes = [evaluate_condition(condition, values) for condition in group.conditions]
                group_fired, group_unknown = check_red_flags(group.red_flags, values)
            except Exception as error:
                warnings.append(_plugin_failed(group, error))
                continue
            outcomes.extend(outcome for outcome in group_outcomes if outcome is not None)
            fired_flags.extend(group_fired)
            unknown_flags.extend(group_unknown)
        fired_flags.sort(key=_urgent_first)
        listed = sorted((outcome for outcome in outcomes if outcome.listed), key=_highest_score_first)
        likely = [outcome for outcome in listed if outcome.likely]
        level = max(
            [TriageLevel.SELF_CARE]
            + [flag.level for flag in fired_flags]
            + [outcome.level(fired_flags) for outcome in likely]
            + ([FAILURE_FLOOR] if warnings else [])
        )
        return Assessment(report, outcomes, listed, likely, fired_flags, unknown_flags, level, warnings)

    def evaluate(self, report: SymptomReport) -> TriageResult:
        """Decide (:meth:`assess`) and explain: the full result."""
        assessment = self.assess(report)
        values = report.values
        level, fired_flags, likely = assessment.level, assessment.fired_flags, assessment.likely
        conditions = tuple(condition_result(outcome, values, fired_flags) for outcome in assessment.listed)
        red_flags = tuple(red_flag_hit(flag, values) for flag in fired_flags)
        # Only likely conditions advise: stress-fracture advice on a 10 % match would mislead.
        advising = [result for result in conditions if result.likelihood != "low"]
        flag_levels = {flag.level for flag in fired_flags}
        holders = [o for o in likely if o.level(fired_flags) == level] if level not in flag_levels else []
        return TriageResult(
            id=self._new_id(),
            api_version=API_VERSION,
            created_at=self._clock(),
            triage=TriageOutcome(level, summary(level, red_flags, conditions), red_flags),
            conditions=conditions,
            questions=rank_questions(
                values, self.catalog, assessment.outcomes, assessment.unknown_flags, level, holders, self.max_questions
            ),
            recommendations=merged_recommendations(
                level, red_flags, (rule for outcome in likely for rule in outcome.fired_escalations), advising
            ),
            ruleset=self._ruleset_info,
            warnings=tuple(assessment.warnings),
            disclaimer=self.disclaimer,
        )


@dataclass(frozen=True)
class Assessment:
    """What :meth:`Engine.assess` decided for one report."""

    report: SymptomReport
    #: Every condition whose gate is open or still unknown.
    outcomes: list[ConditionOutcome]
    #: The conditions a result lists (gate open, score > 0), highest score first.
    listed: list[ConditionOutcome]
    likely: list[ConditionOutcome]
    fired_flags: list[CompiledLevelRule]
    unknown_flags: list[CompiledLevelRule]
    level: TriageLevel
    warnings: list[ResultWarning]


def _highest_score_first(outcome: ConditionOutcome) -> tuple[float, str]:
    return -outcome.score, outcome.condition.id


def _urgent_first(flag: CompiledLevelRule) -> tuple[int, str]:
    return -flag.level.urgency, flag.id


def _group_by_plugin(ruleset: Ruleset) -> tuple[_PluginGroup, ...]:
    names = sorted(
        {condition.plugin.name for condition in ruleset.conditions} | {f.plugin.name for f in ruleset.red_flags}
    )
    return tuple(
        _PluginGroup(
            plugin=name,
            conditions=tuple(condition for condition in ruleset.conditions if condition.plugin.name == name),
            red_flags=tuple(flag for flag in ruleset.red_flags if flag.plugin.name == name),
        )
        for name in names
    )


def _plugin_failed(group: _PluginGroup, error: Exception) -> ResultWarning:
    """Name the plugin (and the operator's plugin, when another one's operator raised).
    Only exception types are logged: messages may quote the runner's data."""
    detail = type(error).__name__
    if isinstance(error, OperatorFailedError):
        operator = error.operator
        detail = f"operator {operator.name!r} of plugin {operator.plugin!r} raised {type(error.error).__name__}"
    log.warning("plugin %s failed on a report (%s); its conditions were skipped", group.plugin, detail)
    skipped = tuple(condition.id for condition in group.conditions)
    return ResultWarning(
        code="plugin_failed",
        message=(
            f"Plugin {group.plugin!r} failed on this report ({detail}); its conditions and red flags were "
            f"skipped, so the triage level is at least {FAILURE_FLOOR.value}."
        ),
        plugin=group.plugin,
        conditions=skipped,
    )


def load_engine(
    *,
    plugins: Iterable[object] = (),
    entry_points: bool = True,
    selection: PluginSelection | None = None,
    environ: Mapping[str, str] | None = None,
    strict: bool = False,
    disclaimer: str = DEFAULT_DISCLAIMER,
    max_questions: int | None = DEFAULT_MAX_QUESTIONS,
    rules_dir: str | Path | None = None,
) -> Engine:
    """Load the installed plugins (and rule files) and build an engine.

    :param plugins: extra plugin objects (modules or instances with hook methods),
        registered after the entry-point plugins.
    :param entry_points: load plugins of the ``triage`` entry-point group.
    :param selection: which entry-point plugins to load; by default from the
        ``TRIAGE_LOAD_PLUGINS`` / ``TRIAGE_DISABLE_PLUGINS`` environment variables.
    :param environ: the environment to read those from (default ``os.environ``).
    :param strict: raise :class:`PluginLoadError` if any plugin fails, instead of
        recording the error and carrying on without it.
    :param disclaimer: the text every result carries.
    :param max_questions: how many follow-up questions a result lists (``None``: all).
    :param rules_dir: a directory of ``*.toml`` rule files; by default the
        ``TRIAGE_RULES_DIR`` environment variable, if set.
    """
    manager = new_plugin_manager()
    records: list[PluginRecord] = []
    chosen = selection if selection is not None else PluginSelection.from_environ(environ)
    if entry_points:
        records += load_entry_point_plugins(manager, chosen)
    records += load_given_plugins(manager, plugins)
    manager.check_pending()  # anything unknown was unregistered above; this must hold
    contributions = collect(manager, records)
    environment = os.environ if environ is None else environ
    rules_dir = rules_dir if rules_dir is not None else environment.get(RULES_DIR_ENV) or None
    if rules_dir is not None:
        # The deny-list applies to rule files too; the allow-list is for installed plugins.
        rule_files = [item for item in load_rules_dir(Path(rules_dir)) if item.record.name not in chosen.disable]
        records += [rule_file.record for rule_file in rule_files]
        contributions += [Contributions.from_rule_file(rule_file) for rule_file in rule_files]
    resolved = resolve(contributions)
    failures = [f"{record.name}: {record.error}" for record in records if record.error]
    if strict and failures:
        raise PluginLoadError(failures)
    for failure in failures:
        log.error("plugin not loaded: %s", failure)
    version = engine_version()
    ruleset = Ruleset(
        conditions=resolved.conditions,
        red_flags=resolved.red_flags,
        catalog=resolved.catalog,
        operators=resolved.operators,
        digest=digest_of(resolved.digest_material(version)),
        version=version,
    )
    return Engine(ruleset, resolved.schema, records, disclaimer=disclaimer, max_questions=max_questions)
