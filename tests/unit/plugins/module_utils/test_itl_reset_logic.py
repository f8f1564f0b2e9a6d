"""ITL reset logic on seed 001 (CUCM 10.0): per-node outcome, next steps, signer check.

Expected values are copied from the seed transcripts in tests/unit/fixtures.
"""

import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils import _itl_reset as itl_reset
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_itl_reset, parse_show_itl
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures")
SEED_001_RELEASE = "10.0.1"  # seed 001 is about CUCM 10.0(1)


def fixture(*parts):
    with io.open(os.path.join(FIXTURES, *parts), encoding="utf-8") as handle:
        return handle.read()


@pytest.mark.parametrize("name", ["001_itl_reset_localkey.txt", "001_itl_reset_remotekey.txt"])
def test_every_seed_node_got_the_reset_itl(name):
    parsed = parse_itl_reset(fixture("dialogs", name))
    nodes = itl_reset.node_results(parsed, "test10pub")
    # The publisher prints no transfer line for itself: its Tftp restart counts.
    assert nodes == [
        {"name": "test10pub", "transferred": True, "tftp_restarted": True},
        {"name": "test10sub", "transferred": True, "tftp_restarted": True},
    ]
    assert itl_reset.delivery_problem(nodes, parsed["errors"]) is None


def test_a_subscriber_without_transfer_line_is_named():
    parsed = parse_itl_reset(fixture("dialogs", "001_itl_reset_localkey.txt"))
    # As if "Successfully transferred reset ITL to node test10sub" had not come.
    parsed["nodes"][1]["transferred"] = None
    nodes = itl_reset.node_results(parsed, "test10pub")
    assert itl_reset.delivery_problem(nodes, []) == (
        "the reset ITL did not reach every TFTP node: got it: test10pub; did not: test10sub (no transfer line)")


def test_a_publisher_whose_tftp_did_not_restart_did_not_get_it():
    parsed = parse_itl_reset(fixture("dialogs", "001_itl_reset_localkey.txt"))
    parsed["nodes"][0]["tftp_restarted"] = False  # only "Restarting Cisco Tftp service on host test10pub"
    nodes = itl_reset.node_results(parsed, "test10pub")
    assert nodes[0] == {"name": "test10pub", "transferred": False, "tftp_restarted": False}
    assert "did not: test10pub (no transfer line)" in itl_reset.delivery_problem(nodes, [])


def test_error_lines_fail_even_when_every_node_reports():
    parsed = parse_itl_reset(fixture("dialogs", "001_itl_reset_localkey.txt"))
    nodes = itl_reset.node_results(parsed, "test10pub")
    assert itl_reset.delivery_problem(nodes, ["Executed command unsuccessfully"]) == (
        "CUCM printed: Executed command unsuccessfully")


def test_no_listed_tftp_server_is_a_failure():
    assert "no active TFTP server" in itl_reset.delivery_problem([], [])


def test_commands_and_questions():
    assert itl_reset.reset_command("local") == "utils itl reset localkey"
    assert itl_reset.reset_command("remote", "joemar2-server.cisco.com", "joemar2", "/home/joemar2/ITLRecovery.p12") == (
        "utils itl reset remotekey joemar2-server.cisco.com joemar2 /home/joemar2/ITLRecovery.p12")
    remote = itl_reset.reset_questions("remote", "ccm-pw", "sftp-pw", typed=True, char_delay=0.5)
    assert [q["name"] for q in remote] == ["sftp_password", "ccm_admin_password"]
    assert all(q["secret"] and q["typed"] and q["char_delay"] == 0.5 for q in remote)
    assert [q["name"] for q in itl_reset.reset_questions("local", "ccm-pw")] == ["ccm_admin_password"]


def test_next_steps_before_12():
    steps = itl_reset.next_steps(SEED_001_RELEASE, ["test10pub", "test10sub"])
    assert [s["action"] for s in steps] == ["reset_phones"]
    assert "ITLRecovery" in steps[0]["reason"]


def test_expected_signer():
    assert itl_reset.expected_signer(SEED_001_RELEASE, "local") == "ITLRecovery"
    assert itl_reset.expected_signer("12.5.1.14900-63", "local") == "CallManager"
    assert itl_reset.expected_signer("12.5.1.14900-63", "remote") == "ITLRecovery"
    assert itl_reset.expected_signer(None, "remote") is None


def test_next_steps_after_a_12x_remotekey_reset_phones_once():
    steps = itl_reset.next_steps("12.5.1.14900-63", ["cucm-pub"], "remote")
    assert [s["action"] for s in steps] == ["reset_phones"]


def test_next_steps_from_12_reset_phones_then_restart_tftp_then_reset_again():
    steps = itl_reset.next_steps("12.5.1.14900-63", ["cucm-pub", "cucm-sub1"])
    assert [(s["step"], s["action"], s["service"], s["nodes"]) for s in steps] == [
        (1, "reset_phones", None, []),
        (2, "restart_service", "Cisco Tftp", ["cucm-pub", "cucm-sub1"]),
        (3, "reset_phones", None, []),
    ]


def test_signer_after_reset_on_10x_is_itlrecovery():
    summary = summarize(parse_show_itl(fixture("seeds", "001_ja_show_itl_after_reset.txt")))
    assert itl_reset.signer_problem(summary, SEED_001_RELEASE) is None


def test_the_normal_itl_is_not_a_reset_itl():
    summary = summarize(parse_show_itl(fixture("seeds", "001_ja_show_itl_before_reset.txt")))
    assert itl_reset.signer_problem(summary, SEED_001_RELEASE) == (
        "show itl shows the ITL signed by test10pub.joemar2.lab (CallManager), but on release 10.0.1 "
        "a localkey reset ITL is signed by ITLRecovery")


def test_on_12_the_reset_itl_must_be_signed_by_callmanager():
    summary = summarize(parse_show_itl(fixture("seeds", "001_ja_show_itl_after_reset.txt")))
    assert "a localkey reset ITL is signed by CallManager" in itl_reset.signer_problem(summary, "12.5.1.14900-63")
    # remotekey signs with the fetched ITLRecovery key on every release.
    assert itl_reset.signer_problem(summary, "12.5.1.14900-63", "remote") is None


def test_an_itl_that_failed_verification_is_reported():
    summary = summarize(parse_show_itl(fixture("seeds", "000_ja_show_itl_failed.txt")))
    problem = itl_reset.signer_problem(summary, SEED_001_RELEASE)
    assert problem.startswith("show itl does not report the reset ITL as verified")


def test_error_lines_are_the_reason_when_no_node_is_listed():
    # A refused SFTP fetch stops remotekey before any node is listed: CUCM's lines say why, and
    # no second guess ("no active TFTP server") contradicts them.
    assert itl_reset.delivery_problem([], ["Invalid CCM Administrator password", "Executed command unsuccessfully"]) == (
        "CUCM printed: Invalid CCM Administrator password / Executed command unsuccessfully")


def test_no_node_listed_and_no_error_line():
    assert itl_reset.delivery_problem([], []) == "CUCM listed no active TFTP server, so no node got the reset ITL"
