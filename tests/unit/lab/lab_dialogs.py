"""Helpers for the tests of the lab's state-changing commands: transcripts line by line, the
seed dialog fixtures (tests/unit/fixtures/dialogs, verbatim seed extracts) and polling."""

import os
import re
import time

DIALOGS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "dialogs")
FAILED = "Executed command unsuccessfully"
# Questions as the seeds print them, as regexes for ShellClient.dialog.
CCM_ADMIN_PASSWORD = r"Enter CCM Administrator password :"
SFTP_PASSWORD = r"Enter Sftp password :"
CONTINUE_YN = r"\(y/n\):"
REGEN_YES_NO = r"\(yes\|no\)\? "
DELETE_Y = r'Enter "y" followed by return to continue: '
PROCEED = r"\[y/n\]\? "
HOST_KEY = r"\(yes/no\)\? "


def lines(text):
    """Non-blank lines of a transcript, whitespace squeezed (how the seed fixtures are kept)."""
    return [" ".join(line.split()) for line in re.split(r"\r\n|\r|\n", text) if line.strip()]


def fixture_lines(name, replace=(), unwrap=()):
    """A seed dialog fixture as lines: trailing bare prompts dropped, each line starting with
    one of `unwrap` joined to the line before it (the web page wrapped it), then the
    `replace` pairs (seed value -> lab value) applied in order."""
    with open(os.path.join(DIALOGS, name), encoding="utf-8") as handle:
        found = lines(handle.read())
    while found and found[-1] == "admin:":
        found.pop()
    joined = []
    for line in found:
        if joined and any(line.startswith(start) for start in unwrap):
            joined[-1] += " " + line
        else:
            joined.append(line)
    for old, new in replace:
        joined = [line.replace(old, new) for line in joined]
    return joined


def file_get_answers(server, accept_host_key=True):
    """The answers to `file get tftp` for a lab SFTP server (lab.json entry)."""
    answers = [(PROCEED, "y"), (r"SFTP server IP: ", server["host"]),
               (r"SFTP server port \[22\]: ", str(server["port"])), (r"User ID: ", server["username"]),
               (r"Password: ", server["password"]), (r"Download directory: ", server["directory"])]
    if accept_host_key:
        answers.append((HOST_KEY, "yes"))
    return answers


def wait_for(predicate, timeout=20.0, interval=0.05):
    """Poll until `predicate()` returns something true (returned); AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met within %.1f s" % timeout)


def sftp_file(server, name):
    """Bytes of a file the lab's SFTP server holds in the user's home directory."""
    path = os.path.join(server["root"], server["directory"].strip("/"), name)
    with open(path, "rb") as handle:
        return handle.read()


def put_sftp_file(server, name, data):
    path = os.path.join(server["root"], server["directory"].strip("/"), name)
    with open(path, "wb") as handle:
        handle.write(data)
    return server["directory"] + name
