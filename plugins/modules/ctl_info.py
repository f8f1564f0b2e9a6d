#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ctl_info
short_description: Read the CTL file and the cluster security mode of a CUCM node
version_added: 0.1.0
author: cucm.trust maintainers (@cucm-trust)
description:
  - Runs C(show ctl) and reads the C(ClusterSecurityMode) enterprise parameter with C(run sql).
  - In mixed mode every node must hold the same CTL (same checksum), signed by the publisher's
    CallManager certificate before CUCM 12.0 or its ITLRecovery certificate from 12.0 (tokenless),
    or by a hardware eToken.
  - A CTL file present while the cluster is non-secure is stale (the cluster was in mixed mode once);
    it is reported as C(summary.stale).
options: {}
extends_documentation_fragment:
  - cucm.trust.attributes
  - cucm.trust.attributes.INFO_MODULE
  - cucm.trust.cucm
seealso:
  - module: cucm.trust.itl_info
  - plugin: cucm.trust.parse_show_ctl
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Read CTL and security mode
  cucm.trust.ctl_info:
  register: ctl

- name: Report a stale CTL
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} keeps a CTL although the cluster is non-secure"
  when: ctl.summary.stale
"""

RETURN = r"""
ctl:
  description: The parsed C(show ctl) output, as returned by the C(cucm.trust.parse_show_ctl) filter.
  returned: success
  type: dict
security_mode:
  description: C(mixed) or C(non_secure), from the C(ClusterSecurityMode) enterprise parameter.
  returned: success
  type: str
  sample: mixed
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
      description: The signing record (C(unit) is C(CallManager), C(ITLRecovery) or C(eToken)).
      type: dict
    expected_signer_unit:
      description: Tokenless signer the release predicts (C(CallManager) before 12.0, C(ITLRecovery) from 12.0).
      type: str
    tokenless:
      description: True when no hardware eToken records are present.
      type: bool
    stale:
      description: True when a CTL file is present while the cluster is non-secure.
      type: bool
    etokens:
      description: Hardware eToken SAST records.
      type: list
      elements: dict
release:
  description: Active CUCM version of the node.
  returned: success
  type: str
stdout_lines:
  description: What the CLI printed for C(show ctl).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.cucm.trust.plugins.module_utils.cucm import run_module
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import ctl_facts


def main():
    run_module({}, lambda module: dict(ctl_facts(module), changed=False))


if __name__ == "__main__":
    main()
