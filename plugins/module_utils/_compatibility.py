# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""First contact with a cluster: every read command the collection types, and whether its parser
understands what the node printed.

Private to cucm.trust: used by plugins/modules/compatibility_info.py only (and its tests: the
replay fixtures of real outputs are checked with ``PARSERS`` and ``understand``); not an API.

The command strings are the ones the other modules type (``cluster_state`` and ``trust_state``),
never copies, so the check reads exactly what a real run would read.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import (
    CLUSTER_SECURITY_MODE,
    NODE_SERVICES,
    SERVICE_LIST,
    SHOW_NETWORK_CLUSTER,
    SHOW_VERSION,
)
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError, clean_cli_message, send
from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_run_sql,
    parse_show_ctl,
    parse_show_itl,
    parse_show_network_cluster,
    parse_show_version_active,
    parse_utils_service_list,
)
from ansible_collections.cucm.trust.plugins.module_utils.trust_state import (
    CERTIFICATE_TRUST_ROLES,
    SHOW_CTL,
    SHOW_ITL,
)

# (short name, command, parser), in the order they are typed. The short name names the command
# in file names (the bundle-to-fixtures script) and in the printed summary.
READ_COMMANDS = (
    ("show_version_active", SHOW_VERSION, parse_show_version_active),
    ("show_network_cluster", SHOW_NETWORK_CLUSTER, parse_show_network_cluster),
    ("utils_service_list", SERVICE_LIST, parse_utils_service_list),
    ("show_itl", SHOW_ITL, parse_show_itl),
    ("show_ctl", SHOW_CTL, parse_show_ctl),
    ("sql_cluster_security_mode", CLUSTER_SECURITY_MODE, parse_run_sql),
    ("sql_node_services", NODE_SERVICES, parse_run_sql),
    ("sql_certificate_trust_roles", CERTIFICATE_TRUST_ROLES, parse_run_sql),
)

# command -> parser
PARSERS = dict((command, parser) for _name, command, parser in READ_COMMANDS)

UNDERSTOOD = "understood"
PARTLY = "partly"
NOT_UNDERSTOOD = "not_understood"
FAILED = "failed"
STATUSES = (UNDERSTOOD, PARTLY, NOT_UNDERSTOOD, FAILED)


def parser_error(exc):
    """A ParserError as data: the message (quoting the line), the reason, the line and its number."""
    return {"message": str(exc), "reason": exc.reason, "line": exc.line, "line_number": exc.line_number}


def unparsed_lines(parsed):
    """The lines a parser read past without understanding them (its ``unparsed`` list); [] when the
    parser keeps no such list or the result is not a dict (``run sql`` rows)."""
    if isinstance(parsed, dict):
        return list(parsed.get("unparsed") or [])
    return []


def understand(parser, output):
    """Parse ``output`` (what CUCM printed, no error line in it): ``{status, parsed | error, unparsed}``.

    ``understood``: parsed, nothing left over; ``partly``: parsed, with lines the parser skipped
    (``unparsed``); ``not_understood``: ParserError, ``error`` quotes the line (or any other
    exception of the parser: ``reason`` ``parser_bug``).
    """
    try:
        parsed = parser(output)
    except ParserError as exc:
        return {"status": NOT_UNDERSTOOD, "error": parser_error(exc), "unparsed": []}
    except Exception as exc:  # a parser bug on an output nobody foresaw is a finding too, not a crash
        message = "the parser broke on this output (%s: %s)" % (type(exc).__name__, exc)
        return {"status": NOT_UNDERSTOOD, "error": {"message": message, "reason": "parser_bug", "line": None,
                                                    "line_number": None}, "unparsed": []}
    unparsed = unparsed_lines(parsed)
    return {"status": PARTLY if unparsed else UNDERSTOOD, "parsed": parsed, "unparsed": unparsed}


class ConnectionLost(Exception):
    """The connection itself could not be used: nothing more can be read from this node."""

    def __init__(self, error):
        super(ConnectionLost, self).__init__(error.message)
        self.error = error


def check_command(module, name, command, parser):
    """Type one read command and judge its output: the per-command entry of the module result.

    ``failed`` when CUCM printed an error line (``error.kind`` ``error_line``) or the dialog had
    to stop (``error.kind`` ``dialog_stopped`` with its ``reason``: timeout, closed, unexpected
    question...). Raises ConnectionLost when the connection cannot be used at all.
    """
    entry = {"name": name, "command": command}
    try:
        reply = send(module, command)
    except CucmError as exc:
        if exc.reason == "connection":
            raise ConnectionLost(exc)
        entry.update(status=FAILED, unparsed=[], output=exc.output,
                     error={"kind": "dialog_stopped", "reason": exc.reason, "message": exc.message})
        return entry
    output = reply["output"]
    entry["output"] = output
    if reply["errors"]:
        entry.update(status=FAILED, unparsed=[],
                     error={"kind": "error_line", "reason": "error_line", "lines": list(reply["errors"]),
                            "message": "CUCM printed an error: %s" % " / ".join(
                                clean_cli_message(line) for line in reply["errors"])})
        return entry
    entry.update(understand(parser, output))
    return entry


def totals(entries):
    """``understood``, ``total``, ``statuses`` (a count per status) and ``summary`` of the entries."""
    counts = dict((status, 0) for status in STATUSES)
    for entry in entries:
        counts[entry["status"]] += 1
    understood = counts[UNDERSTOOD]
    return {"understood": understood, "total": len(entries), "statuses": counts,
            "summary": "%d of %d outputs understood" % (understood, len(entries))}


def node_identity(entries):
    """``hostname``, ``role`` and ``release`` of the node, from the outputs that were understood
    (None where not)."""
    identity = {"hostname": None, "role": None, "release": None}
    for entry in entries:
        parsed = entry.get("parsed")
        if not parsed:
            continue
        if entry["command"] == SHOW_VERSION:
            identity["release"] = parsed.get("version")
        elif entry["command"] == SHOW_NETWORK_CLUSTER:
            local = next((node for node in parsed.get("nodes") or [] if node.get("local")), None)
            if local:
                identity["hostname"] = local.get("hostname")
                identity["role"] = local.get("role")
    return identity


def check_node(module):
    """Every read command, in order; the module result (without ``changed``).

    A command that fails does not stop the others. When the connection cannot be used, the
    commands not typed yet are entered as ``failed`` (``reason`` ``not_run``) and CucmError is
    raised with the whole result in its details, so the task fails and the result is kept.
    """
    entries = []
    lost = None
    for name, command, parser in READ_COMMANDS:
        if lost is not None:
            entries.append({"name": name, "command": command, "status": FAILED, "unparsed": [], "output": "",
                            "error": {"kind": "dialog_stopped", "reason": "not_run",
                                      "message": "not typed: the connection could not be used"}})
            continue
        try:
            entries.append(check_command(module, name, command, parser))
        except ConnectionLost as exc:
            lost = exc.error
            entries.append({"name": name, "command": command, "status": FAILED, "unparsed": [],
                            "output": lost.output,
                            "error": {"kind": "dialog_stopped", "reason": "connection", "message": lost.message}})
    result = dict(totals(entries), commands=entries, **node_identity(entries))
    if lost is not None:
        raise CucmError("the connection could not be used, so not every command was read: %s" % lost.message,
                        command=lost.command, reason="connection", host=lost.host, **result)
    return result
