"""`ruff format` as Pants runs it: the formatter rule in a RuleRunner engine, with the ruff this
repository pins, fetched and run through Pants' own pex machinery (run on Pants' own CPython 3.9
by build-support/ci/test_pants_plugins.sh; see pants-plugins/ruff_format/BUILD).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import toml  # pants: no-infer-dep (Pants 2.17 ships it; these tests run in its venv)
from pants.backend.python import target_types_rules
from pants.backend.python.lint.ruff.subsystem import RuffFieldSet
from pants.backend.python.lint.ruff.subsystem import rules as ruff_subsystem_rules
from pants.backend.python.target_types import PythonSourcesGeneratorTarget
from pants.core.goals.fmt import FmtResult
from pants.core.util_rules import config_files
from pants.core.util_rules.source_files import SourceFiles, SourceFilesRequest
from pants.engine.addresses import Address
from pants.engine.fs import CreateDigest, FileContent
from pants.engine.internals.native_engine import Digest, Snapshot
from pants.testutil.rule_runner import QueryRule, RuleRunner

from ruff_format.rules import RuffFormatRequest
from ruff_format.rules import rules as ruff_format_rules

FORMATTED = 'names = ["a", "b"]\n'
UNFORMATTED = "names = [ 'a','b' ]\n"


def ruff_requirement() -> str:
    """The ruff pin of 3rdparty/python/requirements.txt, the one this repository lints with."""
    text = Path("3rdparty/python/requirements.txt").read_text()
    match = re.search(r"^ruff==\S+", text, flags=re.MULTILINE)
    assert match, "3rdparty/python/requirements.txt pins no ruff"
    return match.group(0)


def pex_tool_options() -> list[str]:
    """The pex tool as ./pants provides it: pants.toml's pin, the file the launcher built."""
    pex_cli = toml.loads(Path("pants.toml").read_text())["pex-cli"]
    url = os.environ.get("PANTS_PEX_CLI_URL_TEMPLATE")
    assert url, "PANTS_PEX_CLI_URL_TEMPLATE is unset: run build-support/ci/test_pants_plugins.sh"
    return [
        f"--pex-cli-version={pex_cli['version']}",
        f"--pex-cli-known-versions={pex_cli['known_versions']!r}",
        f"--pex-cli-url-template={url}",
    ]


@pytest.fixture()
def rule_runner() -> RuleRunner:
    rule_runner = RuleRunner(
        rules=[
            *ruff_format_rules(),
            *ruff_subsystem_rules(),
            *config_files.rules(),
            *target_types_rules.rules(),
            QueryRule(FmtResult, [RuffFormatRequest.Batch]),
            QueryRule(SourceFiles, [SourceFilesRequest]),
        ],
        target_types=[PythonSourcesGeneratorTarget],
    )
    ca_certs = os.environ.get("PANTS_CA_CERTS_PATH")
    rule_runner.set_options(
        [
            *pex_tool_options(),
            *([f"--ca-certs-path={ca_certs}"] if ca_certs else []),
            f"--ruff-version={ruff_requirement()}",
            "--ruff-lockfile=<none>",
            # The host's pip configuration breaks pex's downloads (see pants.toml).
            "--subprocess-environment-env-vars=['PIP_CONFIG_FILE=/dev/null']",
        ],
        env_inherit={"PATH", "PYENV_ROOT", "HOME"},
    )
    return rule_runner


def run_ruff_format(rule_runner: RuleRunner, files: dict[str, str]) -> FmtResult:
    rule_runner.write_files({**files, "BUILD": "python_sources(name='src')"})
    targets = [
        rule_runner.get_target(Address("", target_name="src", relative_file_path=path))
        for path in files
        if path.endswith(".py")
    ]
    sources = rule_runner.request(
        SourceFiles, [SourceFilesRequest(RuffFieldSet.create(t).source for t in targets)]
    )
    return rule_runner.request(
        FmtResult,
        [
            RuffFormatRequest.Batch(
                "", sources.snapshot.files, partition_metadata=None, snapshot=sources.snapshot
            )
        ],
    )


def snapshot_of(rule_runner: RuleRunner, files: dict[str, str]) -> Snapshot:
    digest = rule_runner.request(
        Digest, [CreateDigest(FileContent(path, text.encode()) for path, text in files.items())]
    )
    return rule_runner.request(Snapshot, [digest])


def test_an_unformatted_file_comes_back_formatted(rule_runner: RuleRunner) -> None:
    result = run_ruff_format(rule_runner, {"names.py": UNFORMATTED})
    assert result.did_change
    assert result.output == snapshot_of(rule_runner, {"names.py": FORMATTED})


def test_a_formatted_file_is_left_alone(rule_runner: RuleRunner) -> None:
    result = run_ruff_format(rule_runner, {"names.py": FORMATTED})
    assert not result.did_change


def test_the_formatter_reads_the_ruff_config_in_pyproject(rule_runner: RuleRunner) -> None:
    # Single quotes are this file's style only because its configuration says so.
    config = '[tool.ruff.format]\nquote-style = "single"\n'
    single_quoted = "names = ['a', 'b']\n"
    result = run_ruff_format(rule_runner, {"names.py": UNFORMATTED, "pyproject.toml": config})
    assert result.output == snapshot_of(rule_runner, {"names.py": single_quoted})
