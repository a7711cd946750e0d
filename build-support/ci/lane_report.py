#!/usr/bin/env python3
"""Per-lane report of the last `./pants test` run, from a checkout.

    python3 build-support/ci/lane_report.py             # terminal: per lane, then `N passed, ...`
    python3 build-support/ci/lane_report.py --markdown --console pants-test.log   # job summary

The report is the pants-testlanes distribution's (`testlanes-report`, from
orchestration/src/testlanes_report and the lanes reader in pants-plugins/lane_guard); this runs it
from source with the machine's Python and no Pants process.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "pants-plugins"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "orchestration" / "src"))

from testlanes_report.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
