"""Failures: dialog stops explained in plain words, CUCM's output attached (masked)."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.cucm import (
    CucmError,
    command_failed,
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
    exc = command_failed("utils itl reset localkey", "the CLI asked 'ccm_admin_password' again",
                         reason, "Enter CCM Administrator password :")
    assert str(exc).startswith("'utils itl reset localkey' failed: ")
    assert words in str(exc) and "the CLI asked 'ccm_admin_password' again" in str(exc)
    assert exc.command == "utils itl reset localkey"
    module = Module()
    exc.fail(module)
    assert module.result["failure_reason"] == reason
    assert module.result["stdout_lines"] == ["Enter CCM Administrator password :"]


def test_other_command_failures_quote_what_cucm_said():
    exc = command_failed("show itl", "Executed command unsuccessfully", output="Executed command unsuccessfully")
    assert str(exc) == "'show itl' failed: Executed command unsuccessfully"
    assert exc.reason == "failed"


def test_refusal_carries_details():
    module = Module()
    CucmError("cucm-sub1 is a subscriber", reason="subscriber", output="a\nb", changed=False).fail(module)
    assert module.result == {"msg": "cucm-sub1 is a subscriber", "failure_reason": "subscriber", "changed": False,
                             "stdout": "a\nb", "stdout_lines": ["a", "b"]}


def test_unique_lines():
    assert unique_lines(["Executed command unsuccessfully", " Executed  command unsuccessfully ", ""]) == [
        "Executed command unsuccessfully"]


def test_lines_a_tolerant_parser_set_aside_become_a_warning():
    # A node line as cucm-cli-behaviour.md documents it, after the banner's documented warning.
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "modules"))
    from module_replay import FakeModule, ReplayConnection
    from reference_texts import show_network_cluster

    from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import read_cluster

    text = "WARNING: DNS unreachable\r\n" + show_network_cluster([("pub", "pub.example.com", "192.0.2.10", True)], "pub")
    module = FakeModule({}, ReplayConnection("12.5.1", {"show network cluster": text}))
    cluster = read_cluster(module)
    assert [n["hostname"] for n in cluster["nodes"]] == ["pub"]
    assert module.warnings == ["'show network cluster': 1 line(s) of the output were not understood and were "
                               "ignored: 'WARNING: DNS unreachable'"]


def test_the_line_before_a_failure_trailer_is_its_cause():
    # The lab's (GUESSED) refused-directory text of `file get`, then the documented trailer.
    from cucm_lab.sftp_client import ERROR_MESSAGES, ERROR_NO_SUCH_DIRECTORY

    from ansible_collections.cucm.trust.plugins.module_utils.cucm import causes

    reason = ERROR_MESSAGES[ERROR_NO_SUCH_DIRECTORY].format(path="/backups/x/ITLRecovery.p12")
    output = "Download directory: /backups/x/\n%s\nExecuted command unsuccessfully\n" % reason
    assert causes(output) == [reason]
    assert causes("Transfer completed.\n") == []
