"""One builder module in the package, for the tests and the benchmark alike."""

import ast
from pathlib import Path

from practice_site import builders

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_the_benchmark_builds_its_data_from_the_package_not_from_the_tests():
    modules = set(imported_modules(ROOT / "bench" / "summary_benchmark.py"))

    assert "practice_site" in modules or "practice_site.builders" in modules
    assert not [m for m in modules if m == "tests" or m.startswith("tests.")]


def test_there_is_one_set_of_builders():
    assert not (ROOT / "tests" / "homework" / "summary_builders.py").exists()
    for path in (ROOT / "tests").rglob("conftest.py"):
        body = ast.parse(path.read_text()).body
        defined = {node.name for node in body if isinstance(node, ast.FunctionDef)}
        assert not defined & {"make_therapist", "make_client", "make_practice", "make_assignment"}


def test_an_assignment_is_built_with_or_without_its_practice(client_profile):
    own = builders.make_assignment(client=client_profile)
    given = builders.make_assignment(builders.make_practice(), recipient=client_profile)

    assert own.prompts == builders.PROMPTS
    assert [p["kind"] for p in given.prompts] == ["count", "scale", "yes_no", "text"]
    assert own.start_date == given.start_date == builders.FIRST_MONDAY
