"""The AWX execution environment definition renders offline with ansible-builder, and the
credential type injects exactly the variables the roles declare."""

import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILDER = os.path.join(os.path.dirname(sys.executable), "ansible-builder")


def test_ansible_builder_renders_the_build_context(tmp_path):
    context = tmp_path / "context"
    proc = subprocess.run([BUILDER, "create", "-f", os.path.join(ROOT, "meta", "execution-environment.yml"),
                           "-c", str(context), "--output-filename", "Containerfile"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout
    containerfile = (context / "Containerfile").read_text()
    assert 'ANSIBLE_INSTALL_REFS="ansible-core==2.19.14 ansible-runner"' in containerfile
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert [c["name"] for c in galaxy["collections"]] == ["ansible.netcommon", "cucm.trust"]
    pip = (context / "_build" / "requirements.txt").read_text()
    for package in ("ansible-pylibssh", "paramiko", "cryptography", "jmespath"):
        assert package in pip
    # The core pinned in the EE is the one the tests run with.
    with open(os.path.join(ROOT, "requirements-dev.txt")) as handle:
        assert "ansible-core==2.19.14" in handle.read()


def _role_options(role):
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
        return yaml.safe_load(handle)["argument_specs"]["main"]["options"]


def test_credential_type_injects_role_variables_and_marks_secrets():
    with open(os.path.join(ROOT, "awx", "credential_types", "cucm_trust_backup.yml")) as handle:
        credential = yaml.safe_load(handle)
    fields = {f["id"]: f for f in credential["inputs"]["fields"]}
    for secret in ("sftp_password", "ccm_admin_password", "cluster_security_password"):
        assert fields[secret]["secret"] is True
    known = {}
    for role in ("itl_recovery_backup", "itl_recovery"):
        known.update(_role_options(role))
    for variable, template in credential["injectors"]["extra_vars"].items():
        assert variable in known, variable
        field = template.strip("{} ")
        assert field in fields, template
        if fields[field].get("secret"):
            assert known[variable].get("no_log") is True, variable
