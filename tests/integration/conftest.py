"""Integration tests: the built collection against the CUCM lab, over real SSH (network_cli).

Each test starts its own lab (a subprocess on 127.0.0.1), runs ansible-playbook with the
collection installed in .collections/ (rebuilt once per session from this tree), and compares
what the modules report with the lab's ground truth (GET /state, computed from its binary files).
"""

import fcntl
import os
import subprocess

import pytest

from integration_support import ROOT, Runner

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", autouse=True)
def built_collection():
    """Install the collection built from this tree, so tests run what users would install.

    Once per test run: with pytest-xdist every worker asks, the first builds under a lock and
    the others find the stamp of this run (a rebuild under a running test would swap its files).
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "single-%d" % os.getpid())
    state = os.path.join(ROOT, ".build")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "integration-build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = os.path.join(state, "integration-build.run")
        if os.path.exists(stamp):
            with open(stamp) as handle:
                if handle.read() == run:
                    return
        subprocess.run([os.path.join(ROOT, "scripts", "build-collection.sh")], check=True,
                       stdout=subprocess.DEVNULL)
        with open(stamp, "w") as handle:
            handle.write(run)


@pytest.fixture
def runner(tmp_path):
    return Runner(tmp_path)


@pytest.fixture
def lab_factory(tmp_path):
    from cucm_lab.testing import start_lab

    started = []

    def factory(**options):
        index = len(started)
        lab = start_lab(tmp_path / ("lab%d" % index), **options)
        started.append(lab)
        return lab

    yield factory
    for lab in started:
        lab.stop()
