"""What a real cluster may do differently at its questions and pager, against the lab's variants
(node settings, all GUESSED forms): the dialogs never answer blindly and fail fast, naming why."""

import time

import pytest

from cucm_lab.commands.ctl import MIXED_QUESTION
from cucm_lab.model import SECURITY_MODE_MIXED
from cucm_lab.settings import CLASSIC_PAGER_PROMPT
from integration_support import assert_ok
from test_change_modules import publisher, run


def settings(lab, node, **values):
    lab.control("POST", "/settings", dict(values, node=node))


def mode(lab):
    return "mixed" if lab.control("GET", "/state")["security_mode"] == SECURITY_MODE_MIXED else "non_secure"


@pytest.mark.parametrize("pager_prompt", [None, CLASSIC_PAGER_PROMPT], ids=["file-view-pager", "press-enter-pager"])
def test_read_modules_page_through_a_pager_that_stays_on(lab_factory, runner, pager_prompt):
    lab = lab_factory(nodes=2, release="12.5")
    for node in lab.lab_json["nodes"]:
        values = {"pagination_sticks": True, "page_lines": 8}
        if pager_prompt:
            values["pager_prompt"] = pager_prompt
        settings(lab, node["hostname"], **values)
    assert_ok(runner.playbook("info.yml", lab.inventory_path))
    truth = lab.control("GET", "/state")
    for host, node in truth["nodes"].items():
        result = runner.result(host)
        # Every record of the ITL, every service, every node: the whole output, no pager text.
        assert result["itl"]["itl"]["sha1"] == node["files"]["ITLFile.tlv"]["sha1"]
        assert len(result["itl"]["itl"]["records"]) == node["files"]["ITLFile.tlv"]["records"]
        assert not any("q=quit" in line or "<q> to quit" in line for line in result["itl"]["stdout_lines"])
        assert set(result["cluster"]["local"]["services"]) >= set(node["services"])
        assert [n["hostname"] for n in result["cluster"]["nodes"]] == list(truth["nodes"])
        assert result["ctl"]["security_mode"] == ("mixed" if truth["security_mode"] == SECURITY_MODE_MIXED else "non_secure")


def test_a_question_without_question_mark_or_colon_fails_within_seconds(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5")
    pub = publisher(lab)
    bare = "This operation sets the cluster to Mixed mode. Press y then Enter to go on"
    settings(lab, pub, question_rewrites={MIXED_QUESTION: bare})
    started = time.monotonic()
    run(runner, lab, "security_mode", {"state": "mixed"}, limit=pub)
    elapsed = time.monotonic() - started
    result = runner.result(pub)
    assert result["failed"] is True and result["failure_reason"] == "unexpected_question", result
    assert bare in result["msg"], result["msg"]
    assert mode(lab) == "non_secure"
    # The whole run (start-up, reads, then 6 s of silence at the question) stays far below the
    # 120 s command timeout the task gives.
    assert elapsed < 40, elapsed


def test_file_get_questions_in_another_order_type_no_secret_out_of_order(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5")
    pub = publisher(lab)
    settings(lab, pub, file_get_order=["server", "port", "password", "user", "directory"])
    lab.control("POST", "/actions/reset-stats", {})
    proc = runner.playbook("backup_once.yml", lab.inventory_path, limit=pub)
    assert proc.returncode == 0, proc.stdout[-3000:]
    result = runner.result(pub)
    assert result["failed"] is True and result["failure_reason"] == "out_of_order", result
    assert "'sftp_password'" in result["msg"] and "'sftp_user'" in result["msg"], result["msg"]
    answers = lab.control("GET", "/stats")["nodes"][pub]["answers"]
    # Answered up to the port; the node's "Password:" (asked before "User ID:") got nothing.
    assert [a["question"] for a in answers] == ["Would you like to proceed [y/n]?", "SFTP server IP:",
                                                "SFTP server port [22]:"]
    assert lab.lab_json["sftp"][0]["password"] not in str(answers)


def test_an_unknown_warning_before_a_confirmation_is_refused_then_accepted(lab_factory, runner):
    lab = lab_factory(nodes=2, release="12.5")
    pub = publisher(lab)
    warning = "WARNING: DNS unreachable"  # the banner's documented warning, here before the question
    settings(lab, pub, question_rewrites={MIXED_QUESTION: warning + "\n" + MIXED_QUESTION})
    run(runner, lab, "security_mode", {"state": "mixed"}, limit=pub)
    result = runner.result(pub)
    assert result["failed"] is True and result["failure_reason"] == "unknown_warning", result
    assert warning in result["msg"] and "accept_warnings" in result["msg"]
    assert mode(lab) == "non_secure"

    run(runner, lab, "security_mode", {"state": "mixed", "accept_warnings": ["DNS unreachable"]}, limit=pub)
    result = runner.result(pub)
    assert result.get("failed") is not True, result
    assert result["changed"] is True and mode(lab) == "mixed"


def test_a_question_followed_by_a_line_break_is_still_answered(lab_factory, runner):
    lab = lab_factory(nodes=2, release="10.5")
    pub = publisher(lab)
    settings(lab, pub, question_newline=True)
    run(runner, lab, "security_mode", {"state": "mixed"}, limit=pub)
    result = runner.result(pub)
    assert result.get("failed") is not True, result
    assert mode(lab) == "mixed"
