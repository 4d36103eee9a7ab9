"""The floors of the code (handlers -> api -> logic -> dal -> domain): no import runs up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "functions" / "onetrip"
# A floor may import only from the floors below it (README, "Layout").
ABOVE = {
    "logic": ("onetrip.handlers", "onetrip.api"),
    "dal": ("onetrip.handlers", "onetrip.api", "onetrip.logic"),
    "domain": ("onetrip.handlers", "onetrip.api", "onetrip.logic", "onetrip.dal"),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("floor", sorted(ABOVE))
def test_no_module_imports_from_a_floor_above_it(floor: str) -> None:
    upward = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted((PACKAGE / floor).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(ABOVE[floor])
    }
    assert upward == set()


def test_only_the_dal_talks_to_dynamodb() -> None:
    """PynamoDB models and the DynamoDB client stay in dal/; the ops CLI reads through the
    stores too. Only the local runtime provisions tables (infra/onetrip_local)."""
    roots = [PACKAGE, PACKAGE.parents[1] / "infra" / "onetrip_ops"]
    direct = {
        f"{path.relative_to(PACKAGE.parents[1])}: {name}"
        for root in roots
        for path in sorted(root.rglob("*.py"))
        if "dal" not in path.relative_to(root).parts
        for name in _imports(path)
        if name.startswith(("pynamodb", "boto3.dynamodb"))
    }
    mentions = {
        str(path.relative_to(PACKAGE.parents[1]))
        for root in roots
        for path in sorted(root.rglob("*.py"))
        if "dal" not in path.relative_to(root).parts
        and 'client("dynamodb")' in path.read_text(encoding="utf-8")
    }
    assert direct == set() and mentions == set()
