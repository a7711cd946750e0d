"""Lane maps and results of the sample runs (samples.py says what each file is)."""

from __future__ import annotations

from pathlib import Path

import pytest

from testlanes_report.junit import TestResult, find_reports, read_reports
from testlanes_report.lane_map import lane_map_from_listings
from testlanes_report_tests.samples import SUMMARY, TESTDATA


@pytest.fixture()
def small_lane_of() -> dict[str, str]:
    """The lanes of testdata/*.xml."""
    return {
        "backend/tests/unit/test_sample.py": "unit",
        "backend/tests/integration/test_db.py": "integration",
        "backend/tests/integration/test_flaky_sample.py": "integration",
    }


@pytest.fixture()
def small_reports() -> list[Path]:
    return sorted(TESTDATA.glob("*.xml"))


@pytest.fixture()
def run_lane_of() -> dict[str, str]:
    """What `pants --tag=LANE list ::` printed for the suite of testdata/summary/."""
    unit = ("test_app_factory", "test_settings", "test_cli", "test_slugs", "test_zz_demo")
    return lane_map_from_listings(
        {
            "unit": "\n".join(f"backend/tests/unit/{name}.py:unit" for name in unit),
            "contract": "backend/tests/contract/test_schemathesis_api.py:contract\n",
            "integration": "backend/tests/integration/legacy_env/test_legacy_env_suite.py:tests\n"
            "backend/tests/integration/test_devdb.py:integration\n",
        }
    )


@pytest.fixture()
def run_tests() -> list[TestResult]:
    return read_reports(find_reports(SUMMARY / "reports"))
