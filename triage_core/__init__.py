"""triage_core: the rule engine that triages lower-leg pain in runners.

It knows nothing about HTTP and nothing about shins: conditions come from plugins.
Embed it in three lines::

    import triage_core
    engine = triage_core.load_engine()
    result = engine.triage(report_dict)   # result.triage.level, result.to_dict()

Plugin authors need only the names exported here and :mod:`triage_core.rules`.
"""

from triage_core import rules
from triage_core.engine import DEFAULT_DISCLAIMER, Engine, engine_version, load_engine
from triage_core.errors import (
    PluginLoadError,
    ReportValidationError,
    RuleDefinitionError,
    RulesetError,
    TriageError,
)
from triage_core.hookspecs import hookimpl
from triage_core.levels import Category, Likelihood, TriageLevel
from triage_core.model import Code, Condition, Escalation, Evidence, Recommendation, RedFlag, RiskFactor
from triage_core.plugin_loading import PluginRecord, PluginSelection
from triage_core.report import SymptomReport
from triage_core.result import TriageResult
from triage_core.rules import Operator, Predicate

__version__ = engine_version()

__all__ = [
    "DEFAULT_DISCLAIMER",
    "Category",
    "Code",
    "Condition",
    "Engine",
    "Escalation",
    "Evidence",
    "Likelihood",
    "Operator",
    "PluginLoadError",
    "PluginRecord",
    "PluginSelection",
    "Predicate",
    "Recommendation",
    "RedFlag",
    "ReportValidationError",
    "RiskFactor",
    "RuleDefinitionError",
    "RulesetError",
    "SymptomReport",
    "TriageError",
    "TriageLevel",
    "TriageResult",
    "__version__",
    "hookimpl",
    "load_engine",
    "rules",
]
