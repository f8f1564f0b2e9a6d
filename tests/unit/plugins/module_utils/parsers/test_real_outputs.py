# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replay fixtures made from compatibility-check bundles (tests/unit/fixtures/real/).

Every ``<cluster>/<host>/<name>.txt`` there is what a node printed for one of the collection's read
commands, after its echo line; the ``<name>.json`` next to it names the command and holds the parse
it must give (``scripts/bundle-to-fixtures.py`` writes both, docs/first-contact.md). Each is parsed
with the parser the collection uses for that command (``_compatibility.PARSERS``, the table
cucm.trust.compatibility_info reads) and must be understood - parsed, no line left over - and
equal the stored parse. The first set was made from the lab (see the README there), so the test
runs something real before any real cluster has been seen.

``check_fixture`` is also what tests/integration/test_compatibility_check.py runs on the fixtures
it makes from a fresh bundle.
"""

import glob
import io
import json
import os

import pytest
from ansible.module_utils.connection import ConnectionError as AnsibleConnectionError

from ansible_collections.cucm.trust.plugins.module_utils import _compatibility
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.plugin_utils._dialog import error_lines

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.normpath(os.path.join(HERE, "..", "..", "..", "fixtures", "real"))


def fixture_paths(root=REAL):
    """Every fixture text under ``root``, sorted."""
    return sorted(glob.glob(os.path.join(root, "**", "*.txt"), recursive=True))


def read_fixture(path):
    """``(text, expected)``: the fixture as written and its JSON."""
    with io.open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    with io.open(path[:-len(".txt")] + ".json", encoding="utf-8") as handle:
        return text, json.load(handle)


def plain(data):
    """``data`` as it is once stored in JSON (tuples become lists...)."""
    return json.loads(json.dumps(data))


def check_fixture(path):
    """Parse one fixture with the parser of its command; AssertionError saying what to do when it is
    not understood or its parse differs from the stored one."""
    text, expected = read_fixture(path)
    command = expected["command"]
    assert command in _compatibility.PARSERS, (
        "%s: %r is not a read command of the collection any more (_compatibility.READ_COMMANDS)" % (path, command))
    assert text.split("\n", 1)[0] == "admin:" + command, "%s: the first line must be the echo admin:%s" % (path, command)
    outcome = _compatibility.understand(_compatibility.PARSERS[command], text)
    if outcome["status"] == _compatibility.NOT_UNDERSTOOD:
        raise AssertionError("%s: %r not understood: %s" % (path, command, outcome["error"]["message"]))
    if outcome["status"] == _compatibility.PARTLY:
        raise AssertionError("%s: %r partly understood, lines left over: %r" % (path, command, outcome["unparsed"]))
    parsed = plain(outcome["parsed"])
    assert "parsed" in expected, (
        "%s: %r is understood now (recorded %s): put the parse in its JSON as 'parsed', set 'status' to "
        "'understood' and drop 'error' once you have checked it: %s"
        % (path, command, expected.get("status"), json.dumps(parsed, sort_keys=True)[:2000]))
    assert parsed == expected["parsed"], "%s: the parse of %r differs from the stored one" % (path, command)


FIXTURES = fixture_paths()


def fixture_id(path):
    return os.path.relpath(path, REAL)


def test_there_are_fixtures_for_every_read_command():
    # The lab-made first set covers every command the check types; a command added to the
    # check needs its fixture (make it from a lab bundle, README).
    commands = set(read_fixture(path)[1]["command"] for path in FIXTURES)
    assert commands == set(_compatibility.PARSERS), sorted(set(_compatibility.PARSERS) - commands)


@pytest.mark.parametrize("path", FIXTURES, ids=fixture_id)
def test_real_output_is_understood_and_parses_as_stored(path):
    check_fixture(path)


# -- the module's verdicts on the same outputs ------------------------------------------------------


class FixtureConnection(object):
    """Answers the ``dialog`` RPC like the cliconf plugin, with a node's fixtures as CUCM's output."""

    def __init__(self, outputs, lose_at=None):
        self.outputs = outputs
        self.lose_at = lose_at
        self.sent = []

    def dialog(self, command, questions=None, timeout=None, reuse=False, progress=None, accept_warnings=None,
               pages=True):
        self.sent.append(command)
        if command == self.lose_at:
            raise AnsibleConnectionError("socket path /tmp/pc/x does not exist or cannot be found")
        output = self.outputs[command]
        return {"output": output, "answered": [], "errors": error_lines(output), "failure": None}


class FakeModule(object):
    def __init__(self, connection):
        self.params = {}
        self.check_mode = True
        self._cucm_connection = connection


def node_outputs(directory):
    """``{command: output as the connection returns it (no echo)}`` of one node's fixtures."""
    outputs = {}
    for path in glob.glob(os.path.join(directory, "*.txt")):
        text, expected = read_fixture(path)
        outputs[expected["command"]] = text.split("\n", 1)[1].rstrip("\n")
    return outputs


NODES = sorted(set(os.path.dirname(path) for path in FIXTURES))


@pytest.mark.parametrize("directory", NODES, ids=fixture_id)
def test_the_check_types_every_read_command_and_understands_the_node(directory):
    connection = FixtureConnection(node_outputs(directory))
    result = _compatibility.check_node(FakeModule(connection))
    assert connection.sent == [command for _name, command, _parser in _compatibility.READ_COMMANDS]
    assert result["summary"] == "%d of %d outputs understood" % (len(connection.sent), len(connection.sent))
    assert result["statuses"]["understood"] == result["understood"] == result["total"]
    for entry in result["commands"]:
        _text, expected = read_fixture(os.path.join(directory, entry["name"] + ".txt"))
        assert plain(entry["parsed"]) == expected["parsed"], entry["command"]
        assert entry["unparsed"] == [] and "error" not in entry
    assert result["release"] and result["hostname"] and result["role"] in ("publisher", "subscriber")


def test_a_lost_connection_fails_the_task_and_keeps_what_was_read():
    directory = NODES[0]
    total = len(_compatibility.READ_COMMANDS)
    lost = _compatibility.READ_COMMANDS[3][1]
    connection = FixtureConnection(node_outputs(directory), lose_at=lost)
    with pytest.raises(CucmError) as caught:
        _compatibility.check_node(FakeModule(connection))
    error = caught.value
    assert error.reason == "connection" and error.command == lost
    details = error.details
    assert connection.sent[-1] == lost  # nothing typed after the connection was lost
    assert [e["status"] for e in details["commands"]] == ["understood"] * 3 + ["failed"] * (total - 3)
    assert [e["error"]["reason"] for e in details["commands"][3:]] == ["connection"] + ["not_run"] * (total - 4)
    assert details["summary"] == "3 of %d outputs understood" % total
