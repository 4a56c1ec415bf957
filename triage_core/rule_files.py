"""Conditions as data files: a clinic adds a condition with a TOML file, no Python.

A rule file is loaded like a plugin (named ``rules:<file stem>``) and goes through the
same checks: its structure is validated here (unknown keys refused, every error with
its path inside the file), its rules are compiled and checked against the report
schema like any plugin's, and an error found then is reported with the file and the
path of the condition or rule inside it. The file's bytes are hashed into the ruleset
digest. See ``docs/plugins.md`` for the format and a complete example.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from triage_core import strict_fields
from triage_core.errors import RuleDefinitionError
from triage_core.levels import Category, TriageLevel
from triage_core.model import Code, Condition, Escalation, Evidence, Recommendation, RedFlag, RiskFactor
from triage_core.plugin_loading import PluginRecord
from triage_core.report import flatten_errors
from triage_core.rules import Predicate, from_data

RULE_FILE_SUFFIX = ".toml"
RULES_DIR_ENV = "TRIAGE_RULES_DIR"
PLUGIN_PREFIX = "rules:"

_LEVELS = validate.OneOf([level.value for level in TriageLevel])
_CATEGORIES = validate.OneOf([category.value for category in Category])
_FIELD_KINDS = ("boolean", "integer", "number", "choice", "choices")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _text() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1))


class _RuleSchema(_Strict):
    id = _text()
    when = fields.Dict(required=True)


class _EvidenceSchema(_RuleSchema):
    weight = strict_fields.StrictNumber(required=True)
    text = _text()


class _RiskFactorSchema(_RuleSchema):
    text = _text()
    modifiable = strict_fields.StrictBoolean(required=True)


class _LevelRuleSchema(_RuleSchema):
    level = fields.String(required=True, validate=_LEVELS)
    message = _text()


class _RecommendationSchema(_Strict):
    id = _text()
    category = fields.String(required=True, validate=_CATEGORIES)
    text = _text()
    because = fields.List(fields.String(), load_default=list)


class _CodeSchema(_Strict):
    system = _text()
    code = _text()
    display = _text()


class _ConditionSchema(_Strict):
    id = _text()
    name = _text()
    triage_level = fields.String(required=True, validate=_LEVELS)
    description = fields.String(load_default="")
    requires = fields.Dict()
    evidence = fields.List(fields.Nested(_EvidenceSchema), required=True, validate=validate.Length(min=1))
    risk_factors = fields.List(fields.Nested(_RiskFactorSchema), load_default=list)
    red_flags = fields.List(fields.Nested(_LevelRuleSchema), load_default=list)
    escalations = fields.List(fields.Nested(_LevelRuleSchema), load_default=list)
    recommendations = fields.List(fields.Nested(_RecommendationSchema), load_default=list)
    codes = fields.List(fields.Nested(_CodeSchema), load_default=list)
    references = fields.List(fields.String(), load_default=list)


class _ReportFieldSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(_FIELD_KINDS))
    description = _text()
    question = _text()
    minimum = strict_fields.StrictNumber()
    maximum = strict_fields.StrictNumber()
    options = fields.List(fields.String(), validate=validate.Length(min=1))


class _PluginSchema(_Strict):
    version = fields.String(load_default="0")
    description = fields.String(load_default="")


class _RuleFileSchema(_Strict):
    plugin = fields.Nested(_PluginSchema, load_default=dict)
    report_fields = fields.Dict(
        keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Nested(_ReportFieldSchema))
    )
    conditions = fields.List(fields.Nested(_ConditionSchema), load_default=list)
    red_flags = fields.List(fields.Nested(_LevelRuleSchema), load_default=list)


@dataclass
class RuleFile:
    """One parsed rule file, ready to be resolved like a plugin's contributions."""

    path: Path
    record: PluginRecord
    report_fields: list[tuple[str, dict[str, fields.Field[Any]]]] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)
    sha256: str = ""
    #: (condition id, rule id) -> where it is in the file, to place later errors.
    locations: dict[tuple[str | None, str | None], str] = field(default_factory=dict)

    def locate(self, condition: str | None, rule: str | None) -> str:
        where = self.locations.get((condition, rule)) or self.locations.get((condition, None)) or ""
        return f"{self.path}: {where}" if where else str(self.path)


def load_rules_dir(directory: Path) -> list[RuleFile]:
    """Every ``*.toml`` file of the directory, in name order (or the one file, if
    given a file). A directory that is configured but missing is itself an error: the
    rules someone expects are absent."""
    if directory.is_file():
        return [load_rule_file(directory)]
    if not directory.is_dir():
        record = PluginRecord(name=f"{PLUGIN_PREFIX}*", source="rule file", module=str(directory))
        record.fail(f"{RULES_DIR_ENV} {str(directory)!r} is not a directory")
        return [RuleFile(path=directory, record=record)]
    paths = sorted(path for path in directory.iterdir() if path.suffix == RULE_FILE_SUFFIX and path.is_file())
    return [load_rule_file(path) for path in paths]


def load_rule_file(path: Path) -> RuleFile:
    """Parse and structurally check one file; problems are recorded on ``record``."""
    record = PluginRecord(name=f"{PLUGIN_PREFIX}{path.stem}", source="rule file", module=str(path))
    rule_file = RuleFile(path=path, record=record)
    try:
        raw = path.read_bytes()
        rule_file.sha256 = hashlib.sha256(raw).hexdigest()
        document = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        record.fail(f"{path}: not a readable TOML file: {error}")
        return rule_file
    try:
        data = _RuleFileSchema().load(document)
    except ValidationError as error:
        problems = sorted(flatten_errors(error.messages).items())
        listed = "; ".join(f"{_toml_path(where)}: {' '.join(messages)}" for where, messages in problems)
        record.fail(f"{path}: {listed}")
        return rule_file
    record.version = data["plugin"]["version"]
    record.hooks = ["rule file"]
    try:
        _build(rule_file, data)
    except _LocatedError as error:
        record.fail(f"{path}: {error}")
    return rule_file


def _toml_path(dotted: str) -> str:
    """``conditions.0.evidence.1.weight`` -> ``conditions[0].evidence[1].weight``."""
    parts: list[str] = []
    for part in dotted.split("."):
        if part.isdigit() and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(part)
    return ".".join(parts)


class _LocatedError(Exception):
    """A problem whose message starts with its path inside the file."""


def _build(rule_file: RuleFile, data: Mapping[str, Any]) -> None:
    for namespace, declared in sorted(data.get("report_fields", {}).items()):
        made = {name: _report_field(spec, f"report_fields.{namespace}.{name}") for name, spec in declared.items()}
        rule_file.report_fields.append((namespace, made))
    for index, item in enumerate(data["conditions"]):
        rule_file.conditions.append(_condition(rule_file, item, f"conditions[{index}]"))
    for index, item in enumerate(data["red_flags"]):
        where = f"red_flags[{index}]"
        rule_file.locations[(None, item["id"])] = where
        rule_file.red_flags.append(RedFlag(item["id"], item["level"], _when(item["when"], where), item["message"]))


def _condition(rule_file: RuleFile, item: Mapping[str, Any], where: str) -> Condition:
    condition_id = item["id"]
    rule_file.locations[(condition_id, None)] = where

    def located(kind: str) -> list[tuple[Mapping[str, Any], str]]:
        found = []
        for index, rule in enumerate(item[kind]):
            path = f"{where}.{kind}[{index}]"
            rule_file.locations[(condition_id, rule["id"])] = path
            found.append((rule, path))
        return found

    requires = item.get("requires")
    return Condition(
        id=condition_id,
        name=item["name"],
        triage_level=item["triage_level"],
        description=item["description"],
        requires=_when(requires, f"{where}.requires") if requires is not None else None,
        evidence=[
            Evidence(rule["id"], _when(rule["when"], path), rule["weight"], rule["text"])
            for rule, path in located("evidence")
        ],
        risk_factors=[
            RiskFactor(rule["id"], _when(rule["when"], path), rule["text"], rule["modifiable"])
            for rule, path in located("risk_factors")
        ],
        red_flags=[
            RedFlag(rule["id"], rule["level"], _when(rule["when"], path), rule["message"])
            for rule, path in located("red_flags")
        ],
        escalations=[
            Escalation(rule["id"], rule["level"], _when(rule["when"], path), rule["message"])
            for rule, path in located("escalations")
        ],
        recommendations=[
            Recommendation(rule["id"], rule["category"], rule["text"], tuple(rule["because"]))
            for rule, path in located("recommendations")
        ],
        codes=[Code(code["system"], code["code"], code["display"]) for code in item["codes"]],
        references=list(item["references"]),
    )


def _when(data: Mapping[str, Any], where: str) -> Predicate:
    try:
        return from_data(data, where if where.endswith("requires") else f"{where}.when")
    except RuleDefinitionError as error:
        raise _LocatedError(str(error)) from None


def _report_field(spec: Mapping[str, Any], where: str) -> fields.Field[Any]:
    kind = spec["kind"]
    description, question = spec["description"], spec["question"]
    if kind in ("choice", "choices") and "options" not in spec:
        raise _LocatedError(f"{where}: a {kind} field needs options")
    if kind == "boolean":
        return strict_fields.boolean(description, question)
    if kind == "integer":
        return strict_fields.integer(
            description, question, int(spec.get("minimum", 0)), _optional_int(spec.get("maximum"))
        )
    if kind == "number":
        return strict_fields.number(description, question, spec.get("minimum", 0.0), spec.get("maximum"))
    if kind == "choice":
        return strict_fields.choice(description, question, spec["options"])
    return strict_fields.choices(description, question, spec["options"])


def _optional_int(value: float | None) -> int | None:
    return None if value is None else int(value)
