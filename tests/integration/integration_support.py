"""Shared helpers of the integration tests (imported by conftest.py and the tests)."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(ROOT, "tests", "integration", "playbooks")
VENV_BIN = os.path.dirname(sys.executable)


class Runner(object):
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.out = tmp_path / "out"
        self.out.mkdir(exist_ok=True)
        self.runs = 0

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
                 check=False, limit=None, timeout=600, vars_files=(), forks=None):
        path = name if os.path.isabs(name) else os.path.join(PLAYBOOKS, name)
        # Extra vars go through a file: ansible-playbook prints its command line at -vvvv,
        # and some tests pass secrets.
        self.runs += 1
        vars_file = self.tmp / ("extra-vars-%d.json" % self.runs)
        vars_file.write_text(json.dumps(dict({"out_dir": str(self.out)}, **(extra_vars or {}))))
        cmd = [os.path.join(VENV_BIN, "ansible-playbook"), "-i", str(inventory), path]
        for extra in vars_files:
            cmd += ["-e", "@%s" % extra]
        cmd += ["-e", "@%s" % vars_file]
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        if check:
            cmd.append("--check")
        if forks:
            cmd += ["--forks", str(forks)]
        if limit:
            cmd += ["--limit", limit]
        proc = subprocess.run(cmd, env=self.env(ssh_type), cwd=str(self.tmp), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout, check=False)
        return proc

    def result(self, host):
        with open(str(self.out / ("%s.json" % host))) as handle:
            return json.load(handle)


def assert_ok(proc):
    assert proc.returncode == 0, proc.stdout[-6000:]
