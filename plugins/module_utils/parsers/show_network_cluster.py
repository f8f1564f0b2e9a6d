# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``show network cluster``: the nodes of the cluster, and the processnode table.

One line per node::

    <ip> <fqdn> <hostname> <Publisher|Subscriber> <callmanager|cups> <DBPub|DBSub> authenticated [using TCP since <date>]

Some releases omit the FQDN column; the local node's line has no ``using TCP since`` part. On
the publisher a blank line, ``Server Table (processnode) Entries``, dashes and one processnode
name per line follow.

Returns ``{nodes: [{ip, fqdn, hostname, role, product, db_role, authenticated, local}],
processnodes: [names]}``; ``fqdn`` is None when the column is absent, ``role`` is
``publisher`` or ``subscriber``.

Layout from cucm-cli-behaviour.md [doc]; no seed has a transcript. GUESSED: the word after the
database role (only ``authenticated`` is documented; anything else gives ``authenticated``
False) and the date after ``using TCP since`` (taken as free text).

CUCM 15 reformats the node lines. A layout is one regex with the named groups above; add the
new one to ``NODE_LAYOUTS`` and nothing else changes. The 15 layout has no public transcript:
``_V15`` reads the GUESSED table the lab prints for it (a ``Node ID  Hostname  FQDN  IP Address
Role  Product  DB Role  Status  Connection`` heading, a dash row, then one aligned row per node whose
last column is ``local`` or ``TCP since <date>``). Heading and dash rows are skipped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import output_lines, squeeze

_CLASSIC = re.compile(
    r"^(?P<ip>\d{1,3}(?:\.\d{1,3}){3})"
    r"(?: (?P<fqdn>\S+))? (?P<hostname>\S+)"
    r" (?P<role>Publisher|Subscriber) (?P<product>\S+) (?P<db_role>DBPub|DBSub)"
    r" (?P<auth>\S+)(?P<remote> using TCP since .+)?$"
)

# GUESSED (CUCM 15, see the module docstring).
_V15 = re.compile(
    r"^(?P<node_id>\d+) (?P<hostname>\S+) (?P<fqdn>\S+) (?P<ip>\d{1,3}(?:\.\d{1,3}){3})"
    r" (?P<role>Publisher|Subscriber) (?P<product>\S+) (?P<db_role>DBPub|DBSub)"
    r" (?P<auth>\S+) (?:(?P<remote>TCP since .+)|local)$"
)
_V15_HEADING = re.compile(r"^Node ID Hostname FQDN IP Address Role Product DB Role Status Connection$")
_TABLE_RULE = re.compile(r"^-+(?: -+)+$")

# Tried in order on each node line (whitespace squeezed to single spaces).
NODE_LAYOUTS = (_CLASSIC, _V15)

_PROCESSNODE_HEADING = "Server Table (processnode) Entries"
_DASHES = re.compile(r"^-+$")


def _node(match):
    fields = match.groupdict()
    return {
        "ip": fields["ip"],
        "fqdn": fields.get("fqdn"),
        "hostname": fields["hostname"],
        "role": fields["role"].lower(),
        "product": fields["product"],
        "db_role": fields["db_role"],
        "authenticated": fields["auth"] == "authenticated",
        "local": not fields.get("remote"),
    }


def _match_node(line):
    for layout in NODE_LAYOUTS:
        match = layout.match(line)
        if match:
            return match
    return None


def parse_show_network_cluster(text):
    """``show network cluster`` output -> ``{nodes, processnodes}``; raises ParserError."""
    nodes = []
    processnodes = None
    for number, line in output_lines(text):
        plain = squeeze(line)
        if not plain:
            continue
        if processnodes is not None:
            if not (_DASHES.match(plain) and not processnodes):
                processnodes.append(plain)
            continue
        if plain == _PROCESSNODE_HEADING:
            processnodes = []
            continue
        if not nodes and (_V15_HEADING.match(plain) or _TABLE_RULE.match(plain)):
            continue
        match = _match_node(plain)
        if not match:
            raise ParserError("unexpected line in show network cluster output", line, number)
        nodes.append(_node(match))
    if not nodes:
        raise ParserError("no node line in show network cluster output")
    return {"nodes": nodes, "processnodes": processnodes or []}
