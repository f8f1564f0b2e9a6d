# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Do the sizes printed by ``show itl`` / ``show ctl`` add up?

Every row is one TLV of the file: a 3-byte tag + length prefix, then LENGTH bytes (containers
print LENGTH 2 and their length as VALUE). So, from the printed text alone:

* HeaderLength = VERSION 5 + HEADERLENGTH 5 + (3 + SIGNERID) + (3 + SIGNATUREINFO)
  + (3 + SIGNATURE) + (3 + FILENAME) + (3 + TIMESTAMP), padded to a multiple of 4
  (seed 001: 10 + 142 + 18 + 131 + 15 + 7 = 323 -> 324);
* SIGNERID = Σ (3 + LENGTH) of SIGNERNAME, SERIALNUMBER, CANAME; SIGNATUREINFO = (3 + DIGEST)
  + 3 + SIGNATUREALGOINFO; SIGNATUREALGOINFO = (3 + ALGORITHM) + (3 + MODULUS);
* each RECORDLENGTH = 5 + Σ (3 + LENGTH) of the record's other rows;
* Length of file = HeaderLength + Σ RECORDLENGTH (seed 001: 324 + 4978 = 5302).

A dump that does not add up lost rows or records on the way (a web copy that elides them, a
truncated capture): callers that act on a dump can refuse it. The functions take the dict
``parse_show_itl`` / ``parse_show_ctl`` return.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

_TLV_PREFIX = 3
_VERSION_AND_HEADER_LENGTH = 10  # two TLVs of 2 bytes each
_ALIGNMENT = 4


def _plus_prefix(*lengths):
    """Σ (3 + length), or None when a length is missing."""
    if any(length is None for length in lengths):
        return None
    return sum(_TLV_PREFIX + length for length in lengths)


def _header_length(header):
    rows = _plus_prefix(
        header["signer_id_length"], header["signature_info_length"], header["signature_length"],
        header["filename_length"], header["timestamp_length"],
    )
    if rows is None:
        return None
    unpadded = _VERSION_AND_HEADER_LENGTH + rows
    return unpadded + (-unpadded) % _ALIGNMENT


def _signature_info_length(header):
    digest = _plus_prefix(header["digest_algorithm_length"])
    algo_info = header["signature_algo_info_length"]
    if digest is None or algo_info is None:
        return None
    return digest + _TLV_PREFIX + algo_info


def _record_length(record):
    others = [length for name, length in record["lengths"].items() if name != "RECORDLENGTH"]
    return _TLV_PREFIX + 2 + _plus_prefix(*others)


def _file_length(parsed):
    lengths = [record["length"] for record in parsed["records"]]
    if parsed["header_length"] is None or not lengths or None in lengths:
        return None
    return parsed["header_length"] + sum(lengths)


def trust_list_sizes(parsed):
    """The sizes the printed rows add up to; None where a row they need was not printed.

    ``{header_length, signer_id_length, signature_info_length, signature_algo_info_length,
    record_lengths: [one per printed record], length}``. ``length`` uses the printed
    HeaderLength and RECORDLENGTHs (it checks that no record is missing).
    """
    header = parsed["header"]
    return {
        "header_length": _header_length(header),
        "signer_id_length": _plus_prefix(
            header["signer_name_length"], header["serial_number_length"], header["ca_name_length"]),
        "signature_info_length": _signature_info_length(header),
        "signature_algo_info_length": _plus_prefix(
            header["signature_algorithm_length"], header["signature_modulus_length"]),
        "record_lengths": [_record_length(record) for record in parsed["records"]],
        "length": _file_length(parsed),
    }


def trust_list_size_errors(parsed):
    """One message per printed size that its rows do not add up to; [] when all that can be
    checked adds up (sizes whose rows were not printed are not checked)."""
    sizes = trust_list_sizes(parsed)
    header = parsed["header"]
    pairs = [
        ("HeaderLength", parsed["header_length"], sizes["header_length"], "its rows"),
        ("SIGNERID", header["signer_id_length"], sizes["signer_id_length"], "its rows"),
        ("SIGNATUREINFO", header["signature_info_length"], sizes["signature_info_length"], "its rows"),
        ("SIGNATUREALGOINFO", header["signature_algo_info_length"], sizes["signature_algo_info_length"],
         "its rows"),
    ]
    for record, computed in zip(parsed["records"], sizes["record_lengths"]):
        pairs.append(("RECORDLENGTH of record #%s" % record["index"], record["length"], computed, "its rows"))
    pairs.append(("Length of file", parsed["length"], sizes["length"], "HeaderLength + the RECORDLENGTHs"))
    return [
        "%s is %d but %s add up to %d" % (name, printed, source, computed)
        for name, printed, computed, source in pairs
        if printed is not None and computed is not None and printed != computed
    ]
