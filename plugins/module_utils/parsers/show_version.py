# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``show version active``: the running release and the COP files installed on it.

::

    Active Master Version: 12.5.1.14900-63
    Active Version Installed Software Options:
    No Installed Software Options Found.

Returns ``{version, options}``; ``options`` lists the COP names (``[]`` when none), one a line.
Layout from cucm-cli-behaviour.md [doc]; no seed has a transcript.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import output_lines, squeeze

_VERSION = re.compile(r"^Active Master Version:\s*(?P<version>\S+)$")
_OPTIONS_HEADING = "Active Version Installed Software Options:"
_NO_OPTIONS = "No Installed Software Options Found."


def parse_show_version_active(text):
    """``show version active`` output -> ``{version, options}``; raises ParserError."""
    version = None
    options = None
    for number, line in output_lines(text):
        plain = squeeze(line)
        if not plain:
            continue
        match = _VERSION.match(plain)
        if match and version is None and options is None:
            version = match.group("version")
        elif plain == _OPTIONS_HEADING and version is not None and options is None:
            options = []
        elif options is not None and plain == _NO_OPTIONS and not options:
            continue
        elif options is not None:
            options.append(plain)
        else:
            raise ParserError("unexpected line in show version active output", line, number)
    if version is None:
        raise ParserError("no 'Active Master Version' line in show version active output")
    return {"version": version, "options": options or []}
