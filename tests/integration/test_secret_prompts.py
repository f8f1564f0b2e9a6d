"""The runbook playbooks ask for a missing secret on an interactive terminal, without echo, and the
secret never shows up in what ansible-playbook prints, even at -vvvv."""

import fcntl
import os
import pty
import select
import subprocess
import termios
import time

from integration_support import ROOT, VENV_BIN

PROMPT = b"CCM Administrator password of the cluster"
DEADLINE = 300.0


def run_on_a_terminal(runner, args, answers):
    """ansible-playbook on a pseudo-terminal; ``answers``: [(bytes to wait for, bytes to type)].
    Returns (exit code, everything the terminal showed). Bounded in time."""
    controller, terminal = pty.openpty()

    def controlling_terminal():  # in the child: a session whose controlling terminal is the pty
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([os.path.join(VENV_BIN, "ansible-playbook")] + args, stdin=terminal, stdout=terminal,
                            stderr=terminal, env=runner.env("libssh"), cwd=str(runner.tmp),
                            preexec_fn=controlling_terminal)
    os.close(terminal)
    shown, pending, deadline = b"", list(answers), time.monotonic() + DEADLINE
    look_from, typed_at, typed_len, tries = 0, None, 0, 0
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([controller], [], [], 0.3)
            if ready:
                try:
                    data = os.read(controller, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                shown += data
                continue
            if proc.poll() is not None:
                break
            if not pending or shown.find(pending[0][0], look_from) < 0:
                continue
            if typed_at is not None and len(shown) > typed_len:  # output moved on: the answer was taken
                pending.pop(0)
                look_from, typed_at, tries = typed_len, None, 0
                continue
            # Quiet at the prompt: type. A prompt may discard what was typed before it was ready,
            # so type again when nothing moves within 10 s (3 tries at most).
            if typed_at is None or (time.monotonic() - typed_at > 10 and tries < 3):
                os.write(controller, pending[0][1])
                typed_at, typed_len, tries = time.monotonic(), len(shown), tries + 1
        return proc.wait(timeout=30), shown.decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(controller)


def test_itl_recovery_asks_for_the_ccm_admin_password_without_echo(lab_factory, runner):
    lab = lab_factory(nodes=2, release="10.5", time_scale=0.02)
    secret = lab.lab_json["ccm_admin_password"]
    playbook = os.path.join(ROOT, "playbooks", "itl_recovery.yml")
    code, shown = run_on_a_terminal(runner, ["-i", lab.inventory_path, playbook, "-e", "target=%s" % lab.lab_json["cluster"],
                                             "-vvvv"], [(PROMPT, secret.encode() + b"\r")])
    assert PROMPT.decode() in shown, shown[-3000:]
    assert code == 0, shown[-4000:]
    assert "signed by" in shown  # the reset ran with the typed password: the signers were shown
    assert secret not in shown  # not echoed at the prompt, not logged anywhere at -vvvv
    state = lab.control("GET", "/state")
    # 10.x: the reset ITL on every TFTP node is signed by the ITLRecovery key.
    assert all("ITLRECOVERY" in (node["files"]["ITLFile.tlv"]["signer"] or "").upper() for node in state["nodes"].values())
