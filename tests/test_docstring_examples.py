"""Every `>>>` example in the docstrings of kg/ runs and shows what it says (as Oxigraph's
test_doc.py does)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg

# Every module of kg/ but the console script's entry (importing it runs the command line).
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(kg.__path__, "kg.") if m.name != "kg.__main__"
)


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder().find(module) if t.examples]


WITH_EXAMPLES = [name for name in MODULES if _examples(name)]


def test_the_api_prefixes_and_evidence_show_examples() -> None:
    assert {"kg.api", "kg.prefixes", "kg.evidence"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in _examples(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0, name
