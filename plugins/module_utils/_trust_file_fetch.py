# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The files a TFTP node serves to phones, fetched over HTTP and checked against its CLI.

Private to cucm.trust: used by plugins/modules/trust_file_info.py only; not an API.

Phones (and this helper) fetch ``http://<node>:6970/<file>``; ``show itl`` / ``show ctl`` read the
same files on the node. Two channels that must agree: the binary is read and its signature
verified (module_utils/trust_file.py), then compared field by field with the CLI's parse.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os

try:
    from cryptography.x509 import load_der_x509_certificate
except ImportError:  # pragma: no cover - verify_trust_file reports the missing library
    load_der_x509_certificate = None

from ansible_collections.cucm.trust.plugins.module_utils.trust_file import (
    TrustFileError,
    certificate_der,
    compare_with_cli,
    parse_trust_file,
    verify_trust_file,
)
from ansible_collections.cucm.trust.plugins.module_utils._tftp_http import MAX_BYTES, base_url as tftp_base_url, fetch
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import cluster_facts
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import ctl_facts, itl_facts

FILES = (("itl", "ITLFile.tlv", itl_facts), ("ctl", "CTLFile.tlv", ctl_facts))


def check_file(module, kind, name, cli_facts, base_url):
    """One file: fetched, read, verified, compared with the CLI; ``(entry, problems)``."""
    params = module.params
    url = "%s/%s" % (base_url, name)
    cli = cli_facts[kind]
    cli_present = cli.get("present", True) is not False
    status, http_status, data, error, when = fetch(url, params["timeout"])
    entry = dict(name=name, url=url, status=status, http_status=http_status, server_time=when, size=None,
                 sha1=None, md5=None,
                 parsed=None, error=error, verification=None, cli_present=cli_present, differences=[],
                 agrees=False, saved_path=None)
    problems = []
    if status == "absent":
        entry["agrees"] = not cli_present
        if cli_present:
            problems.append("%s: the node's CLI shows the file but %s answers 404" % (name, url))
        return entry, problems
    if status != "fetched":
        problems.append("%s: %s" % (name, error))
        return entry, problems
    if len(data) > MAX_BYTES:
        problems.append("%s: %s sent more than %d bytes; not a trust file" % (name, url, MAX_BYTES))
        return entry, problems
    entry.update(size=len(data), sha1=hashlib.sha1(data).hexdigest(), md5=hashlib.md5(data).hexdigest())
    entry["saved_path"] = save(module, name, data)
    try:
        parsed = parse_trust_file(data)
    except TrustFileError as exc:
        entry["error"] = str(exc)
        problems.append("%s from %s cannot be read: %s" % (name, url, exc))
        return entry, problems
    verification = verify_trust_file(data, parsed)
    add_validity(data, parsed)
    entry.update(parsed=parsed, verification=verification)
    if not verification["verified"]:
        problems.append("%s from %s does not verify: %s" % (name, url, verification["reason"]))
    if not cli_present:
        differences = [{"what": "present", "record": None, "offset": None, "binary": True, "cli": False,
                        "message": "the node's CLI shows no %s, but %s serves one" % (name, url)}]
    else:
        differences = compare_with_cli(parsed, cli, verification)
    entry["differences"] = differences
    problems.extend("%s: %s" % (name, d["message"]) for d in differences)
    entry["agrees"] = verification["verified"] and not differences
    return entry, problems


def add_validity(data, parsed):
    """``not_before`` / ``not_after`` (ISO 8601 UTC) on each record that carries a certificate: what
    an audit needs for expiry and regeneration dates."""
    for record in parsed["records"]:
        record["not_before"] = record["not_after"] = None
        der = certificate_der(data, record)
        if der is None or load_der_x509_certificate is None:
            continue
        try:
            cert = load_der_x509_certificate(der)
        except ValueError:
            continue  # the comparison with the CLI names the record; dates are a bonus
        before = getattr(cert, "not_valid_before_utc", None) or cert.not_valid_before
        after = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after
        record["not_before"] = before.strftime("%Y-%m-%dT%H:%M:%SZ")
        record["not_after"] = after.strftime("%Y-%m-%dT%H:%M:%SZ")


def save(module, name, data):
    directory = module.params["save_dir"]
    if not directory or module.check_mode:
        return None
    if not os.path.isdir(directory):
        os.makedirs(directory)
    path = os.path.join(directory, name)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def check_files(module):
    params = module.params
    host = params["tftp_host"]
    if not host:
        module.fail_json(msg="tftp_host is not set (the cucm action plugin fills it from ansible_host)")
    base_url = tftp_base_url(host, params["tftp_http_port"])
    cluster = cluster_facts(module)
    tftp = cluster["local"]["hostname"] in cluster["tftp_nodes"]
    result = dict(changed=False, files={}, problems=[], cluster=cluster, tftp=tftp)
    for kind, name, facts in FILES:
        if kind not in params["files"]:
            continue
        if not tftp and params["only_tftp"]:
            # Cisco Tftp is not activated here: nothing is served to phones, nothing to compare.
            result["files"][kind] = dict(name=name, url=None, status="not_tftp", agrees=None)
            continue
        cli_facts = facts(module)
        result[kind] = cli_facts
        entry, problems = check_file(module, kind, name, cli_facts, base_url)
        result["files"][kind] = entry
        result["problems"].extend(problems)
    return result
