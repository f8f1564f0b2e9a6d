# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a node serves to phones: its ITL and CTL, read, parsed and summarised.

The results of cucm.trust.itl_info and cucm.trust.ctl_info; cucm.trust.trust_info returns both
(with cluster_info's) from one task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import read_security_mode, release
from ansible_collections.cucm.trust.plugins.module_utils.cucm import read
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_ctl, parse_show_itl
from ansible_collections.cucm.trust.plugins.module_utils.release import ctl_signer_unit, itl_signer_unit
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import summarize

SHOW_ITL = "show itl"
SHOW_CTL = "show ctl"

# Seed 000 (SBD article, "is CallManager.pem to be regenerated?"): every certificate with its
# trust roles. Serial numbers are hex without colons; the CallManager certificate is the one
# with the "Authentication and Authorization" role.
CERTIFICATE_TRUST_ROLES = (
    "run sql select c.subjectname, c.serialnumber, c.ipv4address, t.name from certificate as c, "
    "certificatetrustrolemap as r, typetrustrole as t where c.pkid = r.fkcertificate and t.enum = r.tktrustrole"
)


def read_itl(module):
    """``(parsed show itl, output)``."""
    return read(module, SHOW_ITL, parse_show_itl)


def read_ctl(module):
    """``(parsed show ctl, output)``."""
    return read(module, SHOW_CTL, parse_show_ctl)


def itl_facts(module):
    """What cucm.trust.itl_info returns: the parse, its summary and the signer the release predicts."""
    version = release(module)
    parsed, text = read_itl(module)
    summary = summarize(parsed)
    summary["expected_signer_unit"] = itl_signer_unit(version)
    signer = summary.get("signer") or {}
    summary["signer_as_expected"] = bool(signer) and signer.get("unit") == summary["expected_signer_unit"]
    _warn_sizes(module, SHOW_ITL, summary)
    return dict(itl=parsed, summary=summary, release=version, stdout=text, stdout_lines=text.splitlines())


def ctl_facts(module):
    """What cucm.trust.ctl_info returns: the parse, its summary and the cluster security mode."""
    version = release(module)
    parsed, text = read_ctl(module)
    mode = read_security_mode(module)
    summary = summarize(parsed)
    summary["expected_signer_unit"] = ctl_signer_unit(version)
    summary["tokenless"] = parsed["present"] and not summary["etokens"]
    summary["stale"] = bool(parsed["present"]) and mode == "non_secure"
    _warn_sizes(module, SHOW_CTL, summary)
    return dict(ctl=parsed, summary=summary, security_mode=mode, release=version,
                stdout=text, stdout_lines=text.splitlines())


def _warn_sizes(module, command, summary):
    # A dump whose sizes do not add up lost rows on the way; say so rather than trust it quietly.
    for problem in summary["size_errors"]:
        module.warn("%s: the printed sizes do not add up (%s); rows may be missing" % (command, problem))
