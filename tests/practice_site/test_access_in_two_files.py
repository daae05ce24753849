"""Every view reaches client data through clients/access.py or homework/access.py: a reader
audits every access rule in those two files."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIEW_MODULES = [
    "clients/views/admin.py",
    "clients/views/portal.py",
    "clients/filters.py",
    "clients/wagtail_hooks.py",
    "homework/views/admin.py",
    "homework/views/portal.py",
    "homework/views/summaries.py",
    "homework/wagtail_hooks.py",
]
INLINE_OWNER_FILTERS = [".for_therapist(", ".filter(therapist=", ".of_person("]


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_a_view_module_filters_by_owner_only_through_an_access_helper(module):
    source = (ROOT / module).read_text()

    inline = [
        f"{module}:{number}: {line.strip()}"
        for number, line in enumerate(source.splitlines(), start=1)
        for pattern in INLINE_OWNER_FILTERS
        if pattern in line
    ]

    assert inline == []


def test_the_access_helpers_do_filter_by_owner():
    """The positive control: the rule the views no longer spell out is in access.py."""
    assert ".for_therapist(" in (ROOT / "clients/access.py").read_text()
    assert ".for_therapist(" in (ROOT / "homework/access.py").read_text()
