"""docs/coverage.md is the current requirement -> checks -> faults table."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..collect import checks_by_requirement, collect_conformance
from .coverage_table import render

DOC = Path(__file__).parents[2] / "docs" / "coverage.md"


def test_coverage_table_is_up_to_date(tmp_path_factory: pytest.TempPathFactory) -> None:
    expected = render(checks_by_requirement(collect_conformance(str(tmp_path_factory.mktemp("c")))))
    assert DOC.exists() and DOC.read_text() == expected, (
        "docs/coverage.md is out of date: run `python -m tests.faults.coverage_table > docs/coverage.md`"
    )
