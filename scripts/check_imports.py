#!/usr/bin/env python3
"""Keep the house in shape: no import circle between the project's modules, no module too long.

Run from the repository root (``make lint`` and ``make test`` do)::

    python scripts/check_imports.py [--root DIR] [--max-lines 600] [--packages a,b] [--show-deferred]

It fails (exit status 1) when

* two or more of the project's modules import each other in a circle. Both kinds of import
  count: **module-level** ones (top level, class bodies, ``if``/``try`` blocks at top level),
  which decide the order modules load in, and **deferred** ones inside a function or method.
  A deferred import hides a circle from Python but not from the reader: the two modules still
  depend on each other, and the circles the project had (notifications ↔ reminder engine ↔
  tasks; models ↔ querysets ↔ access) were all hidden that way. Break a circle by moving the
  thing, by reading a model through the app registry (``apps.get_model``), or by queueing a
  Celery task by name (``branches.jobs.enqueue``) instead of importing the tasks module.
  The report says which edges are deferred. Imports under ``if TYPE_CHECKING:`` never run and
  are ignored.
* a module outside ``migrations/`` and ``tests/`` is longer than ``--max-lines`` lines.

An import edge points at the most specific project module named: ``from a.b import c`` is an
edge to ``a.b.c`` when that is a module, else to ``a.b``. The implicit import of the parent
packages' ``__init__`` is not an edge (a package that re-exports its submodules would otherwise
be "in a circle" with each of them).

``ALLOWLIST`` holds files other work in flight is splitting (they may be long); it is printed
on every run and should be empty.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

# The project's apps (top-level packages). `tests`, `bench` and `scripts` are not part of the house.
PACKAGES = (
    "portal",
    "branches",
    "training",
    "assessment",
    "supervision",
    "notices",
    "practice",
    "dues",
)
MAX_LINES = 600
# Temporary: files being split on other branches (issue 26). Emptied when those branches merge.
ALLOWLIST: dict[str, str] = {}
SKIP_DIRS = {"migrations", "tests", "__pycache__", "node_modules", ".venv"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files(root: Path, packages) -> dict[str, Path]:
    modules = {}
    for package in packages:
        base = root / package
        if not (base / "__init__.py").exists():
            continue
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(root).parts
            if SKIP_DIRS.intersection(rel[:-1]):
                continue
            modules[module_name(path, root)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(tree: ast.Module, module: str, is_package: bool):
    """Yield (imported name, line, deferred) for every import statement in the module."""

    def resolve_from(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        if node.level > 1:
            base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(nodes, deferred):
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, node.lineno, deferred
            elif isinstance(node, ast.ImportFrom):
                target = resolve_from(node)
                for alias in node.names:
                    yield f"{target}.{alias.name}" if alias.name != "*" else target, node.lineno, deferred
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield from visit(ast.iter_child_nodes(node), True)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from visit(node.orelse, deferred)
            else:
                yield from visit(ast.iter_child_nodes(node), deferred)

    yield from visit(tree.body, False)


def build_graph(modules: dict[str, Path]):
    """Return ({module: {target: line}} for module-level imports, the same for deferred ones)."""
    eager, deferred = {}, {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        eager[name], deferred[name] = {}, {}
        for imported, line, is_deferred in imports_of(tree, name, path.name == "__init__.py"):
            target = imported
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if not target or target == name:
                continue
            bucket = deferred[name] if is_deferred else eager[name]
            bucket.setdefault(target, line)
    return eager, deferred


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative); components of two or more modules, sorted."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
    return sorted(result)


def describe(component, eager, deferred, modules, root):
    members = set(component)
    lines = []
    for name in component:
        for graph, how in ((eager, ""), (deferred, " (inside a function)")):
            for target, line in sorted(graph[name].items()):
                if target in members and (how == "" or target not in eager[name]):
                    lines.append(f"    {modules[name].relative_to(root)}:{line} imports {target}{how}")
    return "\n".join(lines)


def long_files(modules, root, max_lines):
    found = []
    for path in modules.values():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > max_lines:
            found.append((path.relative_to(root).as_posix(), count))
    return sorted(found)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--packages", default=",".join(PACKAGES))
    parser.add_argument("--max-lines", type=int, default=MAX_LINES)
    parser.add_argument("--no-allowlist", action="store_true", help="ignore the temporary allowlist")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    modules = project_files(root, [p for p in args.packages.split(",") if p])
    allowlist = {} if args.no_allowlist else ALLOWLIST
    eager, deferred = build_graph(modules)
    failed = False

    if allowlist:
        print("Temporary allowlist (files being split elsewhere; should become empty):")
        for path, why in sorted(allowlist.items()):
            print(f"  {path}: {why}")

    combined = {name: {**deferred[name], **eager[name]} for name in modules}
    circles = strongly_connected(combined)
    for component in circles:
        failed = True
        print(f"Import circle between {', '.join(component)}:")
        print(describe(component, eager, deferred, modules, root))

    for path, count in long_files(modules, root, args.max_lines):
        if path in allowlist:
            print(f"  allowed for now: {path} has {count} lines (limit {args.max_lines})")
            continue
        failed = True
        print(f"{path} has {count} lines (limit {args.max_lines}): split it by the concepts inside it")

    print(f"check_imports: {len(modules)} modules, {len(circles)} import circle(s), {'FAILED' if failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
