"""`file get tftp`, `file delete tftp|activelog`, `file list tftp`: the node's TFTP directory.

`file get tftp <file>` (seed 001) summarises the files, asks for the SFTP server, port, user,
password (masked) and directory, checks the server's host key against the node's known_hosts
(OpenSSH's question for a new host, its refusal for a changed one) and pushes the real bytes
with sftp_client.upload. Only the publisher has ITLRecovery.p12 (a subscriber finds no file).

`file delete tftp CTLFile.tlv` (seed 002) asks `Delete the File ...?` / `Enter "y" followed by
return to continue:` and prints `files: found = 1, deleted = 1`; `file delete activelog
cm/tftpdata/<file>` deletes the same files (primer section 6). File specs may use `*`.

GUESSED: a missing file (`files: found = 0, deleted = 0`, or a zero summary and no question
for `file get`), the `file list` layout, `noconfirm`, the refusals, and the wording of transfer
failures (sftp_client.ERROR_MESSAGES, overridable as the `sftp_<kind>` texts).
"""

from __future__ import annotations

import fnmatch
import struct

from .. import sftp_client
from ..sftp_client import CONTINUE_QUESTION, CONTINUE_QUESTION_OPENSSH8, HostKeyStatus, KnownHosts
from .registry import command

TFTP_DIRECTORY = "/usr/local/cm/tftp/"  # `Downloading file: /usr/local/cm/tftp/ITLRecovery.p12`
ACTIVELOG_TFTP = "cm/tftpdata/"  # the same directory seen from the activelog area (seed 002)
DELETE_CONFIRM = 'Enter "y" followed by return to continue: '
# OpenSSH asks again on anything but yes/no (GUESSED: CUCM passes its client's text through).
YES_NO_AGAIN = "Please type 'yes' or 'no': "
MAX_HOST_KEY_ANSWERS = 5


def java_float(value: float) -> str:
    """`value` as Java prints a float: seed 001 shows 1709 bytes as `1.6689453` Kbytes."""
    single = _to_float32(value)
    for digits in range(1, 10):  # the shortest text that reads back as the same float
        text = "%.*g" % (digits, single)
        if _to_float32(float(text)) == single:
            break
    return text if ("." in text or "e" in text) else text + ".0"


def _to_float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def _matching(ctx, spec):
    """Names of the node's TFTP files that `spec` names, sorted (a snapshot)."""
    with ctx.cluster.lock:
        return sorted(name for name in ctx.node.tftp_files if fnmatch.fnmatchcase(name, spec))


# -- file delete ----------------------------------------------------------------------------
@command("file", "delete", "tftp")
async def file_delete_tftp(ctx, args):
    if not args:
        ctx.fail(ctx.text("file_usage", name=""))
        return
    await _delete(ctx, args[0], args[0], args[1:])


@command("file", "delete", "activelog")
async def file_delete_activelog(ctx, args):
    if not args:
        ctx.fail(ctx.text("file_usage", name=""))
        return
    path = args[0]
    spec = path[len(ACTIVELOG_TFTP):] if path.startswith(ACTIVELOG_TFTP) else None
    await _delete(ctx, path, spec, args[1:])


async def _delete(ctx, shown, spec, options):
    names = _matching(ctx, spec) if spec else []
    if not names:
        ctx.write_lines([ctx.text("file_delete_none")])
        return
    if "noconfirm" not in [option.lower() for option in options]:
        ctx.write_lines(["Delete the File %s?" % shown])
        if (await ctx.ask(DELETE_CONFIRM)).strip().lower() != "y":
            ctx.write_lines([ctx.text("file_delete_declined", found=len(names))])
            return
    with ctx.cluster.lock:
        deleted = sum(1 for name in names if ctx.node.tftp_files.pop(name, None) is not None)
    ctx.write_lines(["files: found = %d, deleted = %d" % (len(names), deleted)])


# -- file list ------------------------------------------------------------------------------
@command("file", "list", "tftp")
async def file_list_tftp(ctx, args):
    spec = next((arg for arg in args if arg.lower() not in ("detail", "page", "reverse")), "*")
    with ctx.cluster.lock:
        files = [(name, ctx.node.tftp_files[name]) for name in _matching(ctx, spec)]
    date_format = ctx.text("file_list_date_format")
    lines = ["%s %10d  %s" % (stored.mtime.strftime(date_format), len(stored.data), name)
             for name, stored in files]
    lines.append(ctx.text("file_list_trailer", count=len(files)))
    await ctx.write_paged("".join("%s\n" % line for line in lines))


# -- file get -------------------------------------------------------------------------------
@command("file", "get", "tftp")
async def file_get_tftp(ctx, args):
    if not args:
        ctx.fail(ctx.text("file_usage", name=""))
        return
    step = ctx.settings.command_step_seconds
    names = _matching(ctx, args[0])
    with ctx.cluster.lock:
        files = [(name, ctx.node.tftp_files[name].data) for name in names]
    total = sum(len(data) for unused_name, data in files)
    ctx.write("Please wait while the system is gathering files info ...")
    await ctx.sleep(step)
    ctx.write_lines(["done.", "Sub-directories were not traversed.",
                     "Number of files affected: %d" % len(files),
                     "Total size in Bytes: %d" % total,
                     "Total size in Kbytes: %s" % java_float(total / 1024.0)])
    if not files:
        return
    if (await ctx.ask("Would you like to proceed [y/n]? ")).strip().lower() not in ("y", "yes"):
        return
    server = await _ask_server(ctx)
    if server is None:
        return
    host, port, user, password, directory = server
    probe = await _trusted_probe(ctx, host, port)
    if probe is None:
        return
    for name, data in files:
        try:
            await sftp_client.upload(host, port, user, password, directory, name, data,
                                     host_key=probe.host_key)
        except sftp_client.SftpClientError as error:
            _transfer_failed(ctx, error)
            return
        ctx.write(".\n")
    await ctx.sleep(step)
    ctx.write_lines(["Transfer completed."] + ["Downloading file: %s%s" % (TFTP_DIRECTORY, name)
                                               for name, unused_data in files])


async def _ask_server(ctx):
    """(host, port, user, password, directory) from the operator, or None after a refusal."""
    questions = {
        "server": ("SFTP server IP: ", {}),
        "port": ("SFTP server port [22]: ", {}),
        "user": ("User ID: ", {}),
        "password": ("Password: ", {"secret": True, "mask": "*"}),
        "directory": ("Download directory: ", {}),
    }
    answers = {}
    for key in ctx.settings.file_get_order:  # seed 001's order unless a node setting changes it
        text, options = questions[key]
        answers[key] = await ctx.ask(text, **options)
    host, port_text, user = answers["server"].strip(), answers["port"].strip(), answers["user"].strip()
    password, directory = answers["password"], answers["directory"].strip()
    if not host:
        ctx.fail(ctx.text("file_get_no_server"))
        return None
    port = _port(port_text)
    if port is None:
        ctx.fail(ctx.text("file_get_bad_port", port=port_text))
        return None
    return host, port, user, password, directory


def _port(text):
    """The answer to `SFTP server port [22]:` (empty: 22), or None when it is no port."""
    if not text:
        return sftp_client.DEFAULT_PORT
    return int(text) if text.isdigit() and 1 <= int(text) <= 65535 else None


async def _trusted_probe(ctx, host, port):
    """The server's host key once it is known or accepted (OpenSSH's dialog), else None."""
    try:
        probe = await sftp_client.probe_host_key(host, port)
    except sftp_client.SftpClientError as error:
        _transfer_failed(ctx, error)
        return None
    with ctx.cluster.lock:
        known = KnownHosts(ctx.node.sftp_known_hosts)
        status = known.check(host, port, probe.host_key)
        line_number = known.line_number(host, port)
    if status == HostKeyStatus.CHANGED:
        ctx.fail(*probe.changed_host_lines(line_number))
        return None
    if status == HostKeyStatus.UNKNOWN:
        style = ctx.settings.host_key_dialog
        ctx.write_lines(probe.unknown_host_lines(style))
        answer = (await ctx.ask(CONTINUE_QUESTION_OPENSSH8 if style == "openssh8" else CONTINUE_QUESTION)).strip().lower()
        for unused_try in range(MAX_HOST_KEY_ANSWERS):
            if answer in ("yes", "no"):
                break
            answer = (await ctx.ask(YES_NO_AGAIN)).strip().lower()
        if answer != "yes":
            ctx.fail(ctx.text("host_key_rejected"))
            return None
        with ctx.cluster.lock:
            known.remember(host, port, probe.host_key)
    return probe


def _transfer_failed(ctx, error):
    ctx.fail(sftp_failure_text(ctx, error))


def sftp_failure_text(ctx, error) -> str:
    """What the node prints for a failed SFTP connection or transfer (the `sftp_<kind>` text)."""
    values = {"host": "", "port": "", "user": "", "path": "", "reason": error.kind}
    values.update(error.context)
    return ctx.text("sftp_" + error.kind, **values)
