# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which cluster an inventory host belongs to, by the inventory layout the collection documents.

Private to cucm.trust: used by plugins/filter/cluster_name.py and plugins/filter/trust_report.py
only (and their tests); not an API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The parent group of every cluster group.
PARENT_GROUP = "cucm"


def cluster_name(group_names, default=None):
    """The host's first inventory group other than ``cucm``; ``default`` when it has none."""
    return next((name for name in group_names if name != PARENT_GROUP), default)
