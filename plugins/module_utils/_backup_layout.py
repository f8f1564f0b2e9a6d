# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where ITLRecovery backups live on the SFTP server and which ones retention may remove.

Private to cucm.trust: used by plugins/modules/itl_recovery_backup.py only (and its tests); not an API.

``<sftp_directory>/<cluster>/<UTC timestamp>/ITLRecovery.p12`` plus ``cucm-trust-backup.json``
beside it. The metadata file is how the module recognises its own directories: a directory
without it is never touched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import posixpath
import re

P12_NAME = "ITLRecovery.p12"
METADATA_NAME = "cucm-trust-backup.json"
TOOL = "cucm.trust.itl_recovery_backup"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def cluster_directory(base, cluster):
    return posixpath.join(base, _SAFE.sub("_", cluster))


def backup_directory(base, cluster, when):
    return posixpath.join(cluster_directory(base, cluster), when.strftime(STAMP_FORMAT))


def metadata(cluster, publisher, created, size, sha256, certificate, checks, verified, problem=None):
    return {
        "tool": TOOL,
        "format": 1,
        "cluster": cluster,
        "publisher": publisher,
        "created": created,
        "file": P12_NAME,
        "size": size,
        "sha256": sha256,
        "certificate": certificate,
        "checks": checks,
        "verified": verified,
        "problem": problem,
    }


def read_metadata(text):
    """The metadata dict when ``text`` is ours, else None."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL:
        return None
    return data


def plan_retention(backups, keep, current):
    """Directories to remove.

    ``backups``: ``[{path, created, verified}]`` of OUR directories of one cluster (current
    included); ``current``: path of the backup just made, which must be verified. Keeps the
    ``keep`` newest verified backups; removes older verified ones and failed attempts older
    than the newest verified backup. Never the current or the newest verified one.
    """
    if keep is None or keep < 1:
        return []
    by_age = sorted(backups, key=lambda b: b["created"], reverse=True)
    verified = [b for b in by_age if b["verified"]]
    if not verified or verified[0]["path"] != current:
        return []  # only a verified new backup may trigger retention
    keep_paths = set(b["path"] for b in verified[:keep])
    newest = verified[0]["created"]
    remove = []
    for backup in by_age:
        if backup["path"] in keep_paths:
            continue
        if backup["verified"] or backup["created"] < newest:
            remove.append(backup["path"])
    return remove


def previous_verified(backups, current):
    """The newest verified backup other than ``current`` (None when there is none)."""
    older = [b for b in backups if b["verified"] and b["path"] != current]
    return max(older, key=lambda b: b["created"]) if older else None
