"""cucm.trust.security_mode end to end on seed 002 (CUCM 10.5, cluster cucm-1051-a).

The mixed-mode dialog and the ClusterSecurityMode answer "0" are the seed's; the answer "1"
and the database's service list are what the lab prints for a cluster with the seed's host
names; ``show network cluster`` follows cucm-cli-behaviour.md.
"""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import CLUSTER_SECURITY_MODE, NODE_SERVICES
from ansible_collections.cucm.trust.plugins.modules import security_mode
from lab_texts import lab_cluster, run_sql
from module_replay import FakeModule, ReplayConnection, dialog_fixture, run_main, seed
from reference_texts import show_network_cluster

RELEASE = "10.5.2.15900-8"
MIXED_COMMAND = "utils ctl set-cluster mixed-mode"
SEED_MODE_0 = seed("002_ja_run_sql_cluster_security_mode.txt")


@pytest.fixture(scope="module")
def lab():
    return lab_cluster("cucm-1051-a", "10.5", 2, security_mode=1)


def connection(lab, local="cucm-1051-a-pub", modes=None):
    nodes = [(n.hostname, n.fqdn, n.ip, n.publisher) for n in lab.nodes]
    return ReplayConnection(RELEASE, {
        "show network cluster": show_network_cluster(nodes, local),
        CLUSTER_SECURITY_MODE: modes if modes is not None else [SEED_MODE_0, run_sql(lab, CLUSTER_SECURITY_MODE)],
        NODE_SERVICES: run_sql(lab, NODE_SERVICES),
    }, {MIXED_COMMAND: "002_set_cluster_mixed_mode.txt"})


def test_non_secure_to_mixed(lab):
    conn = connection(lab)
    module = FakeModule({"state": "mixed"}, conn, diff=True)
    result = security_mode.set_security_mode(module)
    assert conn.sent == ["show network cluster", CLUSTER_SECURITY_MODE, NODE_SERVICES, MIXED_COMMAND,
                         CLUSTER_SECURITY_MODE]
    assert [q["name"] for q in conn.dialog_calls[0]["questions"]] == ["continue"]
    assert result["changed"] is True
    assert (result["security_mode_before"], result["security_mode"]) == ("non_secure", "mixed")
    assert result["diff"] == {"before": {"security_mode": "non_secure"}, "after": {"security_mode": "mixed"}}
    # Seed 002's reminder: TFTP and Cisco CallManager, on the nodes that have them activated.
    assert result["required_restarts"] == [
        {"service": "Cisco Tftp", "nodes": ["cucm-1051-a-pub", "cucm-1051-a-sub1"]},
        {"service": "Cisco CallManager", "nodes": ["cucm-1051-a-pub", "cucm-1051-a-sub1"]},
    ]
    assert result["stdout_lines"] == dialog_fixture("002_set_cluster_mixed_mode.txt")[1]
    assert result["auto_registration_warning"] is False
    assert module.warnings == []


def test_already_there_changes_nothing(lab):
    conn = connection(lab, modes=[run_sql(lab, CLUSTER_SECURITY_MODE)])
    result = security_mode.set_security_mode(FakeModule({"state": "mixed"}, conn))
    assert result["changed"] is False
    assert result["required_restarts"] == [] and result["commands"] == []
    assert conn.sent == ["show network cluster", CLUSTER_SECURITY_MODE]


def test_check_mode_predicts_restarts_and_types_nothing(lab):
    conn = connection(lab)
    result = security_mode.set_security_mode(FakeModule({"state": "mixed"}, conn, check_mode=True))
    assert result["changed"] is True and result["commands"] == [MIXED_COMMAND]
    assert [r["service"] for r in result["required_restarts"]] == ["Cisco Tftp", "Cisco CallManager"]
    assert MIXED_COMMAND not in conn.sent


def test_refuses_on_a_subscriber(lab):
    conn = connection(lab, local="cucm-1051-a-sub1")
    with pytest.raises(CucmError) as caught:
        security_mode.set_security_mode(FakeModule({"state": "mixed"}, conn))
    assert str(caught.value) == ("cucm-1051-a-sub1 is a subscriber; changing the cluster security mode runs on "
                                 "the publisher cucm-1051-a-pub")
    assert conn.sent == ["show network cluster"]


def test_fails_when_the_mode_did_not_change(lab):
    conn = connection(lab, modes=[SEED_MODE_0])  # still 0 after the command
    with pytest.raises(CucmError) as caught:
        security_mode.set_security_mode(FakeModule({"state": "mixed"}, conn))
    assert caught.value.reason == "verify"
    assert str(caught.value) == "'utils ctl set-cluster mixed-mode' ran, but ClusterSecurityMode still says non_secure"
    assert caught.value.output.splitlines() == dialog_fixture("002_set_cluster_mixed_mode.txt")[1]


def test_main_in_check_mode_with_diff(lab, monkeypatch, capsys):
    result = run_main(security_mode.main, {"state": "mixed"}, connection(lab), monkeypatch, capsys,
                      check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["after"] == {"security_mode": "mixed"}
