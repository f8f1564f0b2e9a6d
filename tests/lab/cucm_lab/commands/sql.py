"""`run sql <select>`: answered from an in-memory SQLite database built from the model.

Only the tables the collection and the seeds query exist, with the columns they use:
``processconfig`` (ClusterSecurityMode, seed 002), ``processnode``, ``processnodeservice`` +
``typeservice`` (activated services), and ``certificate`` + ``certificatetrustrolemap`` +
``typetrustrole`` (seed 000's query). Output layout: column names, a run of ``=`` under each
column, rows with space-padded cells and ``NULL`` (cucm-cli-behaviour.md, seed 002).
"""

from __future__ import annotations

import sqlite3
import uuid

from .. import pki
from ..model import CERT_CALLMANAGER, CERT_CAPF, CERT_ITLRECOVERY, CERT_TVS
from .registry import command

SCHEMA = """
create table processnode (pkid text primary key, name text, description text, nodeid integer,
                          tknodeusage integer, systemnode text);
create table processconfig (pkid text primary key, fkprocessnode text, tkservice integer,
                            paramname text, paramvalue text);
create table typeservice (enum integer primary key, name text);
create table processnodeservice (pkid text primary key, fkprocessnode text, tkservice integer,
                                 servername text, enable text);
create table certificate (pkid text primary key, subjectname text, issuername text,
                          serialnumber text, ipv4address text, servername text);
create table typetrustrole (enum integer primary key, name text);
create table certificatetrustrolemap (pkid text primary key, fkcertificate text, tktrustrole integer);
"""

# GUESSED: trust-role names and which unit carries which; seed 000 only says that the
# CallManager certificate is the one with "Authentication and Authorization".
TRUST_ROLES = {
    CERT_CALLMANAGER: ("Authentication and Authorization", "CCM+TFTP"),
    CERT_TVS: ("TVS",),
    CERT_CAPF: ("CAPF",),
    CERT_ITLRECOVERY: ("System Administrator Security Token",),
}
ENTERPRISE_WIDE = "EnterpriseWideData"


def _pkid(*parts):
    """Stable Informix-style pkid (a UUID) for a row."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "cucm-lab:" + ":".join(parts)))


def build_database(cluster) -> sqlite3.Connection:
    """A read-only SQLite database holding the cluster as CUCM's tables show it."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    roles = sorted({role for names in TRUST_ROLES.values() for role in names})
    db.executemany("insert into typetrustrole values (?, ?)", list(enumerate(roles)))
    role_enum = {name: enum for enum, name in enumerate(roles)}
    with cluster.lock:
        wide = _pkid(cluster.name, ENTERPRISE_WIDE)
        db.execute("insert into processnode values (?, ?, NULL, 1, 0, 't')", (wide, ENTERPRISE_WIDE))
        db.execute("insert into processconfig values (?, ?, 11, 'ClusterSecurityMode', ?)",
                   (_pkid(cluster.name, "ClusterSecurityMode"), wide, str(cluster.security_mode)))
        service_enum = {}
        for number, node in enumerate(cluster.nodes, 2):
            node_pkid = _pkid(cluster.name, node.hostname)
            db.execute("insert into processnode values (?, ?, NULL, ?, ?, 'f')",
                       (node_pkid, node.hostname, number, 0 if node.publisher else 1))
            for name, state in node.services.items():
                enum = service_enum.setdefault(name, len(service_enum))  # GUESSED enum values
                db.execute("insert into processnodeservice values (?, ?, ?, ?, ?)",
                           (_pkid(node.hostname, name), node_pkid, enum, node.hostname,
                            "t" if state.activated else "f"))
            for unit, identity in node.certs.items():
                cert = identity.cert
                cert_pkid = _pkid(node.hostname, unit, format(cert.serial_number, "x"))
                # GUESSED: how the database spells names and serials.
                db.execute("insert into certificate values (?, ?, ?, ?, ?, ?)",
                           (cert_pkid, pki.dn_string(cert.subject), pki.dn_string(cert.issuer),
                            format(cert.serial_number, "x"), node.ip, node.hostname))
                for role in TRUST_ROLES.get(unit, ()):
                    db.execute("insert into certificatetrustrolemap values (?, ?, ?)",
                               (_pkid(cert_pkid, role), cert_pkid, role_enum[role]))
        db.executemany("insert into typeservice values (?, ?)",
                       [(enum, name) for name, enum in service_enum.items()])
    db.commit()
    db.execute("pragma query_only = on")
    return db


def format_rows(columns, rows) -> str:
    """CUCM's table: names, `=` runs, rows; cells padded to the widest value of the column."""
    cells = [["NULL" if value is None else str(value) for value in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(columns)]

    def line(values):
        return " ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()

    out = [line(columns), line("=" * width for width in widths)] + [line(row) for row in cells]
    return "".join("%s\n" % text for text in out)


def _informix_error(ctx, exc) -> str:
    # GUESSED: CUCM prints the Informix error; we map SQLite's two common ones onto it.
    message = str(exc)
    if message.startswith("no such table: "):
        return ctx.text("sql_no_table", name=message.split(": ", 1)[1])
    if message.startswith("no such column: "):
        return ctx.text("sql_no_column", name=message.split(": ", 1)[1])
    return ctx.text("sql_syntax")


@command("run", "sql")
async def run_sql(ctx, args):
    statement = ctx.arg_text.strip()
    if not statement.lower().startswith("select"):
        # GUESSED: the lab answers SELECT only (DML would print `Rows: <n>`).
        ctx.fail(ctx.text("sql_select_only"))
        return
    db = build_database(ctx.cluster)
    try:
        cursor = db.execute(statement)
        columns = [description[0].lower() for description in cursor.description]
        rows = cursor.fetchall()
    except sqlite3.Error as exc:
        ctx.fail(_informix_error(ctx, exc))
        return
    finally:
        db.close()
    await ctx.write_paged(format_rows(columns, rows))
