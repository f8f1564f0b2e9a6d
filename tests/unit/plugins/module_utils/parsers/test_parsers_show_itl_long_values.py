# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""parse_show_itl on hex values continued over very many lines.

The parser once re-read every byte printed so far for each new line of a hex value (quadratic:
an 8 KB signature took seconds). These tests pin the results on such values, and that the byte
count still stops a value at LENGTH; they do not time anything.
"""

import random

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import ParserError, parse_show_itl


def _random_bytes(count, seed):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _index in range(count))


def _signature_lines(data):
    """`%x` without leading zeros, 8 a line, as CUCM prints the header signature."""
    return ["  ".join("%x" % byte for byte in data[i:i + 8]) for i in range(0, len(data), 8)]


def _hash_lines(data):
    """Upper-case, 16 bytes a line, as a wrapped CERTHASH prints."""
    return [" ".join("%02X" % byte for byte in data[i:i + 16]) for i in range(0, len(data), 16)]


def _show_itl(signature_rows, record_rows=()):
    lines = [
        "admin:show itl",
        "Length of ITL file: 99999",
        "\tParse ITL File",
        "Version:\t1.2",
        "HeaderLength:\t9999 (BYTES)",
        "BYTEPOS\tTAG\t\tLENGTH\tVALUE",
    ]
    lines += list(signature_rows)
    lines += ["14\tFILENAME\t12\t", "15\tTIMESTAMP\t4\t"]
    if record_rows:
        lines += ["", "\tITL Record #:1", "BYTEPOS\tTAG\t\tLENGTH\tVALUE", "1\tRECORDLENGTH\t2\t9999"]
        lines += list(record_rows)
    lines += ["", "The ITL file was verified successfully.", "admin:"]
    return "\n".join(lines) + "\n"


def test_signature_of_8192_bytes_over_1024_lines():
    signature = _random_bytes(8192, 1)
    text = _show_itl(["12\tSIGNATURE\t8192\t"] + _signature_lines(signature))

    parsed = parse_show_itl(text)

    assert parsed["signature_hex"] == signature.hex()
    assert parsed["header"]["signature_length"] == 8192
    assert parsed["header"]["tags"] == [12, 14, 15]
    assert parsed["verified"] is True


def test_signature_missing_its_last_byte_reads_as_none():
    signature = _random_bytes(8192, 2)
    text = _show_itl(["12\tSIGNATURE\t8193\t"] + _signature_lines(signature))

    assert parse_show_itl(text)["signature_hex"] is None


def test_hex_line_after_a_complete_signature_is_not_taken():
    signature = _random_bytes(4096, 3)
    lines = ["12\tSIGNATURE\t4096\t"] + _signature_lines(signature) + ["1  2  3"]
    text = _show_itl(lines)

    with pytest.raises(ParserError) as caught:
        parse_show_itl(text)

    assert str(caught.value) == "unexpected line in show itl output at line %d: '1  2  3'" % (6 + len(lines))


def test_signature_row_with_a_value_that_is_not_hex_takes_every_hex_line():
    # The bytes are never counted (the row's own value is no hex byte), so the lines below are
    # all taken, and the row fails as a whole.
    text = _show_itl(["12\tSIGNATURE\t8\tzz"] + _signature_lines(_random_bytes(64, 4)))

    with pytest.raises(ParserError) as caught:
        parse_show_itl(text)

    assert caught.value.reason.startswith("SIGNATURE row is followed by something that is not hex bytes: 'zz ")
    assert caught.value.line_number == 7


def test_cert_hash_of_4096_bytes_over_256_lines():
    digest = _random_bytes(4096, 5)
    pieces = _hash_lines(digest)
    rows = ["11\tCERTHASH\t4096\t" + pieces[0]] + ["\t\t\t\t" + piece for piece in pieces[1:]]
    text = _show_itl(["12\tSIGNATURE\t8\t", "1  2  3  4  5  6  7  8"], rows + ["12\tHASH ALGORITHM\t1\tSHA-1"])

    (record,) = parse_show_itl(text)["records"]

    assert record["cert_hash"] == digest.hex()
    assert record["hash_algorithm"] == "SHA-1"
    assert record["lengths"] == {"RECORDLENGTH": 2, "CERTHASH": 4096, "HASH ALGORITHM": 1}


def test_certificate_sha1_continued_until_its_marker():
    # Hex lines continue a certificate's SHA-1 until "(SHA1 Hash HEX)"; 2000 of them make no
    # 20-byte SHA-1. The error quotes the row itself (line 15).
    pieces = _hash_lines(_random_bytes(2000 * 16, 6))
    rows = ["9\tCERTIFICATE\t684\t" + pieces[0]] + pieces[1:] + ["(SHA1 Hash HEX)"]
    text = _show_itl(["12\tSIGNATURE\t8\t", "1  2  3  4  5  6  7  8"], rows)

    with pytest.raises(ParserError) as caught:
        parse_show_itl(text)

    assert caught.value.reason.startswith("CERTIFICATE row needs the 20-byte SHA-1 of the certificate, got '")
    assert caught.value.reason.endswith(" (SHA1 Hash HEX)'")
    assert caught.value.line_number == 15
