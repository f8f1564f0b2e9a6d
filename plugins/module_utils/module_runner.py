# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``main()`` every cucm.trust module shares: build the module, do the work, report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CliError
from ansible_collections.cucm.trust.plugins.module_utils.failures import TaskFailed, fail


def run_module(argument_spec, work, **module_options):
    """``work(module)`` returns the result dict; CliError and TaskFailed become a failure
    naming the command and what CUCM said."""
    module_options.setdefault("supports_check_mode", True)
    module = AnsibleModule(argument_spec=argument_spec, **module_options)
    try:
        result = work(module)
    except (CliError, TaskFailed) as exc:
        fail(module, exc)
        return
    module.exit_json(**result)
