"""cucm.trust.ctl_update end to end.

* eToken to tokenless (seed 002, CUCM 10.5): the two-eToken CTL before, the seed's
  ``utils ctl update CTLFile`` dialog, the tokenless CTL after.
* if_stale: a lab cluster with the seed's host names; ``show ctl`` and the certificate query
  are what the lab prints before and after a CallManager certificate regeneration.

``show network cluster`` follows cucm-cli-behaviour.md.
"""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.trust_state import CERTIFICATE_TRUST_ROLES
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import CLUSTER_SECURITY_MODE, NODE_SERVICES
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.modules import ctl_update
from cucm_lab import bootstrap
from cucm_lab.model import CERT_CALLMANAGER
from lab_texts import lab_cluster, run_sql, show_ctl
from module_replay import FakeModule, ReplayConnection, dialog_fixture, seed
from reference_texts import show_network_cluster

UPDATE = "utils ctl update CTLFile"


def nodes_of(lab):
    return [(n.hostname, n.fqdn, n.ip, n.publisher) for n in lab.nodes]


def connection(lab, version, ctl_texts, local="cucm-1051-a-pub", mode=None, certificates=None):
    outputs = {
        "show network cluster": show_network_cluster(nodes_of(lab), local),
        CLUSTER_SECURITY_MODE: mode or run_sql(lab, CLUSTER_SECURITY_MODE),
        NODE_SERVICES: run_sql(lab, NODE_SERVICES),
        "show ctl": ctl_texts,
    }
    if certificates is not None:
        outputs[CERTIFICATE_TRUST_ROLES] = certificates
    return ReplayConnection(version, outputs, {UPDATE: "002_update_ctlfile.txt"})


@pytest.fixture(scope="module")
def lab10():
    return lab_cluster("cucm-1051-a", "10.5", 2, security_mode=1)


def test_etoken_ctl_becomes_tokenless(lab10):
    ctl_texts = [seed("002_ja_show_ctl_two_etokens_elided.txt"), seed("002_ja_show_ctl_tokenless_after_update_elided.txt")]
    conn = connection(lab10, "10.5.2.15900-8", ctl_texts)
    result = ctl_update.update_ctl(FakeModule({"when": "always"}, conn, diff=True))
    assert conn.sent == ["show network cluster", CLUSTER_SECURITY_MODE, "show ctl", NODE_SERVICES, UPDATE,
                         "show ctl"]
    assert result["changed"] is True and result["differences"] is None
    assert result["before"]["etokens"] == ["SAST-ADN0054f509", "SAST-ADN008580ef"]
    assert result["before"]["signer"]["common_name"] == "SAST-ADN008580ef"
    assert (result["before"]["md5"], result["after"]["md5"]) == (
        "2e7a6113eadbdae67ffa918d81376902", "1d97d9089dd558a062cccfcb1dc4c57f")
    assert result["after"]["signer"] == {"unit": "CallManager", "common_name": "cucm-1051-a-pub",
                                         "serial": "70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB"}
    assert [t["common_name"] for t in result["etokens_removed"]] == ["SAST-ADN0054f509", "SAST-ADN008580ef"]
    assert [r["service"] for r in result["required_restarts"]] == ["Cisco Tftp", "Cisco CallManager"]
    assert result["stdout_lines"] == dialog_fixture("002_update_ctlfile.txt")[1]
    assert result["diff"]["before"]["md5"] != result["diff"]["after"]["md5"]


def test_check_mode_reports_the_etokens_that_would_go(lab10):
    conn = connection(lab10, "10.5.2.15900-8", seed("002_ja_show_ctl_two_etokens_elided.txt"))
    result = ctl_update.update_ctl(FakeModule({"when": "always"}, conn, check_mode=True))
    assert result["changed"] is True and UPDATE not in conn.sent
    assert [t["common_name"] for t in result["etokens_removed"]] == ["SAST-ADN0054f509", "SAST-ADN008580ef"]


def test_refuses_when_the_cluster_is_not_mixed(lab10):
    conn = connection(lab10, "10.5.2.15900-8", "", mode=seed("002_ja_run_sql_cluster_security_mode.txt"))
    with pytest.raises(CucmError) as caught:
        ctl_update.update_ctl(FakeModule({"when": "always"}, conn))
    assert caught.value.reason == "not_mixed"
    assert "there is no CTL to update" in str(caught.value)
    assert conn.sent == ["show network cluster", CLUSTER_SECURITY_MODE]


def test_refuses_on_a_subscriber(lab10):
    conn = connection(lab10, "10.5.2.15900-8", "", local="cucm-1051-a-sub1")
    with pytest.raises(CucmError) as caught:
        ctl_update.update_ctl(FakeModule({"when": "always"}, conn))
    assert caught.value.reason == "subscriber"
    assert conn.sent == ["show network cluster"]


# -- if_stale against the lab -------------------------------------------------------------------

RELEASE_12 = "12.5.1.14900-63"


@pytest.fixture
def lab12():
    return lab_cluster("cucm-1051-a", "12.5", 2, security_mode=1)


def test_if_stale_with_an_up_to_date_ctl_changes_nothing(lab12):
    conn = connection(lab12, RELEASE_12, show_ctl(lab12), certificates=run_sql(lab12, CERTIFICATE_TRUST_ROLES))
    result = ctl_update.update_ctl(FakeModule({"when": "if_stale"}, conn))
    assert result["changed"] is False and result["differences"] == []
    assert UPDATE not in conn.sent


def stale_then_updated(lab):
    """show ctl before (old CallManager cert), the database after regeneration, show ctl after update."""
    before = show_ctl(lab)
    bootstrap.regenerate_certificate(lab, lab.publisher, CERT_CALLMANAGER)
    certificates = run_sql(lab, CERTIFICATE_TRUST_ROLES)
    bootstrap.write_ctl(lab)  # what the lab's `utils ctl update CTLFile` does
    return before, certificates, show_ctl(lab)


def test_if_stale_updates_after_a_callmanager_regeneration(lab12):
    before, certificates, after = stale_then_updated(lab12)
    conn = connection(lab12, RELEASE_12, [before, after], certificates=certificates)
    result = ctl_update.update_ctl(FakeModule({"when": "if_stale"}, conn))
    assert result["changed"] is True
    new_serial = format(lab12.publisher.certs[CERT_CALLMANAGER].cert.serial_number, "X")
    assert [(d["server"], d["unit"], d["problem"], d["current_serials"]) for d in result["differences"]] == [
        ("cucm-1051-a-pub", "CallManager", "serial_differs", [new_serial])]
    assert result["before"]["signer"]["unit"] == result["after"]["signer"]["unit"] == "ITLRecovery"
    assert result["before"]["sha1"] != result["after"]["sha1"]
    assert result["etokens_removed"] == []


def test_if_stale_check_mode_lists_the_differences(lab12):
    before, certificates, _after = stale_then_updated(lab12)
    conn = connection(lab12, RELEASE_12, before, certificates=certificates)
    result = ctl_update.update_ctl(FakeModule({"when": "if_stale"}, conn, check_mode=True))
    assert result["changed"] is True and len(result["differences"]) == 1
    assert UPDATE not in conn.sent


def test_fails_when_the_ctl_is_still_stale_afterwards(lab12):
    before, certificates, _after = stale_then_updated(lab12)
    conn = connection(lab12, RELEASE_12, [before, before], certificates=certificates)
    with pytest.raises(CucmError) as caught:
        ctl_update.update_ctl(FakeModule({"when": "if_stale"}, conn))
    assert caught.value.reason == "verify"
    assert "still differs from the database: cucm-1051-a-pub CallManager (serial_differs)" in str(caught.value)
    assert caught.value.details["show_ctl_lines"] == before.splitlines()
