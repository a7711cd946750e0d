"""First-party import graph of the repository: cycles (an error) and oversized modules (a list).

Modules are named from the source roots in pants.toml, imports read with ``ast`` (every import,
also those inside functions); a cycle is a strongly connected group of two or more modules.
Run as ``python3 build-support/ci/import_graph.py``: prints every cycle and every module over
the size limit whose docstring does not say why, and exits 1 if there is a cycle.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

SIZE_LIMIT = 500
_REPO = Path(__file__).resolve().parents[2]


def source_roots(repo: Path) -> list[Path]:
    patterns = tomllib.loads((repo / "pants.toml").read_text())["source"]["root_patterns"]
    return [repo / p.strip("/") for p in patterns if (repo / p.strip("/")).is_dir()]


def modules(roots: Iterable[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if name:
                found.setdefault(name, path)
    return found


def imports(path: Path, name: str, known: Mapping[str, Path]) -> set[str]:
    """First-party modules ``name`` (at ``path``) imports, resolved to the longest known name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
            targets.add(base)
    resolved = {_longest_known(t, known) for t in targets}
    return {t for t in resolved if t and t != name}


def _longest_known(dotted: str, known: Mapping[str, Path]) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def oversized(known: Mapping[str, Path], limit: int = SIZE_LIMIT) -> list[tuple[str, int]]:
    """Modules over ``limit`` lines whose docstring does not say why they are that long."""
    big = []
    for name, path in sorted(known.items()):
        text = path.read_text()
        lines = text.count("\n") + 1
        doc = ast.get_docstring(ast.parse(text)) or ""
        if lines > limit and "long because" not in doc.lower():
            big.append((name, lines))
    return big


def main(repo: Path = _REPO) -> int:
    sys.setrecursionlimit(10_000)
    known = modules(source_roots(repo))
    graph = {name: imports(path, name, known) for name, path in known.items()}
    loops = cycles(graph)
    for loop in loops:
        print(f"import cycle: {' <-> '.join(loop)}")
    for name, lines in oversized(known):
        print(f"over {SIZE_LIMIT} lines with no reason in its docstring: {name} ({lines} lines)")
    print(
        f"{len(known)} first-party modules, {sum(map(len, graph.values()))} imports, "
        f"{len(loops)} cycles"
    )
    return 1 if loops else 0


if __name__ == "__main__":
    raise SystemExit(main())
