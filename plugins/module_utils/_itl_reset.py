# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bulk ITL reset (``utils itl reset localkey|remotekey``): what to type, and what it did.

Private to cucm.trust: used by plugins/modules/itl_reset.py only (and its tests); not an API.

Pure functions on parsed data (``parsers.parse_itl_reset``, ``trust_facts.summarize``); the
module ``cucm.trust.itl_reset`` does the I/O. Background: cucm-trust-primer.md section 4.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils import questions
from ansible_collections.cucm.trust.plugins.module_utils.release import (
    itl_signer_unit,
    reset_itl_signer_unit,
)

TFTP_SERVICE = "Cisco Tftp"


def reset_command(key_source, sftp_host=None, sftp_user=None, p12_path=None):
    """The CLI command for ``key_source`` ``local`` or ``remote``."""
    if key_source == "local":
        return "utils itl reset localkey"
    return "utils itl reset remotekey %s %s %s" % (sftp_host, sftp_user, p12_path)


def reset_questions(key_source, ccm_admin_password, sftp_password=None, typed=False, char_delay=0.3):
    """Dialog specs: remotekey asks the SFTP password first, then the CCM Administrator one."""
    specs = []
    if key_source == "remote":
        specs.append(questions.itl_reset_sftp_password(sftp_password, typed, char_delay))
    specs.append(questions.ccm_admin_password(ccm_admin_password, typed, char_delay))
    return specs


def node_results(parsed, local_hostname):
    """``[{name, transferred, tftp_restarted}]`` with plain booleans, per listed TFTP node.

    The node that runs the command writes the reset ITL in place and prints no "Successfully
    transferred" line for itself (seed 001): it counts as transferred once its Tftp restarted.
    """
    local = (local_hostname or "").lower()
    nodes = []
    for node in parsed["nodes"]:
        restarted = node["tftp_restarted"] is True
        transferred = node["transferred"] is True
        if node["name"].lower() == local and node["transferred"] is None:
            transferred = restarted
        nodes.append({"name": node["name"], "transferred": transferred, "tftp_restarted": restarted})
    return nodes


def delivery_problem(nodes, errors):
    """None when every node got the reset ITL and no error line came; else the failure text.

    CUCM's error lines come first: after a refused password or a failed SFTP fetch they are
    the only explanation (no node is listed then).
    """
    parts = []
    if errors:
        parts.append("CUCM printed: %s" % " / ".join(errors))
    missed = [n for n in nodes if not (n["transferred"] and n["tftp_restarted"])]
    if not nodes and not errors:
        # With error lines, those are the reason CUCM stopped before listing any node.
        parts.append("CUCM listed no active TFTP server, so no node got the reset ITL")
    elif missed:
        reached = [n["name"] for n in nodes if n not in missed]
        parts.append("the reset ITL did not reach every TFTP node: got it: %s; did not: %s"
                     % (", ".join(reached) or "none", ", ".join(_why_missed(n) for n in missed)))
    return "; ".join(parts) or None


def _why_missed(node):
    if not node["transferred"]:
        return "%s (no transfer line)" % node["name"]
    return "%s (Cisco Tftp not restarted)" % node["name"]


def expected_signer(version, key_source):
    """Unit that signs the reset ITL.

    ``localkey``: the release's other SAST key (``release.reset_itl_signer_unit``).
    ``remotekey``: the fetched ITLRecovery key on every release - it replaces the publisher's
    key and is the one the phones still trust (primer section 4). No transcript shows a 12.x
    remotekey ITL: inferred from the primer, and what the lab does.
    """
    if key_source == "remote":
        return "ITLRecovery" if itl_signer_unit(version) else None
    return reset_itl_signer_unit(version)


def next_steps(version, tftp_nodes, key_source="local"):
    """What the administrator must do after the reset, in order (primer section 4).

    Each step: ``{step, action, service, nodes, reason}``; ``action`` is ``reset_phones`` or
    ``restart_service``.
    """
    reset_signer = expected_signer(version, key_source)
    normal_signer = itl_signer_unit(version)
    if normal_signer == "ITLRecovery" and reset_signer == "CallManager":
        # 12.0+ localkey: the reset ITL is signed by the CallManager key only until Cisco Tftp
        # restarts; the phones must have it before the nodes go back to ITLRecovery.
        return [
            _step(1, "reset_phones", reason="phones download the reset ITL, signed by the CallManager key, "
                  "and trust it again"),
            _step(2, "restart_service", TFTP_SERVICE, list(tftp_nodes),
                  "every TFTP node goes back to the normal ITL, signed by ITLRecovery"),
            _step(3, "reset_phones", reason="phones download the ITLRecovery-signed ITL, which they now "
                  "trust through the reset ITL"),
        ]
    return [
        _step(1, "reset_phones", reason="phones download the reset ITL, signed by the %s key they still "
              "trust; the next Cisco Tftp restart returns the nodes to %s-signed ITLs, which the reset ITL "
              "vouches for" % (reset_signer or "other SAST", normal_signer or "normally")),
    ]


def _step(number, action, service=None, nodes=None, reason=""):
    return {"step": number, "action": action, "service": service, "nodes": nodes or [], "reason": reason}


def signer_problem(summary, version, key_source="local"):
    """None when ``show itl`` after the reset shows the expected signer; else why not."""
    expected = expected_signer(version, key_source)
    signer = summary.get("signer") or {}
    if summary.get("verified") is not True:
        return "show itl does not report the reset ITL as verified (%s)" % (
            "; ".join(summary.get("errors") or []) or "no verification line")
    if expected and signer.get("unit") != expected:
        return ("show itl shows the ITL signed by %s (%s), but on release %s a %s reset ITL is signed by %s"
                % (signer.get("common_name") or "nobody", signer.get("unit") or "unknown unit",
                   version, "localkey" if key_source == "local" else "remotekey", expected))
    return None
