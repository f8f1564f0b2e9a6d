"""Start the lab from tests the way integration tests do: as a subprocess.

::

    lab = start_lab(tmp_path, nodes=2, release="12.5", key_size=1024, test_commands=True)
    try:
        lab.control("POST", "/faults", {"node": "lab125-sub1", "fault": "slow_login"})
        with lab.shell("lab125-pub") as cli:
            print(cli.command("show itl"))
    finally:
        lab.stop()

Extra keyword options become command-line flags (``tftp_nodes=["pub"]`` ->
``--tftp-nodes pub``, ``test_commands=True`` -> ``--test-commands``,
``itl_record_form="certhash"`` -> ``--itl-record-form certhash``, ``time_zone="Europe/Warsaw"``,
``trust_list_style={"issuer_tag": "ISSUERNAME"}`` -> ``--trust-list-style issuer_tag=ISSUERNAME``,
``phones=1200`` -> ``--phones 1200``).
The lab's stdout and stderr go to ``lab.out`` / ``lab.err`` in the state directory.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

LAB_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/lab
READY_RE = re.compile(r"^cucm-lab ready: .*control=(\S+)$", re.M)
PROMPT_RE = re.compile(r"(?:^|[\r\n])\r*admin: ?$")
OUTPUT_END_RE = re.compile(r"(?:\r\n|\n|^)\r*admin: ?$")  # the prompt and the line break before it


class LabError(RuntimeError):
    pass


class LabControlError(LabError):
    def __init__(self, status, payload):
        super().__init__("control API answered %s: %s" % (status, payload))
        self.status = status
        self.payload = payload


def _flags(options):
    args = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            args += [flag, ",".join(str(v) for v in value)]
        elif isinstance(value, dict):
            args += [flag, ",".join("%s=%s" % (k, str(v).lower() if isinstance(v, bool) else v)
                                    for k, v in value.items())]
        else:
            args += [flag, str(value)]
    return args


class LabHandle:
    """A running lab subprocess: its description, inventory, control API and shells."""

    def __init__(self, process, state_dir):
        self.process = process
        self.state_dir = str(state_dir)
        with open(os.path.join(self.state_dir, "lab.json")) as handle:
            self.lab_json = json.load(handle)
        self.inventory_path = os.path.join(self.state_dir, "inventory.yml")
        self.control_url = self.lab_json["control_url"]

    def node(self, hostname):
        for node in self.lab_json["nodes"] + [n for c in self.lab_json["clusters"] for n in c["nodes"]]:
            if node["hostname"] == hostname:
                return node
        raise KeyError(hostname)

    def control(self, method, path, body=None, timeout=10.0):
        """Call the control API; the decoded JSON answer, LabControlError on an error status."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.control_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            payload = exc.read().decode("utf-8", "replace")
            try:
                payload = json.loads(payload)
            except ValueError:
                pass
            raise LabControlError(exc.code, payload)

    def state(self, cluster=None):
        """`GET /state` without what moves by itself (the lab clock), so that two snapshots
        are equal exactly when the cluster did not change (check mode, refusals)."""
        answer = self.control("GET", "/state" + ("?cluster=%s" % cluster if cluster else ""))
        answer.pop("clock", None)
        return answer

    def phones(self, cluster=None, names=None, summary=False):
        """`GET /phones`: {"summary", "phones": [...]} (names: a list of device names)."""
        query = []
        if cluster:
            query.append("cluster=%s" % cluster)
        if names:
            query.append("name=%s" % ",".join(names))
        if summary:
            query.append("summary=1")
        return self.control("GET", "/phones" + ("?" + "&".join(query) if query else ""))

    def wait_phones(self, predicate, cluster=None, timeout=20.0, interval=0.05):
        """Poll `GET /phones?summary=1` until `predicate(summary)` is true; return the summary."""
        deadline = time.monotonic() + timeout
        while True:
            summary = self.phones(cluster, summary=True)["summary"]
            if predicate(summary):
                return summary
            if time.monotonic() > deadline:
                raise TimeoutError("phones never got there: %s" % summary)
            time.sleep(interval)

    @property
    def ca_file(self):
        """The lab CA that issued the nodes' Tomcat certificates (HTTPS)."""
        return self.lab_json["ca_file"]

    def https_url(self, hostname, path):
        """`https://127.0.0.1:<node's HTTPS port><path>`."""
        return "https://%s:%d%s" % (self.node(hostname)["host"], self.node(hostname)["https_port"], path)

    @property
    def sftp(self):
        """The lab's SFTP servers as lab.json lists them (host, port, username, password, ...)."""
        return self.lab_json.get("sftp", [])

    def stored_file(self, hostname, name):
        """A node's file byte for byte, as a model.StoredFile (via `GET /file`)."""
        from .model import StoredFile

        answer = self.control("GET", "/file?node=%s&name=%s" % (hostname, name))
        return StoredFile(data=base64.b64decode(answer["data_base64"]),
                          mtime=datetime.datetime.fromisoformat(answer["mtime"]))

    def shell(self, hostname, **options):
        """An interactive shell on a node, logged in (see ShellClient)."""
        node = self.node(hostname)
        cluster = next(c for c in self.lab_json["clusters"] if c["cluster"] == node["cluster"])
        options.setdefault("username", cluster["username"])
        options.setdefault("password", cluster["password"])
        return ShellClient(node["host"], node["port"], **options)

    def stop(self, timeout=10.0):
        """SIGTERM, wait (bounded), SIGKILL if needed; return the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def lab_command(state_dir, nodes=1, release="12.5", **options):
    """The argv that `start_lab` runs."""
    return [sys.executable, "-m", "cucm_lab", "serve", "--nodes", str(nodes), "--release", release,
            "--state-dir", str(state_dir)] + _flags(options)


def start_lab(tmp_path, nodes=1, release="12.5", *, timeout=60.0, key_size=1024, banner_delay=0.05,
              **options) -> LabHandle:
    """Start `python -m cucm_lab serve` in `tmp_path/lab` and wait (bounded) for its ready line."""
    state_dir = os.path.join(str(tmp_path), "lab")
    os.makedirs(state_dir, exist_ok=True)
    argv = lab_command(state_dir, nodes, release, key_size=key_size, banner_delay=banner_delay, **options)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [LAB_ROOT, os.environ.get("PYTHONPATH")])))
    out_path = os.path.join(state_dir, "lab.out")
    with open(out_path, "w") as out, open(os.path.join(state_dir, "lab.err"), "w") as err:
        process = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(out_path) as handle:
            if READY_RE.search(handle.read()):
                return LabHandle(process, state_dir)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait(10)
    with open(os.path.join(state_dir, "lab.err")) as handle:
        raise LabError("lab did not start (exit %s): %s" % (process.returncode, handle.read()[-2000:]))


class ShellClient:
    """A paramiko interactive shell with bounded reads, for tests of the lab."""

    def __init__(self, host, port, username, password, *, auth="password", timeout=15.0,
                 height=24, width=200, wait_prompt=True):
        import paramiko

        self.transport = paramiko.Transport((host, port))
        self.transport.start_client(timeout=timeout)
        if auth == "keyboard-interactive":
            self.transport.auth_interactive(username, lambda title, instructions, prompts: [password] * len(prompts))
        else:
            self.transport.auth_password(username, password, fallback=False)
        self.channel = self.transport.open_session(timeout=timeout)
        self.channel.get_pty(term="vt100", width=width, height=height)
        self.channel.invoke_shell()
        self.timeout = timeout
        self.buffer = b""
        self.banner = self.read_until(PROMPT_RE) if wait_prompt else ""

    def send(self, text):
        self.channel.sendall(text.encode("utf-8"))

    def read_until(self, pattern, timeout=None) -> str:
        """Read until `pattern` (a regex on the decoded text) matches; return the text, consumed."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + (timeout or self.timeout)
        self.channel.settimeout(0.1)
        while True:
            text = self.buffer.decode("utf-8", "replace")
            match = regex.search(text)
            if match:
                consumed = len(text[:match.end()].encode("utf-8"))
                self.buffer = self.buffer[consumed:]
                return text[:match.end()]
            if time.monotonic() > deadline:
                raise TimeoutError("no %r in %r" % (regex.pattern, text[-500:]))
            try:
                data = self.channel.recv(65536)
            except OSError:  # socket.timeout is an OSError
                continue
            if not data:
                raise EOFError("channel closed; received %r" % text[-500:])
            self.buffer += data

    def read_for(self, seconds) -> str:
        """Everything that arrives within `seconds` (consumed)."""
        deadline = time.monotonic() + seconds
        self.channel.settimeout(0.05)
        while time.monotonic() < deadline:
            try:
                data = self.channel.recv(65536)
            except OSError:
                continue
            if not data:
                break
            self.buffer += data
        text, self.buffer = self.buffer.decode("utf-8", "replace"), b""
        return text

    def command(self, line, timeout=None) -> str:
        """Send a command; return what came between its echo line and the next prompt (raw CRLF)."""
        self.send(line + "\r")
        raw = self.read_until(PROMPT_RE, timeout)
        echo, unused_sep, rest = raw.partition("\r\n")
        if echo != line:
            raise AssertionError("echo %r is not the command %r" % (echo, line))
        return OUTPUT_END_RE.sub("", rest)

    def dialog(self, line, answers=(), timeout=None) -> str:
        """Run a command that asks questions and return its transcript as CUCM printed it,
        from ``admin:<line>`` to the end of the output (raw CRLF, the final prompt left out).

        `answers`: ``(question regex, answer)`` or ``(question regex, answer, char_delay)``
        in the order the questions come; a delay types the answer one character at a time.
        AssertionError when the prompt comes back before a question.
        """
        self.send(line + "\r")
        transcript = ""
        for item in answers:
            question, answer = item[0], item[1]
            delay = item[2] if len(item) > 2 else None
            text = self.read_until(re.compile(r"(?:%s)$|%s" % (question, PROMPT_RE.pattern)), timeout)
            transcript += text
            if PROMPT_RE.search(text):
                raise AssertionError("prompt before the question %r: %r" % (question, transcript))
            if delay is None:
                self.send(answer + "\r")
            else:
                for char in answer + "\r":
                    self.send(char)
                    time.sleep(delay)
        transcript += self.read_until(PROMPT_RE, timeout)
        return "admin:" + OUTPUT_END_RE.sub("", transcript)

    def close(self):
        self.transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
