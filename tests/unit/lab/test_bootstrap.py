"""cucm_lab.bootstrap: a whole cluster with its certificates, services and trust files."""

import hashlib
import time

import pytest

from cucm_lab import bootstrap, pki
from cucm_lab import trustfile as tf
from cucm_lab.model import (
    CERT_CALLMANAGER,
    CERT_CAPF,
    CERT_ITLRECOVERY,
    CERT_TVS,
    CERT_UNITS,
    CTL_FILE,
    ITL_FILE,
    ITLRECOVERY_P12,
    SERVICE_CALLMANAGER,
    SERVICE_CAPF,
    SERVICE_CTI,
    SERVICE_TFTP,
    SERVICE_TVS,
    LabClock,
    Node,
    StoredFile,
)


@pytest.fixture(scope="module")
def cluster_125():
    """3-node 12.5 cluster with the release's real key size (2048), timed."""
    started = time.monotonic()
    cluster = bootstrap.create_cluster("c125", "12.5", 3, security_mode=1, base_port=2300)
    cluster.bootstrap_seconds = time.monotonic() - started
    return cluster


@pytest.fixture(scope="module")
def cluster_105():
    return bootstrap.create_cluster("c105", "10.5", 3, key_size=1024, tftp_nodes=["c105-pub", 2],
                                    cluster_security_password="Secret-123")


def _itl(node):
    return tf.parse_trust_file(node.tftp_files[ITL_FILE].data)


def test_nodes_names_addresses_and_ports(cluster_125):
    assert [n.hostname for n in cluster_125.nodes] == ["c125-pub", "c125-sub1", "c125-sub2"]
    assert [n.fqdn for n in cluster_125.nodes] == [
        "c125-pub.lab.example", "c125-sub1.lab.example", "c125-sub2.lab.example"]
    assert [n.ip for n in cluster_125.nodes] == ["192.0.2.10", "192.0.2.11", "192.0.2.12"]
    assert [n.ssh_port for n in cluster_125.nodes] == [2300, 2301, 2302]
    assert cluster_125.publisher is cluster_125.nodes[0]
    assert cluster_125.release.key == "12.5"


def test_every_node_has_every_certificate_unit(cluster_125):
    for node in cluster_125.nodes:
        assert set(node.certs) == set(CERT_UNITS)
        assert pki.common_name(node.certs[CERT_CALLMANAGER].cert) == node.hostname
        assert pki.common_name(node.certs[CERT_TVS].cert) == node.hostname
        assert pki.common_name(node.certs[CERT_CAPF].cert).startswith("CAPF-")
        assert pki.common_name(node.certs[CERT_ITLRECOVERY].cert) == "ITLRECOVERY_" + node.hostname
        for identity in node.certs.values():
            assert identity.cert.public_key().key_size == 2048
            assert identity.cert.issuer == identity.cert.subject  # self-signed by default
    serials = {i.cert.serial_number for n in cluster_125.nodes for i in n.certs.values()}
    assert len(serials) == 12


def test_12_5_itl_is_signed_by_the_publishers_itlrecovery_on_every_tftp_node(cluster_125):
    recovery = cluster_125.publisher.certs[CERT_ITLRECOVERY]
    checksums, recovery_records = set(), set()
    for node in cluster_125.nodes:
        parsed = _itl(node)
        assert tf.verify_trust_file(parsed.data)
        assert parsed.signer_serial == tf.serial_bytes(recovery.cert.serial_number)
        signer = parsed.records[tf.signer_record_index(parsed)]
        assert signer.subject == "CN=ITLRECOVERY_c125-pub;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US"
        checksums.add(hashlib.md5(parsed.data).hexdigest())
        recovery_records.add(tuple(signer.tlvs))
    assert len(checksums) == 3  # each node's ITL holds its own CallManager certificate
    assert len(recovery_records) == 1  # ... and the same ITLRECOVERY record


def test_10_5_itl_is_signed_by_each_nodes_callmanager(cluster_105):
    for node in cluster_105.tftp_nodes:
        parsed = _itl(node)
        assert tf.verify_trust_file(parsed.data)
        assert parsed.signer_serial == tf.serial_bytes(node.certs[CERT_CALLMANAGER].cert.serial_number)
        assert tf.signer_record_index(parsed) == 0


def test_services(cluster_105):
    pub, sub1, sub2 = cluster_105.nodes
    for node in cluster_105.nodes:
        for service in (SERVICE_CALLMANAGER, SERVICE_TVS, SERVICE_CTI):
            assert (node.services[service].activated, node.services[service].state) == (True, "STARTED")
        assert node.services["Cisco DirSync"].activated is False
    assert [n.runs_tftp for n in cluster_105.nodes] == [True, False, True]
    assert (sub1.services[SERVICE_TFTP].activated, sub1.services[SERVICE_TFTP].state) == (False, "STOPPED")
    assert [n.services[SERVICE_CAPF].activated for n in cluster_105.nodes] == [True, False, False]
    assert len(pub.services) >= 10


def test_itl_only_on_tftp_nodes_and_no_ctl_in_non_secure_mode(cluster_105):
    assert [ITL_FILE in n.tftp_files for n in cluster_105.nodes] == [True, False, True]
    assert not any(CTL_FILE in n.tftp_files for n in cluster_105.nodes)


def test_mixed_mode_puts_the_same_ctl_on_every_node(cluster_125):
    files = [node.tftp_files[CTL_FILE] for node in cluster_125.nodes]
    assert len({f.data for f in files}) == 1
    parsed = tf.parse_trust_file(files[0].data)
    assert tf.verify_trust_file(parsed.data)
    recovery = cluster_125.publisher.certs[CERT_ITLRECOVERY]
    assert parsed.signer_serial == tf.serial_bytes(recovery.cert.serial_number)


def test_itlrecovery_p12_on_the_publisher_only(cluster_105):
    pub = cluster_105.publisher
    assert [ITLRECOVERY_P12 in n.tftp_files for n in cluster_105.nodes] == [True, False, False]
    loaded = pki.load_pkcs12(pub.tftp_files[ITLRECOVERY_P12].data, "Secret-123")
    assert loaded.cert == pub.certs[CERT_ITLRECOVERY].cert
    assert loaded.key.private_numbers() == pub.certs[CERT_ITLRECOVERY].key.private_numbers()
    with pytest.raises(pki.Pkcs12Error):
        pki.load_pkcs12(pub.tftp_files[ITLRECOVERY_P12].data, cluster_105.app_admin_password)


def test_passwords_are_random_unless_given(cluster_105):
    assert cluster_105.cluster_security_password == "Secret-123"
    other = bootstrap.create_cluster("pw", "10.5", 1, key_size=1024)
    passwords = {other.os_admin_password, other.app_admin_password, other.cluster_security_password,
                 cluster_105.os_admin_password}
    assert len(passwords) == 4 and all(len(p) >= 16 for p in passwords)


def test_regenerate_itl_after_a_certificate_regeneration():
    clock = LabClock()
    cluster = bootstrap.create_cluster("rg", "10.5", 2, key_size=1024, clock=clock)
    sub = cluster.nodes[1]
    before = sub.tftp_files[ITL_FILE]
    clock.advance(600)
    new_cert = bootstrap.regenerate_certificate(cluster, sub, CERT_CALLMANAGER)
    assert sub.tftp_files[ITL_FILE] is before  # nothing changes until Tftp rebuilds the ITL
    stored = bootstrap.regenerate_itl(cluster, sub)
    assert stored is sub.tftp_files[ITL_FILE]
    assert (stored.mtime - before.mtime).total_seconds() >= 600
    parsed = tf.parse_trust_file(stored.data)
    assert parsed.signer_serial == tf.serial_bytes(new_cert.cert.serial_number)
    assert parsed.timestamp == int(stored.mtime.timestamp())
    assert tf.verify_trust_file(stored.data)
    assert new_cert.cert.public_key().key_size == 1024  # keeps the old key size


def test_reset_itl_and_itlrecovery_regeneration_rewrites_the_p12():
    cluster = bootstrap.create_cluster("rs", "10.5", 1, key_size=1024)
    pub = cluster.publisher
    reset = bootstrap.regenerate_itl(cluster, pub, signer_unit=CERT_ITLRECOVERY)
    assert tf.parse_trust_file(reset.data).signer_serial == tf.serial_bytes(
        pub.certs[CERT_ITLRECOVERY].cert.serial_number)
    old_p12 = pub.tftp_files[ITLRECOVERY_P12].data
    new = bootstrap.regenerate_certificate(cluster, pub, CERT_ITLRECOVERY)
    assert pub.tftp_files[ITLRECOVERY_P12].data != old_p12
    assert pki.load_pkcs12(pub.tftp_files[ITLRECOVERY_P12].data,
                           cluster.cluster_security_password).cert == new.cert


def test_write_ctl_modes_and_etokens():
    cluster = bootstrap.create_cluster("ct", "11.5", 2, key_size=1024)
    assert CTL_FILE not in cluster.publisher.tftp_files
    cluster.security_mode = 1
    mixed = bootstrap.write_ctl(cluster)
    assert all(n.tftp_files[CTL_FILE].data == mixed.data for n in cluster.nodes)
    cluster.security_mode = 0
    non_secure = tf.parse_trust_file(bootstrap.write_ctl(cluster).data)
    assert [r.tags for r in non_secure.records if r.function == tf.FUNCTION_CCM_TFTP] == [[1, 2, 4, 10]] * 2
    tokens = pki.new_etoken_identities(2)
    with_tokens = bootstrap.write_ctl(cluster, mode="mixed", etokens=tokens, nodes=[cluster.publisher])
    assert cluster.publisher.tftp_files[CTL_FILE].data == with_tokens.data
    assert cluster.nodes[1].tftp_files[CTL_FILE].data != with_tokens.data
    assert tf.verify_trust_file(with_tokens.data)


def test_ca_signed_cluster():
    cluster = bootstrap.create_cluster("ca", "10.5", 2, key_size=1024, ca_signed=True)
    for node in cluster.nodes:
        for unit in (CERT_CALLMANAGER, CERT_TVS, CERT_CAPF):
            node.certs[unit].cert.verify_directly_issued_by(cluster.ca.cert)
        recovery = node.certs[CERT_ITLRECOVERY].cert
        assert recovery.issuer == recovery.subject
        parsed = _itl(node)
        assert parsed.ca_name == "CN=ca-CA;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US"
        assert tf.verify_trust_file(parsed.data)
    # `set cert regen` replaces a CA-signed certificate with a self-signed one.
    regenerated = bootstrap.regenerate_certificate(cluster, cluster.publisher, CERT_CALLMANAGER)
    assert regenerated.cert.issuer == regenerated.cert.subject


def test_unknown_release_and_node_names_are_errors():
    with pytest.raises(ValueError):
        bootstrap.create_cluster("x", "9.1", 1, key_size=1024)
    with pytest.raises(ValueError):
        bootstrap.create_cluster("x", "10.5", 1, key_size=1024, tftp_nodes=["nope"])
    with pytest.raises(ValueError):
        bootstrap.create_cluster("x", "10.5", 0, key_size=1024)


def test_bootstrap_time_of_a_3_node_2048_bit_cluster(cluster_125):
    # 12 RSA-2048 keys dominate; a generous bound keeps slow CI machines green.
    assert cluster_125.bootstrap_seconds < 20


def test_every_stored_file_knows_the_node_holding_it(cluster_125):
    """Node.tftp_files records the holder (render uses its time zone and style); the CTL every
    node holds is one copy per node; bytes and mtime make a file's identity, not its holder."""
    for node in cluster_125.nodes:
        assert node.tftp_files and all(stored.holder is node for stored in node.tftp_files.values())
        assert (node.time_zone, node.trust_list_style) == ("UTC", {})
    pub, sub1, sub2 = cluster_125.nodes
    assert pub.tftp_files[CTL_FILE] == sub1.tftp_files[CTL_FILE]
    assert pub.tftp_files[CTL_FILE] is not sub1.tftp_files[CTL_FILE]
    loose = StoredFile(b"x", pub.tftp_files[CTL_FILE].mtime)
    spare = Node(hostname="spare", fqdn="spare.lab.example", ip="192.0.2.99", publisher=False,
                 tftp_files={"a": loose})
    assert loose.holder is spare
    spare.tftp_files.update(b=sub2.tftp_files[ITL_FILE])
    spare.tftp_files.setdefault("c", StoredFile(b"y", loose.mtime))
    assert {name: stored.holder for name, stored in spare.tftp_files.items()} == dict.fromkeys("abc", spare)
    assert sub2.tftp_files[ITL_FILE].holder is sub2 and "holder" not in repr(loose)
