"""pytest bootstrap shared by unit, lab and integration tests.

Makes the collection importable as ``ansible_collections.cucm.trust`` straight from this
working tree (plus ansible.netcommon / ansible.utils from .collections/), and the lab as
``cucm_lab`` from tests/lab.
"""

import atexit
import os
import shutil
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _collection_root():
    base = tempfile.mkdtemp(prefix="cucm-trust-pytest-")
    atexit.register(shutil.rmtree, base, True)
    ns = os.path.join(base, "ansible_collections")
    os.makedirs(os.path.join(ns, "cucm"))
    os.symlink(ROOT, os.path.join(ns, "cucm", "trust"))
    deps = os.path.join(ROOT, ".collections", "ansible_collections", "ansible")
    if os.path.isdir(deps):
        os.symlink(deps, os.path.join(ns, "ansible"))
    return base


sys.path.insert(0, _collection_root())
sys.path.insert(0, os.path.join(ROOT, "tests", "lab"))


# -- fixtures for tests that define a `lab` fixture (a running cucm_lab) ------------------------

@pytest.fixture
def clean_lab(lab):
    """The lab with zeroed stats; faults and settings a test adds are undone afterwards."""
    settings = lab.control("GET", "/settings")
    lab.control("POST", "/actions/reset-stats", {})
    yield lab
    lab.control("DELETE", "/faults")
    for hostname, values in settings.items():
        lab.control("POST", "/settings", dict(values, node=hostname))


@pytest.fixture
def pub(lab):
    """Host name of the lab's publisher."""
    return next(n["hostname"] for n in lab.lab_json["nodes"] if n["publisher"])


@pytest.fixture
def sub(lab):
    """Host name of the lab's first subscriber."""
    return next(n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"])
