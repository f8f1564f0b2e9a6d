"""Command output of the lab, checked against the seeds, the renderer and the lab's own state."""

import re

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_network_cluster
from cucm_lab import render
from cucm_lab.settings import GUESSED_TEXTS
from cucm_lab.testing import start_lab

SECURITY_MODE_QUERY = "run sql select paramname,paramvalue from processconfig where paramname='ClusterSecurityMode'"
NODE_LINE_RE = re.compile(
    r"^(?P<ip>\d+\.\d+\.\d+\.\d+) (?P<fqdn>\S+) (?P<hostname>\S+) (?P<role>Publisher|Subscriber) "
    r"callmanager (?P<db>DBPub|DBSub) authenticated(?P<since> using TCP since .+)?$")


def lf(text):
    return text.replace("\r\n", "\n")


def squeeze(line):
    return " ".join(line.split())


@pytest.fixture
def cli(clean_lab, pub):
    with clean_lab.shell(pub) as shell:
        shell.command("set cli pagination off")
        yield shell


def test_show_itl_is_the_rendering_of_the_stored_bytes(clean_lab, pub, sub):
    for hostname in (pub, sub):
        stored = clean_lab.stored_file(hostname, "ITLFile.tlv")
        with clean_lab.shell(hostname) as shell:
            shell.command("set cli pagination off")
            output = lf(shell.command("show itl"))
        assert output == render.render_show_itl(stored)
        assert output.rstrip().endswith("The ITL file was verified successfully.")


def test_show_ctl_without_ctl_is_seed_002(cli, seed_text):
    seed = [squeeze(line) for line in seed_text("002_ja_show_ctl_not_found.txt").splitlines()]
    seed = [line for line in seed if line and line not in ("admin:", "show ctl")]
    lab = [squeeze(line) for line in lf(cli.command("show ctl")).splitlines() if line.strip()]
    # The web copy of seed 002 broke "not found." across lines; the words are the same.
    assert " ".join(lab) == " ".join(seed).replace("not found .", "not found.")


def test_run_sql_cluster_security_mode_has_the_seed_002_layout(cli, seed_text):
    seed = [line.rstrip() for line in seed_text("002_ja_run_sql_cluster_security_mode.txt").splitlines()]
    assert seed[0] == SECURITY_MODE_QUERY
    header, rule, row = lf(cli.command(SECURITY_MODE_QUERY)).splitlines()[:3]
    assert squeeze(header) == squeeze(seed[1])
    assert squeeze(row) == squeeze(seed[3])
    assert re.fullmatch(r"=+ +=+", rule) and re.fullmatch(r"=+ +=+", seed[2].strip())
    # Full-width runs: each column starts where its run starts and is as wide as its widest cell.
    runs = [m.span() for m in re.finditer(r"=+", rule)]
    assert [header.index(name) for name in ("paramname", "paramvalue")] == [span[0] for span in runs]
    assert runs[0][1] - runs[0][0] == len("ClusterSecurityMode")
    assert row[runs[1][0]:] == "0"


def test_run_sql_seed_000_certificate_query(cli, clean_lab):
    query = ("run sql select c.subjectname, c.serialnumber, c.ipv4address, t.name from certificate as c, "
             "certificatetrustrolemap as r, typetrustrole as t where c.pkid = r.fkcertificate "
             "and t.enum = r.tktrustrole")
    lines = lf(cli.command(query)).splitlines()
    assert lines[0].split() == ["subjectname", "serialnumber", "ipv4address", "name"]
    state = clean_lab.control("GET", "/state")
    callmanager = {node["certs"]["CallManager"]["serial"].lower() for node in state["nodes"].values()}
    authz = [line.split() for line in lines[2:] if line.endswith("Authentication and Authorization")]
    assert {cells[1] for cells in authz} == callmanager


def test_run_sql_null_and_errors(cli):
    rows = lf(cli.command("run sql select name, description from processnode order by nodeid")).splitlines()
    assert rows[2].split() == ["EnterpriseWideData", "NULL"]
    failed = lf(cli.command("run sql select name from nowhere")).splitlines()
    assert failed[-2:] == [" -206: The specified table (nowhere) is not in the database.",
                           "Executed command unsuccessfully"]
    assert lf(cli.command("run sql delete from processnode")).splitlines()[-1] == "Executed command unsuccessfully"


def test_show_network_cluster_classic(clean_lab, pub, sub):
    state = clean_lab.control("GET", "/state")["nodes"]
    for local in (pub, sub):
        with clean_lab.shell(local) as shell:
            lines = lf(shell.command("show network cluster")).rstrip("\n").split("\n")
        node_lines = [NODE_LINE_RE.match(line) for line in lines[: len(state)]]
        assert all(node_lines), lines
        for match in node_lines:
            node = state[match["hostname"]]
            assert match["ip"] == node["ip"]
            assert match["fqdn"].startswith(match["hostname"] + ".")
            assert (match["role"], match["db"]) == (("Publisher", "DBPub") if node["publisher"] else ("Subscriber", "DBSub"))
            assert (match["since"] is None) == (match["hostname"] == local)
        rest = lines[len(state):]
        if local == pub:
            assert rest[:4] == ["", "Server Table (processnode) Entries", "-" * 34, "EnterpriseWideData"]
            assert rest[4:] == list(state)
        else:
            assert rest == []


def test_show_network_cluster_parses_with_the_collection_parser(cli, clean_lab, pub):
    parsed = parse_show_network_cluster("admin:show network cluster\r\n" + cli.command("show network cluster"))
    assert [n["hostname"] for n in parsed["nodes"]] == list(clean_lab.control("GET", "/state")["nodes"])
    assert [n["hostname"] for n in parsed["nodes"] if n["local"]] == [pub]


def test_utils_service_list_reflects_the_node_services(cli, clean_lab, pub):
    lines = lf(cli.command("utils service list")).rstrip("\n").split("\n")
    platform = ["%s [STARTED]" % name for name in GUESSED_TEXTS["platform_services"].splitlines()]
    assert lines[: 1 + len(platform) + 3] == (
        ["Requesting service status, please wait..."] + platform
        + ["Service Manager is running", "Getting list of all services", ">> Return code = 0"])
    assert lines[-1] == "Primary Node =true"
    services = clean_lab.control("GET", "/state")["nodes"][pub]["services"]
    expected = []
    for name, svc in services.items():
        if not svc["activated"]:
            expected.append("%s[STOPPED]  Service Not Activated" % name)
        else:
            expected.append("%s[%s]" % (name, svc["state"]))
    assert sorted(lines[1 + len(platform) + 3: -1]) == sorted(expected)
    assert "Cisco Tftp[STARTED]" in lines


def test_utils_service_list_on_a_subscriber_has_no_primary_trailer(clean_lab, sub):
    with clean_lab.shell(sub) as shell:
        lines = lf(shell.command("utils service list")).rstrip("\n").split("\n")
    assert not any(line.startswith("Primary Node") for line in lines)


def test_show_version_active(cli, clean_lab):
    version = clean_lab.control("GET", "/state")["version"]
    assert lf(cli.command("show version active")).splitlines() == [
        "Active Master Version: %s" % version,
        "Active Version Installed Software Options:",
        "No Installed Software Options Found.",
    ]


def test_show_myself(cli, pub):
    assert lf(cli.command("show myself")).splitlines() == [
        "Machine Name    : %s" % pub,
        "account name    : admin",
        "privilege level : 4",
        "command count disabled : false",
        "logging setting : disabled",
    ]


def test_release_15_network_cluster_layout(tmp_path):
    lab = start_lab(tmp_path, nodes=2, release="15")
    try:
        state = lab.control("GET", "/state")["nodes"]
        with lab.shell("lab15-sub1") as shell:
            lines = lf(shell.command("show network cluster")).rstrip("\n").split("\n")
    finally:
        lab.stop()
    assert lines[0].split("  ")[0] == "Node ID"
    assert re.fullmatch(r"-+(  -+)+", lines[1])
    columns = [m.start() for m in re.finditer(r"-+", lines[1])]
    for number, (line, hostname) in enumerate(zip(lines[2:], state), 1):
        cells = [line[start:end].strip() for start, end in zip(columns, columns[1:] + [None])]
        assert cells[:2] == [str(number), hostname]
        assert cells[3] == state[hostname]["ip"]
        # The node the command runs on says "local"; every other node the time its link came up.
        if hostname == "lab15-sub1":
            assert cells[-1] == "local"
        else:
            assert cells[-1].startswith("TCP since "), cells
