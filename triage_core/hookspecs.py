"""The hooks a triage plugin can implement.

Every hook hands the plugin a ``register`` callback instead of collecting return
values: the host owns validation, duplicate checks and attribution (it knows which
plugin is calling), and a plugin can register any number of things in one call.
Hooks are called once per plugin at start-up, never per report, in this order:
report fields, operators, conditions, red flags -- so conditions can use the fields
and operators registered before them.

Implement a hook with the ``triage_core.hookimpl`` marker::

    from triage_core import hookimpl

    @hookimpl
    def triage_register_conditions(register):
        register(MY_CONDITION)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pluggy
from marshmallow import fields

from triage_core.model import Condition, RedFlag
from triage_core.rules import Operator

PROJECT_NAME = "triage"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def triage_register_report_fields(register: Callable[[str, Mapping[str, fields.Field[Any]]], None]) -> None:
    """Declare input fields under ``extensions.<namespace>`` of the symptom report.

    :param register: call ``register(namespace, {name: marshmallow_field, ...})``.
        ``namespace`` is lower_snake_case and owned by one plugin: two plugins
        claiming the same namespace is a start-up error naming both. Fields are
        validated like core fields (unknown keys refused, the full path in errors),
        appear in the OpenAPI document, and rules address them as
        ``extensions.<namespace>.<name>``. Use the field helpers of
        :mod:`triage_core.strict_fields` (``boolean``, ``integer``, ``number``,
        ``choice``, ``choices``) so the field is tri-state and carries the
        ``description`` and follow-up ``question`` the engine shows.

    :return: nothing; return values are ignored.

    Example::

        from triage_core import hookimpl
        from triage_core.strict_fields import integer

        @hookimpl
        def triage_register_report_fields(register):
            register("achilles", {
                "morning_stiffness_minutes": integer(
                    "Minutes of stiffness after getting up.",
                    "How many minutes does the stiffness last in the morning?", 0, 1440),
            })
    """


@hookspec
def triage_register_operators(register: Callable[[Operator], None]) -> None:
    """Contribute named rule operators that any plugin's rules can use.

    :param register: call ``register(Operator(name, function, description, reads,
        field_params))``. ``function(values, **params)`` receives the flattened
        report (``values["pain.severity"]``) and the rule's parameters and returns
        ``True``, ``False`` or ``None`` (unknown). It is only called when every
        field it reads is known. Names are global: registering a name another
        plugin already registered is an error naming both.

    :return: nothing; return values are ignored.

    Example::

        from triage_core import Operator, hookimpl

        def _severe_for(values, days):
            return values["pain.severity"] >= 7 and values["pain.started_days_ago"] >= days

        @hookimpl
        def triage_register_operators(register):
            register(Operator(
                name="severe_for_days",
                function=_severe_for,
                description="Pain 7/10 or worse for at least `days` days.",
                reads=("pain.severity", "pain.started_days_ago"),
            ))

    A rule then uses it as ``rules.operator("severe_for_days", days=14)``.
    """


@hookspec
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    """Register the conditions this plugin contributes.

    :param register: call ``register(condition)`` with a
        :class:`triage_core.Condition` for each condition. The condition is
        validated on the spot: a duplicate id, a rule naming a field the report
        does not have, a weight out of range or an unknown triage level or
        category raises :class:`triage_core.RulesetError` naming the plugin,
        condition and rule. Without strict mode the host records the error and
        skips everything this plugin registered; the other plugins still load.

    :return: nothing; return values are ignored.

    Example::

        from triage_core import Condition, Evidence, hookimpl, rules as r

        SHIN = Condition(
            id="my_shin_condition",
            name="My shin condition",
            triage_level="self_care",
            requires=r.any_of("pain.locations", ["front_shin"]),
            evidence=[Evidence("front_shin", r.any_of("pain.locations", ["front_shin"]), 3,
                               "Pain at the front of the shin.")],
        )

        @hookimpl
        def triage_register_conditions(register):
            register(SHIN)
    """


@hookspec
def triage_register_red_flags(register: Callable[[RedFlag], None]) -> None:
    """Register red flags that belong to no single condition.

    Use it for general escalations ("cannot bear weight after an injury"); red
    flags specific to a condition go in that condition's ``red_flags``.

    :param register: call ``register(RedFlag(id, level, when, message))``. Red-flag
        ids are unique across all plugins.

    :return: nothing; return values are ignored.

    Example::

        from triage_core import RedFlag, hookimpl, rules as r

        @hookimpl
        def triage_register_red_flags(register):
            register(RedFlag(
                id="fever_hot_leg",
                level="consultation_24",
                when=r.all_(r.is_true("signs.fever"), r.is_true("signs.calf_warm_or_red")),
                message="Fever with a hot, red leg can be an infection: see a clinician within 24 hours.",
            ))
    """
