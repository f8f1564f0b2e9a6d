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
