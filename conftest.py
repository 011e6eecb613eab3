"""Shared by tests/ and the doctests of docs/ and README.md.

Hypothesis profiles: 'ci' (the default: fixed example counts, no deadline, derandomised, so a run
is reproducible), 'dev' (more examples, random) and 'intense' (deep fuzzing).

Choose one with HYPOTHESIS_PROFILE=intense pytest ...
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                     HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=25, derandomize=True, print_blob=True, **_common)
settings.register_profile("dev", max_examples=60, **_common)
settings.register_profile("intense", max_examples=600, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running (deselect with -m 'not slow')")
    config.addinivalue_line("markers", "shared: needs ../shared (the scraped posts) beside the checkout")


def _shared_present() -> bool:
    """shared/ (the scraped posts) beside the checkout; a git worktree may sit deeper."""
    import pathlib

    return any((p / "shared" / "seeds").exists() for p in pathlib.Path(__file__).resolve().parents)


def pytest_report_header(config):
    if not _shared_present():
        return ("shared/ is not beside this checkout: the test that checks tests/data/posts.json against "
                "the posts is deselected (every other test runs on that data)")
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Said again at the end, where -q shows it too."""
    if not _shared_present() and terminalreporter.stats.get("deselected"):
        terminalreporter.write_line(pytest_report_header(config))


def pytest_collection_modifyitems(config, items):
    """A user's clone has no shared/: leave out the one test that re-reads the posts, and say so
    in the header, rather than skip it."""
    if _shared_present():
        return
    kept = [item for item in items if item.get_closest_marker("shared") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
