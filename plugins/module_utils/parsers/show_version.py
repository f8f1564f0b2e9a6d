# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``show version active``: the running release and the COP files installed on it.

::

    Active Master Version: 12.5.1.14900-63
    Active Version Installed Software Options:
    No Installed Software Options Found.

Layout from cucm-cli-behaviour.md [doc]; no seed has a transcript. Returns ``{version, options,
unparsed}``: ``options`` lists the COP names (``[]`` when none), one a line after the options
heading.

The version is strict (the release decides who signs the ITL and the CTL): the ``Active Master
Version:`` line must carry a release number (digits and dots, an optional ``-<build>``: ``12.5.1.14900-63``),
and it must be the only one. An option is one file-name-like token (letters, digits, ``._+-``,
not ending in ``.``); a sentence is not an option.

Accepted and dropped: blank lines, the options heading, ``No Installed Software Options Found.``,
pager residue (``unpaged_lines``). The version line and the heading are read wherever they stand.

``unparsed`` lists, stripped and in order, every other line: notices before or after the
answer, sentences among the options.

ParserError when: there is no ``Active Master Version:`` line (quoting the first line not
understood, else the first line); its value is not a release number; two such lines disagree;
``Executed command unsuccessfully``; the output ends at the pager or was paged out of order.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import FAILURE_TRAILER, squeeze, unpaged_lines

_WHAT = "show version active"

_VERSION = re.compile(r"^Active Master Version:\s*(?P<version>.*)$")
_RELEASE = re.compile(r"^\d+(?:\.\d+){1,4}(?:-\d+)?$")
_OPTIONS_HEADING = "Active Version Installed Software Options:"
_NO_OPTIONS = "No Installed Software Options Found."
_OPTION = re.compile(r"^[A-Za-z0-9][\w.+-]*$")


def parse_show_version_active(text):
    """``show version active`` output -> ``{version, options, unparsed}``; raises ParserError."""
    version = None
    options = None
    unparsed = []
    first = None
    first_unparsed = None
    for number, line in unpaged_lines(text, _WHAT):
        plain = squeeze(line)
        if not plain:
            continue
        first = first or (number, line)
        if FAILURE_TRAILER.match(plain):
            raise ParserError("%s failed%s" % (_WHAT, ": " + " / ".join(unparsed) if unparsed else ""), line, number)
        match = _VERSION.match(plain)
        if match:
            value = match.group("version")
            if not _RELEASE.match(value):
                raise ParserError("'Active Master Version' is not a release number", line, number)
            if version is not None and value != version:
                raise ParserError("a second 'Active Master Version' (the first said %s)" % version, line, number)
            version = value
            continue
        if plain == _OPTIONS_HEADING:
            options = options if options is not None else []
            continue
        if options is not None:
            if plain == _NO_OPTIONS:
                continue
            if _OPTION.match(plain) and not plain.endswith("."):
                options.append(plain)
                continue
        unparsed.append(line.strip())
        if first_unparsed is None:
            first_unparsed = (number, line)
    if version is None:
        quoted = first_unparsed or first
        raise ParserError("no 'Active Master Version' line in %s output" % _WHAT, *(quoted[::-1] if quoted else ()))
    return {"version": version, "options": options or [], "unparsed": unparsed}
