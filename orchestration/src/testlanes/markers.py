"""The services a test declares: ``pytest.mark.services(...)`` on the module, class or test,
or ``TEST_SERVICES`` for its whole directory (set by the BUILD macro)."""

from __future__ import annotations

import pytest

SERVICES_MARKER = "services"


def declared_services(node: pytest.Item | pytest.Collector) -> set[str]:
    names: set[str] = set()
    for mark in node.iter_markers(SERVICES_MARKER):
        names.update(mark.args)
    return names
