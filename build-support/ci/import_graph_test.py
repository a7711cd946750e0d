from pathlib import Path

import pytest
from import_graph import cycles, imports, main, modules


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_two_modules_importing_each_other_are_a_cycle(tmp_path: Path) -> None:
    write(
        tmp_path / "src",
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": "def f():\n    from pkg.a import x\n",
            "pkg/c.py": "import pkg.a\n",
        },
    )
    known = modules([tmp_path / "src"])
    graph = {name: imports(path, name, known) for name, path in known.items()}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_a_longer_loop_is_one_cycle_and_a_chain_is_none() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_relative_imports_resolve_inside_their_package(tmp_path: Path) -> None:
    write(
        tmp_path / "src", {"pkg/__init__.py": "", "pkg/a.py": "from . import b\n", "pkg/b.py": ""}
    )
    known = modules([tmp_path / "src"])
    assert "pkg.b" in imports(known["pkg.a"], "pkg.a", known)


def test_the_check_fails_naming_the_cycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pants.toml").write_text('[source]\nroot_patterns = ["/src"]\n')
    write(tmp_path / "src", {"x.py": "import y\n", "y.py": "import x\n"})
    assert main(tmp_path) == 1
    assert "import cycle: x <-> y" in capsys.readouterr().out
