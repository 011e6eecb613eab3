"""The core's shape, checked: line budgets, ops only in ops/, every op with its derivative and in
the catalogue, floors without upward imports or cycles, and the Value/engine contract."""

from __future__ import annotations

import ast
import inspect
import pathlib
import sys

import pytest

import tinygrad_edu
from tinygrad_edu import ops
from tinygrad_edu.function import Function
from tinygrad_edu.state import GraphValue

PKG = pathlib.Path(tinygrad_edu.__file__).parent

# Nothing imports anything on a higher floor (docs/design.md draws them).
FLOORS = [
    (1, ("state", "dtypes", "diagnostics", "function", "device", "random", "dims", "torch_types",
         "threads")),
    (2, ("ops", "graph", "engine", "hooks")),
    (3, ("shape_methods", "index_methods", "conversion_methods", "methods", "value", "math_methods",
         "reduce_methods", "shape_more", "random_methods", "printing", "inplace_methods", "index_more",
         "linalg_methods", "int_methods")),
    (4, ("toplevel", "creation", "nn", "optim", "utils", "serialization", "functions", "linalg",
         "special", "surface", "joins")),
    (5, ("autograd", "testing", "explain", "viz", "exercises")),
    (6, ("compiler", "capture", "capture_hooks", "capture_values", "tracer", "func")),
]


def floor(module: str) -> int:
    """The floor of a module path relative to the package ('nn.loss' -> 4; the package: 6)."""
    head = module.split(".")[0]
    for number, names in FLOORS:
        if head in names:
            return number
    assert module == "", f"module {module} is on no floor: add it to FLOORS and docs/design.md"
    return 6


def modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def runtime_imports(name: str, path: pathlib.Path) -> set[str]:
    """Package-relative modules imported at run time (``if TYPE_CHECKING:`` blocks skipped)."""
    tree = ast.parse(path.read_text())
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and getattr(node.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(node)}
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = [p for p in package if p]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and id(node) not in skip:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = ".".join(base + ([node.module] if node.module else []))
            mods = modules()
            for alias in node.names:
                sub = f"{target}.{alias.name}".strip(".")
                found.add(sub if sub in mods else target)
    return found - {name}


def test_floor_one_imports_only_the_standard_library_numpy_and_threadpoolctl():
    allowed = set(sys.stdlib_module_names) | {"numpy", "threadpoolctl"}
    for name, path in modules().items():
        if floor(name) == 1:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    heads = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    heads = [node.module.split(".")[0]]
                else:
                    continue
                assert set(heads) <= allowed, f"{name} (floor 1) imports {heads} at line {node.lineno}"


def test_core_line_budget_and_module_sizes():
    core = sum(len((PKG / f).read_text().splitlines()) for f in ("function.py", "engine.py", "value.py"))
    assert core <= 730, f"function.py + engine.py + value.py: {core} lines (budget 730, see docs/design.md)"
    for name, path in modules().items():
        n = len(path.read_text().splitlines())
        assert n <= 450, f"{name} has {n} lines (budget 450)"


def test_ops_live_in_ops_are_short_and_state_their_derivative():
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name != "Function":
                methods = {b.name for b in node.body if isinstance(b, ast.FunctionDef)}
                if {"forward", "backward"} <= methods:
                    assert name.startswith("ops."), f"op {node.name} lives outside ops/ ({name})"
                    size = node.end_lineno - node.lineno + 1
                    budget = 30 if "jvp" in methods or any(  # a JVP rule beside backward: 5 more
                        isinstance(b, ast.Assign) and any(getattr(t, "id", "") == "jvp" for t in b.targets)
                        for b in node.body) else 25
                    assert size <= budget, f"op {node.name} is {size} lines (budget {budget})"
    for op_name in ops.__all__:
        op = getattr(ops, op_name)
        params = [p for p in inspect.signature(op.forward).parameters.values()
                  if p.name != "ctx" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
        assert op.__doc__ and op.derivative, f"{op_name} needs a docstring and a derivative"
        assert all(d.startswith("d") and ("=" in d or ":" in d) for d in op.derivative), op_name
        variadic = any(p.kind == p.VAR_POSITIONAL for p in params)
        assert len(op.derivative) == (1 if variadic else len(params)), (
            f"{op_name}.derivative needs one formula per positional input {[p.name for p in params]}")


def test_no_upward_imports_and_no_cycles():
    mods = modules()
    graph = {name: runtime_imports(name, path) for name, path in mods.items()}
    for name, targets in graph.items():
        for t in targets:
            assert floor(t) <= floor(name), f"{name} (floor {floor(name)}) imports {t} (floor {floor(t)})"
    state: dict[str, int] = {}

    def visit(n: str, trail: list[str]) -> None:  # depth-first search for a back edge
        state[n] = 1
        for t in graph.get(n, ()):
            if state.get(t) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail + [n, t]))
            if t in graph and not state.get(t):
                visit(t, trail + [n])
        state[n] = 2

    for n in graph:
        if not state.get(n):
            visit(n, [])


CONTRACT = {name for name in GraphValue.__annotations__} | {"_from_op"}
NODE_FIELDS = set(Function.__slots__) | {"_trace"}


@pytest.mark.parametrize("module", ["function", "engine", "diagnostics"] +
                         [f"ops.{p.stem}" for p in (PKG / "ops").glob("*.py") if p.stem != "__init__"])
def test_the_engine_and_ops_use_values_only_through_the_contract(module):
    path = modules()[module]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = getattr(node.value, "id", "")
            if owner in ("self", "cls", "np", "state") or owner[:1].isupper():  # a class's own helper
                continue
            assert node.attr in CONTRACT | NODE_FIELDS, (
                f"{module} line {node.lineno} uses .{node.attr}, which the GraphValue contract "
                f"does not declare")
        if module.startswith("ops.") and isinstance(node, ast.Attribute):
            assert node.attr not in CONTRACT, f"{module} line {node.lineno}: ops never read .{node.attr}"


def test_every_contract_member_is_documented():
    source = inspect.getsource(GraphValue)
    for name in CONTRACT - {"_from_op"}:
        after = source.split(f"    {name}:", 1)[1]
        assert after.split("\n", 2)[1].strip().startswith('"""'), f"{name} needs a docstring"


# The compiler's job is to run the code it writes (exec) and to hook the core for one traced call
# (setattr, undone when the call ends): compiler.py may do both, and nothing else may.
METAPROGRAMMING_ALLOWED = {"compiler": {"setattr", "exec"},
                           "autograd.forward_ad": {"setattr"}}  # hooks apply while a dual level is open


def test_no_metaprogramming():
    for name, path in modules().items():
        tree = ast.parse(path.read_text())
        allowed = METAPROGRAMMING_ALLOWED.get(name, set())
        for node in ast.walk(tree):
            called = getattr(node.func, "id", "") if isinstance(node, ast.Call) else ""
            if called in {"setattr", "exec", "eval"} - allowed:
                raise AssertionError(f"{name} line {node.lineno} calls {node.func.id}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "type" and len(node.args) == 3:
                raise AssertionError(f"{name} line {node.lineno} makes a class with type()")
