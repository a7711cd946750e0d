from pants.option.option_types import SkipOption
from pants.option.subsystem import Subsystem


class LaneGuard(Subsystem):
    options_scope = "lane-guard"
    name = "lane-guard"
    help = "Checks that every python_test target carries exactly one lane tag of lanes.toml."

    skip = SkipOption("lint")
