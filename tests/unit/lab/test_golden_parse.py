"""Golden test: the collection's `show itl` / `show ctl` parsers read back exactly what the lab's
trust files contain.

For every release profile, self-signed and CA-signed, with hash-only and with full-certificate
TVS/CAPF records in the ITLs (--itl-record-form), the lab builds the files, renders the CLI text
from the bytes (render.py, plain and wrapped, and in every trust-list style the lab offers), and
the collection parses that text. The
expected values are computed independently from the bytes with the lab's binary parser
(trustfile.py): checksums, lengths, header rows, signer, every record's rows, the certificate
SHA-1 of the DER, the "etoken" sentence, and the verification result. The sizes the printed
rows add up to (trust_list_sizes) must match what the text prints, too.
"""

import datetime
import functools
import hashlib
import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_show_ctl,
    parse_show_itl,
    trust_list_size_errors,
)
from ansible_collections.cucm.trust.plugins.module_utils.parsers.trust_list_sizes import trust_list_sizes
from cucm_lab import bootstrap, pki, render, trustbuild
from cucm_lab import trustfile as tf
from cucm_lab.model import CTL_FILE, ITL_FILE, ITL_RECORD_FORMS, SECURITY_MODE_MIXED, StoredFile
from cucm_lab.releases import PROFILES

RELEASES = sorted(PROFILES, key=lambda key: (PROFILES[key].major, PROFILES[key].minor))
SIGNING = ("self_signed", "ca_signed")
WRAPS = (False, True)
FORMS = ITL_RECORD_FORMS  # certhash, full: both on every release (the seeds show certhash pre-12)
# Every trust-list style choice the lab offers, one at a time (render.TrustListStyle).
STYLES = [{"issuer_tag": tag} for tag in render.ISSUER_TAGS] + [
    {"checksum_space": True}, {"version_layout": "tab"}, {"version_layout": "space"},
    {"record_heading_indent": 0}, {"rules": "long"}, {"wrap_width": 20}, {"wrap_width": 47},
    {"issuer_tag": "ISSUERNAM", "checksum_space": True, "version_layout": "tab", "rules": "long",
     "record_heading_indent": 0, "wrap_width": 120},
]
SEED_FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "seeds")

# Header tag -> the parser's key; containers report their length (printed as VALUE).
HEADER_KEYS = {
    tf.H_SIGNER_ID: "signer_id",
    tf.H_SIGNER_NAME: "signer_name",
    tf.H_SERIAL_NUMBER: "serial_number",
    tf.H_CA_NAME: "ca_name",
    tf.H_SIGNATURE_INFO: "signature_info",
    tf.H_DIGEST_ALGORITHM: "digest_algorithm",
    tf.H_SIGNATURE_ALGO_INFO: "signature_algo_info",
    tf.H_SIGNATURE_ALGORITHM: "signature_algorithm",
    tf.H_SIGNATURE_MODULUS: "signature_modulus",
    tf.H_SIGNATURE: "signature",
    tf.H_FILENAME: "filename",
    tf.H_TIMESTAMP: "timestamp",
}


# -- the lab side ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def lab_cluster(release, signing, form=None):
    """A 2-node mixed-mode cluster (ITL on both nodes, CTL), 1024-bit keys to stay fast; `form`:
    the ITL record form (None: the release's)."""
    return bootstrap.create_cluster(
        "gold", release, 2, key_size=1024, ca_signed=signing == "ca_signed",
        security_mode=SECURITY_MODE_MIXED, itl_record_form=form,
    )


def stored(cluster, data):
    return StoredFile(data=data, mtime=cluster.clock.now())


@functools.lru_cache(maxsize=None)
def trust_files(release, signing, form=None):
    """[(id, "itl"|"ctl", StoredFile)]: each node's ITL, the mixed-mode CTL, the non-secure CTL
    (certificate-less placeholders), and an eToken CTL where the release supports tokens."""
    cluster = lab_cluster(release, signing, form)
    files = [("itl-" + node.hostname, "itl", node.tftp_files[ITL_FILE]) for node in cluster.nodes]
    files.append(("ctl-mixed", "ctl", cluster.publisher.tftp_files[CTL_FILE]))
    files.append(("ctl-non-secure", "ctl",
                  stored(cluster, trustbuild.build_ctl(cluster, mode=trustbuild.MODE_NON_SECURE))))
    if cluster.release.supports_hardware_etoken:
        tokens = pki.new_etoken_identities(2)
        files.append(("ctl-etoken", "ctl", stored(cluster, trustbuild.build_ctl(cluster, etokens=tokens))))
    return files


def corrupted_itl(release, signing, form=None):
    """The publisher's ITL with one signature byte flipped: still parses, no longer verifies."""
    cluster = lab_cluster(release, signing, form)
    good = cluster.publisher.tftp_files[ITL_FILE]
    offset = tf.parse_trust_file(good.data).signature_offset + 3  # first signature byte
    data = bytearray(good.data)
    data[offset] ^= 0xFF
    return StoredFile(data=bytes(data), mtime=good.mtime)


def parse(kind, text):
    return parse_show_itl(text) if kind == "itl" else parse_show_ctl(text)


def render_text(kind, stored_file, wrap, style=None):
    renderer = render.render_show_itl if kind == "itl" else render.render_show_ctl
    return renderer(stored_file, wrap=wrap, style=style)


# -- the expected side: straight from the bytes -------------------------------------------------


def serial_text(value):
    return ":".join("%02X" % byte for byte in value)


def expected_header(parsed):
    header = dict((key + "_length", None) for key in HEADER_KEYS.values())
    header["tags"] = []
    for tag, length, _value in parsed.header_tlvs:
        if tag in HEADER_KEYS:
            header["tags"].append(tag)
            header[HEADER_KEYS[tag] + "_length"] = length
    return header


def expected_record(index, record, signers):
    function = tf.FUNCTION_NAMES[record.function]
    certificate = record.certificate
    hash_algorithm = record.hash_algorithm
    return {
        "index": index + 1,
        "length": record.length,
        "dns_name": record.dns_name,
        "subject": record.subject,
        "function": function,
        "issuer": record.issuer,
        "serial": serial_text(record.serial) if record.serial is not None else None,
        "public_key_length": record.public_key_length,
        "signature_length": record.signature_length,
        "certificate_length": record.length_of(tf.R_CERTIFICATE),
        "certificate_sha1": hashlib.sha1(certificate).hexdigest() if certificate is not None else None,
        "cert_hash": record.cert_hash.hex() if record.cert_hash is not None else None,
        "hash_algorithm": tf.DIGEST_NAMES[hash_algorithm] if hash_algorithm is not None else None,
        "signer": (index in signers) if record.function == tf.FUNCTION_SAST else None,
        "tags": record.tags,
        "lengths": dict((render.RECORD_NAMES[tag], length) for tag, length, _value in record.tlvs),
    }


def expected_show(stored_file):
    """What parse_show_itl / parse_show_ctl must return for the rendering of `stored_file`.
    A file that fails verification is only made for ITLs here (seed 000 has their wording)."""
    data = stored_file.data
    parsed = tf.parse_trust_file(data)
    verified = tf.verify_trust_file(parsed)
    signers = set(tf.signer_record_indexes(parsed))
    return {
        "present": True,
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        "length": len(data),
        "last_modified": stored_file.mtime.strftime("%a %b %d %H:%M:%S %Z %Y"),
        "version": parsed.version,
        "header_length": parsed.header_length,
        "header": expected_header(parsed),
        "signer": {
            "name": parsed.signer_name,
            "serial": serial_text(parsed.signer_serial),
            "ca_name": parsed.ca_name,
        },
        "signature_hex": parsed.signature.hex(),
        "records": [expected_record(index, record, signers) for index, record in enumerate(parsed.records)],
        "verified": verified,
        "errors": [] if verified else seed_itl_failure_lines(),
    }


@functools.lru_cache(maxsize=None)
def seed_itl_failure_lines():
    """The two lines a failed `show itl` prints, as seed 000 shows them."""
    with io.open(os.path.join(SEED_FIXTURES, "000_ja_show_itl_failed.txt"), encoding="utf-8") as handle:
        return [" ".join(line.split()) for line in handle.read().splitlines() if line.strip()]


# -- tests --------------------------------------------------------------------------------------


def golden_cases():
    for release in RELEASES:
        for signing in SIGNING:
            for form in FORMS:
                for wrap in WRAPS:
                    yield pytest.param(release, signing, form, wrap, id="%s-%s-%s-%s" % (
                        release, signing, form, "wrapped" if wrap else "plain"))


@pytest.mark.parametrize("release, signing, form, wrap", list(golden_cases()))
def test_parser_reads_back_every_lab_trust_file(release, signing, form, wrap):
    files = trust_files(release, signing, form)
    itl = tf.parse_trust_file(files[0][2].data)
    hashed = [r for r in itl.records if r.function in (tf.FUNCTION_TVS, tf.FUNCTION_CAPF)]
    assert hashed and all((r.cert_hash is not None) == (form == "certhash") for r in hashed)
    assert {"itl-gold-pub", "itl-gold-sub1", "ctl-mixed", "ctl-non-secure"} <= set(entry[0] for entry in files)
    for name, kind, stored_file in files:
        text = render_text(kind, stored_file, wrap)

        parsed = parse(kind, text)

        assert parsed == expected_show(stored_file), name
        assert parsed["verified"] is True, name
        assert trust_list_size_errors(parsed) == [], name


@pytest.mark.parametrize("release, signing, form, wrap", list(golden_cases()))
def test_printed_sizes_add_up_on_lab_output(release, signing, form, wrap):
    for name, kind, stored_file in trust_files(release, signing, form):
        parsed = parse(kind, render_text(kind, stored_file, wrap))

        sizes = trust_list_sizes(parsed)

        binary = tf.parse_trust_file(stored_file.data)
        assert sizes["header_length"] == binary.header_length, name
        assert sizes["record_lengths"] == [record.length for record in binary.records], name
        assert sizes["length"] == len(stored_file.data), name
        assert sizes["signer_id_length"] == parsed["header"]["signer_id_length"], name
        assert sizes["signature_info_length"] == parsed["header"]["signature_info_length"] == 15, name
        assert sizes["signature_algo_info_length"] == parsed["header"]["signature_algo_info_length"] == 8, name


@pytest.mark.parametrize("release", RELEASES)
def test_non_secure_ctl_placeholders_are_read(release):
    """CCM+TFTP records without a certificate: RECORDLENGTH, DNSNAME (the IP), FUNCTION, IPADDRESS."""
    cluster = lab_cluster(release, "self_signed")
    files = dict((entry[0], entry[2]) for entry in trust_files(release, "self_signed"))

    parsed = parse_show_ctl(render_text("ctl", files["ctl-non-secure"], False))

    placeholders = [record for record in parsed["records"] if record["certificate_sha1"] is None]
    assert [record["dns_name"] for record in placeholders] == [node.ip for node in cluster.nodes]
    for record in placeholders:
        assert record["function"] == "CCM+TFTP"
        assert record["tags"] == [tf.R_RECORD_LENGTH, tf.R_DNS_NAME, tf.R_FUNCTION, tf.R_IP_ADDRESS]
        assert record["length"] == 5 + (3 + len(record["dns_name"]) + 1) + (3 + 2) + (3 + 4)
        assert record["subject"] is None and record["serial"] is None


@pytest.mark.parametrize("style", STYLES, ids=lambda style: ",".join("%s=%s" % item for item in style.items()))
@pytest.mark.parametrize("release, form", [("10.5", "certhash"), ("12.5", "full"), ("15", "certhash")])
def test_parser_reads_back_every_trust_list_style(release, form, style):
    """Every layout the lab can print (the seeds' variants) reads back to the same values."""
    chosen = render.DEFAULT_STYLE.with_overrides(style)
    for wrap in WRAPS:
        for name, kind, stored_file in trust_files(release, "self_signed", form):
            parsed = parse(kind, render_text(kind, stored_file, wrap, chosen))
            assert parsed == expected_show(stored_file), (name, wrap)
            assert trust_list_size_errors(parsed) == [], (name, wrap)


@pytest.mark.parametrize("release", [key for key in RELEASES if PROFILES[key].supports_hardware_etoken])
def test_etoken_ctl_is_signed_by_its_first_token(release):
    files = dict((entry[0], entry[2]) for entry in trust_files(release, "self_signed"))

    parsed = parse_show_ctl(render_text("ctl", files["ctl-etoken"], True))

    tokens = [record for record in parsed["records"] if (record["subject"] or "").startswith('cn="SAST-ADN')]
    assert [token["signer"] for token in tokens] == [True, False]
    assert [token["dns_name"] for token in tokens] == ["", ""]
    assert all(token["signature_length"] is None for token in tokens)  # no SIGNATURE row
    assert parsed["signer"]["name"] == tokens[0]["subject"]
    assert parsed["signer"]["ca_name"] == pki.ETOKEN_CA_TEXT
    assert parsed["verified"] is True


@pytest.mark.parametrize("release, signing, form, wrap", list(golden_cases()))
def test_corrupted_itl_reads_as_not_verified(release, signing, form, wrap):
    bad = corrupted_itl(release, signing, form)
    text = render_text("itl", bad, wrap)

    parsed = parse_show_itl(text)

    assert parsed == expected_show(bad)
    assert parsed["verified"] is False
    assert len(parsed["errors"]) == 2
    assert trust_list_size_errors(parsed) == []  # the sizes are intact, only the signature is not


@pytest.mark.parametrize("release", RELEASES)
def test_unparsable_itl_keeps_checksums_and_failure(release):
    """A file cut in the middle of its header: the CLI prints the checksums and the failure only."""
    good = lab_cluster(release, "self_signed").publisher.tftp_files[ITL_FILE]
    cut = StoredFile(data=good.data[:40], mtime=good.mtime)

    parsed = parse_show_itl(render_text("itl", cut, False))

    assert parsed["md5"] == hashlib.md5(cut.data).hexdigest()
    assert parsed["sha1"] == hashlib.sha1(cut.data).hexdigest()
    assert parsed["length"] == 40
    assert parsed["header_length"] is None and parsed["records"] == []
    assert parsed["verified"] is False
    assert parsed["errors"] == seed_itl_failure_lines()


def test_missing_ctl_reads_as_absent():
    parsed = parse_show_ctl(render.render_show_ctl(None))

    assert parsed["present"] is False
    assert parsed["length"] == 0
    assert parsed["verified"] is False
    assert parsed["errors"][0].startswith("CTL File not found.")


def test_last_modified_is_the_files_mtime():
    cluster = lab_cluster("12.5", "self_signed")
    itl = cluster.publisher.tftp_files[ITL_FILE]

    parsed = parse_show_itl(render.render_show_itl(itl))

    printed = datetime.datetime.strptime(parsed["last_modified"], "%a %b %d %H:%M:%S UTC %Y")
    assert printed == itl.mtime.replace(tzinfo=None, microsecond=0)
