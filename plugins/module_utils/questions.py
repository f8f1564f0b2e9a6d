# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The questions CUCM CLI commands ask, as ordered scripts for the cliconf ``dialog`` RPC.

Wording from the seeds and cucm-cli-behaviour.md. Each builder returns one question dict:
``name``, ``pattern`` (regex matched at the end of the output), ``answer``, ``secret``, ``typed``,
``required`` (false for a question CUCM may skip) and, for confirmations, ``known``: the
sentences CUCM may print before it. Anything else printed before a confirmation is an unknown
warning and stops the dialog (unless the task lists it in ``accept_warnings``). ``*_PROGRESS``:
lines a command prints while it works, which may be followed by a long silence.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

CONTINUE_YN = r"Do you want to continue\? ?\(y/n\): ?"
CCM_ADMIN_PASSWORD = r"Enter CCM Administrator password ?: ?"
SFTP_PASSWORD_RESET = r"Enter Sftp password ?: ?"
PROCEED_YN = r"Would you like to proceed \[y/n\]\? ?"
SFTP_SERVER = r"SFTP server IP: ?"
SFTP_PORT = r"SFTP server port \[\d+\]: ?"
SFTP_USER = r"User ID: ?"
SFTP_PASSWORD = r"(?<!Administrator )Password: ?"
DOWNLOAD_DIRECTORY = r"Download directory: ?"
# OpenSSH's question, classic and since 8.x (a fingerprint may be typed instead of yes).
HOST_KEY_CONTINUE = r"Are you sure you want to continue connecting \(yes/no(?:/\[fingerprint\])?\)\? ?"
HOST_KEY_FINGERPRINT = r"key fingerprint is (?P<value>[^\s]+?)\.?\s*$"
DELETE_CONFIRM = r'Enter "y" followed by return to continue: ?'
REGEN_CONFIRM = r"Proceed with regeneration \(yes\|no\)\? ?"

# What `utils ctl` prints before its question (seed 002, cucm-cli-behaviour.md "utils ctl").
UTILS_CTL_KNOWN = [
    r"^This operation (?:sets|will set) the cluster to (?:Mixed|non[ -]secure) mode\.$",
    r"^This operation updates the CTLFile\.$",
    r"^Auto-registration is enabled on at least one CM node\.$",
]
# `file delete`: the file named, then the question (seed 002).
DELETE_KNOWN = [r"^Delete the File \S+\?$"]
# `file get`: the file information before `Would you like to proceed` (seed 001).
FILE_INFO_KNOWN = [
    r"^Please wait while the system is gathering files info \.*\s*(?:done\.)?$",
    r"^\.*\s*done\.$",
    r"^Sub-directories were not traversed\.$",
    r"^Number of files affected: ?\d+$",
    r"^Total size in Bytes: ?\d+$",
    r"^Total size in Kbytes: ?[\d.]+$",
]
# OpenSSH's host-key notice (seed 001; the last line since OpenSSH 8).
HOST_KEY_KNOWN = [
    r"^The authenticity of host '[^']+' can't be established\.$",
    r"^\S+ key fingerprint is \S+?\.?$",
    r"^This (?:host )?key is not known by any other names\.?$",
]

# Lines of long changes that may end in a colon and be followed by silence.
ITL_RESET_PROGRESS = [
    r"^Following is the list of Active tftp servers in the cluster\.*:?$",
    r"^Number of Active TFTP servers in the cluster ?: ?\d*$",
    r"^Transferring new reset ITL file to the TFTP server nodes in the cluster\.*:?$",
]
FILE_GET_PROGRESS = [r"^Downloading file: ?\S*$", r"^Transferring\b.*:$"]


def question(name, pattern, answer, secret=False, typed=False, char_delay=0.3, guard=None, required=True,
             known=None):
    spec = {"name": name, "pattern": pattern, "answer": answer, "secret": secret, "typed": typed,
            "char_delay": char_delay, "required": required}
    if guard:
        spec["guard"] = guard
    if known is not None:
        spec["known"] = list(known)
    return spec


def continue_yes():
    return question("continue", CONTINUE_YN, "y", known=UTILS_CTL_KNOWN)


def ccm_admin_password(password, typed=False, char_delay=0.3):
    return question("ccm_admin_password", CCM_ADMIN_PASSWORD, password, secret=True, typed=typed,
                    char_delay=char_delay)


def itl_reset_sftp_password(password, typed=False, char_delay=0.3):
    """``utils itl reset remotekey`` asks this before the CCM Administrator password (seed 001)."""
    return question("sftp_password", SFTP_PASSWORD_RESET, password, secret=True, typed=typed,
                    char_delay=char_delay)


def delete_confirm():
    """``file delete``: ``Delete the File <name>?`` is printed and followed at once by this
    question (seed 002); only this one waits for an answer."""
    return question("delete_confirm", DELETE_CONFIRM, "y", known=DELETE_KNOWN)


def host_key(fingerprints, accept_any=False):
    """Answer the SFTP host-key question only for a known fingerprint (or when told to accept new).

    Optional: CUCM asks it only for a server it has not seen before.
    """
    guard = None
    if not accept_any:
        guard = {"pattern": HOST_KEY_FINGERPRINT, "allowed": list(fingerprints or []),
                 "description": "SFTP server host key fingerprint"}
    return question("host_key", HOST_KEY_CONTINUE, "yes", guard=guard, required=False, known=HOST_KEY_KNOWN)


def file_get(sftp_host, sftp_port, sftp_user, sftp_password, directory, fingerprints):
    """The questions of ``file get tftp <file>`` (seed 001), in the order CUCM asks them.

    The host-key question is answered only when the fingerprint CUCM shows is one of
    ``fingerprints`` (those of the keys the controller itself verified).
    """
    return [
        question("proceed", PROCEED_YN, "y", known=FILE_INFO_KNOWN),
        question("sftp_server", SFTP_SERVER, sftp_host),
        question("sftp_port", SFTP_PORT, str(sftp_port)),
        question("sftp_user", SFTP_USER, sftp_user),
        question("sftp_password", SFTP_PASSWORD, sftp_password, secret=True),
        question("download_directory", DOWNLOAD_DIRECTORY, directory),
        host_key(fingerprints),
    ]
