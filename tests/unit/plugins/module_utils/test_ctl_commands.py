"""utils ctl outcome and restart reminders on the seed 002 transcripts (CUCM 10.5)."""

import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils import _ctl_commands as ctl_commands
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_utils_ctl
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import activated_nodes

DIALOGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "dialogs")


def parsed(name):
    with io.open(os.path.join(DIALOGS, name), encoding="utf-8") as handle:
        return parse_utils_ctl(handle.read())


@pytest.mark.parametrize("name", ["002_set_cluster_mixed_mode.txt", "002_update_ctlfile.txt"])
def test_seed_commands_succeeded(name):
    assert ctl_commands.outcome_problem(parsed(name), []) == (None, None)


def test_restarts_from_the_seed_reminder_with_the_nodes_that_run_them():
    activated = activated_nodes([
        {"node": "cucm-1051-a-pub", "service": "Cisco Tftp"},
        {"node": "cucm-1051-a-pub", "service": "Cisco CallManager"},
        {"node": "cucm-1051-a-sub1", "service": "Cisco CallManager"},
    ])
    services = parsed("002_set_cluster_mixed_mode.txt")["restart_services"]
    assert ctl_commands.required_restarts(services, activated) == [
        {"service": "Cisco Tftp", "nodes": ["cucm-1051-a-pub"]},
        {"service": "Cisco CallManager", "nodes": ["cucm-1051-a-pub", "cucm-1051-a-sub1"]},
    ]
    # Wrapped over two lines in the update transcript: same services.
    assert parsed("002_update_ctlfile.txt")["restart_services"] == services


def test_unknown_nodes_when_the_database_could_not_be_read():
    assert ctl_commands.required_restarts(["Cisco Tftp"], None) == [{"service": "Cisco Tftp", "nodes": None}]


def test_predicted_restarts():
    assert ctl_commands.predicted_restarts("10.5.2.15900-8") == ["Cisco Tftp", "Cisco CallManager"]
    assert ctl_commands.predicted_restarts("12.5.1.14900-63") == ["Cisco Tftp", "Cisco CallManager", "Cisco CTIManager"]


def test_licence_refusal_and_error_lines():
    result = parsed("002_set_cluster_mixed_mode.txt")
    refused = dict(result, licence_refused=True, errors=["<the licence line CUCM printed>"])
    reason, message = ctl_commands.outcome_problem(refused, [])
    assert reason == "licence" and "export-controlled" in message and "<the licence line CUCM printed>" in message
    reason, message = ctl_commands.outcome_problem(result, ["Executed command unsuccessfully"])
    assert (reason, message) == ("cli_error", "CUCM printed: Executed command unsuccessfully")
