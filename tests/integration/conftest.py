"""Integration tests: the built collection against the CUCM lab, over real SSH (network_cli).

Each test starts its own lab (a subprocess on 127.0.0.1), runs ansible-playbook with the
collection installed in .collections/ (rebuilt once per session from this tree), and compares
what the modules report with the lab's ground truth (GET /state, computed from its binary files).
"""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(ROOT, "tests", "integration", "playbooks")
VENV_BIN = os.path.dirname(sys.executable)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", autouse=True)
def built_collection():
    """Install the collection built from this tree, so tests run what users would install."""
    subprocess.run([os.path.join(ROOT, "scripts", "build-collection.sh")], check=True,
                   stdout=subprocess.DEVNULL)


class Runner(object):
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.out = tmp_path / "out"
        self.out.mkdir(exist_ok=True)

    def env(self, ssh_type):
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".collections"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCAL_TEMP": str(self.tmp / "ansible-tmp"),
            "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(self.tmp / "pc"),
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_NETWORK_CLI_SSH_TYPE": ssh_type,
            "PATH": VENV_BIN + os.pathsep + env.get("PATH", ""),
        })
        return env

    def playbook(self, name, inventory, ssh_type="libssh", extra_vars=None, verbosity=0,
                 check=False, limit=None, timeout=600):
        path = name if os.path.isabs(name) else os.path.join(PLAYBOOKS, name)
        cmd = [os.path.join(VENV_BIN, "ansible-playbook"), "-i", str(inventory), path,
               "-e", json.dumps(dict({"out_dir": str(self.out)}, **(extra_vars or {})))]
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        if check:
            cmd.append("--check")
        if limit:
            cmd += ["--limit", limit]
        proc = subprocess.run(cmd, env=self.env(ssh_type), cwd=str(self.tmp), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout, check=False)
        return proc

    def result(self, host):
        with open(str(self.out / ("%s.json" % host))) as handle:
            return json.load(handle)


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


def assert_ok(proc):
    assert proc.returncode == 0, proc.stdout[-6000:]
