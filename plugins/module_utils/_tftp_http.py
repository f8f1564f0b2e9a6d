# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One GET from a node's TFTP HTTP service (port 6970), with the node's clock from its ``Date``.

Private to cucm.trust: used by plugins/modules/trust_file_info.py and plugins/modules/recovery_plan.py only; not an API.

trust_file_info fetches the files phones download with it, recovery_plan reads the cluster's clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import open_url

DEFAULT_PORT = 6970
# A trust file is at most 64 KB (16-bit lengths; phones refuse larger ITLs); read a little more
# to see an oversized answer, never an unbounded one.
MAX_BYTES = 256 * 1024


def base_url(host, port=None):
    """``http://<host>:<port>`` (IPv6 addresses in brackets; port 6970 when not given)."""
    return "http://%s:%d" % ("[%s]" % host if ":" in host else host, port or DEFAULT_PORT)


def server_time(headers):
    """The node's clock from the HTTP ``Date`` header (ISO 8601 UTC), or None. Phones take their
    time from the cluster, so certificate expiry is counted in the cluster's time."""
    try:
        when = email.utils.parsedate_to_datetime(headers.get("Date"))
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(url, timeout):
    """``(status, http_status, data, error, server time)`` of one GET."""
    try:
        response = open_url(url, method="GET", timeout=timeout, follow_redirects="none",
                            headers={"User-Agent": "cucm.trust"})
        data = response.read(MAX_BYTES + 1)
        return "fetched", response.getcode(), data, None, server_time(response.headers)
    except HTTPError as exc:
        when = server_time(exc.headers) if exc.headers is not None else None
        if exc.code == 404:
            return "absent", 404, None, None, when
        return "http_error", exc.code, None, "HTTP %d %s" % (exc.code, exc.reason), when
    except (URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return "unreachable", None, None, "no answer from %s: %s" % (url, reason), None
