"""The layout of the README holds: dependencies between the project's packages run one way.

Every import in every module (function-level imports included) is read with `ast`, so a new import
that breaks the layering fails here rather than surfacing later as an import loop.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DOMAIN = {"housing", "residents", "buddies", "accesslog"}
# Which of the project's packages each package may import (besides itself).
ALLOWED = {
    "housing": set(),
    "residents": {"housing"},
    "buddies": {"housing", "residents"},
    "accesslog": set(),
    "accounts": DOMAIN,
    "figures": DOMAIN,
    "front": DOMAIN | {"accounts", "figures"},
    "reports": DOMAIN | {"accounts", "figures"},
    "demo": DOMAIN | {"accounts", "figures"},
    # The REST API and the deadline e-mails: faces on top, beside front and reports.
    "api": DOMAIN | {"accounts", "figures"},
    "notifications": DOMAIN | {"accounts", "figures"},
    # Configuration: the apps are named in settings and mounted by name in urls.py, never imported.
    "thuisgevers": set(),
}
PROJECT = set(ALLOWED)


def imported_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in PROJECT:
                yield top, node.lineno


def modules(package):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_layers_below_it(package):
    assert modules(package), f"{package}/ has no modules: the layout in this test is out of date"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {top}"
        for path in modules(package)
        for top, line in imported_packages(path)
        if top != package and top not in ALLOWED[package]
    ]
    assert not wrong, "\n".join(wrong)


def test_every_project_package_is_in_the_layout():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"} and not path.parent.name.startswith(".")
    }
    assert packages == PROJECT


def test_the_checker_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from front.views import dashboard\n")
    assert list(imported_packages(module)) == [("front", 2)]


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_loop_between_modules():
    """A module never imports, directly or through others, a module that imports it back."""
    paths = [path for package in ALLOWED for path in modules(package)]
    names = {module_name(path) for path in paths}
    graph = {}
    for path in paths:
        tree = ast.parse(path.read_text())
        targets = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                candidates = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            targets |= {name for name in candidates if name in names}
        graph[module_name(path)] = targets - {module_name(path)}

    loops = []
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                loops.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not loops, "\n".join(loops)
