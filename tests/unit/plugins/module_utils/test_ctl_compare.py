"""Is the CTL stale? Seed 002's CTL against seed 002's certificates, and the lab's own output.

Seed 002 (CUCM 10.5, tokenless CTL) shows the CTL with the publisher's CallManager serial
70:CA:F6:..., then the certificate page after "Regenerate" (Serial Number
6B1D357B6841740B078FEE4A1813D5D6) and TVS caching the subscriber's CallManager certificate
6BEBFDCDCD8CA277CB2FD1D183A60E72 (CN=cucm-1051-a-sub1). The rows below carry those values as
``parse_run_sql`` returns them for ``queries.CERTIFICATE_TRUST_ROLES``.
"""

import io
import os

import pytest
from cucm_lab import bootstrap, render
from cucm_lab.commands import sql
from cucm_lab.model import CERT_CALLMANAGER, CERT_ITLRECOVERY, CTL_FILE

from ansible_collections.cucm.trust.plugins.module_utils import _ctl_compare as ctl_compare
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_run_sql, parse_show_ctl
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import CERTIFICATE_TRUST_ROLES
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize

SEEDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "seeds")
AUTHN = "Authentication and Authorization"
PUB_DN = "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL"
SUB_DN = "CN=cucm-1051-a-sub1;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL"
PUB = {"hostname": "cucm-1051-a-pub", "fqdn": None, "ip": None}


def seed_ctl(name):
    with io.open(os.path.join(SEEDS, name), encoding="utf-8") as handle:
        return parse_show_ctl(handle.read())


def row(dn, serial, role=AUTHN, ip=None):
    return {"subjectname": dn, "serialnumber": serial, "ipv4address": ip, "name": role}


def test_serials_compare_across_notations():
    assert ctl_compare.normalize_serial("70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB") == (
        ctl_compare.normalize_serial("70caf64e090751b9df22f49f754fc5bb"))
    assert ctl_compare.normalize_serial("0A:01") == ctl_compare.normalize_serial("a01")


def test_ctl_matching_the_database_is_up_to_date():
    ctl = seed_ctl("002_ja_show_ctl_tokenless_full.txt")
    current = ctl_compare.current_certificates(
        [row(PUB_DN, "70CAF64E090751B9DF22F49F754FC5BB"), row(SUB_DN, "6BEBFDCDCD8CA277CB2FD1D183A60E72")], PUB)
    assert ctl_compare.ctl_differences(ctl, current, ctl_nodes=["cucm-1051-a-pub", "cucm-1051-a-sub1"]) == []


def test_regenerated_publisher_certificate_makes_the_ctl_stale():
    ctl = seed_ctl("002_ja_show_ctl_tokenless_full.txt")
    current = ctl_compare.current_certificates(
        [row(PUB_DN, "6B1D357B6841740B078FEE4A1813D5D6"), row(SUB_DN, "6BEBFDCDCD8CA277CB2FD1D183A60E72")], PUB)
    assert ctl_compare.ctl_differences(ctl, current) == [{
        "server": "cucm-1051-a-pub",
        "unit": "CallManager",
        "ctl_serial": "70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB",
        "current_serials": ["6B1D357B6841740B078FEE4A1813D5D6"],
        "problem": "serial_differs",
    }]


def test_other_roles_of_the_same_name_are_not_the_callmanager_certificate():
    ctl = seed_ctl("002_ja_show_ctl_tokenless_full.txt")
    rows = [row(PUB_DN, "70CAF64E090751B9DF22F49F754FC5BB"), row(PUB_DN, "0123456789ABCDEF", role="TVS"),
            row(SUB_DN, "6BEBFDCDCD8CA277CB2FD1D183A60E72")]
    assert ctl_compare.ctl_differences(ctl, ctl_compare.current_certificates(rows, PUB)) == []


def test_servers_missing_on_either_side():
    ctl = seed_ctl("002_ja_show_ctl_tokenless_full.txt")
    current = ctl_compare.current_certificates([row(PUB_DN, "70CAF64E090751B9DF22F49F754FC5BB"),
                                                row("CN=cucm-1051-a-sub2;OU=TAC", "1234")], PUB)
    differences = ctl_compare.ctl_differences(ctl, current, ctl_nodes=["cucm-1051-a-pub", "cucm-1051-a-sub2"])
    assert [(d["server"], d["problem"]) for d in differences] == [
        ("cucm-1051-a-sub1", "not_in_database"),
        ("cucm-1051-a-sub2", "missing_from_ctl"),
    ]


def test_etoken_records_removed_by_the_tokenless_update():
    before = summarize(seed_ctl("002_ja_show_ctl_two_etokens_elided.txt"))
    after = summarize(seed_ctl("002_ja_show_ctl_tokenless_after_update_elided.txt"))
    assert ctl_compare.removed_etokens(before, after) == [
        {"common_name": "SAST-ADN0054f509", "serial": "3C:F9:27:00:00:00:AF:A2:DA:45",
         "subject": 'cn="SAST-ADN0054f509 ";ou=IPCBU;o="Cisco Systems'},
        {"common_name": "SAST-ADN008580ef", "serial": "83:E9:08:00:00:00:55:45:AF:31",
         "subject": 'cn="SAST-ADN008580ef ";ou=IPCBU;o="Cisco Systems'},
    ]
    assert ctl_compare.removed_etokens(after, after) == []


# -- against what the lab prints -----------------------------------------------------------------

def lab_run_sql(cluster):
    """What the lab prints for the certificate query (its SQLite copy of the cluster)."""
    db = sql.build_database(cluster)
    try:
        cursor = db.execute(CERTIFICATE_TRUST_ROLES[len("run sql "):])
        return sql.format_rows([d[0].lower() for d in cursor.description], cursor.fetchall())
    finally:
        db.close()


def lab_show_ctl(cluster):
    """What the lab prints for show ctl on the publisher (rendered from the CTL bytes)."""
    return render.render_show_ctl(cluster.publisher.tftp_files[CTL_FILE])


@pytest.mark.parametrize("release, itlrecovery", [("10.5", False), ("12.5", True)])
def test_lab_ctl_against_lab_database(release, itlrecovery):
    cluster = bootstrap.create_cluster("lab", release, 2, key_size=1024, security_mode=1)
    pub = cluster.publisher
    publisher = {"hostname": pub.hostname, "fqdn": pub.fqdn, "ip": pub.ip}
    nodes = [n.hostname for n in cluster.nodes]

    def differences():
        current = ctl_compare.current_certificates(parse_run_sql(lab_run_sql(cluster))["rows"], publisher)
        return ctl_compare.ctl_differences(parse_show_ctl(lab_show_ctl(cluster)), current, itlrecovery, nodes)

    assert differences() == []

    bootstrap.regenerate_certificate(cluster, cluster.subscribers[0], CERT_CALLMANAGER)
    found = differences()
    assert [(d["server"], d["unit"], d["problem"]) for d in found] == [("lab-sub1", "CallManager", "serial_differs")]
    assert found[0]["current_serials"] == [format(cluster.subscribers[0].certs[CERT_CALLMANAGER].cert.serial_number, "X")]

    bootstrap.write_ctl(cluster)  # what `utils ctl update CTLFile` does
    assert differences() == []

    bootstrap.regenerate_certificate(cluster, pub, CERT_ITLRECOVERY)
    expected = [("ITLRECOVERY_lab-pub", "ITLRecovery", "serial_differs")] if itlrecovery else []
    assert [(d["server"], d["unit"], d["problem"]) for d in differences()] == expected
