# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers of the state-changing commands on the seed dialogs (tests/unit/fixtures/dialogs).

Every expected value is copied from the seed transcript.
"""

import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_cert_regen,
    parse_file_delete,
    parse_file_get,
    parse_itl_reset,
    parse_service_control,
    parse_utils_ctl,
)
from ansible_collections.cucm.trust.plugins.plugin_utils._dialog import MASK

DIALOGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "fixtures", "dialogs")
RESTART_TFTP_AND_CALLMANAGER = ["Cisco Tftp", "Cisco CallManager"]


def dialog(name):
    with io.open(os.path.join(DIALOGS, name), encoding="utf-8") as handle:
        return handle.read()


def as_recorded(text):
    """The transcript as the cliconf dialog hands it over: no echo line, CRLF line ends."""
    return "\r\n".join(text.split("\n")[1:])


def commands(text):
    """A fixture holding several commands, cut at each `admin:` echo."""
    pieces = []
    for line in text.split("\n"):
        if line.startswith("admin:"):
            pieces.append([])
        pieces[-1].append(line)
    return ["\n".join(piece) for piece in pieces]


# -- utils itl reset ------------------------------------------------------------------------------

SEED_001_NODES = [
    # The publisher runs the command: no transfer line for it, only the Tftp restart.
    {"name": "test10pub", "transferred": None, "tftp_restarted": True},
    {"name": "test10sub", "transferred": True, "tftp_restarted": True},
]


def test_itl_reset_localkey():
    assert parse_itl_reset(dialog("001_itl_reset_localkey.txt")) == {
        "recovery_key": "localkey",
        "publisher_refused": False,
        "tftp_servers": ["test10pub", "test10sub"],
        "tftp_server_count": None,
        "generated": True,
        "nodes": SEED_001_NODES,
        "errors": [],
        "noise": [],
        "other": [],
    }


def test_itl_reset_remotekey_keeps_the_debug_noise_apart():
    result = parse_itl_reset(dialog("001_itl_reset_remotekey.txt"))

    assert result["recovery_key"] == "remotekey"
    # The first noise line is printed on the `Enter Sftp password :` line itself.
    assert result["noise"] == ["Processing token in else 0 tac", "count is 1"] * 2
    assert result["tftp_servers"] == ["test10pub", "test10sub"]
    assert result["generated"] is True
    assert result["nodes"] == SEED_001_NODES
    assert result["errors"] == [] and result["other"] == []


def test_itl_reset_as_the_dialog_records_it():
    text = as_recorded(dialog("001_itl_reset_localkey.txt")).replace(
        "Enter CCM Administrator password :", "Enter CCM Administrator password :" + MASK)

    result = parse_itl_reset(text)

    assert result["recovery_key"] is None  # no echo to tell localkey from remotekey
    assert result["nodes"] == SEED_001_NODES
    assert result["other"] == []


def test_itl_reset_stopped_before_the_subscriber_restart():
    """The seed transcript cut after the transfer: the subscriber's Tftp restart never showed."""
    text = dialog("001_itl_reset_localkey.txt").split("Restarting Cisco Tftp service on host test10sub")[0]

    nodes = parse_itl_reset(text)["nodes"]

    assert nodes == [
        {"name": "test10pub", "transferred": None, "tftp_restarted": True},
        {"name": "test10sub", "transferred": True, "tftp_restarted": None},
    ]


def test_itl_reset_restart_begun_but_not_confirmed():
    text = dialog("001_itl_reset_localkey.txt").replace("Cisco Tftp service restarted on host test10sub\n", "")

    assert parse_itl_reset(text)["nodes"][1] == {"name": "test10sub", "transferred": True, "tftp_restarted": False}


def test_itl_reset_on_a_subscriber():
    """Seed 001: on a subscriber the command answers "This is not a Publisher Node"."""
    text = "admin:utils itl reset localkey\nThis is not a Publisher Node\nadmin:"

    result = parse_itl_reset(text)

    assert result["publisher_refused"] is True
    assert result["errors"] == ["This is not a Publisher Node"]
    assert result["generated"] is False
    assert result["tftp_servers"] == [] and result["nodes"] == []


# -- utils ctl ------------------------------------------------------------------------------------


def test_utils_ctl_set_cluster_mixed_mode():
    assert parse_utils_ctl(dialog("002_set_cluster_mixed_mode.txt")) == {
        "operation": "mixed",
        "completed": True,
        "restart_services": RESTART_TFTP_AND_CALLMANAGER,
        "reset_phones": False,
        "auto_registration_warning": False,
        "licence_refused": False,
        "errors": [],
        "other": [],
    }


def test_utils_ctl_update_with_the_reminder_wrapped():
    result = parse_utils_ctl(dialog("002_update_ctlfile.txt"))

    assert result["operation"] == "update"
    assert result["completed"] is True
    assert result["restart_services"] == RESTART_TFTP_AND_CALLMANAGER
    assert result["other"] == [] and result["errors"] == []


@pytest.mark.parametrize("name, operation", [
    ("002_set_cluster_mixed_mode.txt", "mixed"),
    ("002_update_ctlfile.txt", "update"),
])
def test_utils_ctl_operation_without_the_echo_comes_from_the_question(name, operation):
    result = parse_utils_ctl(as_recorded(dialog(name)))

    assert result["operation"] == operation
    assert result["completed"] is True


def test_utils_ctl_without_the_completion_line():
    text = dialog("002_set_cluster_mixed_mode.txt").replace("Cluster set to Mixed Mode\n", "")

    result = parse_utils_ctl(text)

    assert result["operation"] == "mixed"
    assert result["completed"] is False


def test_utils_ctl_completion_of_another_operation_does_not_count():
    text = dialog("002_set_cluster_mixed_mode.txt").replace("Cluster set to Mixed Mode", "CTL file Updated")

    assert parse_utils_ctl(text)["completed"] is False


# -- file get / file delete -----------------------------------------------------------------------


def test_file_get_itlrecovery():
    assert parse_file_get(dialog("001_file_get_itlrecovery.txt")) == {
        "file": "ITLRecovery.p12",
        "files_affected": 1,
        "size_bytes": 1709,
        "host_key": {
            "host": "joemar2-server.cisco.com",
            "address": "172.18.172.254",
            "key_type": "RSA",
            "fingerprint": "2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd",
        },
        "transfer_completed": True,
        "downloaded_file": "/usr/local/cm/tftp/ITLRecovery.p12",
        "not_found": False,
        "errors": [],
        "other": [],
    }


def test_file_get_with_a_known_host_key_asks_nothing_about_it():
    lines = dialog("001_file_get_itlrecovery.txt").split("\n")
    text = "\n".join(line for line in lines if "authenticity" not in line and line not in (
        "established.", "RSA key fingerprint is 2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd.",
        "Are you sure you want to continue connecting (yes/no)? yes"))

    result = parse_file_get(text)

    assert result["host_key"] is None
    assert result["transfer_completed"] is True


def test_file_get_stopped_before_the_transfer():
    text = dialog("001_file_get_itlrecovery.txt").split("Are you sure")[0]

    result = parse_file_get(text)

    assert result["host_key"]["fingerprint"] == "2c:8f:9b:b2:ff:f7:a6:31:61:1b:bc:95:cc:bc:ba:bd"
    assert result["transfer_completed"] is False
    assert result["downloaded_file"] is None


def test_file_delete_ctl():
    assert parse_file_delete(dialog("002_file_delete_ctl.txt")) == {
        "file": "CTLFile.tlv",
        "found": 1,
        "deleted": 1,
        "errors": [],
        "other": [],
    }


# -- set cert regen -------------------------------------------------------------------------------


def test_cert_regen_callmanager():
    regen, _hold = commands(dialog("001_set_cert_regen.txt"))

    assert parse_cert_regen(regen) == {
        "unit": "CallManager",
        "regenerated": True,
        "hold": None,
        "restart_advice": True,
        "backup_advice": True,
        "errors": [],
        "other": [],
    }


def test_cert_regen_refused_within_five_minutes():
    _regen, hold = commands(dialog("001_set_cert_regen.txt"))

    assert parse_cert_regen(hold) == {
        "unit": "TVS",
        "regenerated": False,
        "hold": {"blocking_unit": "CallManager", "requested_unit": "TVS", "minutes": 5},
        "restart_advice": False,
        "backup_advice": False,
        "errors": [
            "CallManager certificate was modified in the last 5 minutes. Please re-try regenerating TVS"
            " certificate at a later time",
        ],
        "other": [],
    }


def test_cert_regen_unit_without_the_echo():
    regen, hold = commands(dialog("001_set_cert_regen.txt"))

    assert parse_cert_regen(as_recorded(regen))["unit"] == "CallManager"
    assert parse_cert_regen(as_recorded(hold))["unit"] == "TVS"


# -- shared behaviour -----------------------------------------------------------------------------

PARSERS_AND_ECHOES = [
    (parse_itl_reset, "admin:utils itl reset localkey"),
    (parse_utils_ctl, "admin:utils ctl update CTLFile"),
    (parse_service_control, "admin:utils service restart Cisco Tftp"),
    (parse_file_get, "admin:file get tftp ITLRecovery.p12"),
    (parse_file_delete, "admin:file delete tftp CTLFile.tlv"),
    (parse_cert_regen, "admin:set cert regen CallManager"),
]


@pytest.mark.parametrize("parser, echo", PARSERS_AND_ECHOES)
@pytest.mark.parametrize("shape", ["", "{echo}", "{echo}\r\n\r\nadmin:"])
def test_no_output_at_all_raises(parser, echo, shape):
    with pytest.raises(ParserError, match="no .* output"):
        parser(shape.format(echo=echo))


@pytest.mark.parametrize("parser, name", [
    (parse_itl_reset, "002_set_cluster_mixed_mode.txt"),
    (parse_utils_ctl, "001_file_get_itlrecovery.txt"),
    (parse_file_get, "002_file_delete_ctl.txt"),
    (parse_file_delete, "001_itl_reset_localkey.txt"),
    (parse_cert_regen, "002_update_ctlfile.txt"),
])
def test_another_commands_output_lands_in_other(parser, name):
    """Unknown sentences never raise (CUCM's wording varies): they are handed back for the caller,
    every printed word of them, wrapped lines joined into their sentence."""
    text = as_recorded(dialog(name))
    printed = [line for line in text.split("\r\n") if line.strip() and line.strip() != "admin:"]

    result = parser(text)

    assert sorted(" ".join(result["other"] + result["errors"]).split()) == sorted(" ".join(printed).split())


@pytest.mark.parametrize("parser, name, sentence", [
    # Seed 001 wraps the host-key sentence before "established."
    (parse_utils_ctl, "001_file_get_itlrecovery.txt",
     "The authenticity of host 'joemar2-server.cisco.com (172.18.172.254)' can't be established."),
    # Seed 002 wraps the update's restart reminder after "on all nodes in".
    (parse_cert_regen, "002_update_ctlfile.txt",
     "Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run these services"),
])
def test_an_unknown_wrapped_sentence_comes_back_whole(parser, name, sentence):
    result = parser(as_recorded(dialog(name)))

    assert sentence in result["other"] + result["errors"]  # "can't" reads like a failure
