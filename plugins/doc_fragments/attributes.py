# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Descriptions of the attributes every cucm.trust module documents.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying the cluster.
  diff_mode:
    description: Will return details on what has changed (or would change in C(check_mode)), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second run reports no change.
      - This assumes that the cluster has not changed in a relevant way in between.
  platform:
    description: Target OS/families that can be operated against.
    platforms: cucm
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action only reads state, so check mode runs it normally.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state.
  action_group:
    description: Use C(group/cucm.trust.cucm) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - cucm.trust.cucm
  platform:
    support: full
    platforms: cucm
"""

    # Modules that change the cluster: each one adds check_mode, diff_mode and idempotent.
    STATE_MODULE = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/cucm.trust.cucm) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - cucm.trust.cucm
  platform:
    support: full
    platforms: cucm
"""
