"""The dialog mechanism replayed against real CUCM transcripts from the seeds.

A tiny device stand-in prints a seed transcript line by line. Where the seed shows a question,
it prints the line up to the end of the question and waits; the dialog must pick the right
question and give the answer the engineer typed in the seed (the rest of that line).
"""

import os
import re

import pytest

from ansible_collections.cucm.trust.plugins.module_utils import questions as q
from ansible_collections.cucm.trust.plugins.plugin_utils._dialog import Dialog, DialogFailed, Question
from ansible_collections.cucm.trust.plugins.terminal.cucm import PROMPT_RE

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "dialogs")


def load(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        lines = handle.read().splitlines()
    assert lines[0].startswith("admin:")
    return lines[0][len("admin:"):], lines[1:]


def replay(name, specs, chunk=7):
    """Drive a Dialog with the seed; return (dialog, answers given, what the seed showed typed)."""
    command, lines = load(name)
    dialog = Dialog(command, [Question.from_spec(s) for s in specs], PROMPT_RE)
    given, typed = [], []

    def feed(text):
        action = None
        data = text.encode()
        for start in range(0, len(data), chunk):  # arrive in small chunks, like SSH
            action, question = dialog.feed(data[start:start + chunk])
            if action != Dialog.WAIT:
                return action, question
        return action, None

    assert feed("admin:" + command + "\r\n") == (Dialog.WAIT, None)
    for line in lines:
        if line.startswith("admin:"):  # the seed moves on to another command: stop there
            break
        hit = None
        for spec in specs:
            match = re.search(spec["pattern"], line)
            if match and (hit is None or match.start() < hit[1].start()):
                hit = (spec, match)
        if hit is None:
            assert feed(line + "\r\n")[0] == Dialog.WAIT, line
            continue
        spec, match = hit
        action, question = feed(line[:match.end()])
        assert action == Dialog.ANSWER, line
        assert question.name == spec["name"]
        rest = line[match.end():]
        given.append(question.answer.decode())
        if question.secret:
            typed.append(None)
            feed(rest + "\r\n")  # CUCM does not echo secrets; the rest is its own output
        else:
            typed.append(rest.strip())
            feed(rest + "\r\n")  # the echo of what was typed
    action = dialog.feed(b"admin:")[0]
    assert action == Dialog.DONE
    return dialog, given, typed


def test_itl_reset_localkey_answers_the_password_once_and_masks_it():
    dialog, given, _typed = replay("001_itl_reset_localkey.txt", [q.ccm_admin_password("S3cret!pw")])
    assert given == ["S3cret!pw"]
    assert dialog.answered == ["ccm_admin_password"]
    text = dialog.transcript()
    assert "S3cret!pw" not in text
    assert "Cisco Tftp service restarted on host test10sub" in text
    assert not text.startswith("admin:")


def test_itl_reset_remotekey_answers_sftp_then_ccm_password():
    specs = [q.question("sftp_password", q.SFTP_PASSWORD_RESET, "sftp-pw", secret=True),
             q.ccm_admin_password("ccm-pw")]
    dialog, given, _typed = replay("001_itl_reset_remotekey.txt", specs)
    assert dialog.answered == ["sftp_password", "ccm_admin_password"]
    assert given == ["sftp-pw", "ccm-pw"]
    assert "Processing token in else 0 tac" in dialog.transcript()


def test_file_get_gives_the_answers_the_engineer_typed():
    fingerprint = "2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd"
    specs = [
        q.question("proceed", q.PROCEED_YN, "y"),
        q.question("sftp_server", q.SFTP_SERVER, "joemar2-server.cisco.com"),
        q.question("sftp_port", q.SFTP_PORT, ""),
        q.question("sftp_user", q.SFTP_USER, "joemar2"),
        q.question("sftp_password", q.SFTP_PASSWORD, "pw", secret=True),
        q.question("directory", q.DOWNLOAD_DIRECTORY, "/home/joemar2/"),
        q.host_key([fingerprint]),
    ]
    dialog, given, typed = replay("001_file_get_itlrecovery.txt", specs)
    assert dialog.answered == ["proceed", "sftp_server", "sftp_port", "sftp_user", "sftp_password",
                               "directory", "host_key"]
    for answer, seen in zip(given, typed):
        if seen is not None:
            assert answer == seen
    assert "Transfer completed." in dialog.transcript()


def test_file_get_refuses_an_unknown_host_key():
    specs = [
        q.question("proceed", q.PROCEED_YN, "y"),
        q.question("sftp_server", q.SFTP_SERVER, "joemar2-server.cisco.com"),
        q.question("sftp_port", q.SFTP_PORT, ""),
        q.question("sftp_user", q.SFTP_USER, "joemar2"),
        q.question("sftp_password", q.SFTP_PASSWORD, "pw", secret=True),
        q.question("directory", q.DOWNLOAD_DIRECTORY, "/home/joemar2/"),
        q.host_key(["aa:bb"]),
    ]
    with pytest.raises(DialogFailed) as err:
        replay("001_file_get_itlrecovery.txt", specs)
    assert err.value.reason == "guard"
    assert "2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd" in str(err.value)


@pytest.mark.parametrize("fixture", ["002_set_cluster_mixed_mode.txt", "002_update_ctlfile.txt"])
def test_utils_ctl_continue_question(fixture):
    dialog, given, typed = replay(fixture, [q.continue_yes()])
    assert dialog.answered == ["continue"]
    assert given == typed == ["y"]


def test_file_delete_confirmation():
    dialog, given, typed = replay("002_file_delete_ctl.txt", [q.question("delete", q.DELETE_CONFIRM, "y")])
    assert given == typed == ["y"]
    assert "files: found = 1, deleted = 1" in dialog.transcript()


def test_cert_regen_confirmation():
    dialog, given, typed = replay("001_set_cert_regen.txt", [q.question("regen", q.REGEN_CONFIRM, "yes")])
    assert given == typed == ["yes"]


def test_unexpected_question_is_quoted_never_answered():
    # The seed's mixed-mode question, but the task only expects a password.
    command, lines = load("002_set_cluster_mixed_mode.txt")
    dialog = Dialog(command, [Question.from_spec(q.ccm_admin_password("x"))], PROMPT_RE)
    dialog.feed(("admin:%s\r\n" % command).encode())
    question_line = lines[0][:lines[0].index("(y/n):") + len("(y/n):")]
    assert dialog.feed(question_line.encode()) == (Dialog.WAIT, None)
    with pytest.raises(DialogFailed) as err:
        dialog.check_idle()
    assert err.value.reason == "unexpected_question"
    assert "Do you want to continue? (y/n):" in str(err.value)


def test_question_asked_again_means_the_answer_was_refused():
    dialog = Dialog("utils itl reset localkey", [Question.from_spec(q.ccm_admin_password("wrong"))], PROMPT_RE)
    dialog.feed(b"admin:utils itl reset localkey\r\n")
    assert dialog.feed(b"Enter CCM Administrator password :")[0] == Dialog.ANSWER
    with pytest.raises(DialogFailed) as err:
        dialog.feed(b"\r\nEnter CCM Administrator password :")
    assert err.value.reason == "asked_again"
    assert "wrong" not in err.value.transcript


def test_output_ending_in_colon_mid_stream_is_not_a_question_while_data_flows():
    # "The checksum value of the ITL file:" ends in a colon; only silence makes it a question.
    dialog = Dialog("show itl", [], PROMPT_RE)
    dialog.feed(b"admin:show itl\r\nThe checksum value of the ITL file:")
    assert dialog.feed(b"\r\nb331e5bfb450926e816be37f2d8c24a2(MD5)\r\n") == (Dialog.WAIT, None)
    dialog.check_idle()  # last line is a checksum, not a question
    assert dialog.feed(b"admin:")[0] == Dialog.DONE


def test_secret_echoed_by_a_misbehaving_device_is_masked():
    dialog = Dialog("x", [Question.from_spec(q.ccm_admin_password("hunter2"))], PROMPT_RE)
    dialog.feed(b"admin:x\r\nEnter CCM Administrator password :")
    dialog.feed(b"hunter2\r\ndone\r\nadmin:")
    assert "hunter2" not in dialog.transcript()
