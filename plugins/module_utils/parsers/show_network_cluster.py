# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``show network cluster``: the nodes of the cluster, and the processnode table.

One line per node::

    <ip> <fqdn> <hostname> <Publisher|Subscriber> <callmanager|cups> <DBPub|DBSub> authenticated [using TCP since <date>]

Some releases omit the FQDN column; the local node's line has no ``using TCP since`` part. On
the publisher a blank line, ``Server Table (processnode) Entries``, dashes and one processnode
name per line follow. IM and Presence nodes (``cups``) share the table; any product word is read.

Returns ``{nodes: [{ip, fqdn, hostname, role, product, db_role, authenticated, local}],
processnodes: [names], unparsed: [lines]}``; ``fqdn`` is None when the column is absent,
``role`` is ``publisher`` or ``subscriber``.

Layout from cucm-cli-behaviour.md [doc]; no seed has a transcript. CUCM 15 reformats the node
lines. A layout is one regex with the named groups ``ip``, ``fqdn``, ``hostname``, ``role``,
``product``, ``db_role``, ``auth`` (the status word) and exactly one of ``local`` (the local
node), ``remote`` (a connection to another node) or ``other`` (a status not understood); add a
new one to ``NODE_LAYOUTS`` and nothing else changes. The 15 layout has no public transcript:
``_V15`` reads the GUESSED table the lab prints for it (a ``Node ID  Hostname  FQDN  IP Address
Role  Product  DB Role  Status  Connection`` heading, a dash row, then one aligned row per node
whose last column is ``local`` or ``TCP since <date>``).

Accepted and dropped: blank lines, the 15 heading, dash rows, pager residue (``unpaged_lines``).

A node line (any layout) is read wherever it stands. Its addresses must be real: ``ip`` an IPv4
or IPv6 address, ``fqdn`` and ``hostname`` host names. A processnode entry (after the heading)
is one host-like token: a host name, an FQDN, an IPv4 or IPv6 address (``EnterpriseWideData``
is one). A sentence is neither: a processnode entry has no space, does not end in punctuation
and holds no ``:`` unless it is an IPv6 address; a node line needs a role, a product word and a
database role (``DBPub``/``DBSub``) in their columns after real addresses, so a sentence that
starts with an IP address is not one.

``unparsed`` lists, stripped and in order, every line that is none of the above (notices,
progress and status lines before or after the table, a sentence among the processnodes), and
the node lines read only in part: a status other than ``authenticated`` (GUESSED: such a node is
``authenticated`` False), or a tail after the database role that is not ``authenticated`` /
``authenticated using TCP since <date>`` (15: ``local`` / ``TCP since <date>``). Such a node is
never the local one: ``local`` is True only on the documented local form, so a node line not
understood can make the local node missing (an error the caller reports), never the wrong one.

ParserError when: a line starts like a node line (an address, then ``Publisher`` or
``Subscriber`` within the first five words, then more words) but fits no layout, or fits one
with something that is not an address or a host name (a node would be lost);
two lines are the local node; the output ends at the pager or was paged out of order;
``Executed command unsuccessfully``; no node line at all (quoting the first line not understood).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import FAILURE_TRAILER, squeeze, unpaged_lines

_WHAT = "show network cluster"

_CLASSIC = re.compile(
    r"^(?P<ip>\S+)(?: (?P<fqdn>\S+))? (?P<hostname>\S+)"
    r" (?P<role>Publisher|Subscriber) (?P<product>[A-Za-z][\w.-]*) (?P<db_role>DBPub|DBSub)"
    r" (?P<auth>[A-Za-z][\w-]*)(?:(?P<remote> using TCP since \S.*)|(?P<other> .+)|(?P<local>))$"
)

# GUESSED (CUCM 15, see the module docstring).
_V15 = re.compile(
    r"^(?P<node_id>\d+) (?P<hostname>\S+) (?P<fqdn>\S+) (?P<ip>\S+)"
    r" (?P<role>Publisher|Subscriber) (?P<product>[A-Za-z][\w.-]*) (?P<db_role>DBPub|DBSub)"
    r" (?P<auth>[A-Za-z][\w-]*) (?:(?P<local>local)|(?P<remote>TCP since \S.*)|(?P<other>.+))$"
)
_V15_HEADING = re.compile(r"^Node ID Hostname FQDN IP Address Role Product DB Role Status Connection$")
_TABLE_RULE = re.compile(r"^-+(?: -+)*$")

# Tried in order on each line (whitespace squeezed to single spaces).
NODE_LAYOUTS = (_CLASSIC, _V15)

_PROCESSNODE_HEADING = "Server Table (processnode) Entries"
_ROLES = ("Publisher", "Subscriber")

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(r"^%s(?:\.%s){3}$" % (_OCTET, _OCTET))
_HEX_GROUP = re.compile(r"^[0-9A-Fa-f]{1,4}$")
# RFC 1123 labels; '_' tolerated (some lab and legacy host names carry one).
_HOST_NAME = re.compile(r"^[A-Za-z0-9](?:[\w-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[\w-]{0,61}[A-Za-z0-9])?)*$")


def _is_ipv6(token):
    if token.count("::") > 1 or ":" not in token:
        return False
    head, gap, tail = token.partition("::")
    groups = (head.split(":") if head else []) + (tail.split(":") if tail else [])
    if groups and "." in groups[-1]:  # ::ffff:192.0.2.1
        if not _IPV4.match(groups[-1]):
            return False
        groups[-1:] = ["0", "0"]
    if not all(_HEX_GROUP.match(group) for group in groups):
        return False
    return len(groups) <= 7 if gap else len(groups) == 8


def _is_ip(token):
    return bool(_IPV4.match(token)) or _is_ipv6(token)


def _is_host_name(token):
    """A host name or FQDN; all-numeric dotted tokens must be a valid IPv4 address instead."""
    if len(token) > 253 or not _HOST_NAME.match(token):
        return False
    return not all(label.isdigit() for label in token.split("."))


def _is_host(token):
    return _is_ip(token) or _is_host_name(token)


def _looks_like_node(plain):
    """An address, then ``Publisher`` or ``Subscriber`` within the first five words, then more:
    the start of a node line, whether or not a layout reads the rest."""
    tokens = plain.split(" ")
    for index, token in enumerate(tokens[:5]):
        if token in _ROLES:
            return len(tokens) > index + 1 and any(_is_ip(t) for t in tokens[:index])
    return False


def _node(match, line, number):
    fields = match.groupdict()
    if not _is_ip(fields["ip"]):
        raise ParserError("node line whose address %r is not an IPv4 or IPv6 address" % fields["ip"], line, number)
    for column in ("fqdn", "hostname"):
        if fields.get(column) is not None and not _is_host_name(fields[column]):
            raise ParserError("node line whose %s %r is not a host name" % (column, fields[column]), line, number)
    node = {
        "ip": fields["ip"],
        "fqdn": fields.get("fqdn"),
        "hostname": fields["hostname"],
        "role": fields["role"].lower(),
        "product": fields["product"],
        "db_role": fields["db_role"],
        "authenticated": fields["auth"] == "authenticated",
    }
    understood = node["authenticated"] and fields.get("other") is None
    # Only the documented local form (``authenticated`` and no connection) is the local node.
    node["local"] = understood and fields.get("local") is not None
    return node, understood


def _match_node(plain):
    for layout in NODE_LAYOUTS:
        match = layout.match(plain)
        if match:
            return match
    return None


def parse_show_network_cluster(text):
    """``show network cluster`` output -> ``{nodes, processnodes, unparsed}``; raises ParserError."""
    nodes = []
    processnodes = None
    unparsed = []
    first_unparsed = None
    local = None
    for number, line in unpaged_lines(text, _WHAT):
        plain = squeeze(line)
        if not plain or _V15_HEADING.match(plain) or _TABLE_RULE.match(plain):
            continue
        if FAILURE_TRAILER.match(plain):
            raise ParserError("%s failed%s" % (_WHAT, ": " + " / ".join(unparsed) if unparsed else ""), line, number)
        if plain == _PROCESSNODE_HEADING:
            processnodes = processnodes if processnodes is not None else []
            continue
        match = _match_node(plain)
        if match:
            node, understood = _node(match, line, number)
            if node["local"]:
                if local is not None:
                    raise ParserError("two node lines are the local node (the first at line %d)" % local, line, number)
                local = number
            nodes.append(node)
            if understood:
                continue
        elif _looks_like_node(plain):
            raise ParserError("node line in a layout this parser does not know", line, number)
        elif processnodes is not None and " " not in plain and _is_host(plain):
            processnodes.append(plain)
            continue
        unparsed.append(line.strip())
        if first_unparsed is None:
            first_unparsed = (number, line)
    if not nodes:
        raise ParserError("no node line in %s output" % _WHAT, *(first_unparsed[::-1] if first_unparsed else ()))
    return {"nodes": nodes, "processnodes": processnodes or [], "unparsed": unparsed}
