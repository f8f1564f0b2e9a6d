#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: trust_file_info
short_description: Fetch the ITL and CTL a TFTP node serves to phones, verify them, and compare them with the CLI
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Downloads C(ITLFile.tlv) and C(CTLFile.tlv) the way phones fetch them, over HTTP from the node's TFTP HTTP port
    (C(http://<node>:6970/<file>)), from the controller.
  - Reads each binary file (header, signer, records), checks its RSA signature against the SAST record the header
    names, and compares it field by field with what C(show itl) / C(show ctl) print on the same node - checksum,
    length, signer, every record's function, names, serial number and certificate hash. Two independent channels -
    a file that the CLI does not describe, or that does not verify, is reported with the byte offset of what is wrong.
  - A CTL that is absent on both channels (non-secure mode) is not a problem; a file that only one channel has is.
  - On a node where Cisco Tftp is not activated nothing is fetched (status C(not_tftp)) unless I(only_tftp=false).
  - Reads only; runs normally in check mode.
options:
  files:
    description: Which files to fetch and check.
    type: list
    elements: str
    choices: [itl, ctl]
    default: [itl, ctl]
  tftp_host:
    description:
      - Address of the node's TFTP HTTP service. Default - the inventory variable C(cucm_tftp_host), else
        C(ansible_host), else the inventory host name (the action plugin fills it in).
    type: str
  tftp_http_port:
    description:
      - TFTP HTTP port of the node. Default - the inventory variable C(cucm_tftp_http_port), else 6970.
    type: int
  timeout:
    description: Seconds for each HTTP request.
    type: int
    default: 30
  save_dir:
    description:
      - Directory on the controller where each fetched file is written under its own name (C(ITLFile.tlv),
        C(CTLFile.tlv)), for an archive. Created if missing. Nothing is written in check mode.
    type: path
  only_tftp:
    description:
      - Fetch only when Cisco Tftp is activated on the node (C(cluster_info) lists it in C(tftp_nodes)); other nodes
        serve no trust files. False - fetch anyway (a node that does not answer is then a problem).
    type: bool
    default: true
  fail_on_problem:
    description:
      - Fail the task when a file cannot be fetched, cannot be read, does not verify, or disagrees with the CLI.
        False - return the problems (C(problems)) and succeed, for an audit that reports findings.
    type: bool
    default: true
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
notes:
  - The HTTP port is plain HTTP on CUCM (phones fetch these files unauthenticated); the files are signed, which is
    what this module checks. Nothing secret is sent.
seealso:
  - module: cucm.trust.itl_info
  - module: cucm.trust.ctl_info
"""

EXAMPLES = r"""
- name: Check what every TFTP node serves to phones against what its CLI says
  cucm.trust.trust_file_info:
  register: trust_files

- name: Keep the binaries for the archive, report instead of failing
  cucm.trust.trust_file_info:
    save_dir: "/var/lib/cucm-audit/{{ inventory_hostname }}"
    fail_on_problem: false
  register: trust_files
"""

RETURN = r"""
files:
  description: One entry per requested file, by kind (C(itl), C(ctl)).
  returned: success
  type: dict
  contains:
    name:
      description: File name fetched.
      type: str
      sample: ITLFile.tlv
    url:
      description: URL fetched.
      type: str
      sample: http://cucm-pub:6970/ITLFile.tlv
    status:
      description:
        - C(fetched), C(absent) (HTTP 404), C(http_error) (another HTTP status), C(unreachable) (no answer) or
          C(not_tftp) (Cisco Tftp is not activated on the node; nothing fetched).
      type: str
    http_status:
      description: HTTP status code, or null without an answer.
      type: int
    server_time:
      description: The node's clock, from the HTTP C(Date) header (ISO 8601 UTC), or null.
      type: str
    size:
      description: Bytes fetched.
      type: int
    sha1:
      description: SHA-1 of the fetched file (lower-case hex), what C(show itl) / C(show ctl) call the checksum.
      type: str
    md5:
      description: MD5 of the fetched file.
      type: str
    parsed:
      description:
        - The binary file read - C(version), C(header_length), C(signer), C(digest), C(signature), C(filename),
          C(timestamp), C(records) (each with C(index), C(offset), C(function), C(subject), C(issuer), C(serial),
          C(certificate_sha1), C(certificate_offset), C(not_before), C(not_after) ...). Null when the file could not
          be read.
      type: dict
    error:
      description: Why the file could not be read, with the byte offset. Null when it was read.
      type: str
    verification:
      description: C(verified), C(signer_record), C(digest), C(reason) and C(offset) (of what failed).
      type: dict
    cli_present:
      description: Whether C(show itl) / C(show ctl) shows the file on the node.
      type: bool
    differences:
      description:
        - Where the binary and the CLI disagree - C(what), C(record), C(offset) (byte offset in the binary),
          C(binary), C(cli) and C(message).
      type: list
      elements: dict
    agrees:
      description: Read, verified (when present) and no difference with the CLI - or absent on both channels.
      type: bool
    saved_path:
      description: Where the file was written on the controller (I(save_dir)), or null.
      type: str
cluster:
  description: What M(cucm.trust.cluster_info) returns for the node (C(local), C(publisher), C(tftp_nodes) ...).
  returned: success
  type: dict
tftp:
  description: Whether Cisco Tftp is activated on the node.
  returned: success
  type: bool
problems:
  description: One sentence per problem found, naming the file and, where known, the byte offset.
  returned: success
  type: list
  elements: str
  sample:
    - "ITLFile.tlv: record 3 certificate hash differs, certificate at byte offset 1862: binary '4f..', CLI 'a1..'"
itl:
  description: What M(cucm.trust.itl_info) returns for the node (the CLI channel), when C(itl) is requested.
  returned: success
  type: dict
ctl:
  description: What M(cucm.trust.ctl_info) returns for the node (the CLI channel), when C(ctl) is requested.
  returned: success
  type: dict
"""

from ansible_collections.cucm.trust.plugins.module_utils._trust_file_fetch import check_files
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, run_module

ARGUMENT_SPEC = dict(
    files=dict(type="list", elements="str", choices=["itl", "ctl"], default=["itl", "ctl"]),
    tftp_host=dict(type="str"),
    tftp_http_port=dict(type="int"),
    timeout=dict(type="int", default=30),
    save_dir=dict(type="path"),
    only_tftp=dict(type="bool", default=True),
    fail_on_problem=dict(type="bool", default=True),
)


def trust_files(module):
    result = check_files(module)
    if result["problems"] and module.params["fail_on_problem"]:
        raise CucmError("the files this node serves to phones do not check out: %s" % "; ".join(result["problems"]),
                        "GET %s" % ", ".join(f["url"] for f in result["files"].values() if f["url"]), reason="trust_file",
                        **dict((k, v) for k, v in result.items() if k != "changed"))
    return result


def main():
    run_module(ARGUMENT_SPEC, trust_files)


if __name__ == "__main__":
    main()
