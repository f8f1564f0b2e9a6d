"""`python -m cucm_lab serve ...`: run simulated CUCM clusters in the foreground.

Prints ``cucm-lab ready: cluster=<names> nodes=<n> control=<url>`` once every node listens,
stops cleanly (exit 0) on SIGTERM/SIGINT, and by itself after ``--max-runtime`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import signal
import sys

from . import bootstrap, phones, render, tftphttp, webapi
from .control import ControlServer
from .faults import FaultRegistry
from .inventory import lab_description, write_lab_files
from .model import ITL_RECORD_FORMS, SECURITY_MODE_MIXED, SECURITY_MODE_NON_SECURE, LabClock
from .releases import PROFILES
from .server import SERVER_VERSION, Lab, LabServices
from .settings import AUTH_METHODS, SettingsStore
from .sftp_lab import LabSftp
from .stats import Stats

LOG = logging.getLogger("cucm_lab")
MAX_RUNTIME_LIMIT = 24 * 3600.0
MAX_SFTP_SERVERS = 16
SECURITY_MODES = {"non-secure": SECURITY_MODE_NON_SECURE, "mixed": SECURITY_MODE_MIXED}


def _positive(kind, upper=None):
    def parse(text):
        value = kind(text)
        if value <= 0 or (upper is not None and value > upper):
            raise argparse.ArgumentTypeError("must be > 0%s" % (" and <= %s" % upper if upper else ""))
        return value
    return parse


def _count(upper):
    def parse(text):
        value = int(text)
        if not 0 <= value <= upper:
            raise argparse.ArgumentTypeError("must be 0..%d" % upper)
        return value
    return parse


def _checked(check):
    """An argparse type from a function that raises ValueError with a message."""
    def parse(text):
        try:
            return check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc))
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cucm_lab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the lab in the foreground")
    # Bounded; above what CUCM supports per cluster (21 servers) so that an ITL over the phones' 39-certificate
    # limit can be built (how real clusters get there is not in our sources).
    serve.add_argument("--nodes", type=_positive(int, 40), default=1, help="nodes per cluster")
    serve.add_argument("--release", choices=sorted(PROFILES), default="12.5")
    serve.add_argument("--base-port", type=int, default=0,
                       help="SSH port of the first node, the others follow (0: OS-chosen)")
    serve.add_argument("--state-dir", required=True, help="host keys, known_hosts, lab.json, inventory.yml")
    serve.add_argument("--cluster", help="cluster name (default: lab<release digits>, e.g. lab125)")
    serve.add_argument("--clusters", type=_positive(int, 100), default=1,
                       help="K independent clusters <name>1..<name>K in this process")
    serve.add_argument("--control-port", type=int, default=0, help="control API port (0: OS-chosen)")
    serve.add_argument("--banner-delay", type=float, default=0.2,
                       help="seconds before the welcome block (real CUCM: ~8.6)")
    serve.add_argument("--key-size", type=int, choices=(1024, 2048), help="certificate RSA size")
    serve.add_argument("--tftp-nodes", help="comma-separated nodes running Cisco Tftp: host names, "
                       "suffixes (pub, sub1) or indexes (default: all)")
    serve.add_argument("--security-mode", choices=sorted(SECURITY_MODES), default="non-secure")
    serve.add_argument("--itl-record-form", choices=ITL_RECORD_FORMS,
                       help="TVS and CAPF records of the ITLs: certhash (CERTHASH + HASH ALGORITHM, "
                       "as the 8.x/10.0 seeds) or full certificates (default: the release's, "
                       "certhash before 12.0, full from 12.0; GUESSED for 12.0+)")
    serve.add_argument("--time-zone", type=_checked(render.valid_time_zone), default="UTC",
                       help="every node's time zone (IANA name), shown by show itl / show ctl "
                       "(GUESSED default %(default)s)")
    serve.add_argument("--trust-list-style", type=_checked(render.parse_style_overrides), default=None,
                       metavar="FIELD=VALUE,...",
                       help="show itl / show ctl layout of every node where the seeds disagree: %s"
                       % ", ".join(render.STYLE_FIELDS))
    serve.add_argument("--auth-methods", help="override the release's SSH auth methods, e.g. "
                       "keyboard-interactive or password,keyboard-interactive")
    serve.add_argument("--time-scale", type=_positive(float), default=1.0,
                       help="real seconds per lab second for command delays")
    serve.add_argument("--ssh-version", default=SERVER_VERSION,
                       help="software version in the SSH banner (GUESSED default %(default)s)")
    serve.add_argument("--sftp-servers", type=int, choices=range(0, MAX_SFTP_SERVERS + 1), default=1,
                       metavar="K", help="SFTP servers to start for file get / remotekey (default 1)")
    serve.add_argument("--phones", type=_count(phones.MAX_PHONES), default=0, metavar="N",
                       help="IP phones per cluster, joined by trust on first use (default 0)")
    serve.add_argument("--https-base-port", type=int, default=0,
                       help="HTTPS (AXL, RisPort70) port of the first node, the others follow (0: OS-chosen)")
    serve.add_argument("--tftp-http-base-port", type=int, default=0,
                       help="TFTP HTTP (CUCM's port 6970) port of the first node, the others follow "
                       "(0: OS-chosen)")
    serve.add_argument("--test-commands", action="store_true", help="enable the labtest commands")
    serve.add_argument("--max-runtime", type=_positive(float, MAX_RUNTIME_LIMIT), default=4 * 3600.0,
                       help="exit after this many seconds (default 4 hours)")
    serve.add_argument("--log-level", default="WARNING")
    return parser


def default_cluster_name(release_key: str) -> str:
    return "lab" + re.sub(r"\D", "", release_key)


def _tftp_nodes(spec, cluster_name):
    """--tftp-nodes items for one cluster: full host names, suffixes or node indexes."""
    if not spec:
        return None
    wanted = []
    for item in (part.strip() for part in spec.split(",") if part.strip()):
        if item.isdigit():
            wanted.append(int(item))
        elif item.startswith(cluster_name + "-"):
            wanted.append(item)
        else:
            wanted.append("%s-%s" % (cluster_name, item))
    return wanted


def build_clusters(args):
    base = args.cluster or default_cluster_name(args.release)
    names = [base] if args.clusters == 1 else ["%s%d" % (base, i) for i in range(1, args.clusters + 1)]
    clock = LabClock()  # one clock: advancing it moves every cluster
    clusters = [
        bootstrap.create_cluster(
            name, args.release, args.nodes, tftp_nodes=_tftp_nodes(args.tftp_nodes, name),
            key_size=args.key_size, security_mode=SECURITY_MODES[args.security_mode], clock=clock,
            itl_record_form=args.itl_record_form, time_zone=args.time_zone,
            trust_list_style=args.trust_list_style,
        )
        for name in names
    ]
    for cluster in clusters:
        population = phones.populate(cluster, getattr(args, "phones", 0), getattr(args, "time_scale", 1.0))
        webapi.provision(cluster, population.timer)
    return clusters


def setting_defaults(args) -> dict:
    defaults = {"banner_delay": args.banner_delay, "time_scale": args.time_scale,
                "test_commands": args.test_commands}
    if args.auth_methods:
        methods = [m.strip() for m in args.auth_methods.split(",") if m.strip()]
        if not methods or any(m not in AUTH_METHODS for m in methods):
            raise SystemExit("--auth-methods: use %s" % ", ".join(AUTH_METHODS))
        defaults["auth_methods"] = methods
    return defaults


async def run_lab(args, clusters, services) -> str:
    """Serve until a signal or the maximum runtime; return why it stopped."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    reason = {"why": "max-runtime"}

    def on_signal(signum):
        reason["why"] = signal.Signals(signum).name
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)

    lab = Lab(clusters, args.state_dir, services, server_version=args.ssh_version)
    await lab.start(args.base_port)
    lab.sftp = LabSftp(args.state_dir, args.sftp_servers)
    try:
        await lab.sftp.start()
    except Exception:
        await lab.stop()
        raise
    if lab.sftp.servers:
        # `utils itl reset remotekey` names no port: point it at the first SFTP server.
        services.settings.update(services.settings.hostnames(),
                                 {"remotekey_sftp_port": lab.sftp.servers[0].server.port})
    lab.web = webapi.LabWeb(clusters, args.state_dir)
    try:
        await lab.web.start(args.https_base_port)
    except Exception:
        await lab.sftp.stop()
        await lab.stop()
        raise
    tftp_http = tftphttp.LabTftpHttp(clusters, services)
    try:
        await tftp_http.start(args.tftp_http_base_port)
    except Exception:
        await lab.web.stop()
        await lab.sftp.stop()
        await lab.stop()
        raise
    ticker = loop.create_task(phones.run_ticker(clusters))
    control = ControlServer(lab, args.control_port)
    control.start()
    try:
        write_lab_files(args.state_dir, lab_description(clusters, control.url, args.state_dir,
                                                        sftp=lab.sftp.describe(), ca_file=lab.web.ca_file))
        print("cucm-lab ready: cluster=%s nodes=%d control=%s"
              % (",".join(c.name for c in clusters), len(lab.nodes()), control.url), flush=True)
        try:
            await asyncio.wait_for(stop.wait(), args.max_runtime)
        except asyncio.TimeoutError:
            pass
    finally:
        await loop.run_in_executor(None, control.stop)
        ticker.cancel()
        await tftp_http.stop()
        await lab.web.stop()
        await lab.sftp.stop()
        await lab.stop()
    return reason["why"]


def serve(args) -> int:
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    os.makedirs(args.state_dir, exist_ok=True)
    defaults = setting_defaults(args)
    clusters = build_clusters(args)
    hostnames = [node.hostname for cluster in clusters for node in cluster.nodes]
    services = LabServices(settings=SettingsStore(hostnames, defaults), faults=FaultRegistry(),
                           stats=Stats(hostnames))
    why = asyncio.run(run_lab(args, clusters, services))
    print("cucm-lab stopped: %s" % why, flush=True)
    return 0


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # pragma: no cover - argparse requires a command


if __name__ == "__main__":
    sys.exit(main())
