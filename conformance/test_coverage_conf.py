"""The coverage report's promises: at least 75% of PyTorch's non-excluded names in each group, and
every name tinygrad_edu has declared by some conformance module (its ``COVERED``), which tests it
against torch (value, gradient where one exists, dtype, an error for a bad call)."""

from __future__ import annotations

import importlib
import pathlib

import pytest

pytest.importorskip("torch")

from conformance import coverage  # noqa: E402

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
    undeclared = sorted(set(report[group]["have"]) - declared()[group])
    assert not undeclared, f"{group}: no conformance module declares {undeclared}"


def test_every_exclusion_family_gives_a_reason():
    for family, (reason, patterns) in coverage.EXCLUDED.items():
        assert len(reason) > 20 and patterns, family
