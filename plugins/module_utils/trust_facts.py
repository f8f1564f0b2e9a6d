# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ready-to-use facts derived from a parsed ``show itl`` / ``show ctl``.

Pure Python: takes the dicts returned by the parsers, returns plain data. Used by the info
modules, the filters and the report playbook so they all agree on what "the signer" or "the
ITLRecovery entry" is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cucm.trust.plugins.module_utils.parsers import trust_list_size_errors

SAST = "System Administrator Security Token"
CALLMANAGER_FUNCTIONS = ("CCM+TFTP", "TFTP", "CCM")

# DER length of a PKCS#1 RSAPublicKey (e = 65537) for the usual modulus sizes.
_PUBLIC_KEY_DER_BITS = {74: 512, 140: 1024, 270: 2048, 526: 4096}


def common_name(dn):
    """CN of a CUCM-style name (``CN=a;OU=b``) or an eToken one (``cn="SAST-ADN.. ";ou=..``)."""
    if not dn:
        return None
    match = re.search(r'(?i)(?:^|[;,]\s*)cn="?([^";,]*)', dn)
    return match.group(1).strip() if match else None


def key_bits(public_key_length=None, signature_length=None):
    """RSA key size from a record's PUBLICKEY length or a SIGNATURE length (bytes)."""
    if public_key_length in _PUBLIC_KEY_DER_BITS:
        return _PUBLIC_KEY_DER_BITS[public_key_length]
    if signature_length:
        return signature_length * 8
    return None


def record_unit(record, records):
    """Which CUCM certificate a record holds: ITLRecovery, CallManager, TVS, CAPF or eToken."""
    cn = common_name(record.get("subject")) or ""
    function = record.get("function")
    if cn.upper().startswith("ITLRECOVERY_"):
        return "ITLRecovery"
    if cn.upper().startswith("SAST-"):
        return "eToken"
    if function in CALLMANAGER_FUNCTIONS:
        return "CallManager"
    if function == "TVS":
        return "TVS"
    if function == "CAPF":
        return "CAPF"
    if function == SAST and record.get("serial"):
        # A SAST record that also appears with a CallManager function is the CallManager cert.
        for other in records:
            if other.get("serial") == record.get("serial") and other.get("function") in CALLMANAGER_FUNCTIONS:
                return "CallManager"
    return None


def _record_view(record, records):
    return {
        "index": record.get("index"),
        "function": record.get("function"),
        "unit": record_unit(record, records),
        "subject": record.get("subject"),
        "common_name": common_name(record.get("subject")),
        "dns_name": record.get("dns_name"),
        "serial": record.get("serial"),
        "certificate_sha1": record.get("certificate_sha1"),
        "cert_hash": record.get("cert_hash"),
        "key_bits": key_bits(record.get("public_key_length")),
    }


def summarize(parsed):
    """Facts an operator asks first: who signed, the ITLRecovery entry, key sizes, counts."""
    records = parsed.get("records") or []
    signer_record = None
    for record in records:
        if record.get("signer") is True:
            signer_record = record
            break
    if signer_record is None and parsed.get("signer"):
        serial = parsed["signer"].get("serial")
        signer_record = next(
            (r for r in records if r.get("function") == SAST and r.get("serial") == serial), None
        )

    signer = None
    if parsed.get("signer") or signer_record:
        header = parsed.get("signer") or {}
        view = _record_view(signer_record, records) if signer_record else {}
        header_len = (parsed.get("header") or {}).get("signature_length")
        signer = {
            "name": header.get("name") or view.get("subject"),
            "common_name": common_name(header.get("name") or view.get("subject")),
            "serial": header.get("serial") or view.get("serial"),
            "ca_name": header.get("ca_name"),
            "record_index": view.get("index"),
            "function": view.get("function"),
            "unit": view.get("unit"),
            "key_bits": view.get("key_bits") or key_bits(signature_length=header_len),
        }

    recovery = [r for r in records if (common_name(r.get("subject")) or "").upper().startswith("ITLRECOVERY_")]
    functions = {}
    for record in records:
        name = record.get("function") or "none"
        functions[name] = functions.get(name, 0) + 1

    return {
        "present": bool(parsed.get("present")),
        "verified": parsed.get("verified"),
        "md5": parsed.get("md5"),
        "sha1": parsed.get("sha1"),
        "length": parsed.get("length"),
        "record_count": len(records),
        "functions": functions,
        "signer": signer,
        "itlrecovery": _record_view(recovery[0], records) if recovery else None,
        "itlrecovery_count": len(recovery),
        "callmanager": [_record_view(r, records) for r in records if r.get("function") in CALLMANAGER_FUNCTIONS and r.get("subject")],
        "tvs": [_record_view(r, records) for r in records if r.get("function") == "TVS"],
        "capf": [_record_view(r, records) for r in records if r.get("function") == "CAPF"],
        "etokens": [_record_view(r, records) for r in records if record_unit(r, records) == "eToken"],
        "placeholders": [r.get("index") for r in records if not r.get("subject")],
        "key_bits": sorted(set(b for b in (key_bits(r.get("public_key_length")) for r in records) if b)),
        "errors": list(parsed.get("errors") or []),
        # Printed sizes that do not add up: rows or records were lost (a truncated capture).
        "size_errors": trust_list_size_errors(parsed) if parsed.get("header") else [],
    }
