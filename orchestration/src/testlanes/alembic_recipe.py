"""The Alembic schema recipe: ``alembic upgrade head`` run the way the project runs it.

Most projects' generated ``env.py`` calls ``fileConfig(config.config_file_name)`` or asserts that
the name is set, and reads options from its ``alembic.ini``. So the recipe can name that file
(and its section): the child process builds Alembic's ``Config`` from it, in its directory (a
relative ``script_location`` or ``prepend_sys_path`` means what it means on the command line),
and only overrides ``sqlalchemy.url`` with the template database. The suite's own variables
(``DATABASE_URL``, ``POSTGRES_SERVER`` ...) point at that database too, for an ``env.py`` that
reads the project's settings.

A failure says what to do: the equivalent command, the directory, the variables (passwords
hidden), the last lines of the output, and a hint when the cause is a known one.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from testlanes.errors import AlembicRecipeFailed

_TAIL_LINES = 15
_HIDDEN = "***"


@dataclass(frozen=True)
class AlembicRun:
    """One ``upgrade head``: where the scripts are, and the project's ini file, if named."""

    suite: str
    location: Path | None  # None: the ini's script_location
    ini: Path | None
    section: str = "alembic"

    def ini_script_location(self) -> str:
        """The ini's ``script_location``, as Alembic reads it (``%(here)s`` expanded)."""
        assert self.ini is not None
        try:
            from alembic.config import Config
        except ImportError:
            raise AlembicRecipeFailed(_missing_alembic(self.suite)) from None
        try:
            config = Config(str(self.ini), ini_section=self.section)
            location = config.get_main_option("script_location")
        except Exception as exc:  # Alembic's CommandError (no such section), the ini's own errors
            raise AlembicRecipeFailed(
                f"suite {self.suite!r}: cannot read script_location from {self.ini} "
                f"[{self.section}]: {exc}"
            ) from None
        if not location:
            raise AlembicRecipeFailed(
                f"suite {self.suite!r}: {self.ini} has no script_location in [{self.section}]; "
                f"set alembic_section to the section that has it, or alembic to the script "
                f"directory"
            )
        return location

    @property
    def directory(self) -> Path:
        """Where the command runs: the ini's directory, as `alembic -c` users run it."""
        return self.ini.parent if self.ini is not None else Path.cwd()

    def upgrade_head(self, url: str, exports: Mapping[str, str]) -> None:
        """Run ``alembic upgrade head`` against SQLAlchemy ``url`` in a child process."""
        env = {**os.environ, **exports}
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in sys.path if p)
        spec = {
            "url": url,
            "location": None if self.location is None else str(self.location),
            "ini": None if self.ini is None else str(self.ini),
            "section": self.section,
        }
        proc = subprocess.run(
            [sys.executable, "-m", "testlanes.alembic_recipe", json.dumps(spec)],
            cwd=self.directory,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one stream, in the order it was written
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise AlembicRecipeFailed(self.explain(proc.returncode, proc.stdout, url, exports))

    # --- the failure message ------------------------------------------------------------------

    def command(self) -> str:
        """The Alembic command line this run is equivalent to."""
        args = ["alembic"]
        if self.ini is not None:
            args += ["-c", str(self.ini)]
            if self.section != "alembic":
                args += ["-n", self.section]
        args += ["upgrade", "head"]
        return shlex.join(args)

    def explain(self, status: int, output: str, url: str, exports: Mapping[str, str]) -> str:
        secrets = _secrets(url, exports)
        lines = _hide(output, secrets).rstrip().splitlines()[-_TAIL_LINES:]
        variables = " ".join(
            f"{name}={_shown(name, value)}" for name, value in sorted(exports.items())
        )
        where = (
            f"script_location {self.location}" if self.location else f"{self.ini} [{self.section}]"
        )
        return "\n".join(
            [
                f"suite {self.suite!r}: the schema recipe `{self.command()}` ({where}) failed "
                f"with exit status {status}",
                f"  command:   {self.command()}  (sqlalchemy.url = {_shown('url', url)})",
                f"  directory: {self.directory}",
                f"  variables: {variables or '(none)'}",
                f"  last {len(lines)} lines of its output:",
                *(f"    | {line}" for line in lines),
                f"  {self._hint(output)}",
            ]
        )

    def _hint(self, output: str) -> str:
        if "No module named 'alembic'" in output:
            return f"to fix: {_missing_alembic(self.suite)}"
        if self.ini is None and ("config_file_name" in output or "fileConfig" in output):
            return (
                f"to fix: this env.py needs the project's alembic.ini: set alembic_ini = "
                f'"<path to alembic.ini>" in [tool.testlanes.suites.{self.suite}] (relative to '
                f"the pytest config file; alembic_section if its section is not [alembic])"
            )
        return (
            "to reproduce: run that command in that directory with those variables (and the "
            "password); the recipe sets sqlalchemy.url and the variables to the template database"
        )


def _missing_alembic(suite: str) -> str:
    return (
        f"suite {suite!r} has an Alembic schema recipe but alembic is not installed here: "
        f"pip install 'testlanes[alembic]'"
    )


def _secrets(url: str, exports: Mapping[str, str]) -> list[str]:
    found = [make_url(url).password or ""]
    found += [value for name, value in exports.items() if "PASSWORD" in name]
    return sorted({s for s in found if s}, key=len, reverse=True)


def _hide(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, _HIDDEN)
    return text


def _shown(name: str, value: str) -> str:
    """A variable's value as a message may show it: no password, in a variable or a URL."""
    if "PASSWORD" in name:
        return _HIDDEN
    if "://" in value:
        try:
            return make_url(value).render_as_string(hide_password=True)
        except Exception:  # not a URL SQLAlchemy can parse: show it without its credentials
            scheme, _, rest = value.partition("://")
            return f"{scheme}://{_HIDDEN}@{rest.rpartition('@')[2]}"
    return value


def _upgrade_head(spec: Mapping[str, str | None]) -> None:
    """The child process: Alembic's Config from the project's ini (if named), then upgrade."""
    from alembic import command
    from alembic.config import Config

    url = str(spec["url"])
    ini = spec["ini"]
    config = Config(ini, ini_section=str(spec["section"])) if ini else Config()
    if spec["location"]:
        config.set_main_option("script_location", str(spec["location"]))
    # Escaped: the ini parser behind set_main_option interpolates '%'.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["url"] = url
    command.upgrade(config, "head")


if __name__ == "__main__":
    _upgrade_head(json.loads(sys.argv[1]))
