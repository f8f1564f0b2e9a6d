# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers of the cluster-inventory commands: service list, network cluster, version, run sql.

The seeds hold no transcript of these commands. The input lines here are the layouts quoted in
../shared/reference/cucm-cli-behaviour.md ("Services", "Cluster and database"): literal lines
where the reference gives them, host names from the seeds where it gives a template
(<ip> <fqdn> <hostname> ...). The lab's output and the tolerated and refused variants are in
test_parsers_inventory.py.
"""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_run_sql,
    parse_show_network_cluster,
    parse_show_version_active,
    parse_utils_service_list,
)

# Every line below is quoted from cucm-cli-behaviour.md, in the order it describes.
SERVICE_LIST = "\r\n".join([
    "admin:utils service list",
    "Requesting service status, please wait...",
    "System SSH [STARTED]",
    "Service Manager is running",
    "Getting list of all services",
    ">> Return code = 0",
    "Cisco Tftp[STARTED]",
    "Cisco DirSync[STOPPED]  Service Not Activated",
    "Cisco X[ STOPPED ]  Component is not running",
    "Primary Node =true",
    "",
    "admin:",
])


def test_utils_service_list():
    assert parse_utils_service_list(SERVICE_LIST) == {"services": {
        "System SSH": {"state": "STARTED", "activated": True},
        "Cisco Tftp": {"state": "STARTED", "activated": True},
        "Cisco DirSync": {"state": "STOPPED", "activated": False},
        "Cisco X": {"state": "STOPPED", "activated": True},
    }, "unparsed": []}


def test_utils_service_list_sets_unknown_lines_aside():
    # Not the documented status line: not dropped as one, not a service either.
    text = SERVICE_LIST.replace("Service Manager is running", "Service Manager is not running")

    parsed = parse_utils_service_list(text)

    assert parsed["unparsed"] == ["Service Manager is not running"]
    assert parsed["services"] == parse_utils_service_list(SERVICE_LIST)["services"]


# `show network cluster` per the reference's template, host names of seed 001 (test10pub /
# test10sub in joemar2.lab). The date after "using TCP since" has no documented format.
CLUSTER_WITH_FQDN = "\n".join([
    "admin:show network cluster",
    "192.0.2.11 test10pub.joemar2.lab test10pub Publisher callmanager DBPub authenticated",
    "192.0.2.12 test10sub.joemar2.lab test10sub Subscriber callmanager DBSub authenticated using TCP since Wed Feb 26 10:24:27 2014",
    "",
    "Server Table (processnode) Entries",
    "----------------------------------",
    "test10pub",
    "test10sub",
    "",
    "admin:",
])
CLUSTER_WITHOUT_FQDN = "\n".join([
    "192.0.2.11 test10pub Publisher callmanager DBPub authenticated using TCP since Wed Feb 26 10:24:27 2014",
    "192.0.2.12 test10sub Subscriber callmanager DBSub authenticated",
])


def test_show_network_cluster_on_the_publisher():
    parsed = parse_show_network_cluster(CLUSTER_WITH_FQDN)

    assert parsed == {
        "nodes": [
            {"ip": "192.0.2.11", "fqdn": "test10pub.joemar2.lab", "hostname": "test10pub", "role": "publisher",
             "product": "callmanager", "db_role": "DBPub", "authenticated": True, "local": True},
            {"ip": "192.0.2.12", "fqdn": "test10sub.joemar2.lab", "hostname": "test10sub", "role": "subscriber",
             "product": "callmanager", "db_role": "DBSub", "authenticated": True, "local": False},
        ],
        "processnodes": ["test10pub", "test10sub"],
        "unparsed": [],
    }


def test_show_network_cluster_without_fqdn_column_on_a_subscriber():
    parsed = parse_show_network_cluster(CLUSTER_WITHOUT_FQDN)

    assert [node["fqdn"] for node in parsed["nodes"]] == [None, None]
    assert [node["hostname"] for node in parsed["nodes"]] == ["test10pub", "test10sub"]
    assert [node["role"] for node in parsed["nodes"]] == ["publisher", "subscriber"]
    assert [node["local"] for node in parsed["nodes"]] == [False, True]
    assert parsed["processnodes"] == []


def test_show_network_cluster_rejects_an_unknown_layout():
    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster(CLUSTER_WITH_FQDN.replace(" DBPub ", " DBPrimary "))

    assert caught.value.line_number == 2


def test_show_version_active_without_options():
    text = "admin:show version active\r\nActive Master Version: 12.5.1.14900-63\r\n" \
           "Active Version Installed Software Options:\r\nNo Installed Software Options Found.\r\nadmin:"

    assert parse_show_version_active(text) == {"version": "12.5.1.14900-63", "options": [], "unparsed": []}


def test_show_version_active_lists_options():
    # The reference says "then COP names"; the name here stands for one.
    text = "Active Master Version: 12.5.1.14900-63\nActive Version Installed Software Options:\nexample-option.cop\n"

    assert parse_show_version_active(text) == {"version": "12.5.1.14900-63", "options": ["example-option.cop"],
                                               "unparsed": []}


def test_show_version_active_needs_the_version_line():
    with pytest.raises(ParserError) as caught:
        parse_show_version_active("Active Version Installed Software Options:\nNo Installed Software Options Found.")

    assert caught.value.line == "Active Version Installed Software Options:"


# `run sql` layout per the reference ("a row of = runs under each column ... values may contain
# spaces", NULL cells); query and role name from seed 000 lines 804-806 and 820.
RUN_SQL = "\n".join([
    "admin:run sql select t.name, c.ipv4address from certificate as c, certificatetrustrolemap as r, "
    "typetrustrole as t where c.pkid = r.fkcertificate and t.enum = r.tktrustrole",
    "name                             ipv4address",
    "================================ ===========",
    "Authentication and Authorization NULL",
    "",
    "admin:",
])


def test_run_sql_columns_come_from_the_rule():
    assert parse_run_sql(RUN_SQL) == {"rows": [{"name": "Authentication and Authorization", "ipv4address": None}],
                                      "row_count": None, "unparsed": []}


def test_run_sql_dml_prints_only_a_row_count():
    text = "admin:run sql update processconfig set paramvalue='0' where paramname='x'\nRows: 1\nadmin:"

    assert parse_run_sql(text) == {"rows": [], "row_count": 1, "unparsed": []}


def test_run_sql_header_and_rule_must_agree():
    with pytest.raises(ParserError) as caught:
        parse_run_sql(RUN_SQL.replace("name                             ipv4address", "name   ip v4address"))

    assert caught.value.line == "name   ip v4address"
    assert "3 column names for 2 '=' runs" in str(caught.value)
