"""cucm_lab.trustfile: the binary format, checked byte by byte (trust-file-format.md section 9)
and against the lengths real clusters printed (seeds 001/002)."""

import datetime
import functools
import hashlib
import os
import struct

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from cucm_lab import pki
from cucm_lab import trustfile as tf
from cucm_lab.trustfile import RecordSpec
from seed_dumps import seed_dump

ITL_BEFORE_RESET = seed_dump("001_ja_show_itl_before_reset.txt")
ITL_AFTER_RESET = seed_dump("001_ja_show_itl_after_reset.txt")
TOKENLESS_CTL = seed_dump("002_ja_show_ctl_tokenless_full.txt")
TWO_ETOKENS = seed_dump("002_ja_show_ctl_two_etokens_elided.txt")
NEW_YEAR_2024 = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
SEED_DN = dict(ou="tac", o="cisco", l="rtp", st="nc", c="US")


@pytest.fixture(scope="module")
def section9_signer():
    return pki.new_identity("ITLRECOVERY_pub", key_size=1024, ou="TAC", o="Lab", l=None,
                            st=None, c="US", serial=0x1122334455667788)


@pytest.fixture(scope="module")
def section9_file(section9_signer):
    records = [RecordSpec(tf.FUNCTION_SAST, cert=section9_signer)]
    return tf.build_trust_file(records, section9_signer, "ITLFile.tlv", timestamp=NEW_YEAR_2024)


@pytest.fixture(scope="module")
def seed_pub():
    """Seed 001's publisher certificates, rebuilt (1024-bit, 16-byte serials, same names).

    Seed 001 prints the ITLRecovery name as `CN=ITLRECOVERY_test10pub.joemar2.lab;...` (68
    characters) but with LENGTH 66, and SIGNERID/HeaderLength agree with 66: the article edited
    the name. The lab's ITLRecovery CN is cut to 30 characters to get the real length.
    """
    callmanager = pki.new_identity("test10pub.joemar2.lab", key_size=1024, **SEED_DN)
    recovery = pki.new_identity("ITLRECOVERY_test10pub.joemar2.", key_size=1024, **SEED_DN)
    assert len(pki.dn_string(recovery.cert.subject)) + 1 == ITL_AFTER_RESET.header_row(4)[2]
    return callmanager, recovery


@pytest.fixture(scope="module")
def multi_record_file(seed_pub):
    callmanager, recovery = seed_pub
    records = [
        RecordSpec(tf.FUNCTION_SAST, dns_name="\x00", cert=callmanager, ip=None),
        RecordSpec(tf.FUNCTION_TFTP, dns_name="\x00", cert=callmanager, ip=None),
        RecordSpec(tf.FUNCTION_TVS, dns_name="\x00", cert=callmanager, hash_only=True, ip=None),
        RecordSpec(tf.FUNCTION_SAST, dns_name="\x00", cert=recovery, ip=None),
        RecordSpec(tf.FUNCTION_CCM_TFTP, dns_name="10.48.47.155", ip="10.48.47.155"),
    ]
    return tf.build_trust_file(records, callmanager, "ITLFile.tlv", timestamp=NEW_YEAR_2024)


# --- section 9: the byte-level walk-through ------------------------------------------------


def test_section9_header_bytes(section9_file):
    data = section9_file
    assert data[0:5] == bytes.fromhex("0100020102")  # VERSION 1.2
    assert data[5:10] == bytes.fromhex("0200020114")  # HEADERLENGTH 276
    assert data[10:13] == bytes.fromhex("03005B")  # SIGNERID 91 = 40 + 11 + 40
    assert data[13:16] == bytes.fromhex("040025")
    assert data[16:53] == b"CN=ITLRECOVERY_pub;OU=TAC;O=Lab;C=US\x00"
    assert data[53:64] == bytes.fromhex("0500081122334455667788")
    assert data[64:67] == bytes.fromhex("060025") and data[67:104] == data[16:53]
    assert data[104:122] == bytes.fromhex("07000F 08000101 090008 0A000100 0B000101")
    assert data[122:125] == bytes.fromhex("0C0080")  # 128 signature bytes follow
    assert data[253:268] == bytes.fromhex("0E000C") + b"ITLFile.tlv\x00"
    assert data[268:275] == bytes.fromhex("0F000465920080")  # 2024-01-01T00:00:00Z
    assert data[275:276] == b"\x0d"  # one padding byte


def test_section9_record_bytes(section9_file, section9_signer):
    data = section9_file
    der = section9_signer.cert.public_bytes(serialization.Encoding.DER)
    record_length = 906 - 517 + len(der)  # section 9 used a 517-byte certificate
    assert data[276:281] == bytes.fromhex("010002") + struct.pack(">H", record_length)
    assert data[281:285] == bytes.fromhex("02000100")  # empty DNSNAME is a lone NUL
    assert data[285:288] == bytes.fromhex("030025")
    assert data[325:330] == bytes.fromhex("0400020000")  # FUNCTION 0 = SAST
    assert data[370:381] == bytes.fromhex("0500081122334455667788".replace("05", "06", 1))
    assert data[381:384] == bytes.fromhex("07008C") and data[384:388] == bytes.fromhex("30818902")
    assert data[524:527] == bytes.fromhex("080080")
    assert data[527:655] == section9_signer.cert.signature
    assert data[655:658] == bytes.fromhex("09") + struct.pack(">H", len(der))
    assert data[658:658 + len(der)] == der
    assert data[658 + len(der):] == bytes.fromhex("0A000400000000")
    assert len(data) == 276 + record_length


def test_section9_signature_covers_file_minus_signature_tlv(section9_file, section9_signer):
    signed = section9_file[:122] + section9_file[253:]
    section9_signer.cert.public_key().verify(
        section9_file[125:253], signed, padding.PKCS1v15(), hashes.SHA1()
    )
    assert tf.verify_trust_file(section9_file)


# --- parse / verify round trip ---------------------------------------------------------------


def test_parse_round_trip(multi_record_file, seed_pub):
    callmanager, recovery = seed_pub
    parsed = tf.parse_trust_file(multi_record_file)
    assert parsed.version == "1.2"
    assert parsed.signer_name == parsed.ca_name == pki.dn_string(callmanager.cert.subject)
    assert parsed.signer_serial == callmanager.cert.serial_number.to_bytes(16, "big")
    assert parsed.digest_code == tf.DIGEST_SHA1 and parsed.modulus_code == 1
    assert parsed.filename == "ITLFile.tlv"
    assert parsed.timestamp_datetime == NEW_YEAR_2024
    assert [r.function for r in parsed.records] == [0, 3, 21, 0, 2]
    assert parsed.records[0].certificate == callmanager.cert.public_bytes(serialization.Encoding.DER)
    assert parsed.records[2].cert_hash == hashlib.sha1(parsed.records[0].certificate).digest()
    assert parsed.records[3].subject == pki.dn_string(recovery.cert.subject)
    assert parsed.records[4].dns_name == "10.48.47.155" and parsed.records[4].certificate is None
    assert tf.signer_record_index(parsed) == 0
    assert tf.verify_trust_file(multi_record_file)


def test_sha512_digest(seed_pub):
    callmanager = seed_pub[0]
    data = tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=callmanager)], callmanager,
                               "CTLFile.tlv", digest="sha512")
    assert tf.parse_trust_file(data).digest_code == tf.DIGEST_SHA512
    assert tf.verify_trust_file(data)


def test_2048_bit_signer_has_256_byte_signature():
    signer = pki.new_identity("big", key_size=2048)
    data = tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=signer)], signer, "ITLFile.tlv")
    parsed = tf.parse_trust_file(data)
    assert len(parsed.signature) == 256 and parsed.modulus_code == 2
    assert parsed.records[0].public_key_length == 270 and parsed.records[0].signature_length == 256
    assert tf.verify_trust_file(data)


# --- arithmetic ----------------------------------------------------------------------------


def test_header_and_record_arithmetic(multi_record_file):
    parsed = tf.parse_trust_file(multi_record_file)
    sizes = sum(3 if item[0] in tf.HEADER_CONTAINERS else 3 + item[1] for item in parsed.header_tlvs)
    assert parsed.header_length % 4 == 0
    assert parsed.header_length == sizes + (4 - sizes % 4) % 4
    length_of = parsed.header_length_of
    assert length_of(tf.H_SIGNER_ID) == sum(3 + length_of(tag) for tag in (4, 5, 6))
    assert length_of(tf.H_SIGNATURE_INFO) == 15 and length_of(tf.H_SIGNATURE_ALGO_INFO) == 8
    for record in parsed.records:
        assert record.length == 5 + sum(3 + length for length in record.lengths[1:])
    assert len(multi_record_file) == parsed.header_length + sum(r.length for r in parsed.records)


def test_seed_header_arithmetic_before_and_after_reset(seed_pub):
    """Same names, serial size and key size as seed 001 give its SIGNERID and HeaderLength."""
    for signer, dump in zip(seed_pub, (ITL_BEFORE_RESET, ITL_AFTER_RESET)):
        data = tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=signer)], signer, "ITLFile.tlv")
        parsed = tf.parse_trust_file(data)
        length_of = parsed.header_length_of
        assert length_of(tf.H_SIGNER_ID) == int(dump.header_row(3)[3])  # 139 / 157
        assert length_of(tf.H_SIGNER_NAME) == dump.header_row(4)[2]
        assert length_of(tf.H_SIGNATURE) == dump.header_row(12)[2] == 128
        assert length_of(tf.H_FILENAME) == dump.header_row(14)[2]
        assert parsed.header_length == dump.number("HeaderLength:")  # 324 / 344


def test_seed_itl_records_add_up_without_ipaddress():
    """Seed 001's RECORDLENGTHs equal 5 + the printed TLVs: ITL records carry no IPADDRESS."""
    for record in ITL_BEFORE_RESET.records:
        assert record[0][3] and int(record[0][3]) == 5 + sum(3 + row[2] for row in record[1:])
    total = ITL_BEFORE_RESET.number("HeaderLength:") + sum(int(r[0][3]) for r in ITL_BEFORE_RESET.records)
    assert total == ITL_BEFORE_RESET.number("Length of ITL file:")


def _seed_record(dump, index):
    return {row[0]: row for row in dump.records[index]}


@pytest.mark.parametrize("index, common_name, key_size", [
    (2, "CAPF-75638ad9", 1024),  # 439
    (3, "test10pub.joemar2.lab", 1024),  # 455
    (5, "test10sub.joemar2.lab", 2048),  # 713
])
def test_hash_only_records_match_seed_lengths_exactly(index, common_name, key_size):
    seed = _seed_record(ITL_BEFORE_RESET, index)
    identity = pki.new_identity(common_name, key_size=key_size, **SEED_DN)
    spec = RecordSpec(tf.FUNCTION_CODES[seed[4][3]], dns_name="\x00", cert=identity,
                      hash_only=True, ip=None)
    data = tf.build_record(spec)
    assert struct.unpack(">H", data[3:5])[0] == int(seed[1][3])
    built = _parse_single_record(data)
    assert built.tags == [row[0] for row in ITL_BEFORE_RESET.records[index]]
    assert built.lengths[1:] == [row[2] for row in ITL_BEFORE_RESET.records[index][1:]]
    assert built.hash_algorithm == tf.DIGEST_SHA1
    assert built.cert_hash == hashlib.sha1(identity.cert.public_bytes(serialization.Encoding.DER)).digest()


def test_full_records_match_seed_shape_and_lengths(seed_pub):
    callmanager, recovery = seed_pub
    for index, identity in ((0, callmanager), (4, recovery)):
        seed = ITL_BEFORE_RESET.records[index]
        spec = RecordSpec(tf.FUNCTION_SAST, dns_name="\x00", cert=identity, ip=None)
        built = _parse_single_record(tf.build_record(spec))
        assert built.tags == [row[0] for row in seed]
        lengths = built.lengths[1:]
        assert lengths[:-1] == [row[2] for row in seed[1:-1]]
        # Only the certificate's DER size differs (1115 with a 684-byte DER, 1141 with 692).
        assert built.length - lengths[-1] == int(seed[0][3]) - seed[-1][2]


def test_placeholder_record_is_33_bytes_for_a_12_character_ip():
    spec = RecordSpec(tf.FUNCTION_CCM_TFTP, dns_name="10.48.47.155", cert=None, ip="10.48.47.155")
    built = _parse_single_record(tf.build_record(spec))
    assert built.length == 33  # trust-file-format S5
    assert built.tags == [1, 2, 4, 10]


def test_etoken_record_shape_matches_seed():
    ca = pki.etoken_ca()
    token = pki.new_etoken_identities(1, ca=ca)[0]
    spec = RecordSpec(tf.FUNCTION_SAST, dns_name="", cert=token, include_signature=False)
    built = _parse_single_record(tf.build_record(spec))
    seed = TWO_ETOKENS.records[0]
    assert built.tags == [row[0] for row in seed]  # no 8 SIGNATURE
    lengths = built.lengths[1:]
    seed_lengths = [row[2] for row in seed[1:]]
    assert lengths[:-2] == seed_lengths[:-2]  # DNSNAME 1, names 56/42, serial 10, key 140
    assert built.length - lengths[-2] == int(seed[0][3]) - seed_lengths[-2]  # 1186 with DER 902


def test_serial_with_top_bit_set_has_no_sign_byte():
    """Seed 002: eToken serial 83:E9:08:00:00:00:55:45:AF:31 is stored in 10 bytes (DER: 11)."""
    token = pki.new_identity("SAST-ADN008580ef", key_size=1024, serial=0x83E9080000005545AF31)
    data = tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=token)], token, "CTLFile.tlv")
    parsed = tf.parse_trust_file(data)
    assert parsed.signer_serial == bytes.fromhex("83E9080000005545AF31")
    assert parsed.records[0].serial == parsed.signer_serial
    assert tf.verify_trust_file(data)


# --- failures --------------------------------------------------------------------------------


def test_signer_must_be_a_sast_record(seed_pub):
    callmanager, recovery = seed_pub
    with pytest.raises(tf.TrustFileError, match="SAST"):
        tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=callmanager)], recovery, "ITLFile.tlv")
    with pytest.raises(tf.TrustFileError, match="SAST"):
        tf.build_trust_file([RecordSpec(tf.FUNCTION_CCM_TFTP, cert=callmanager)], callmanager,
                            "ITLFile.tlv")


@pytest.mark.parametrize("where", ["body", "signature", "filename", "signer_name"])
def test_tampering_breaks_verification(multi_record_file, where):
    parsed = tf.parse_trust_file(multi_record_file)
    offset = {
        "body": parsed.header_length + 40,
        "signature": parsed.signature_offset + 3 + 5,
        "filename": multi_record_file.index(b"ITLFile.tlv"),
        "signer_name": multi_record_file.index(b"CN=test10pub") + 4,
    }[where]
    data = bytearray(multi_record_file)
    data[offset] ^= 0x01
    assert tf.verify_trust_file(bytes(data)) is False


def test_corrupt_lengths_raise_on_parse_and_fail_verification(multi_record_file):
    parsed = tf.parse_trust_file(multi_record_file)
    first = parsed.header_length
    cases = {
        "truncated": multi_record_file[:-1],
        "record too long": multi_record_file[: first + 3] + b"\xff\xff" + multi_record_file[first + 5:],
        "header length": multi_record_file[:8] + struct.pack(">H", parsed.header_length + 4)
        + multi_record_file[10:],
        "signer id": multi_record_file[:11] + b"\x00\x10" + multi_record_file[13:],
        "not a trust file": os.urandom(64),
    }
    for name, data in cases.items():
        with pytest.raises(tf.TrustFileError):
            tf.parse_trust_file(data)
        assert tf.verify_trust_file(data) is False, name


def test_verify_never_raises_on_garbage():
    for data in (b"", b"\x01", bytes(50), b"\x01\x00\x02\x01\x02\x02\x00\x02\x00\x0a"):
        assert tf.verify_trust_file(data) is False


def test_file_without_signer_record_does_not_verify(seed_pub):
    callmanager, recovery = seed_pub
    data = tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=callmanager)], callmanager,
                               "ITLFile.tlv")
    # Same header, the signer's record swapped for another certificate's.
    parsed = tf.parse_trust_file(data)
    other = tf.build_record(RecordSpec(tf.FUNCTION_SAST, cert=recovery))
    assert tf.verify_trust_file(data[: parsed.header_length] + other) is False


def _parse_single_record(record_bytes):
    """A record parsed through the real parser (appended to a minimal signed file)."""
    signer = _envelope_signer()
    envelope = tf.build_trust_file([RecordSpec(tf.FUNCTION_SAST, cert=signer)], signer, "X")
    return tf.parse_trust_file(envelope + record_bytes).records[-1]


@functools.lru_cache(maxsize=1)
def _envelope_signer():
    return pki.new_identity("envelope", key_size=1024)
