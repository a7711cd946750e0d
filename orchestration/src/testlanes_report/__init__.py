"""What a test run left behind, read once and shown two ways.

One reader per format: ``junit`` (the per-test reports, one per test process), ``console``
(Pants' one line per test process), ``coverage_xml`` (the merged coverage report). ``model``
computes the per-lane figures once; ``text`` (the terminal tally) and ``markdown`` (the CI job
summary) only render them. ``python -m testlanes_report`` is the command line.
"""
