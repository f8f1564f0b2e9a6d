"""The backup target is a real OpenSSH sshd (internal-sftp, a password user, a loopback port).

Needs root and Debian's openssh-server (scripts/setup.sh installs it in CI); skipped otherwise.
The test creates a throw-away system user for the SFTP account and removes it afterwards.
"""

import base64
import hashlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import time

import pytest

from test_itl_recovery_backup import publisher

SSHD = "/usr/sbin/sshd"
USER = "cucmtrustsftp"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def real_sshd(tmp_path):
    if os.geteuid() != 0 or not os.path.exists(SSHD) or not shutil.which("useradd"):
        pytest.skip("needs root and Debian openssh-server (/usr/sbin/sshd); scripts/setup.sh installs it in CI")
    password = secrets.token_urlsafe(12)
    created = False
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/usr/sbin/nologin", USER], check=True)
        created = True
    subprocess.run(["chpasswd"], input=("%s:%s" % (USER, password)).encode(), check=True)
    home = pwd.getpwnam(USER).pw_dir
    backups = os.path.join(home, "itlrecovery")
    os.makedirs(backups, exist_ok=True)
    shutil.chown(backups, USER, USER)
    os.makedirs("/run/sshd", exist_ok=True)  # privilege separation directory
    host_key = str(tmp_path / "ssh_host_rsa_key")
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", host_key], check=True)
    port = free_port()
    config = tmp_path / "sshd_config"
    config.write_text("\n".join([
        "Port %d" % port,
        "ListenAddress 127.0.0.1",
        "HostKey %s" % host_key,
        "PidFile %s" % (tmp_path / "sshd.pid"),
        "UsePAM no",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication no",
        "PermitRootLogin no",
        "AllowUsers %s" % USER,
        "Subsystem sftp internal-sftp",
        "ForceCommand internal-sftp",
        "",
    ]))
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("sshd did not listen: %s" % proc.stdout.read1(4096))
        with open(host_key + ".pub") as handle:
            blob = base64.b64decode(handle.read().split()[1])
        sha256 = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
        yield {"host": "127.0.0.1", "port": port, "user": USER, "password": password,
               "directory": backups, "fingerprint": sha256}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if created:
            subprocess.run(["userdel", "--remove", USER], check=False, stderr=subprocess.DEVNULL)


def test_backup_to_a_real_openssh_server(lab_factory, runner, real_sshd):
    lab = lab_factory(nodes=2, release="12.5", time_scale=0.02)
    params = {"sftp_host": real_sshd["host"], "sftp_port": real_sshd["port"], "sftp_user": real_sshd["user"],
              "sftp_password": real_sshd["password"], "sftp_directory": real_sshd["directory"],
              "fingerprints": [real_sshd["fingerprint"]]}
    runner.playbook("backup_once.yml", lab.inventory_path, extra_vars={"p": params})
    result = runner.result(publisher(lab))
    assert result.get("failed") is not True, result
    assert result["verified"] is True and result["matches_itl"] is True
    assert result["sftp_host_key"]["sha256"] == real_sshd["fingerprint"]
    landed = result["path"]
    assert landed.startswith(real_sshd["directory"] + "/lab125/")
    with open(landed, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == result["sha256"]
