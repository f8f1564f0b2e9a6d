"""The terminal plugin turns CLI pagination off when the shell opens.

The confirmation is the lab's answer to `set cli pagination off` ("Automatic pagination is turned
off", tests/lab/cucm_lab/commands/session.py, from cucm-cli-behaviour.md "Session"); the empty answer is what the first command
returns when the redrawn prompt left by the welcome-line answer is still in the buffer (seen in
a 20-cluster run on a loaded machine: 2 of 40 sessions).
"""

import pytest

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.cucm.trust.plugins.terminal.cucm import TerminalModule


class Scripted(TerminalModule):
    def __init__(self, answers):  # pylint: disable=super-init-not-called
        self.answers = list(answers)
        self.sent = []

    def _exec_cli_command(self, cmd, check_rc=True):
        self.sent.append(cmd)
        return self.answers.pop(0)


def test_the_first_answer_confirms():
    terminal = Scripted([b"Automatic pagination is turned off"])
    terminal.on_open_shell()
    assert terminal.sent == [b"set cli pagination off"]


def test_a_stale_prompt_answer_reads_the_pending_answer_with_an_empty_line():
    # Not the command again: its second answer would be read as the next command's output
    # (seen: "Automatic pagination is turned off" at the top of `show network cluster`).
    terminal = Scripted([b"", b"Automatic pagination is turned off"])
    terminal.on_open_shell()
    assert terminal.sent == [b"set cli pagination off", b""]


def test_a_real_refusal_is_not_retried_and_every_answer_is_quoted():
    terminal = Scripted([b"", b"Executed command unsuccessfully"])
    with pytest.raises(AnsibleConnectionFailure) as failure:
        terminal.on_open_shell()
    assert len(terminal.sent) == 2
    assert "answered: b'' / then: b'Executed command unsuccessfully'" in str(failure.value)


def test_nothing_three_times_fails():
    terminal = Scripted([b"", b"", b""])
    with pytest.raises(AnsibleConnectionFailure):
        terminal.on_open_shell()
    assert terminal.sent == [b"set cli pagination off", b"", b""]
