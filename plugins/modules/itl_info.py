#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: itl_info
short_description: Read the ITL file (Identity Trust List) of a CUCM node
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(show itl) on the node and returns the parsed file and ready-to-use facts about it.
  - Each TFTP node builds its own ITL, so checksums differ between nodes; the ITLRECOVERY entry and
    the signer rule must not. Run it on every TFTP node of a cluster and compare, as
    C(playbooks/trust_report.yml) does.
  - The signer expected for the release is reported too - the node's CallManager certificate before
    CUCM 12.0, the publisher's ITLRecovery certificate from 12.0.
options: {}
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
seealso:
  - module: cucm.trust.ctl_info
  - module: cucm.trust.cluster_info
  - plugin: cucm.trust.parse_show_itl
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Read the ITL of every TFTP node
  cucm.trust.itl_info:
  register: itl

- name: Stop when the ITL does not verify
  ansible.builtin.assert:
    that:
      - itl.summary.verified
      - itl.summary.signer.unit == itl.summary.expected_signer_unit
    fail_msg: "ITL on {{ inventory_hostname }} is signed by {{ itl.summary.signer.common_name }}"

- name: Show the ITLRECOVERY certificate hash
  ansible.builtin.debug:
    msg: "{{ itl.summary.itlrecovery.certificate_sha1 }}"
"""

RETURN = r"""
itl:
  description: The parsed C(show itl) output, as returned by the C(cucm.trust.parse_show_itl) filter.
  returned: success
  type: dict
  contains:
    present:
      description: False when the CLI reports no ITL file (or a length of 0).
      type: bool
    md5:
      description: MD5 of the file as printed, lower-case hex.
      type: str
    sha1:
      description: SHA-1 of the file as printed (what phones report in C(DeviceTLInfo)), lower-case hex.
      type: str
    length:
      description: File length in bytes.
      type: int
    header_length:
      description: Header length in bytes.
      type: int
    signer:
      description: Header signer (C(name), C(serial), C(ca_name)).
      type: dict
    records:
      description: Records in file order, see the filter documentation for the keys.
      type: list
      elements: dict
    verified:
      description: True when CUCM printed that the file verified, False when it printed a failure, else null.
      type: bool
    errors:
      description: Error lines the CLI printed.
      type: list
      elements: str
summary:
  description: Facts derived from the parse.
  returned: success
  type: dict
  contains:
    size_errors:
      description:
        - Printed sizes (HeaderLength, a RECORDLENGTH, the file length) that the printed rows do not add up to, meaning
          rows were lost on the way (a truncated or garbled output); each is also reported as a warning.
      type: list
      elements: str
    signer:
      description:
        - The signing record - C(record_index), C(function), C(unit) (C(ITLRecovery), C(CallManager) or C(eToken)),
          C(common_name), C(serial), C(key_bits).
      type: dict
    expected_signer_unit:
      description: C(CallManager) before CUCM 12.0, C(ITLRecovery) from 12.0; null when the release is unknown.
      type: str
    signer_as_expected:
      description: Whether the signer's unit is the one the release predicts for a normal ITL.
      type: bool
    itlrecovery:
      description: The ITLRECOVERY_<publisher> record (C(subject), C(serial), C(certificate_sha1), ...), or null.
      type: dict
    itlrecovery_count:
      description: Number of ITLRECOVERY records (exactly one is expected).
      type: int
    key_bits:
      description: Distinct RSA key sizes of the records' public keys.
      type: list
      elements: int
    functions:
      description: Number of records per function.
      type: dict
  sample:
    signer:
      unit: ITLRecovery
      common_name: ITLRECOVERY_cucm-pub
      record_index: 1
      function: System Administrator Security Token
      key_bits: 2048
    expected_signer_unit: ITLRecovery
    signer_as_expected: true
    itlrecovery_count: 1
release:
  description: Active CUCM version of the node.
  returned: success
  type: str
  sample: 12.5.1.14900-63
stdout_lines:
  description: What the CLI printed.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils.cucm import run_module
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import itl_facts


def main():
    run_module({}, lambda module: dict(itl_facts(module), changed=False))


if __name__ == "__main__":
    main()
