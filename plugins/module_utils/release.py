# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a CUCM release implies for trust files (cucm-trust-primer.md, sections 4, 6 and 8)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


def release_tuple(version):
    """``12.5.1.14900-63`` -> (12, 5, 1); None when unknown."""
    match = re.match(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", version or "")
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())


def itl_signer_unit(version):
    """Which key signs the normal ITL: CallManager before 12.0, ITLRecovery from 12.0."""
    release = release_tuple(version)
    if release is None:
        return None
    return "ITLRecovery" if release >= (12, 0) else "CallManager"


def reset_itl_signer_unit(version):
    """Which key signs the ITL right after ``utils itl reset localkey`` (the other SAST key)."""
    normal = itl_signer_unit(version)
    if normal is None:
        return None
    return "CallManager" if normal == "ITLRecovery" else "ITLRecovery"


def ctl_signer_unit(version):
    """Tokenless CTL signer: the publisher's CallManager (10.x/11.x) or ITLRecovery (12.0+)."""
    return itl_signer_unit(version)
