"""The coverage report's promises: at least 75% of PyTorch's non-excluded names in each group, and
every name tinygrad_edu has tested against torch: declared by some conformance module (its
``COVERED``: value, gradient where one exists, dtype, an error for a bad call), or called by a
conformance program, which runs on both libraries and compares what comes out."""

from __future__ import annotations

import ast
import importlib
import pathlib

import pytest

pytest.importorskip("torch")

from conformance import coverage, test_surface_sweep_conf  # noqa: E402

HERE = pathlib.Path(__file__).parent
SHARE = 0.75


def declared() -> dict[str, set[str]]:
    """The union of every conformance module's ``COVERED``, per group."""
    out: dict[str, set[str]] = {g: set() for g in coverage.GROUPS}
    for path in sorted(HERE.glob("test_*_conf.py")):
        module = importlib.import_module(f"conformance.{path.stem}")
        for group, names in getattr(module, "COVERED", {}).items():
            assert group in out, f"{path.name}: COVERED names an unknown group {group!r}"
            out[group] |= set(names)
    return out


def used() -> dict[str, set[str]]:
    """Names the conformance programs call (``T.cat``, ``x.sum(...)``, ``T.nn.Linear``,
    ``F.relu``, ``T.optim.SGD``...): each such call runs on both libraries and is compared."""
    out: dict[str, set[str]] = {g: set() for g in coverage.GROUPS}
    for path in sorted(HERE.glob("test_*_conf.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Attribute):
                continue
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.insert(0, inner.attr)
                inner = inner.value
            head = inner.id if isinstance(inner, ast.Name) else ""
            name = chain[-1]
            if head == "T" and len(chain) == 1:
                out["torch functions"].add(name)
            elif chain[:-1] in (["nn"], ["nn", "functional"]) or head in ("nn", "F") and len(chain) == 1:
                group = "nn.functional" if "functional" in chain or head == "F" else "nn modules"
                out[group].add(name)
            elif chain[:-1] in (["optim"], ["optim", "lr_scheduler"]) or head in ("optim", "lr_scheduler"):
                out["optim + lr_scheduler"].add(("lr_scheduler." if "lr_scheduler" in chain or
                                                 head == "lr_scheduler" else "") + name)
            else:
                out["Tensor methods"].add(name)
    return out


@pytest.fixture(scope="module")
def report() -> dict:
    return coverage.report()


@pytest.mark.parametrize("group", coverage.GROUPS)
def test_each_group_has_three_quarters_of_its_counted_names(report, group):
    r = report[group]
    share = len(r["have"]) / len(r["counted"])
    assert share >= SHARE, f"{group}: {len(r['have'])}/{len(r['counted'])} = {share:.0%}: {r['missing']}"


@pytest.mark.parametrize("group", coverage.GROUPS)
def test_every_covered_name_has_a_conformance_case(report, group):
    swept = {n for g, n in test_surface_sweep_conf.swept() if g == group}
    undeclared = sorted(set(report[group]["have"]) - declared()[group] - used()[group] - swept)
    assert not undeclared, f"{group}: no conformance module declares {undeclared}"


def test_every_exclusion_family_gives_a_reason():
    for family, (reason, patterns) in coverage.EXCLUDED.items():
        assert len(reason) > 20 and patterns, family
