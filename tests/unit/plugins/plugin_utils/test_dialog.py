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
    dialog = Dialog(command, [Question.from_spec(q.ccm_admin_password("x"))], PROMPT_RE, now=0)
    dialog.feed(("admin:%s\r\n" % command).encode(), now=0)
    question_line = lines[0][:lines[0].index("(y/n):") + len("(y/n):")]
    assert dialog.feed(question_line.encode(), now=0) == (Dialog.WAIT, None)
    dialog.check_idle(now=2.9)  # within question_idle: CUCM may still be printing
    with pytest.raises(DialogFailed) as err:
        dialog.check_idle(now=3.0)
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


# -- ordered scripts, warnings, silence, pagers (what real clusters may do differently) ---------

def feed_text(dialog, text, now=0.0, chunk=7):
    """Feed ``text`` like SSH does; the first non-WAIT action, else (WAIT, None)."""
    data = text.encode("utf-8")
    for start in range(0, len(data), chunk):
        action, question = dialog.feed(data[start:start + chunk], now=now)
        if action != Dialog.WAIT:
            return action, question
    return Dialog.WAIT, None


def file_get_dialog(now=0.0):
    command, _lines = load("001_file_get_itlrecovery.txt")
    specs = q.file_get("joemar2-server.cisco.com", 22, "joemar2", "Sftp-S3cret", "/home/joemar2/",
                       ["2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd"])
    dialog = Dialog(command, [Question.from_spec(s) for s in specs], PROMPT_RE, now=now)
    feed_text(dialog, "admin:%s\r\n" % command, now)
    return dialog


def test_file_get_questions_in_another_order_type_nothing_out_of_order():
    # Seed 001's questions, but the node asks for the password before the user ID.
    dialog = file_get_dialog()
    assert feed_text(dialog, "Please wait while the system is gathering files info ...done.\r\n"
                             "Sub-directories were not traversed.\r\nNumber of files affected: 1\r\n"
                             "Total size in Bytes: 1709\r\nTotal size in Kbytes: 1.6689453\r\n"
                             "Would you like to proceed [y/n]? ")[1].name == "proceed"
    assert feed_text(dialog, "y\r\nSFTP server IP: ")[1].name == "sftp_server"
    assert feed_text(dialog, "joemar2-server.cisco.com\r\nSFTP server port [22]: ")[1].name == "sftp_port"
    with pytest.raises(DialogFailed) as err:
        feed_text(dialog, "22\r\nPassword: ")
    assert err.value.reason == "out_of_order"
    assert "'sftp_password'" in str(err.value) and "'sftp_user'" in str(err.value)
    assert dialog.answered == ["proceed", "sftp_server", "sftp_port"]  # the password was not typed


def test_the_optional_host_key_question_may_be_skipped():
    # A server CUCM knows already: no host-key question, the transfer just completes (seed 001's end).
    dialog = file_get_dialog()
    for text, name in (("Would you like to proceed [y/n]? ", "proceed"), ("y\r\nSFTP server IP: ", "sftp_server"),
                       ("x\r\nSFTP server port [22]: ", "sftp_port"), ("\r\nUser ID: ", "sftp_user"),
                       ("joemar2\r\nPassword: ", "sftp_password"), ("*****\r\nDownload directory: ", "download_directory")):
        assert feed_text(dialog, text)[1].name == name
    assert feed_text(dialog, "/home/joemar2/\r\n.\r\nTransfer completed.\r\nDownloading file: "
                             "/usr/local/cm/tftp/ITLRecovery.p12\r\nadmin:")[0] == Dialog.DONE


def mixed_mode_dialog(accept=()):
    command, lines = load("002_set_cluster_mixed_mode.txt")
    dialog = Dialog(command, [Question.from_spec(q.continue_yes())], PROMPT_RE, accept=accept, now=0)
    feed_text(dialog, "admin:%s\r\n" % command)
    return dialog, lines[0][:lines[0].index("(y/n):") + len("(y/n):")]


def test_a_confirmation_after_the_known_sentence_is_answered():
    dialog, question = mixed_mode_dialog()
    assert feed_text(dialog, question)[1].name == "continue"


def test_an_unknown_warning_before_a_confirmation_is_refused_then_accepted_when_listed():
    # The banner's documented `WARNING: DNS unreachable`, printed before seed 002's question.
    dialog, question = mixed_mode_dialog()
    with pytest.raises(DialogFailed) as err:
        feed_text(dialog, "WARNING: DNS unreachable\r\n" + question)
    assert err.value.reason == "unknown_warning"
    assert "'WARNING: DNS unreachable'" in str(err.value) and "accept_warnings" in str(err.value)
    assert dialog.answered == []
    dialog, question = mixed_mode_dialog(accept=["dns unreachable"])
    assert feed_text(dialog, "WARNING: DNS unreachable\r\n" + question)[1].name == "continue"


def test_a_question_followed_by_a_line_break_is_still_answered():
    dialog, question = mixed_mode_dialog()
    assert feed_text(dialog, question + "\r\n")[1].name == "continue"


def test_a_question_without_question_mark_or_colon_fails_while_the_script_waits():
    # Seed 002's question without its "? (y/n):": CUCM waits, the script still expects `continue`.
    dialog, question = mixed_mode_dialog()
    bare = question[:question.index("?")]
    assert feed_text(dialog, bare) == (Dialog.WAIT, None)
    dialog.check_idle(now=5.9)
    with pytest.raises(DialogFailed) as err:
        dialog.check_idle(now=6.0)  # twice question_idle of silence
    assert err.value.reason == "unexpected_question"
    assert bare in str(err.value) and "'continue'" in str(err.value)


def test_a_redrawn_question_fails_although_bytes_keep_coming():
    # The seed's password question drawn again every second: never silent, never answered.
    dialog = Dialog("utils itl reset localkey", [Question.from_spec(q.ccm_admin_password("pw"))], PROMPT_RE, now=0)
    feed_text(dialog, "admin:utils itl reset localkey\r\n", now=0)
    feed_text(dialog, "Do you want to continue? (y/n):", now=0)
    for second in (1, 2):
        feed_text(dialog, "\rDo you want to continue? (y/n):", now=second)
        dialog.check_idle(now=second)
    with pytest.raises(DialogFailed) as err:
        feed_text(dialog, "\rDo you want to continue? (y/n):", now=3)
        dialog.check_idle(now=3)
    assert err.value.reason == "unexpected_question"


def test_a_progress_line_ending_in_a_colon_may_be_followed_by_silence():
    # 12.5's reset layout (cucm-cli-behaviour.md): the count line, then minutes of transfers.
    command = "utils itl reset localkey"
    dialog = Dialog(command, [Question.from_spec(q.ccm_admin_password("pw"))], PROMPT_RE,
                    progress=q.ITL_RESET_PROGRESS, now=0)
    feed_text(dialog, "admin:%s\r\n" % command)
    assert feed_text(dialog, "Enter CCM Administrator password :")[0] == Dialog.ANSWER
    feed_text(dialog, "\r\nTransferring new reset ITL file to the TFTP server nodes in the cluster:", now=1)
    dialog.check_idle(now=120)  # no failure: a known progress line
    assert feed_text(dialog, "\r\nCisco Tftp service restarted on host test10pub\r\nadmin:", now=121)[0] == Dialog.DONE


def test_pager_prompts_are_reported_and_never_reach_the_transcript():
    # The documented `file view` pager, the way the lab draws and erases it.
    dialog = Dialog("show itl", [], PROMPT_RE, now=0)
    feed_text(dialog, "admin:show itl\r\nThe checksum value of the ITL file:\r\n")
    pager = "options: q=quit, n=next, p=prev, b=begin, e=end (lines 1 - 2 of 4) :"
    assert feed_text(dialog, pager) == (Dialog.PAGE, None)
    assert feed_text(dialog, "\r%s\rb331e5bfb450926e816be37f2d8c24a2(MD5)\r\nadmin:" % (" " * len(pager)))[0] == Dialog.DONE
    assert dialog.transcript() == "The checksum value of the ITL file:\nb331e5bfb450926e816be37f2d8c24a2(MD5)"


def test_the_newer_host_key_question_is_answered_for_a_known_fingerprint():
    # OpenSSH 8's form of seed 001's question.
    spec = q.host_key(["SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"])
    dialog = Dialog("file get tftp ITLRecovery.p12", [Question.from_spec(spec)], PROMPT_RE)
    feed_text(dialog, "admin:file get tftp ITLRecovery.p12\r\n")
    action, question = feed_text(
        dialog, "The authenticity of host 'backup (192.0.2.10)' can't be established.\r\n"
                "ED25519 key fingerprint is SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s.\r\n"
                "This key is not known by any other names\r\n"
                "Are you sure you want to continue connecting (yes/no/[fingerprint])? ")
    assert (action, question.name) == (Dialog.ANSWER, "host_key")
