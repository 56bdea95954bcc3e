"""The packages import downward only — corpus → indexing → assistant → {eval, api} → thuky, with ``weights`` (model
building) beneath them all — and no module takes part in an import cycle. Every import counts: at module level and
inside function bodies alike."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = {"weights": 0, "corpus": 0, "indexing": 1, "assistant": 2, "eval": 3, "api": 3, "thuky": 4}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of a ThuKy package in the file, wherever it stands."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            # "from pkg import mod" imports the module pkg.mod when it is one
            targets = [f"{base}.{a.name}" if _is_module(root, f"{base}.{a.name}") else base for a in node.names]
        else:
            continue
        out += [(node.lineno, t) for t in targets if t.split(".")[0] in LAYER]
    return out


def _is_module(root: Path, dotted: str) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or path.is_dir()


def _graph(root: Path = ROOT) -> dict[str, list[tuple[int, str]]]:
    return {_module_name(p, root): _imports(p, root) for pkg in LAYER for p in sorted((root / pkg).rglob("*.py"))}


def _upward(root: Path = ROOT) -> list[str]:
    out = []
    for module, imports in _graph(root).items():
        me = module.split(".")[0]
        for line, target in imports:
            other = target.split(".")[0]
            if other != me and LAYER[other] >= LAYER[me]:
                out.append(f"{module}:{line} imports {target}")
    return out


def test_imports_only_go_down():
    upward = _upward()
    assert not upward, "imports that go up or sideways:\n" + "\n".join(upward)


def test_no_import_cycles():
    graph = _graph()
    modules = set(graph)

    def resolve(target: str) -> str | None:  # "api.routes.cases.X" → the module that exists
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    edges = {m: {r for _, t in imps if (r := resolve(t)) and r != m and not m.startswith(r + ".")}
             for m, imps in graph.items()}
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not cycles, "modules that import each other: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """The check itself: an upward import hidden in a function body, or written relative, is found."""
    for pkg in LAYER:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "indexing" / "good.py").write_text("from corpus import text\n")
    (tmp_path / "corpus" / "bad.py").write_text("def f():\n    from thuky import runtime\n    return runtime\n")
    (tmp_path / "eval" / "side.py").write_text("from ..api import app\n")
    assert sorted(_upward(tmp_path)) == ["corpus.bad:2 imports thuky", "eval.side:1 imports api"]
