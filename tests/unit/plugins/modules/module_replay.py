"""Run a state-changing module's logic against recorded CLI output, without SSH.

``ReplayConnection`` stands in for the network_cli connection a module reaches through
``module_utils.cucm.connection``. Its ``dialog(command, questions)`` answers like the cliconf
``dialog`` RPC, through the real ``Dialog`` class and its ``result()``:

* read commands from texts the test provides: seed extracts (tests/unit/fixtures/seeds), what
  the lab prints (``lab_texts``), or the layouts that cucm-cli-behaviour.md documents
  (``reference_texts``);
* commands that ask questions by replaying a seed dialog transcript (tests/unit/fixtures/dialogs)
  exactly as the cliconf plugin drives it: the module's question specs must answer every
  question the seed shows, and secrets are masked.

Every command the module sends is recorded in ``sent``, so a test can check that nothing was
typed after a refusal or in check mode.
"""

import io
import json
import os
import re

from ansible.module_utils.connection import ConnectionError as AnsibleConnectionError

from ansible_collections.cucm.trust.plugins.plugin_utils._dialog import Dialog, DialogFailed, Question
from ansible_collections.cucm.trust.plugins.terminal.cucm import PROMPT_RE

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures")


def seed(name):
    """A verbatim seed extract (tests/unit/fixtures/seeds)."""
    with io.open(os.path.join(FIXTURES, "seeds", name), encoding="utf-8") as handle:
        return handle.read()


def dialog_fixture(name):
    """``(command, output lines)`` of a seed dialog (tests/unit/fixtures/dialogs)."""
    with io.open(os.path.join(FIXTURES, "dialogs", name), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0].startswith("admin:")
    output = []
    for line in lines[1:]:
        if line.startswith("admin:"):  # the seed goes on with another command
            break
        output.append(line)
    return lines[0][len("admin:"):], output


class FakeModule(object):
    """The parts of AnsibleModule the modules' logic functions use."""

    def __init__(self, params, connection, check_mode=False, diff=False):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self._cucm_connection = connection  # what module_utils.cucm.connection() returns
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


class ReplayConnection(object):
    def __init__(self, version, outputs=None, dialogs=None):
        """``outputs``: {command: text or [texts]} - a list is answered in turn, its last text
        for every later call. ``dialogs``: {command: dialog fixture file name, or the output
        lines of a command that asks nothing}."""
        self.version = version
        self.outputs = dict((cmd, list(texts) if isinstance(texts, list) else [texts])
                            for cmd, texts in (outputs or {}).items())
        self.dialogs = dict(dialogs or {})
        self.sent = []
        self.dialog_calls = []

    def get_device_info(self):
        return {"network_os": "cucm.trust.cucm", "network_os_version": self.version}

    def dialog(self, command, questions=None, timeout=None, reuse=False, progress=None, accept_warnings=None,
               pages=True):
        self.sent.append(command)
        if command in self.dialogs:
            self.dialog_calls.append({"command": command, "questions": questions or [], "timeout": timeout,
                                      "accept_warnings": accept_warnings or [], "pages": pages})
            recorded = self.dialogs[command]
            if isinstance(recorded, list):
                lines = recorded
            else:
                seed_command, lines = dialog_fixture(recorded)
                assert seed_command == command, "the module typed %r, the seed shows %r" % (command, seed_command)
        elif command in self.outputs:
            texts = self.outputs[command]
            lines = (texts.pop(0) if len(texts) > 1 else texts[0]).splitlines()
        else:
            raise AnsibleConnectionError("replay has no output for %r" % command)
        dialog = Dialog(command, [Question.from_spec(q) for q in questions or []], PROMPT_RE,
                        progress=progress or (), accept=accept_warnings or ())
        try:
            replay(dialog, command, questions or [], lines)
        except DialogFailed as exc:
            return dialog.result(exc.failure("replay"))
        return dialog.result()


def replay(dialog, command, questions, lines, chunk=7):
    """Feed the seed to ``dialog`` in small chunks, like SSH; where a line holds a question the
    module's specs know, stop after the question and expect the dialog to answer it."""

    def feed(text):
        data = text.encode("utf-8")
        for start in range(0, len(data), chunk):
            action, question = dialog.feed(data[start:start + chunk])
            if action != Dialog.WAIT:
                return action, question
        return Dialog.WAIT, None

    assert feed("admin:" + command + "\r\n")[0] == Dialog.WAIT
    for line in lines:
        hit = None
        for spec in questions:
            match = re.search(spec["pattern"], line)
            if match and (hit is None or match.start() < hit.start()):
                hit = match
        if hit is None:
            assert feed(line + "\r\n")[0] == Dialog.WAIT, line
            continue
        action, _question = feed(line[:hit.end()])
        assert action == Dialog.ANSWER, line
        feed(line[hit.end():] + "\r\n")  # the echo of a typed answer, or CUCM's next output
    assert dialog.feed(b"\r\nadmin:")[0] == Dialog.DONE


def run_main(main, args, connection, monkeypatch, capsys, check_mode=False, diff=False):
    """Run a module's ``main()`` as Ansible would, over ``connection``; the result dict."""
    from ansible.module_utils.testing import patch_module_args

    from ansible_collections.cucm.trust.plugins.module_utils import cucm

    monkeypatch.setattr(cucm, "Connection", lambda socket_path: connection)
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args):
        try:
            main()
        except SystemExit:
            pass
    return json.loads(capsys.readouterr().out)
