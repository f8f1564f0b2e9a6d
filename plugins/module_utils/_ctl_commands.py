# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``utils ctl set-cluster ...`` / ``utils ctl update CTLFile``: commands, outcome, restarts.

Private to cucm.trust: used by plugins/modules/security_mode.py and plugins/modules/ctl_update.py only (and its tests); not an API.

Shared by ``cucm.trust.security_mode`` and ``cucm.trust.ctl_update``. Pure functions on the
dict returned by ``parsers.parse_utils_ctl``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.release import release_tuple

MODE_COMMANDS = {
    "mixed": "utils ctl set-cluster mixed-mode",
    "non_secure": "utils ctl set-cluster non-secure-mode",
}
UPDATE_COMMAND = "utils ctl update CTLFile"

# Seed 002 (10.5): "Please Restart the TFTP and Cisco CallManager services on all nodes".
BASE_RESTARTS = ["Cisco Tftp", "Cisco CallManager"]
# cucm-cli-behaviour.md: later releases also ask for Cisco CTIManager. GUESSED: from 12.0 on
# (the reference does not say which release started); only used to predict in check mode or
# when CUCM printed no reminder at all.
CTIMANAGER_FROM = (12, 0)


def predicted_restarts(version):
    """Services CUCM is expected to ask to restart after a ``utils ctl`` change."""
    services = list(BASE_RESTARTS)
    release = release_tuple(version)
    if release is not None and release >= CTIMANAGER_FROM:
        services.append("Cisco CTIManager")
    return services


def required_restarts(services, activated):
    """``[{service, nodes}]``: each service to restart and the nodes that have it activated.

    ``activated`` is ``cluster_state.read_activated_nodes()`` output, or None when the database could not
    be read (``nodes`` is then None: unknown).
    """
    return [
        {"service": service, "nodes": None if activated is None else list(activated.get(service, []))}
        for service in services
    ]


def outcome_problem(parsed, errors):
    """``(reason, message)`` when the command did not do its job, else ``(None, None)``.

    ``errors`` are the error lines of the change (``cucm.change``). A missing completion line
    alone is not a failure: the modules verify the effect itself (ClusterSecurityMode,
    ``show ctl``), which is what matters.
    """
    if parsed["licence_refused"]:
        return "licence", (
            "CUCM refused: mixed mode needs export-controlled licensing from 11.5(1)SU3 (Smart "
            "Licensing with 'Allow export-controlled functionality'). CUCM printed: %s"
            % " / ".join(parsed["errors"]))
    if errors:
        return "cli_error", "CUCM printed: %s" % " / ".join(errors)
    return None, None
