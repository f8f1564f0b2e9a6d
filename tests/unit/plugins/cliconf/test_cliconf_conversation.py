"""The cucm cliconf plugin's conversation with the CLI: the ``dialog`` RPC, ``get``, reuse,
device facts and the per-task resynchronisation.

Two kinds of device behind a network_cli stand-in (cliconf_support.py):

* a real lab node over SSH, on both backends (paramiko and pylibssh), for what the lab does
  for real: commands, questions, faults that hang, drop or delay a command;
* a scripted shell that plays the seed transcripts (tests/unit/fixtures/dialogs) byte for
  byte, for what the lab cannot show: exact seed output, a prompt redrawn before the echo,
  a question asked again, a session closed while an answer is typed.

Every byte sent to the device is recorded (``NetworkCli.sent``); the lab's ``/stats`` history
lists the commands a node received.
"""

import json
import time

import pytest

from ansible.errors import AnsibleConnectionFailure
from ansible_collections.cucm.trust.plugins.cliconf.cucm import Cliconf
from ansible_collections.cucm.trust.plugins.module_utils import questions as q
from cucm_lab.testing import start_lab

from cliconf_support import NetworkCli, lab_opener, output_text, scripted_opener, seed, seed_script

BACKENDS = ["paramiko", "libssh"]
MIXED_MODE = "utils ctl set-cluster mixed-mode"  # seed 002; the lab asks the seed's question


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A 10.5 cluster (seed 001's release) whose command steps take 1/100 of their lab time."""
    handle = start_lab(tmp_path_factory.mktemp("cliconf"), nodes=2, release="10.5", time_scale=0.01,
                       sftp_servers=0)
    yield handle
    handle.stop()


def make_cliconf(connection):
    cliconf = Cliconf(connection)
    connection.cliconf = cliconf
    connection._connect()
    return cliconf


def close(connection):
    if connection._ssh_shell is not None:
        connection._ssh_shell.close()
    if connection._ssh_type_conn is not None:
        connection._ssh_type_conn.close()
    connection._connected = False


@pytest.fixture(params=BACKENDS)
def lab_cli(request, clean_lab):
    """``lab_cli(hostname)``: (cliconf, connection) on a lab node, session open at the prompt."""
    opened = []

    def open_cli(hostname):
        connection = NetworkCli(lab_opener(request.param, clean_lab, hostname), ssh_type=request.param,
                                host=clean_lab.node(hostname)["host"])
        opened.append(connection)
        return make_cliconf(connection), connection

    yield open_cli
    for connection in opened:
        close(connection)


@pytest.fixture
def scripted_cli():
    """``scripted_cli(*scripts)``: (cliconf, connection) whose sessions play ``scripts`` in order."""
    opened = []

    def open_cli(*scripts):
        connection = NetworkCli(scripted_opener(*scripts), ssh_type="paramiko")
        opened.append(connection)
        return make_cliconf(connection), connection

    yield open_cli
    for connection in opened:
        close(connection)


def history(lab, hostname):
    """The command lines the node received since the test started."""
    return lab.control("GET", "/stats")["nodes"][hostname]["history"]


def hang(lab, hostname, command, seconds=30, then="close", count=1):
    """The lab's hang_command fault: ``command`` prints nothing for ``seconds``, then the node
    closes the session (``close``) or runs it after all (``finish``)."""
    lab.control("POST", "/faults", {"node": hostname, "fault": "hang_command", "command": "^%s$" % command,
                                    "count": count, "params": {"seconds": seconds, "then": then}})


def reference_output(lab, hostname, command):
    """What the node prints for ``command``, read with the lab's own test client."""
    with lab.shell(hostname) as client:
        raw = client.command(command)
    return raw.replace("\r\n", "\n").strip("\n")


def secrets_in_logs(connection, cliconf, secret):
    """Where ``secret`` shows in what the plugin logs or keeps (messages, history)."""
    return [where for where, text in (("queue_message", repr(connection.messages)),
                                      ("history", repr(cliconf.history))) if secret in text]


# -- plain commands -------------------------------------------------------------------------------
def test_plain_read_returns_the_output_without_echo_or_prompt(clean_lab, sub, lab_cli):
    """dialog(command) returns the node's output alone, no errors, no failure; get() the same text."""
    expected = reference_output(clean_lab, sub, "show myself")
    assert expected.startswith("Machine Name    : %s\n" % sub)
    cliconf, connection = lab_cli(sub)
    result = cliconf.dialog("show myself")
    assert result == {"output": expected, "answered": [], "errors": [], "failure": None}
    assert cliconf.get("show myself") == expected
    assert connection.sent == b"show myself\r" * 2


def test_a_prompt_redrawn_before_the_echo_does_not_end_the_command(scripted_cli):
    """A stale `admin:` arriving after the command was sent but before its echo belongs to the
    session: the command ends at the prompt after its own echo and output."""
    command, lines = seed("001_set_cert_regen.txt", index=1)  # `set cert regen TVS`, no question
    _unused, steps = seed_script("001_set_cert_regen.txt", index=1)
    late = b"".join(step[1] for step in steps[2:])  # echo, output, prompt (steps 0-1: prompt, command)
    script = steps[:2] + [("out", b"\r\nadmin:"), ("out", late, 0.3)]
    cliconf, connection = scripted_cli(script)
    result = cliconf.dialog(command)
    assert result["output"] == output_text(lines)
    assert result["failure"] is None
    assert connection.sent == command.encode() + b"\r"


def test_redrawn_prompts_do_not_leak_into_the_next_command(clean_lab, sub, lab_cli):
    """A node that draws every prompt twice (`admin:` CRLF CR `admin:`): each command of the
    session gets exactly its own output."""
    expected = [reference_output(clean_lab, sub, command) for command in ("show myself", "show version active")]
    clean_lab.control("POST", "/settings", {"node": sub, "prompt_redraw": True})
    cliconf, unused_connection = lab_cli(sub)
    outputs = [cliconf.dialog(command)["output"] for command in ("show myself", "show version active", "show myself")]
    assert outputs == expected + expected[:1]


def test_an_error_line_lands_in_errors_and_get_raises(clean_lab, pub, lab_cli):
    """`Executed command unsuccessfully` is reported in ``errors`` (not a failure); get() raises."""
    cliconf, unused_connection = lab_cli(pub)
    result = cliconf.dialog("show nothing")
    assert result["failure"] is None
    assert result["errors"] == ["Invalid command", "Executed command unsuccessfully"]
    with pytest.raises(AnsibleConnectionFailure) as err:
        cliconf.get("show nothing")
    assert "Executed command unsuccessfully" in str(err.value)


# -- questions ------------------------------------------------------------------------------------
def test_seed_mixed_mode_dialog_is_answered(scripted_cli):
    """Seed 002: the continue question is answered `y`, once; the output is the seed's."""
    command, lines = seed("002_set_cluster_mixed_mode.txt")
    _unused, script = seed_script("002_set_cluster_mixed_mode.txt", [(q.CONTINUE_YN, "y")])
    cliconf, connection = scripted_cli(script)
    result = cliconf.dialog(command, [q.continue_yes()])
    assert result == {"output": output_text(lines), "answered": ["continue"], "errors": [], "failure": None}
    assert connection.sent == command.encode() + b"\ry\r"
    assert connection.shells[0].unplayed == []


@pytest.mark.parametrize("typed", [False, True], ids=["sent", "typed"])
def test_seed_password_dialog_never_shows_the_secret(scripted_cli, typed):
    """Seed 001 (localkey): the CCM Administrator password is sent, never in the output, the
    messages or the history; typed answers go one byte per write."""
    secret = "S3cret!pw"
    command, lines = seed("001_itl_reset_localkey.txt")
    _unused, script = seed_script("001_itl_reset_localkey.txt", [(q.CCM_ADMIN_PASSWORD, secret)])
    cliconf, connection = scripted_cli(script)
    result = cliconf.dialog(command, [q.ccm_admin_password(secret, typed=typed, char_delay=0.005)])
    assert result == {"output": output_text(lines), "answered": ["ccm_admin_password"], "errors": [],
                      "failure": None}
    assert connection.sent == command.encode() + b"\r" + secret.encode() + b"\r"
    if typed:  # one write per character, then Enter
        assert connection.shells[0].chunks[1:] == [bytes([c]) for c in secret.encode()] + [b"\r"]
    else:
        assert connection.shells[0].chunks[1:] == [secret.encode() + b"\r"]
    assert secrets_in_logs(connection, cliconf, secret) == []


def test_lab_password_dialog_answers_and_masks(clean_lab, pub, lab_cli):
    """`utils itl reset localkey` on the lab: the password is accepted (the reset runs), kept
    out of the output, messages and history."""
    secret = clean_lab.lab_json["ccm_admin_password"]
    cliconf, connection = lab_cli(pub)
    result = cliconf.dialog("utils itl reset localkey", [q.ccm_admin_password(secret)], timeout=20)
    assert result["failure"] is None and result["errors"] == []
    assert result["answered"] == ["ccm_admin_password"]
    assert result["output"].startswith("Enter CCM Administrator password :\n")
    assert "The reset ITL file was generated successfully" in result["output"]
    assert connection.sent.count(secret.encode()) == 1
    assert secret not in result["output"]
    assert secrets_in_logs(connection, cliconf, secret) == []


def test_an_unexpected_question_stops_the_dialog_and_drops_the_session(clean_lab, pub, lab_cli):
    """A question the task does not answer: failure `unexpected_question` quoting it, nothing
    typed after the command, the session dropped (CUCM abandons the command), state unchanged;
    the next command opens a new session."""
    before = clean_lab.state()["security_mode"]
    cliconf, connection = lab_cli(pub)
    result = cliconf.dialog(MIXED_MODE, [], question_idle=0.3)
    failure = result["failure"]
    assert failure["reason"] == "unexpected_question"
    assert "Do you want to continue? (y/n):" in failure["message"]
    assert failure["host"] == "127.0.0.1"
    assert connection.sent == MIXED_MODE.encode() + b"\r"
    assert connection.connected is False and connection.shells[0].closed
    assert clean_lab.state()["security_mode"] == before
    assert cliconf.dialog("show myself")["output"].startswith("Machine Name    : %s\n" % pub)
    assert connection.connects == 2


def test_a_question_asked_again_is_a_failure(scripted_cli):
    """Seed 001's password question printed again after the answer: failure `asked_again`,
    answered once, the secret nowhere in the result; no exception."""
    command, lines = seed("001_itl_reset_localkey.txt")
    question = lines[0].encode()
    script = [("out", b"admin:"), ("in", command.encode() + b"\r"), ("out", command.encode() + b"\r\n"),
              ("out", question), ("in", b"wrong-pw\r"), ("out", b"\r\n"), ("out", question)]
    cliconf, connection = scripted_cli(script)
    result = cliconf.dialog(command, [q.ccm_admin_password("wrong-pw")])
    assert result["failure"]["reason"] == "asked_again"
    assert "Enter CCM Administrator password :" in result["failure"]["message"]
    assert result["answered"] == ["ccm_admin_password"]
    assert "wrong-pw" not in repr(result)
    assert connection.sent == command.encode() + b"\rwrong-pw\r"
    assert connection.connected is False


def test_no_prompt_within_the_timeout_is_a_failure(clean_lab, pub, lab_cli):
    """A command that hangs: failure `timeout` after the given timeout, session dropped, no
    exception from dialog(); get() (command timeout from the connection) raises."""
    cliconf, connection = lab_cli(pub)
    hang(clean_lab, pub, "show myself", count=2)
    started = time.time()
    result = cliconf.dialog("show myself", timeout=0.5)
    assert time.time() - started < 2.0
    assert result["failure"]["reason"] == "timeout"
    assert "no prompt within 0.5 seconds" in result["failure"]["message"]
    assert connection.connected is False
    connection.set_option("persistent_command_timeout", 0.5)
    with pytest.raises(AnsibleConnectionFailure) as err:
        cliconf.get("show myself")
    assert "no prompt within 0.5 seconds" in str(err.value)
    assert connection.connects == 2


def test_a_session_closed_mid_command_is_a_failure(clean_lab, pub, lab_cli):
    """The node drops the connection after one output line: failure `closed` with what arrived."""
    cliconf, connection = lab_cli(pub)
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "drop_mid_command", "command": "^show myself$",
                                          "count": 1, "params": {"after_lines": 1}})
    result = cliconf.dialog("show myself")
    assert result["failure"]["reason"] == "closed"
    assert result["output"] == "Machine Name    : %s" % pub
    assert connection.connected is False


def test_a_session_closed_while_an_answer_is_typed_is_a_failure(scripted_cli):
    """Seed 001's password question, then the device closes the session: typing the answer
    slowly fails, and the dialog reports `closed` instead of raising."""
    command, lines = seed("001_itl_reset_localkey.txt")
    script = [("out", b"admin:"), ("in", command.encode() + b"\r"), ("out", command.encode() + b"\r\n"),
              ("out", lines[0].encode()), ("close",)]
    cliconf, connection = scripted_cli(script)
    result = cliconf.dialog(command, [q.ccm_admin_password("pw", typed=True, char_delay=0.0)])
    assert result["failure"]["reason"] == "closed"
    assert connection.connected is False


# -- reuse and device facts -----------------------------------------------------------------------
def test_reuse_types_a_command_once_per_session(clean_lab, pub, lab_cli):
    """reuse=True: the second call returns the first result and types nothing."""
    cliconf, connection = lab_cli(pub)
    first = cliconf.dialog("show version active", reuse=True)
    sent = connection.sent
    second = cliconf.dialog("show version active", reuse=True)
    assert second == first and first["failure"] is None
    assert "Active Master Version: %s" % clean_lab.state()["version"] in first["output"]
    assert connection.sent == sent
    assert history(clean_lab, pub) == ["show version active"]


def test_reuse_does_not_keep_a_failed_result(clean_lab, pub, lab_cli):
    """A result with errors or a failure is not reused: the command is typed again."""
    cliconf, connection = lab_cli(pub)
    assert cliconf.dialog("show nothing", reuse=True)["errors"]
    assert cliconf.dialog("show nothing", reuse=True)["errors"]
    hang(clean_lab, pub, "show myself")
    assert cliconf.dialog("show myself", timeout=0.5, reuse=True)["failure"]["reason"] == "timeout"
    assert cliconf.dialog("show myself", reuse=True)["failure"] is None
    assert history(clean_lab, pub) == ["show nothing", "show nothing", "show myself", "show myself"]


def test_device_info_reads_the_node_once_per_session(clean_lab, sub, lab_cli):
    """get_device_info() types `show version active` and `show network cluster` once; the
    hostname and role are the local node's (a subscriber here, the publisher is listed first)."""
    cliconf, connection = lab_cli(sub)
    info = cliconf.get_device_info()
    assert info == {"network_os": "cucm.trust.cucm", "network_os_version": clean_lab.state()["version"],
                    "network_os_hostname": sub, "network_os_role": "subscriber"}
    assert cliconf.get_device_info() == info
    assert cliconf.dialog("show network cluster", reuse=True)["failure"] is None
    assert history(clean_lab, sub) == ["show version active", "show network cluster"]


# -- per-task resynchronisation ---------------------------------------------------------------------
def test_stale_output_is_discarded_before_the_next_task(clean_lab, pub, lab_cli):
    """A command typed without waiting (cli_command sendonly) prints late: the next task's first
    command gets only its own output; the stale bytes are reported at -vvvv, the session kept."""
    cliconf, connection = lab_cli(pub)
    hang(clean_lab, pub, "show myself", seconds=0.5, then="finish")
    assert cliconf.get("show myself", sendonly=True) == b""
    connection.start_task()
    result = cliconf.dialog("show version active")
    assert result["failure"] is None
    assert result["output"].startswith("Active Master Version: ")
    assert "Machine Name" not in result["output"]
    assert [m for level, m in connection.messages if "stale CLI output" in m and level == "vvvv"]
    assert not [m for level, m in connection.messages if level == "warning"]
    assert connection.connects == 1
    assert history(clean_lab, pub) == ["show myself", "show version active"]


def test_a_question_left_pending_is_not_answered_the_session_is_reopened(clean_lab, pub, lab_cli):
    """A command left at a question by an earlier task: the next task does not answer it; it
    drops the session (a warning quoting the question) and runs on a new one."""
    before = clean_lab.state()["security_mode"]
    cliconf, connection = lab_cli(pub)
    cliconf.get(MIXED_MODE, sendonly=True)
    connection.start_task()
    result = cliconf.dialog("show myself")
    assert result["failure"] is None and result["output"].startswith("Machine Name    : %s\n" % pub)
    warnings = [m for level, m in connection.messages if level == "warning"]
    assert len(warnings) == 1 and "Do you want to continue? (y/n):" in warnings[0]
    assert connection.connects == 2
    assert connection.shells[0].sent == MIXED_MODE.encode() + b"\r"
    assert connection.shells[0].closed
    assert clean_lab.state()["security_mode"] == before


def with_transcript_dir(cliconf, directory):
    """Set the documented ``transcript_dir`` option the way network_cli does (from DOCUMENTATION)."""
    import yaml
    from ansible import constants as C
    from ansible_collections.cucm.trust.plugins.cliconf import cucm as cliconf_plugin

    options = yaml.safe_load(cliconf_plugin.DOCUMENTATION)["options"]
    cliconf._load_name = "cucm.trust.cucm"  # what the plugin loader names it
    C.config.initialize_plugin_configuration_definitions("cliconf", cliconf._load_name, options)
    cliconf.set_options(direct={"transcript_dir": str(directory)})


def test_transcript_dir_records_every_command_with_secrets_masked(scripted_cli, tmp_path):
    """Seed 001 (localkey) recorded: one JSON line per command, the password masked."""
    secret = "S3cret!pw"
    command, lines = seed("001_itl_reset_localkey.txt")
    _unused, script = seed_script("001_itl_reset_localkey.txt", [(q.CCM_ADMIN_PASSWORD, secret)])
    cliconf, connection = scripted_cli(script)
    with_transcript_dir(cliconf, tmp_path / "transcripts")
    result = cliconf.dialog(command, [q.ccm_admin_password(secret)])
    files = list((tmp_path / "transcripts").iterdir())
    assert [f.name for f in files] == ["%s.jsonl" % (connection.get_option("host") or "node")]
    text = files[0].read_text()
    assert secret not in text
    records = [json.loads(line) for line in text.splitlines()]
    assert [(r["command"], r["output"], r["answered"], r["failure"]) for r in records] == [
        (command, result["output"], ["ccm_admin_password"], None)]
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
