"""Failure messages: dialog stops explained in plain words, CUCM's output attached (masked)."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CliError
from ansible_collections.cucm.trust.plugins.module_utils.failures import (
    TaskFailed,
    fail,
    failure_message,
    unique_lines,
)


class Module(object):
    def fail_json(self, **result):
        self.result = result


@pytest.mark.parametrize("reason, words", [
    ("unexpected_question", "asked a question this task does not answer"),
    ("asked_again", "answer was refused"),
    ("guard", "not an expected one"),
    ("timeout", "ansible_command_timeout"),
    ("closed", "SSH session closed"),
])
def test_dialog_failures_in_plain_words(reason, words):
    exc = CliError("utils itl reset localkey", "the CLI asked 'ccm_admin_password' again", "Enter CCM "
                   "Administrator password :", reason)
    message = failure_message(exc)
    assert message.startswith("'utils itl reset localkey' failed: ")
    assert words in message and "the CLI asked 'ccm_admin_password' again" in message
    module = Module()
    fail(module, exc)
    assert module.result["failure_reason"] == reason
    assert module.result["stdout_lines"] == ["Enter CCM Administrator password :"]


def test_task_failed_carries_details():
    module = Module()
    fail(module, TaskFailed("cucm-sub1 is a subscriber", reason="subscriber", output="a\nb", changed=False))
    assert module.result == {"msg": "cucm-sub1 is a subscriber", "failure_reason": "subscriber", "changed": False,
                             "stdout": "a\nb", "stdout_lines": ["a", "b"]}


def test_unique_lines():
    assert unique_lines(["Executed command unsuccessfully", " Executed  command unsuccessfully ", ""]) == [
        "Executed command unsuccessfully"]
