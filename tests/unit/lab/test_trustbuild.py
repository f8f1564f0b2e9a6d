"""cucm_lab.trustbuild: what each release puts in the ITL / CTL, compared with seeds 001/002."""

import pytest

from cucm_lab import bootstrap, itlreset, pki, trustbuild
from cucm_lab import trustfile as tf
from cucm_lab.model import CERT_CALLMANAGER, CERT_CAPF, CERT_ITLRECOVERY, CERT_TVS, ITL_FILE, ITL_RECORD_FORMS
from cucm_lab.releases import PROFILES
from seed_dumps import seed_dump

ITL_BEFORE_RESET = seed_dump("001_ja_show_itl_before_reset.txt")
ITL_AFTER_RESET = seed_dump("001_ja_show_itl_after_reset.txt")
TOKENLESS_CTL = seed_dump("002_ja_show_ctl_tokenless_full.txt")
TWO_ETOKENS = seed_dump("002_ja_show_ctl_two_etokens_elided.txt")
SAST = "System Administrator Security Token"


@pytest.fixture(scope="module")
def clusters():
    """One 1024-bit 2-node cluster per release profile."""
    return {key: bootstrap.create_cluster("t" + key.replace(".", ""), key, 2, key_size=1024)
            for key in PROFILES}


def _functions(parsed):
    return [record.function_name for record in parsed.records]


def _seed_functions(dump):
    return [next(row[3] for row in record if row[0] == 4) for record in dump.records]


def _serial(identity):
    return tf.serial_bytes(identity.cert.serial_number)


@pytest.mark.parametrize("release", sorted(PROFILES))
def test_itl_and_ctl_round_trip_for_every_release(clusters, release):
    cluster = clusters[release]
    for node in cluster.nodes:
        data = trustbuild.build_itl(cluster, node)
        parsed = tf.parse_trust_file(data)
        assert parsed.filename == "ITLFile.tlv"
        assert tf.verify_trust_file(data)
        signer = trustbuild.expected_signer(cluster, node, "itl")
        assert parsed.signer_serial == _serial(signer)
        assert parsed.records[tf.signer_record_index(parsed)].certificate == tf.cert_der(signer.cert)
    for mode in ("mixed", "non_secure"):
        data = trustbuild.build_ctl(cluster, mode=mode)
        parsed = tf.parse_trust_file(data)
        assert parsed.filename == "CTLFile.tlv"
        assert tf.verify_trust_file(data)
        assert parsed.signer_serial == _serial(trustbuild.expected_signer(cluster, None, "ctl"))


def test_pre12_itl_has_the_seed_001_record_layout(clusters):
    cluster = clusters["10.5"]
    pub, sub = cluster.nodes
    parsed = tf.parse_trust_file(trustbuild.build_itl(cluster, pub))
    assert _functions(parsed) == _seed_functions(ITL_BEFORE_RESET)
    assert [r.tags for r in parsed.records] == [[row[0] for row in rec] for rec in ITL_BEFORE_RESET.records]
    # Same DNSNAME, FUNCTION, serial, PUBLICKEY, SIGNATURE and hash lengths as the seed; names
    # and certificate sizes differ. Seed record 6 is a 2048-bit TVS, the lab's is 1024-bit.
    for built, seed in zip(parsed.records, ITL_BEFORE_RESET.records):
        for tag, length, seed_row in zip(built.tags, built.lengths, seed):
            if tag in (tf.R_DNS_NAME, tf.R_FUNCTION, tf.R_SERIAL_NUMBER, tf.R_CERT_HASH,
                       tf.R_HASH_ALGORITHM) or (tag in (7, 8) and seed[6][2] == 140):
                assert length == seed_row[2], (built.function_name, tag)
    expected = [
        (pub, CERT_CALLMANAGER), (pub, CERT_CALLMANAGER), (pub, CERT_CAPF), (pub, CERT_TVS),
        (pub, CERT_ITLRECOVERY), (sub, CERT_TVS),
    ]
    assert [r.serial for r in parsed.records] == [_serial(n.certs[u]) for n, u in expected]
    assert parsed.records[2].cert_hash == bytes.fromhex(pki.sha1_hex(pub.certs[CERT_CAPF].cert))
    assert tf.signer_record_indexes(parsed) == [0]


def test_pre12_itl_of_a_subscriber_lists_its_own_tvs_first_and_the_publishers_recovery(clusters):
    cluster = clusters["10.5"]
    pub, sub = cluster.nodes
    parsed = tf.parse_trust_file(trustbuild.build_itl(cluster, sub))
    assert parsed.signer_serial == _serial(sub.certs[CERT_CALLMANAGER])
    assert parsed.records[3].serial == _serial(sub.certs[CERT_TVS])
    assert parsed.records[4].serial == _serial(pub.certs[CERT_ITLRECOVERY])
    assert parsed.records[5].serial == _serial(pub.certs[CERT_TVS])
    assert parsed.records[2].serial == _serial(pub.certs[CERT_CAPF])  # the publisher's CAPF


def test_pre12_reset_itl_is_signed_by_itlrecovery_with_the_same_records(clusters):
    """Seed 001 after `utils itl reset localkey`: same records, signer on ITLRECOVERY (#5)."""
    cluster = clusters["10.5"]
    pub = cluster.publisher
    normal = tf.parse_trust_file(trustbuild.build_itl(cluster, pub))
    reset = tf.parse_trust_file(
        trustbuild.build_itl(cluster, pub, signer_unit=cluster.release.reset_itl_signer)
    )
    assert [r.tlvs for r in reset.records] == [r.tlvs for r in normal.records]
    assert tf.verify_trust_file(reset.data)
    seed_signer = [i for i, rec in enumerate(ITL_AFTER_RESET.records) if rec[3][3] == SAST][1]
    assert tf.signer_record_indexes(reset) == [seed_signer] == [4]
    assert reset.signer_serial == _serial(pub.certs[CERT_ITLRECOVERY])


def test_12_plus_itl_layout_and_signers(clusters):
    cluster = clusters["12.5"]
    pub, sub = cluster.nodes
    parsed = tf.parse_trust_file(trustbuild.build_itl(cluster, sub))
    assert _functions(parsed) == [SAST, SAST, "CCM+TFTP", "TVS", "TVS", "CAPF"]
    assert parsed.records[0].serial == _serial(pub.certs[CERT_ITLRECOVERY])
    assert parsed.records[1].serial == parsed.records[2].serial == _serial(sub.certs[CERT_CALLMANAGER])
    assert parsed.records[3].certificate == tf.cert_der(sub.certs[CERT_TVS].cert)  # full certificates
    assert tf.signer_record_indexes(parsed) == [0]
    reset = tf.parse_trust_file(trustbuild.build_itl(cluster, sub, signer_unit=CERT_CALLMANAGER))
    assert tf.signer_record_indexes(reset) == [1] and tf.verify_trust_file(reset.data)


def test_12_plus_reset_needs_the_callmanager_sast_record(clusters):
    cluster = clusters["12.5"]
    cluster_without = bootstrap.create_cluster("nosast", "12.5", 1, key_size=1024)
    cluster_without.release = cluster.release.with_changes(itl_callmanager_sast_record=False)
    with pytest.raises(tf.TrustFileError):
        trustbuild.build_itl(cluster_without, cluster_without.publisher, signer_unit=CERT_CALLMANAGER)


def test_itl_dnsname_style_hostname(clusters):
    cluster = clusters["12.5"]
    original = cluster.release
    cluster.release = original.with_changes(itl_dnsname_style="hostname", itl_record_ipaddress=True)
    try:
        parsed = tf.parse_trust_file(trustbuild.build_itl(cluster, cluster.publisher))
    finally:
        cluster.release = original
    assert parsed.records[0].dns_name == cluster.publisher.hostname
    assert parsed.records[0].tags[-1] == tf.R_IP_ADDRESS


def test_tokenless_ctl_has_the_seed_002_layout(clusters):
    cluster = clusters["10.5"]
    pub, sub = cluster.nodes
    parsed = tf.parse_trust_file(trustbuild.build_ctl(cluster))
    assert _functions(parsed) == _seed_functions(TOKENLESS_CTL)  # SAST, CCM+TFTP, CAPF, CCM+TFTP
    assert [r.tags for r in parsed.records] == [[row[0] for row in rec] for rec in TOKENLESS_CTL.records]
    assert [r.dns_name for r in parsed.records] == [pub.hostname, pub.hostname, pub.hostname, sub.hostname]
    for built, seed in zip(parsed.records, TOKENLESS_CTL.records):
        # DNSNAME length = host name + NUL (16 for cucm-1051-a-pub), PUBLICKEY/SIGNATURE 140/128.
        assert built.length_of(tf.R_DNS_NAME) == len(built.dns_name) + 1
        assert seed[1][2] == len(seed[1][3]) + 1
        assert (built.public_key_length, built.signature_length) == (seed[6][2], seed[7][2])
    assert tf.signer_record_indexes(parsed) == [0]
    assert parsed.records[0].certificate == parsed.records[1].certificate


def test_12_plus_ctl_adds_itlrecovery_and_is_signed_by_it(clusters):
    cluster = clusters["14"]
    pub = cluster.publisher
    parsed = tf.parse_trust_file(trustbuild.build_ctl(cluster))
    assert _functions(parsed) == [SAST, "CCM+TFTP", "CAPF", "CCM+TFTP", SAST]
    assert parsed.records[-1].serial == _serial(pub.certs[CERT_ITLRECOVERY])
    assert tf.signer_record_indexes(parsed) == [4]
    by_callmanager = tf.parse_trust_file(trustbuild.build_ctl(cluster, signer=CERT_CALLMANAGER))
    assert tf.signer_record_indexes(by_callmanager) == [0]


def test_non_secure_ctl_has_certificate_less_ccm_tftp_records(clusters):
    cluster = clusters["10.5"]
    parsed = tf.parse_trust_file(trustbuild.build_ctl(cluster, mode="non_secure"))
    placeholders = [r for r in parsed.records if r.function == tf.FUNCTION_CCM_TFTP]
    assert len(placeholders) == 2
    for record, node in zip(placeholders, cluster.nodes):
        assert record.tags == [1, 2, 4, 10]
        assert record.dns_name == node.ip
        # S5's 33 bytes hold a 12-character IP; 192.0.2.1x has 10.
        assert record.length == 33 - 13 + len(node.ip) + 1
    assert parsed.records[0].certificate is not None  # the signer stays
    assert tf.verify_trust_file(parsed.data)


def test_etoken_ctl_matches_the_seed_002_etoken_records(clusters):
    cluster = clusters["10.5"]
    tokens = pki.new_etoken_identities(2)
    # Seed 002: record #1 is a token that did not sign, the last record the token that did.
    data = trustbuild.build_ctl(cluster, etokens=tokens, signer=tokens[1])
    parsed = tf.parse_trust_file(data)
    assert tf.verify_trust_file(data)
    assert _functions(parsed) == [SAST, "CCM+TFTP", "CAPF", "CCM+TFTP", SAST]
    seed_first, seed_last = TWO_ETOKENS.records
    for built, seed in ((parsed.records[0], seed_first), (parsed.records[-1], seed_last)):
        assert built.tags == [row[0] for row in seed]  # no SIGNATURE
        assert built.lengths[1:-2] == [row[2] for row in seed[1:-2]]
    assert tf.signer_record_indexes(parsed) == [4]
    # eToken CTL header: SIGNERID (3+56)+(3+10)+(3+42) = 117, HeaderLength 304 (reference S5).
    assert parsed.header_length_of(tf.H_SIGNER_ID) == 117 and parsed.header_length == 304
    assert parsed.ca_name == "cn=Cisco Manufacturing CA;o=Cisco Systems"
    # Server records written by the CTL client are the tokenless ones without SIGNATURE and
    # with the IP as DNSNAME: seed 002's 5728 = 304 + 2 x 1186 + (1156-131-3) + (1138-131-3)
    # + (1161-131-4) (see ctl_records).
    tokenless = tf.parse_trust_file(trustbuild.build_ctl(cluster)).records[1:]
    for record, plain in zip(parsed.records[1:-1], tokenless):
        assert tf.R_SIGNATURE not in record.tags and record.dns_name.startswith("192.0.2.")
        shrink = 3 + plain.signature_length + len(plain.dns_name) - len(record.dns_name)
        assert record.length == plain.length - shrink


def test_ctl_without_a_sast_signer_cannot_be_built(clusters):
    cluster = clusters["10.5"]
    stranger = pki.new_identity("stranger", key_size=1024)
    with pytest.raises(tf.TrustFileError):
        trustbuild.build_ctl(cluster, signer=stranger)


def test_expected_signer_follows_the_release(clusters):
    old, new = clusters["11.5"], clusters["15"]
    sub_old, sub_new = old.nodes[1], new.nodes[1]
    assert trustbuild.expected_signer(old, sub_old, "itl") is sub_old.certs[CERT_CALLMANAGER]
    assert trustbuild.expected_signer(new, sub_new, "itl") is new.publisher.certs[CERT_ITLRECOVERY]
    assert trustbuild.expected_signer(old, None, "ctl") is old.publisher.certs[CERT_CALLMANAGER]
    assert trustbuild.expected_signer(new, None, "ctl") is new.publisher.certs[CERT_ITLRECOVERY]
    with pytest.raises(ValueError):
        trustbuild.expected_signer(old, None, "sgn")


# -- the form of the ITL's TVS and CAPF records (--itl-record-form) ------------------------------

HASH_ONLY_TAGS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12]  # seed 001 records 3, 4 and 6
FULL_TAGS = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # a SAST/TFTP record of seed 001 (no IPADDRESS in ITLs)


def _tvs_capf(parsed):
    return [r for r in parsed.records if r.function in (tf.FUNCTION_TVS, tf.FUNCTION_CAPF)]


def test_record_form_defaults_to_the_release(clusters):
    forms = {key: trustbuild.itl_record_form(cluster) for key, cluster in clusters.items()}
    assert forms == {"10.5": "certhash", "11.5": "certhash", "12.5": "full", "14": "full", "15": "full"}
    assert {key: cluster.itl_record_form for key, cluster in clusters.items()} == forms  # stated


@pytest.fixture(scope="module")
def form_clusters():
    """A 2-node 12.5 cluster in each form, and a 10.5 one in the non-default full form."""
    return {(release, form): bootstrap.create_cluster("f" + release.replace(".", "") + form[0], release, 2,
                                                      key_size=1024, itl_record_form=form)
            for release, form in [("12.5", "certhash"), ("12.5", "full"), ("10.5", "full")]}


@pytest.mark.parametrize("release,form", [("12.5", "certhash"), ("12.5", "full"), ("10.5", "full")])
def test_the_cluster_form_shapes_tvs_and_capf_records(form_clusters, release, form):
    cluster = form_clusters[(release, form)]
    for node in cluster.nodes:
        parsed = tf.parse_trust_file(node.tftp_files[ITL_FILE].data)
        records = _tvs_capf(parsed)
        assert len(records) == 3  # two TVS, one CAPF
        assert {tuple(r.tags) for r in records} == {tuple(HASH_ONLY_TAGS if form == "certhash" else FULL_TAGS)}
        certs = {_serial(n.certs[unit]): n.certs[unit] for n in cluster.nodes for unit in (CERT_TVS, CERT_CAPF)}
        for record in records:
            cert = certs[record.serial].cert
            if form == "certhash":
                assert record.cert_hash == bytes.fromhex(pki.sha1_hex(cert))
                assert record.hash_algorithm == tf.DIGEST_SHA1
            else:
                assert record.certificate == tf.cert_der(cert)
        # The other records never change: SAST and CCM+TFTP (TFTP) keep their certificates.
        assert all(tf.R_CERTIFICATE in r.tags for r in parsed.records if r not in records)
        assert tf.verify_trust_file(parsed)


@pytest.mark.parametrize("form", ["certhash", "full"])
def test_every_rebuild_keeps_the_form(form_clusters, form):
    """Cisco Tftp start, `utils itl reset` (the publisher's records re-signed) and a certificate
    regeneration followed by a Tftp restart all write the cluster's form."""
    cluster = form_clusters[("12.5", form)]
    pub, sub = cluster.nodes
    expected = HASH_ONLY_TAGS if form == "certhash" else FULL_TAGS

    def shapes(data):
        return {tuple(r.tags) for r in _tvs_capf(tf.parse_trust_file(data))}

    bootstrap.regenerate_certificate(cluster, sub, CERT_TVS)
    restarted = bootstrap.start_tftp(cluster, sub)
    assert shapes(restarted.data) == {tuple(expected)}
    reset = itlreset.build_reset_itl(cluster, itlreset.reset_signer(cluster))
    assert shapes(reset) == {tuple(expected)} and tf.verify_trust_file(reset)
    itlreset.install_reset_itl(cluster, sub, reset)
    assert bootstrap.start_tftp(cluster, sub) is None  # the reset's own restart keeps it
    assert shapes(bootstrap.start_tftp(cluster, sub).data) == {tuple(expected)}


def test_an_unknown_form_is_refused():
    assert ITL_RECORD_FORMS == ("certhash", "full")
    with pytest.raises(ValueError):
        bootstrap.create_cluster("bad", "12.5", 1, key_size=1024, itl_record_form="pem")
