"""Fixtures that run the lab as a subprocess and talk to it over real SSH."""

import os

import pytest

from cucm_lab.testing import start_lab

SEEDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "seeds")


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A 2-node 12.5 lab shared by the tests that leave its CUCM state alone."""
    handle = start_lab(tmp_path_factory.mktemp("shared"), nodes=2, release="12.5", test_commands=True)
    yield handle
    handle.stop()


@pytest.fixture
def seed_text():
    """Read a verbatim seed extract from tests/unit/fixtures/seeds."""

    def read(name):
        with open(os.path.join(SEEDS, name), encoding="utf-8") as handle:
            return handle.read()

    return read
