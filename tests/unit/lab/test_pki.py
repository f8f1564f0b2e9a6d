"""cucm_lab.pki: certificates shaped like CUCM's, checked against the seed dumps."""

import datetime
import hashlib

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from cucm_lab import pki
from seed_dumps import seed_dump

ITL_BEFORE_RESET = seed_dump("001_ja_show_itl_before_reset.txt")
TWO_ETOKENS = seed_dump("002_ja_show_ctl_two_etokens_elided.txt")


@pytest.fixture(scope="module")
def seed_like():
    """The 10.0 publisher certificate of seed 001, rebuilt with the lab."""
    return pki.new_identity(
        "test10pub.joemar2.lab", key_size=1024, ou="tac", o="cisco", l="rtp", st="nc", c="US"
    )


def test_subject_is_der_encoded_in_cucm_order(seed_like):
    oids = [attr.oid for attr in seed_like.cert.subject]
    assert oids == [
        NameOID.COUNTRY_NAME,
        NameOID.ORGANIZATION_NAME,
        NameOID.ORGANIZATIONAL_UNIT_NAME,
        NameOID.COMMON_NAME,
        NameOID.STATE_OR_PROVINCE_NAME,
        NameOID.LOCALITY_NAME,
    ]


def test_dn_string_reproduces_the_seed_signer_name(seed_like):
    tag, name, length, value = ITL_BEFORE_RESET.header_row(4)
    assert pki.dn_string(seed_like.cert.subject) == value
    assert len(value) + 1 == length  # the NUL is counted


def test_dn_string_skips_missing_attributes():
    identity = pki.new_identity("ITLRECOVERY_pub", key_size=1024, ou="TAC", o="Lab", l=None,
                                st=None, c="US")
    assert pki.dn_string(identity.cert.subject) == "CN=ITLRECOVERY_pub;OU=TAC;O=Lab;C=US"


def test_self_signed_certificate(seed_like):
    cert = seed_like.cert
    assert cert.issuer == cert.subject
    cert.verify_directly_issued_by(cert)
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert cert.public_key().key_size == 1024
    assert cert.public_key().public_numbers() == seed_like.key.public_key().public_numbers()


def test_validity_is_five_years_minus_one_second():
    start = datetime.datetime(2014, 6, 5, 18, 31, 39, tzinfo=datetime.timezone.utc)
    cert = pki.new_identity("cucm-1051-a-pub", key_size=1024, not_before=start).cert
    # seed 002: From Thu Jun 05 18:31:39 2014 To Tue Jun 04 18:31:38 2019
    assert cert.not_valid_before_utc == start
    assert cert.not_valid_after_utc == datetime.datetime(2019, 6, 4, 18, 31, 38, tzinfo=datetime.timezone.utc)


def test_serials_are_16_bytes_like_the_seeds():
    seed_serials = [row[3] for record in ITL_BEFORE_RESET.records for row in record if row[0] == 6]
    assert all(len(s.split(":")) == 16 and 0x40 <= int(s[:2], 16) <= 0x7F for s in seed_serials)
    for attempt in range(200):
        serial = pki.cucm_serial()
        assert serial.bit_length() == 127, attempt  # top byte 0x40..0x7F: 16 bytes, no sign byte


def test_ca_signed_identity():
    ca = pki.new_ca("lab-CA", key_size=1024)
    leaf = pki.new_identity("node1", key_size=1024, issuer=ca)
    assert leaf.cert.issuer == ca.cert.subject
    leaf.cert.verify_directly_issued_by(ca.cert)
    assert pki.issuer_text(leaf) == "CN=lab-CA;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US"


def test_sha1_hex_is_over_the_der(seed_like):
    der = seed_like.cert.public_bytes(serialization.Encoding.DER)
    assert pki.sha1_hex(seed_like.cert) == hashlib.sha1(der).hexdigest()


def test_pkcs12_round_trip(seed_like):
    data = pki.pkcs12_bytes(seed_like, "Cluster-Secret1", "ITLRecovery")
    loaded = pki.load_pkcs12(data, "Cluster-Secret1")
    assert loaded.cert == seed_like.cert
    assert loaded.key.private_numbers() == seed_like.key.private_numbers()


def test_pkcs12_wrong_password_is_a_clear_error(seed_like):
    data = pki.pkcs12_bytes(seed_like, "right", "ITLRecovery")
    with pytest.raises(pki.Pkcs12Error, match="wrong password"):
        pki.load_pkcs12(data, "wrong")


def test_etoken_identities_match_the_seed_records():
    tokens = pki.new_etoken_identities(2)
    seed_record = TWO_ETOKENS.records[0]
    seed_subject = next(row for row in seed_record if row[0] == 3)
    seed_issuer = next(row for row in seed_record if row[0] == 5)
    seed_serial = next(row for row in seed_record if row[0] == 6)
    for token in tokens:
        name = pki.common_name(token.cert)
        assert name.startswith("SAST-ADN") and len(name) == 16
        subject = pki.subject_text(token)
        assert len(subject) + 1 == seed_subject[2] == 56
        # The web copy collapsed the padding spaces; the rest is verbatim.
        seed_name = seed_subject[3].split('"')[1].strip()
        assert " ".join(subject.replace(name, seed_name).split()) == seed_subject[3]
        assert pki.issuer_text(token) == seed_issuer[3]
        assert len(pki.issuer_text(token)) + 1 == seed_issuer[2]
        assert (token.cert.serial_number.bit_length() + 7) // 8 == seed_serial[2] == 10
        assert token.cert.public_key().key_size == 1024
    assert tokens[0].cert.issuer == tokens[1].cert.issuer
    assert tokens[0].cert.serial_number != tokens[1].cert.serial_number


def test_generate_keys():
    keys = pki.generate_keys(3, 1024)
    assert [k.key_size for k in keys] == [1024] * 3
    assert len({k.public_key().public_numbers().n for k in keys}) == 3
    assert pki.generate_keys(0) == []
