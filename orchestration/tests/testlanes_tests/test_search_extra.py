"""httpx is the wheel's `search` extra: only a declared search service needs it."""

from __future__ import annotations

import sys

import pytest

from testlanes.config import TestSettings
from testlanes.errors import ConfigError
from testlanes.search import provision_search


def test_a_search_service_without_httpx_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "httpx", None)  # `import httpx` now raises ImportError
    settings = TestSettings.from_env(
        {"TEST_OPENSEARCH_URL": "http://search.invalid:9200", "TEST_OPENSEARCH_VERSION": "2"}
    )

    with pytest.raises(ConfigError) as refused:
        provision_search("opensearch", settings, announce=lambda _: None)

    pytest.LineMatcher(str(refused.value).splitlines()).fnmatch_lines(
        [
            "a test declares the opensearch service, which needs httpx: install "
            "testlanes[search] (pip install 'testlanes[search]')"
        ]
    )
