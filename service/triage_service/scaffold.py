"""``triage plugins new <name>``: a ready-to-install plugin package with a passing test."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import triage_core

_NAME = re.compile(r"^[a-z][a-z0-9]*([_-][a-z0-9]+)*$")

_PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"
"""

_SETUP_CFG = """\
[metadata]
name = triage-{kebab}
version = 0.1.0
description = {title}: a condition plugin for triage
long_description = file: README.md
long_description_content_type = text/markdown

[options]
packages = triage_{snake}
python_requires = >=3.11
install_requires =
    runner-triage>={core_version}

[options.entry_points]
triage =
    {snake} = triage_{snake}

[options.extras_require]
test =
    pytest>=8

[tool:pytest]
testpaths = tests
"""

_README = """\
# triage-{kebab}

{title}: a condition plugin for triage (the `runner-triage` distribution).

```console
$ pip install -e ".[test]"          # into the environment where triage runs
$ pytest                            # the plugin's tests
$ triage plugins                    # listed with its conditions
$ triage plugins check triage_{snake}   # conformance check
```

Restart the service (`triage serve`) and the condition appears in `/v1/plugins`,
`/v1/conditions` and in results. Disable it with `TRIAGE_DISABLE_PLUGINS={snake}`.
"""

_PLUGIN = '''\
"""{title}: a triage condition plugin.

Edit ``CONDITION``: its evidence (weighted findings over report fields), red flags,
escalations, risk factors and recommendations. The rule vocabulary is in
``triage_core.rules``; the whole plugin API is described in triage's docs/plugins.md.
"""

from __future__ import annotations

from collections.abc import Callable

from triage_core import Condition, Evidence, Recommendation, hookimpl
from triage_core import rules as r

CONDITION = Condition(
    id="{snake}",
    name="{title}",
    description="What the condition is and how it presents, in a sentence or two for clinicians.",
    triage_level="self_care",
    requires=r.any_of("pain.locations", ["foot_top"]),
    evidence=[
        Evidence("foot_top_pain", r.any_of("pain.locations", ["foot_top"]), 3, "Pain on the top of the foot."),
        Evidence("gradual_onset", r.equals("pain.onset", "gradual"), 1, "It came on gradually with training."),
        Evidence("sudden_onset", r.equals("pain.onset", "sudden"), -2, "A sudden start points to an injury instead."),
    ],
    recommendations=[
        Recommendation(
            "rest_from_running",
            "rest_recovery",
            "Rest from running until it settles, and keep fit with swimming or cycling.",
        ),
    ],
    references=["Name the guideline or study these rules come from."],
)


@hookimpl
def triage_register_conditions(register: Callable[[Condition], None]) -> None:
    register(CONDITION)
'''

_TEST = '''\
"""Tests of the {snake} plugin, with the fixtures triage provides to pytest."""

from collections.abc import Callable

import triage_{snake} as plugin
from triage_core import Engine
from triage_core.testing import assert_conformant, assert_triage


def test_a_typical_report_ranks_it_first(make_triage_engine: Callable[..., Engine]) -> None:
    engine = make_triage_engine(plugin)
    result = engine.triage({{"pain": {{"locations": ["foot_top"], "onset": "gradual"}}}})
    assert_triage(result, top=["{snake}"], level="self_care")


def test_a_sudden_start_counts_against_it(make_triage_engine: Callable[..., Engine]) -> None:
    engine = make_triage_engine(plugin)
    gradual = engine.triage({{"pain": {{"locations": ["foot_top"], "onset": "gradual"}}}}).condition("{snake}")
    sudden = engine.triage({{"pain": {{"locations": ["foot_top"], "onset": "sudden"}}}}).condition("{snake}")
    assert gradual is not None
    assert sudden is None or sudden.score < gradual.score


def test_it_is_conformant(make_triage_engine: Callable[..., Engine]) -> None:
    assert_conformant(make_triage_engine(plugin), plugin.__name__)
'''


def scaffold(name: str, directory: Path) -> Path:
    """Write the package ``triage-<name>`` under ``directory``; return its path."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r}: use lowercase letters, digits and single - or _ between words")
    snake = name.replace("-", "_")
    kebab = name.replace("_", "-")
    title = snake.replace("_", " ").capitalize()
    root = directory / f"triage-{kebab}"
    if root.exists():
        raise FileExistsError(f"{root} already exists")
    values = {"snake": snake, "kebab": kebab, "title": title, "core_version": _release(triage_core.__version__)}
    files = {
        "pyproject.toml": _PYPROJECT,
        "setup.cfg": _SETUP_CFG,
        "README.md": _README,
        f"triage_{snake}/__init__.py": _PLUGIN,
        f"tests/test_{snake}.py": _TEST,
    }
    for relative, template in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(template).format(**values))
    return root


def _release(version: str) -> str:
    """``0.1.0+dev`` -> ``0.1.0``: the lower bound a plugin built today should ask for."""
    match = re.match(r"\d+(\.\d+)*", version)
    return match.group(0) if match else "0"
