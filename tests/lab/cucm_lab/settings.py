"""Per-node behaviour switches of the SSH service (not CUCM state: how the CLI *behaves*).

Every node has its own :class:`NodeSettings`; the command line sets the defaults and the
control API (``POST /settings``) changes them while the lab runs. Switches without a transcript
behind them are marked GUESSED.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field, fields
from typing import Dict, Optional, Tuple

from .sftp_client import ERROR_MESSAGES as SFTP_ERROR_MESSAGES

# GUESSED: the pager text of long `show` output is unverified; this is the `file view` pager
# (cucm-cli-behaviour.md), which is documented. CLASSIC_PAGER_PROMPT is the other form the issue
# names (GUESSED too), for the `pager_prompt` setting.
PAGER_PROMPT = "options: q=quit, n=next, p=prev, b=begin, e=end (lines {first} - {last} of {total}) :"
CLASSIC_PAGER_PROMPT = "Press <enter> for 1 line, <space> for one page, or <q> to quit"
# The questions `file get` asks for the SFTP server, in the order seed 001 shows.
FILE_GET_ORDER = ("server", "port", "user", "password", "directory")

# GUESSED: the wording CUCM prints for an unknown command is unverified.
UNKNOWN_COMMAND = ("Invalid command", "Executed command unsuccessfully")

# GUESSED: every other string the lab prints without a transcript behind it, by key. A node
# setting `texts` overrides any of them; `{name}` fields are filled in by the caller.
GUESSED_TEXTS = {
    # welcome block hardware lines (the public sample elides the CPU model)
    "hardware": ("        2 vCPU: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n"
                 "        Disk 1: 110GB, Partitions aligned\n"
                 "        8192 Mbytes RAM"),
    # the keyboard-interactive question (references: "one password question")
    "kbdint_prompt": "Password: ",
    "pagination_on": "Automatic pagination is turned on",
    "pagination_usage": "Syntax: set cli pagination {{on|off}}",
    "show_myself": ("Machine Name    : {hostname}\n"
                    "account name    : {username}\n"
                    "privilege level : 4\n"
                    "command count disabled : false\n"
                    "logging setting : disabled"),
    # strftime format of `show network cluster`'s "using TCP since <date>"
    "since_format": "%a %b %d %H:%M:%S %Y",
    # platform services `utils service list` prints first (only System SSH is documented)
    "platform_services": "System SSH\nCluster Manager",
    "sql_select_only": "Only SELECT statements are supported by the lab",
    "sql_no_table": " -206: The specified table ({name}) is not in the database.",
    "sql_no_column": " -217: Column ({name}) not found in any table in the query (or SLV is undefined).",
    "sql_syntax": " -201: A syntax error has occurred.",
    # -- utils service start|stop|restart (the restart banners are documented, see commands)
    "service_banner_old_start": (" Don't press Ctrl-c while the service is getting STARTED.If Service has not"
                                 " Started Properly, execute the same Command Again"),
    "service_banner_old_stop": (" Don't press Ctrl-c while the service is getting STOPPED.If Service has not"
                                " Stopped Properly, execute the same Command Again"),
    "service_banner_new_start": ("Do not press Ctrl+C while the service is starting. If the service has not"
                                 " started properly, execute the same command again."),
    "service_banner_new_stop": ("Do not press Ctrl+C while the service is stopping. If the service has not"
                                " stopped properly, execute the same command again."),
    "service_unknown": "Invalid service name: {service}",
    "service_not_activated": "{service}[STOPPED]  Service Not Activated",
    "service_start_failed": "Failed to start {service}",
    # -- utils itl reset
    "itl_reset_usage": "Syntax: utils itl reset localkey | remotekey <host> <user> <path>",
    "ccm_admin_password_wrong": "Invalid CCM Administrator password",
    "remotekey_p12_unreadable": "Failed to open {path} with the cluster security password",
    "itl_reset_tftp_failed": "Failed to restart Cisco Tftp service on host {host}",
    # -- utils ctl
    "ctl_usage": "Syntax: utils ctl set-cluster mixed-mode | set-cluster non-secure-mode | update CTLFile"
                 " | reset localkey",
    "ctl_not_publisher": "This is not a Publisher Node",
    "ctl_licence_missing": ("Mixed mode cannot be enabled: the license does not allow export-controlled"
                            " functionality"),
    "ctl_not_mixed": "The cluster is not in Mixed Mode. Unable to update the CTL file",
    "ctl_reset_question": ("This operation resets the CTL file with the CallManager key of the publisher."
                           " Do you want to continue? (y/n):"),
    "ctl_aborted": "",
    # -- file delete | list | get
    "file_delete_none": "files: found = 0, deleted = 0",
    "file_delete_declined": "files: found = {found}, deleted = 0",
    "file_usage": "Invalid file name or area: {name}",
    "file_list_date_format": "%d %b,%Y %H:%M:%S",
    "file_list_trailer": "dir count = 0, file count = {count}",
    "file_get_bad_port": "Invalid port: {port}",
    "file_get_no_server": "Invalid SFTP server",
    "host_key_rejected": "Host key verification failed.",
    # -- set cert regen
    "cert_unit_unknown": "Invalid unit name: {unit}",
    "cert_regen_itlrecovery_warning": ("WARNING: If the cluster is in mixed mode with a tokenless CTL, run"
                                       " utils ctl update CTLFile after this operation and restart the"
                                       " TFTP service so that phones trust the new certificate."),
    "cert_regen_aborted": "",
}
# What CUCM prints for a failed SFTP transfer (`file get`, `utils itl reset remotekey`), by
# sftp_client error kind: "sftp_auth_failed", "sftp_connection_refused", ...
GUESSED_TEXTS.update({"sftp_" + kind: text for kind, text in SFTP_ERROR_MESSAGES.items()})

AUTH_METHODS = ("password", "keyboard-interactive")
MAX_STEP_SECONDS = 600  # bound for the service and command step durations
BURST_DROP_MODES = ("typed_slowly", "never", "always")


@dataclass
class NodeSettings:
    # Seconds between "Command Line Interface is starting up" and the welcome block (real
    # CUCM: ~8.6 s measured, over 60 s reported on slow nodes).
    banner_delay: float = 0.2
    # SSH authentication offered; None = the release profile's `auth_methods`.
    auth_methods: Optional[Tuple[str, ...]] = None
    # Some nodes draw the first prompt only after a newline is sent.
    prompt_after_newline: bool = False
    # Draw every prompt as `admin:\r\n\radmin:`.
    prompt_redraw: bool = False
    # Put a lone CR at the start of every third output line and before the prompt.
    stray_cr: bool = False
    # `show itl` / `show ctl` wrap long values onto indented continuation lines.
    wrap: bool = False
    # Add `WARNING: DNS unreachable` among the hardware lines of the welcome block.
    dns_warning: bool = False
    # Lines per screen for the pager; None = the PTY height, or 24 without one.
    page_lines: Optional[int] = None
    pager_prompt: str = PAGER_PROMPT
    # GUESSED: the pager line is blanked out (CR, spaces, CR) once a key is pressed.
    pager_erase: bool = True
    # GUESSED: a blank line separates a command's output from the next prompt.
    blank_line_before_prompt: bool = True
    unknown_command: Tuple[str, ...] = UNKNOWN_COMMAND
    # Overrides of GUESSED_TEXTS for this node.
    texts: Dict[str, str] = field(default_factory=dict)
    # Which questions drop characters that arrive in one burst (field reports: "some input
    # modes"; which ones is GUESSED): only questions asked with typed_slowly_required=True,
    # none, or all. A `drop_burst_input` fault adds questions on top of this.
    burst_drop: str = "typed_slowly"
    # -- how questions are asked (GUESSED variants a real release may show; tests of the dialogs)
    # Print a line break after every question, before reading the answer.
    question_newline: bool = False
    # Replace a question's text before it is printed: {question as the command asks it: what to
    # print instead} (e.g. a warning line before it, or the question without its "?"/":").
    question_rewrites: Dict[str, str] = field(default_factory=dict)
    # Draw the question again every this many lab seconds while no answer comes (0: never).
    question_redraw_seconds: float = 0.0
    # Order of `file get`'s SFTP questions (a permutation of FILE_GET_ORDER).
    file_get_order: Tuple[str, ...] = FILE_GET_ORDER
    # `set cli pagination off` answers as usual but the pager stays on (GUESSED failure mode).
    pagination_sticks: bool = False
    # The SFTP host-key dialog of `file get`: "classic" (seed 001: MD5, "(yes/no)") or "openssh8"
    # (SHA256, "This key is not known by any other names", "(yes/no/[fingerprint])"; GUESSED).
    host_key_dialog: str = "classic"
    # Real seconds per lab second in ctx.sleep (0.1 = ten times faster); banner delay included.
    time_scale: float = 1.0
    # Close a session idle at the prompt or a question for this long (`set cli session timeout`
    # default: 30 minutes).
    idle_timeout: float = 1800.0
    # Register the `labtest ...` commands (tests of the shell itself).
    test_commands: bool = False
    # GUESSED lab seconds a service takes to stop / to start, and how often `utils service`
    # prints the state meanwhile (`Cisco Tftp[STOPPING]` once per poll).
    service_stop_seconds: float = 2.0
    service_start_seconds: float = 3.0
    service_poll_seconds: float = 1.0
    # Print the final `<service>[STARTED]` line; some subscribers never do (primer section 7),
    # the service ends STARTED all the same.
    service_prints_started: bool = True
    # GUESSED lab seconds of each progress step of `utils ctl`, `utils itl reset`, `set cert
    # regen` and file transfers.
    command_step_seconds: float = 1.0
    # Port of the SFTP server for `utils itl reset remotekey`, which takes none: 22 on real
    # CUCM; the lab points it at its first SFTP server.
    remotekey_sftp_port: int = 22
    # GUESSED (no transcript): what the node's TFTP HTTP server (tftphttp.py, CUCM's port 6970)
    # does while Cisco Tftp is not activated and STARTED: "refuse" (reset the connection at once:
    # the port is the Tftp process's, so nothing would listen) or "503".
    tftp_http_when_stopped: str = "refuse"

    def text(self, key: str, **values) -> str:
        """A GUESSED text (or this node's override), with `values` filled in."""
        return self.texts.get(key, GUESSED_TEXTS[key]).format(**values)

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("auth_methods", "unknown_command", "file_get_order"):
            if data[name] is not None:
                data[name] = list(data[name])
        return data


_FIELDS = {f.name: f for f in fields(NodeSettings)}


def _coerce(name: str, value):
    """Validate one setting from JSON; raise ValueError with a message for the API caller."""
    if name in ("banner_delay", "time_scale", "idle_timeout", "service_stop_seconds",
                "service_start_seconds", "service_poll_seconds", "command_step_seconds", "question_redraw_seconds"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError("%s must be a number >= 0" % name)
        if name in ("time_scale", "service_poll_seconds") and value == 0:
            raise ValueError("%s must be > 0" % name)
        if name.startswith(("service_", "command_")) and value > MAX_STEP_SECONDS:
            raise ValueError("%s must be <= %d" % (name, MAX_STEP_SECONDS))
        return float(value)
    if name == "remotekey_sftp_port":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            raise ValueError("remotekey_sftp_port must be a port number")
        return value
    if name in ("prompt_after_newline", "prompt_redraw", "stray_cr", "wrap", "dns_warning",
                "test_commands", "pager_erase", "blank_line_before_prompt", "service_prints_started",
                "question_newline", "pagination_sticks"):
        if not isinstance(value, bool):
            raise ValueError("%s must be true or false" % name)
        return value
    if name == "page_lines":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 2:
            raise ValueError("page_lines must be null or an integer >= 2")
        return value
    if name == "auth_methods":
        if value is None:
            return None
        methods = tuple(value) if isinstance(value, (list, tuple)) else ()
        if not methods or any(m not in AUTH_METHODS for m in methods):
            raise ValueError("auth_methods must be null or a list of %s" % ", ".join(AUTH_METHODS))
        return methods
    if name == "unknown_command":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValueError("unknown_command must be a list of lines")
        return tuple(value)
    if name == "host_key_dialog":
        if value not in ("classic", "openssh8"):
            raise ValueError("host_key_dialog must be classic or openssh8")
        return value
    if name == "tftp_http_when_stopped":
        if value not in ("refuse", "503"):
            raise ValueError("tftp_http_when_stopped must be refuse or 503")
        return value
    if name == "burst_drop":
        if value not in BURST_DROP_MODES:
            raise ValueError("burst_drop must be one of %s" % ", ".join(BURST_DROP_MODES))
        return value
    if name == "texts":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValueError("texts must be an object of strings")
        unknown = sorted(set(value) - set(GUESSED_TEXTS))
        if unknown:
            raise ValueError("unknown text key(s): %s" % ", ".join(unknown))
        return dict(value)
    if name == "question_rewrites":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ValueError("question_rewrites must be an object of strings")
        return dict(value)
    if name == "file_get_order":
        if not isinstance(value, (list, tuple)) or sorted(value) != sorted(FILE_GET_ORDER):
            raise ValueError("file_get_order must be a permutation of %s" % ", ".join(FILE_GET_ORDER))
        return tuple(value)
    if name == "pager_prompt":
        if not isinstance(value, str):
            raise ValueError("pager_prompt must be a string")
        return value
    raise ValueError("unknown setting %r" % name)  # pragma: no cover - guarded by caller


class SettingsStore:
    """The settings of every node of one lab process; safe to change from the control thread."""

    def __init__(self, hostnames, defaults: Optional[dict] = None):
        self._lock = threading.Lock()
        self._nodes = {}
        for hostname in hostnames:
            node_settings = NodeSettings()
            for name, value in (defaults or {}).items():
                setattr(node_settings, name, _coerce(name, value))
            self._nodes[hostname] = node_settings

    def get(self, hostname: str) -> NodeSettings:
        """The live settings object of a node (read attributes when needed, don't cache them)."""
        return self._nodes[hostname]

    def hostnames(self):
        return list(self._nodes)

    def update(self, hostnames, changes: dict) -> None:
        """Apply `changes` to the given nodes; all-or-nothing on validation errors."""
        unknown = sorted(set(changes) - set(_FIELDS))
        if unknown:
            raise ValueError("unknown setting(s): %s" % ", ".join(unknown))
        missing = [h for h in hostnames if h not in self._nodes]
        if missing:
            raise KeyError(missing[0])
        coerced = {name: _coerce(name, value) for name, value in changes.items()}
        with self._lock:
            for hostname in hostnames:
                for name, value in coerced.items():
                    setattr(self._nodes[hostname], name, value)

    def to_json(self, hostnames=None) -> dict:
        with self._lock:
            return {h: self._nodes[h].to_json() for h in (hostnames or self._nodes)}
