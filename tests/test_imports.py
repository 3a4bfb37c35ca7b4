"""The shape of the code: the import graph of yoi_welfare, read from the source.

Imports inside functions count: they hide a circle from Python's import machinery, not from a
reader. The web layer (``web.py``, the views, the CLI and the app factory) sits on top; nothing
below it imports ``yoi_welfare.web``, so that services, forms and the scheduler's jobs can be
used without the request cycle.
"""

import ast
from pathlib import Path

import yoi_welfare

PACKAGE = Path(yoi_welfare.__file__).parent
WEB = "yoi_welfare.web"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of yoi_welfare that ``name`` imports, anywhere in its source."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # ``from package import module`` imports the module; ``from module import name``
            # imports the module that defines the name.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imported(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def is_web_layer(module: str) -> bool:
    """The request cycle, the app factory, the CLI and the views modules."""
    last = module.rpartition(".")[2]
    return module in ("yoi_welfare", WEB, "yoi_welfare.cli") or last.endswith("views")


def test_the_import_graph_reads_imports_inside_functions():
    graph = import_graph()
    # create_app imports every blueprint inside the function, so that the domain imports alone.
    assert "yoi_welfare.people.views" in graph["yoi_welfare"]
    assert WEB in graph["yoi_welfare"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_yoi_welfare_has_no_import_cycle():
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_nothing_below_the_views_imports_the_request_cycle():
    below = sorted(
        module
        for module, imported in import_graph().items()
        if WEB in imported and not is_web_layer(module)
    )
    assert below == [], f"modules below the views importing {WEB}: {', '.join(below)}"


def test_the_views_are_told_apart_from_modules_named_like_them():
    assert is_web_layer("yoi_welfare.reviews.views")
    assert is_web_layer("yoi_welfare.actions.timescale_views")
    assert not is_web_layer("yoi_welfare.reviews.services")
    assert not is_web_layer("yoi_welfare.view_helpers")


def test_template_filters_and_globals_are_registered_in_one_place():
    registering = ("template_filter", "template_global", "jinja_env.filters", "jinja_env.globals")
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(word in path.read_text() for word in registering)
    )
    assert found == ["templating.py"]


REQUEST_GLOBALS = {"request", "g", "session", "current_user", "has_request_context"}


def _names_from_flask(path: Path) -> set[str]:
    """What a module imports from flask and flask_login that belongs to the current request."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask_login"):
            names |= {alias.name for alias in node.names} & REQUEST_GLOBALS
    return names


def test_services_are_told_who_acts_rather_than_reading_the_request():
    """Services, queries, rules and the domain receive the acting user and the time as
    arguments: none reads the request, the session or the signed-in user."""
    below = {
        name: sorted(names)
        for name, path in _modules().items()
        if name.rpartition(".")[2] in ("services", "queries", "rules")
        or name.startswith("yoi_welfare.domain")
        if (names := _names_from_flask(path))
    }
    assert below == {}
