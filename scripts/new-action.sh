#!/usr/bin/env bash
# Write plugins/action/<module>.py, the action plugin every CUCM-facing module needs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
for module in "$@"; do
    cat >"$ROOT/plugins/action/$module.py" <<PY
# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.plugin_utils.cucm_action import CucmActionModule


class ActionModule(CucmActionModule):
    """Runs cucm.trust.$module over the persistent network_cli connection."""
PY
done
