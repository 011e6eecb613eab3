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

# the docs import the blog examples by name, as the tests do
import pathlib  # noqa: E402
import sys  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "examples"))
