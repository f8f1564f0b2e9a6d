# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory parsers on real text: tolerant where the meaning cannot change, strict where it can.

``show network cluster``, ``utils service list``, ``show version active`` and ``run sql`` read the
lab's output as an SSH client received it (tests/unit/fixtures/lab/, echo, CRLF and pager residue
included), the lines cucm-cli-behaviour.md quotes (tests/unit/fixtures/reference/) and seed 000/002.

Where a test builds a variant, it is made of real lines only (a reference line placed before or
after lab output, a lab line with one column changed), and the comment says which documented
behaviour it stands for. Lines a parser does not understand go to ``unparsed``; they never become
a node, a processnode, a service, an option or a row.
"""

import glob
import io
import json
import os
import re

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_run_sql,
    parse_show_network_cluster,
    parse_show_version_active,
    parse_utils_service_list,
)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "fixtures"))
LAB = os.path.join(FIXTURES, "lab")
REFERENCE = os.path.join(FIXTURES, "reference")
SEEDS = os.path.join(FIXTURES, "seeds")
REFERENCE_DOC = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "..", "shared", "reference",
                                              "cucm-cli-behaviour.md"))

PARSERS = {
    "show network cluster": parse_show_network_cluster,
    "utils service list": parse_utils_service_list,
    "show version active": parse_show_version_active,
}


def lab_record(name):
    with io.open(os.path.join(LAB, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


def lab(name):
    """What the lab printed, from ``admin:<command>`` to the next ``admin:`` (raw CRLF)."""
    return lab_record(name)["output"]


def reference(name):
    with io.open(os.path.join(REFERENCE, name), encoding="utf-8") as handle:
        return handle.read()


def reference_lines(name):
    return reference(name).splitlines()


def seed(name):
    with io.open(os.path.join(SEEDS, name), encoding="utf-8") as handle:
        return handle.read()


def around(output, before=(), after=()):
    """Lab ``output`` with lines added after the echo and before the closing prompt, CRLF."""
    echo, body = output.split("\r\n", 1)
    body = re.sub(r"(?:\r?\n\r?)*admin:$", "", body)
    lines = [echo] + list(before) + body.split("\r\n") + list(after) + ["", "admin:"]
    return "\r\n".join(lines)


def replace_once(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


# Session lines from the reference ("Session"): the start-up line and welcome block (a slow node
# can still be drawing them when the first command is typed), the optional DNS warning, and the
# answers to `set cli pagination off` / `show cli pagination`.
SESSION_LINES = reference_lines("session_lines.txt")
FAILURE_TRAILER = reference_lines("failure_trailer.txt")[0]
# Questions CUCM asks (seed 001 `file get tftp`, quoted by the reference): sentences that carry
# brackets, so they test that brackets alone do not make a service.
BRACKETED_SENTENCES = ["Would you like to proceed [y/n]?", "SFTP server port [22]:"]


# -- provenance of the fixtures ------------------------------------------------------------------

def test_reference_fixtures_are_quoted_by_the_reference():
    if not os.path.isfile(REFERENCE_DOC):
        pytest.skip("reference not found at %s" % REFERENCE_DOC)
    with io.open(REFERENCE_DOC, encoding="utf-8") as handle:
        quoted = " ".join(handle.read().split())
    names = sorted(os.path.basename(p) for p in glob.glob(os.path.join(REFERENCE, "*.txt")))
    assert names
    for name in names:
        for line in reference_lines(name):
            assert " ".join(line.split()) in quoted, "%s: %r is not in the reference" % (name, line)


@pytest.mark.parametrize("directory, pattern", [(LAB, "*.json"), (REFERENCE, "*.txt")])
def test_readme_lists_every_fixture(directory, pattern):
    with io.open(os.path.join(directory, "README.md"), encoding="utf-8") as handle:
        listed = set(re.findall(r"`([\w.]+\.(?:json|txt))`", handle.read()))
    names = set(os.path.basename(p) for p in glob.glob(os.path.join(directory, pattern)))

    assert names and names <= listed


@pytest.mark.parametrize("name", sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(LAB, "*.json"))))
def test_lab_fixtures_are_whole_exchanges(name):
    record = lab_record(name)

    assert record["output"].startswith("admin:%s\r\n" % record["command"])
    assert re.search(r"\r\n\r?admin:$", record["output"])  # stray_cr: a lone CR before the prompt


# -- show network cluster ------------------------------------------------------------------------

LAB125_NODES = [
    {"ip": "192.0.2.10", "fqdn": "lab125-pub.lab.example", "hostname": "lab125-pub", "role": "publisher",
     "product": "callmanager", "db_role": "DBPub", "authenticated": True},
    {"ip": "192.0.2.11", "fqdn": "lab125-sub1.lab.example", "hostname": "lab125-sub1", "role": "subscriber",
     "product": "callmanager", "db_role": "DBSub", "authenticated": True},
    {"ip": "192.0.2.12", "fqdn": "lab125-sub2.lab.example", "hostname": "lab125-sub2", "role": "subscriber",
     "product": "callmanager", "db_role": "DBSub", "authenticated": True},
]
LAB125_PROCESSNODES = ["EnterpriseWideData", "lab125-pub", "lab125-sub1", "lab125-sub2"]
CLUSTER_PUB = "lab125_show_network_cluster_publisher"


def with_local(nodes, hostname):
    return [dict(node, local=node["hostname"] == hostname) for node in nodes]


def test_cluster_on_the_publisher():
    assert parse_show_network_cluster(lab(CLUSTER_PUB)) == {
        "nodes": with_local(LAB125_NODES, "lab125-pub"),
        "processnodes": LAB125_PROCESSNODES,
        "unparsed": [],
    }


def test_cluster_on_a_subscriber_has_no_processnode_table():
    assert parse_show_network_cluster(lab("lab125_show_network_cluster_subscriber")) == {
        "nodes": with_local(LAB125_NODES, "lab125-sub1"),
        "processnodes": [],
        "unparsed": [],
    }


@pytest.mark.parametrize("node, local", [("publisher", "lab15-pub"), ("subscriber", "lab15-sub1")])
def test_cluster_in_the_15_layout(node, local):
    parsed = parse_show_network_cluster(lab("lab15_show_network_cluster_" + node))

    assert [(n["ip"], n["fqdn"], n["hostname"], n["role"], n["db_role"]) for n in parsed["nodes"]] == [
        ("192.0.2.10", "lab15-pub.lab.example", "lab15-pub", "publisher", "DBPub"),
        ("192.0.2.11", "lab15-sub1.lab.example", "lab15-sub1", "subscriber", "DBSub")]
    assert [n["hostname"] for n in parsed["nodes"] if n["local"]] == [local]
    assert parsed["processnodes"] == (["EnterpriseWideData", "lab15-pub", "lab15-sub1"] if node == "publisher" else [])
    assert parsed["unparsed"] == []


@pytest.mark.parametrize("name", ["lab125_show_network_cluster_paged", "lab125_show_network_cluster_paged_no_erase"])
def test_cluster_through_the_pager(name):
    # Pagination on, 4-line screens: prompts erased with CR + spaces + CR, or ended with CRLF.
    assert "options: q=quit" in lab(name)

    assert parse_show_network_cluster(lab(name)) == parse_show_network_cluster(lab(CLUSTER_PUB))


def test_cluster_with_session_lines_before_and_after():
    parsed = parse_show_network_cluster(around(lab(CLUSTER_PUB), before=SESSION_LINES, after=SESSION_LINES))

    assert parsed["nodes"] == with_local(LAB125_NODES, "lab125-pub")
    assert parsed["processnodes"] == LAB125_PROCESSNODES  # the sentences after the table are not entries
    assert parsed["unparsed"] == [" ".join(line.split()) for line in SESSION_LINES] * 2


def test_cluster_with_the_im_and_presence_product():
    # The reference's node line: <callmanager|cups>; an IM and Presence node in the same cluster.
    text = replace_once(lab(CLUSTER_PUB), "lab125-sub2 Subscriber callmanager", "lab125-sub2 Subscriber cups")

    parsed = parse_show_network_cluster(text)

    assert [n["product"] for n in parsed["nodes"]] == ["callmanager", "callmanager", "cups"]
    assert parsed["unparsed"] == []


def test_cluster_without_the_fqdn_column():
    # "Some releases omit the FQDN column" (reference): the lab's lines without it.
    text = re.sub(r" lab125-\w+\.lab\.example ", " ", lab("lab125_show_network_cluster_subscriber"))

    parsed = parse_show_network_cluster(text)

    assert [n["fqdn"] for n in parsed["nodes"]] == [None, None, None]
    assert [n["hostname"] for n in parsed["nodes"]] == ["lab125-pub", "lab125-sub1", "lab125-sub2"]
    assert [n["local"] for n in parsed["nodes"]] == [False, True, False]


def test_cluster_with_ipv6_addresses():
    # Not in the reference: should a release print IPv6 addresses in the address column (or a
    # processnode by its IPv6 address), they are addresses, not sentences.
    text = replace_once(lab(CLUSTER_PUB), "192.0.2.12 ", "2001:db8::12 ")
    text = replace_once(text, "\r\nlab125-sub2\r\n", "\r\n2001:db8::12\r\n")

    parsed = parse_show_network_cluster(text)

    assert parsed["nodes"][2]["ip"] == "2001:db8::12"
    assert parsed["processnodes"][-1] == "2001:db8::12"
    assert parsed["unparsed"] == []


def test_cluster_node_with_an_unknown_status_is_read_and_reported():
    # GUESSED (module docstring): only "authenticated" is documented after the database role. A
    # node with another status is still a node (never dropped), not authenticated, not local,
    # and its line is reported.
    line = "192.0.2.11 lab125-sub1.lab.example lab125-sub1 Subscriber callmanager DBSub authenticated"
    text = replace_once(lab("lab125_show_network_cluster_subscriber"), line, line.replace("authenticated", "unauthenticated"))

    parsed = parse_show_network_cluster(text)

    assert [n["hostname"] for n in parsed["nodes"]] == ["lab125-pub", "lab125-sub1", "lab125-sub2"]
    assert parsed["nodes"][1]["authenticated"] is False
    assert [n["local"] for n in parsed["nodes"]] == [False, False, False]
    assert parsed["unparsed"] == [line.replace("authenticated", "unauthenticated")]


def test_cluster_sentences_never_become_processnodes():
    # Session lines and bracketed questions after the processnode entries.
    text = around(lab(CLUSTER_PUB), after=SESSION_LINES + BRACKETED_SENTENCES)

    parsed = parse_show_network_cluster(text)

    assert parsed["processnodes"] == LAB125_PROCESSNODES
    assert parsed["unparsed"] == [" ".join(line.split()) for line in SESSION_LINES] + BRACKETED_SENTENCES


def test_cluster_sentence_starting_with_an_address_is_not_a_node():
    # A notice naming a node by its address (the lab's address + a reference status sentence).
    notices = ["192.0.2.11 Service Manager is running", "192.0.2.11", "192.0.2.11 WARNING: DNS unreachable"]
    text = around(lab(CLUSTER_PUB), before=notices, after=notices)

    parsed = parse_show_network_cluster(text)

    assert parsed["nodes"] == with_local(LAB125_NODES, "lab125-pub")
    assert parsed["processnodes"] == LAB125_PROCESSNODES + ["192.0.2.11"]  # an address is a processnode entry
    assert parsed["unparsed"] == notices + notices[:1] + notices[2:]


@pytest.mark.parametrize("old, new, reason", [
    # A database role the layout does not know: the publisher would be lost.
    (" DBPub ", " DBPrimary ", "layout this parser does not know"),
    # Not an IPv4 address.
    ("192.0.2.10 ", "192.0.2.300 ", "not an IPv4 or IPv6 address"),
    # Not a host name.
    ("lab125-pub.lab.example", "lab125-pub.lab.example:", "is not a host name"),
    # A node line cut after the product (it names an address and a role).
    (" DBPub authenticated", "", "layout this parser does not know"),
])
def test_cluster_node_lines_that_cannot_be_read_are_errors(old, new, reason):
    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster(replace_once(lab(CLUSTER_PUB), old, new))

    assert reason in str(caught.value)
    assert caught.value.line_number == 2


def test_cluster_two_local_nodes_are_an_error():
    # The local node is the line without a connection (reference); two of them (e.g. the outputs
    # of two nodes run together) cannot say which node the task is on.
    sub = lab("lab125_show_network_cluster_subscriber").split("\r\n")[2]
    text = around(lab(CLUSTER_PUB), after=[sub])

    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster(text)

    assert "two node lines are the local node" in str(caught.value)
    assert caught.value.line == sub


def test_cluster_failure_trailer_is_an_error():
    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster(around(lab(CLUSTER_PUB), after=[FAILURE_TRAILER]))

    assert caught.value.line == FAILURE_TRAILER


def test_cluster_without_a_node_line_quotes_what_came_instead():
    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster("admin:show network cluster\r\n" + "\r\n".join(SESSION_LINES) + "\r\nadmin:")

    assert "no node line" in str(caught.value)
    assert caught.value.line == SESSION_LINES[0]


# -- pager residue (shared by the four parsers) --------------------------------------------------

def cut_at_first_prompt(text):
    """``text`` as if the pager had been quit (``q``) at its first prompt."""
    index = text.index("options: q=quit")
    end = text.index(") :", index) + len(") :")
    return text[:end] + "\r" + " " * (end - index) + "\r\r\n\r\nadmin:"


@pytest.mark.parametrize("name, parser", [
    ("lab125_show_network_cluster_paged", parse_show_network_cluster),
    ("lab125_utils_service_list_paged", parse_utils_service_list),
    ("lab125_run_sql_node_services_paged", parse_run_sql),
])
def test_output_cut_at_the_pager_is_an_error(name, parser):
    with pytest.raises(ParserError) as caught:
        parser(cut_at_first_prompt(lab(name)))

    assert "ends at the pager" in str(caught.value)
    assert caught.value.line.startswith("options: q=quit")


def test_output_paged_backwards_is_an_error():
    # `p` at the second prompt: the second page again, so lines 4 - 6 come twice.
    text = lab("lab125_show_network_cluster_paged")
    second = re.search(r"options: [^\r]*\(lines 4 - 6 of 10\) :\r *\r", text)
    page = text[text.index("Server Table"):second.start()]
    text = text[:second.end()] + page + second.group(0) + text[second.end():]

    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster(text)

    assert "paged out of order" in str(caught.value)


def test_the_documented_pager_prompt_on_a_last_page_alone_is_an_error():
    # The reference's `file view` prompt shows lines 1221 - 1223: the 1220 lines before were
    # never read, whatever parser gets them.
    prompt = reference_lines("pager_prompt_file_view.txt")[0]
    text = around(lab("lab125_show_version_active"), before=[prompt])

    with pytest.raises(ParserError) as caught:
        parse_show_version_active(text)

    assert "paged out of order" in str(caught.value)
    assert caught.value.line == prompt


def test_the_press_enter_pager_is_residue_too():
    # GUESSED pager of long `show` output (the form the connection's dialog also turns), erased
    # with CR + spaces + CR before the next page like the lab's.
    prompt = "Press <enter> for 1 line, <space> for one page, or <q> to quit"
    erased = prompt + "\r" + " " * len(prompt) + "\r"
    text = replace_once(lab(CLUSTER_PUB), "\r\nServer Table", "\r\n" + erased + "Server Table")

    assert parse_show_network_cluster(text) == parse_show_network_cluster(lab(CLUSTER_PUB))
    with pytest.raises(ParserError) as caught:
        parse_show_network_cluster(text[:text.index(erased) + len(prompt)])
    assert "ends at the pager" in str(caught.value)


# -- utils service list --------------------------------------------------------------------------

SERVICES_PUB = "lab125_utils_service_list_publisher"


def test_services_as_the_reference_quotes_them():
    assert parse_utils_service_list(reference("utils_service_list.txt")) == {"services": {
        "System SSH": {"state": "STARTED", "activated": True},
        "Cisco Tftp": {"state": "STARTED", "activated": True},
        "Cisco DirSync": {"state": "STOPPED", "activated": False},
        "Cisco X": {"state": "STOPPED", "activated": True},
    }, "unparsed": []}


def test_services_on_the_lab_publisher():
    parsed = parse_utils_service_list(lab(SERVICES_PUB))

    assert len(parsed["services"]) == 20
    assert parsed["services"]["System SSH"] == {"state": "STARTED", "activated": True}  # space before [
    assert parsed["services"]["Cluster Manager"] == {"state": "STARTED", "activated": True}
    assert parsed["services"]["Cisco Tftp"] == {"state": "STARTED", "activated": True}
    assert parsed["services"]["Cisco DirSync"] == {"state": "STOPPED", "activated": False}
    assert parsed["unparsed"] == []


def test_services_component_not_running_is_activated():
    parsed = parse_utils_service_list(lab("lab125_utils_service_list_tftp_stopped"))

    assert "Cisco Tftp[STOPPED]  Component is not running" in lab("lab125_utils_service_list_tftp_stopped")
    assert parsed["services"]["Cisco Tftp"] == {"state": "STOPPED", "activated": True}
    assert parsed["services"]["Cisco AXL Web Service"] == {"state": "STOPPED", "activated": False}
    assert parsed["unparsed"] == []


@pytest.mark.parametrize("name", ["lab125_utils_service_list_paged", "lab125_utils_service_list_stray_cr"])
def test_services_through_the_pager_and_stray_crs(name):
    assert parse_utils_service_list(lab(name)) == parse_utils_service_list(lab(SERVICES_PUB))


def test_services_on_a_subscriber_without_the_primary_trailer():
    for name in ("lab125_utils_service_list_subscriber", "lab105_utils_service_list_subscriber"):
        assert "Primary Node" not in lab(name)
        parsed = parse_utils_service_list(lab(name))
        assert parsed["services"]["Cisco Tftp"]["state"] == "STARTED"
        assert parsed["unparsed"] == []


def test_services_with_session_lines_and_sentences_around():
    lines = SESSION_LINES + BRACKETED_SENTENCES
    parsed = parse_utils_service_list(around(lab(SERVICES_PUB), before=lines, after=lines))

    assert parsed["services"] == parse_utils_service_list(lab(SERVICES_PUB))["services"]
    assert parsed["unparsed"] == [" ".join(line.split()) for line in lines] * 2


def test_services_another_reason_keeps_the_service_activated_and_is_reported():
    # The reference: a reason after the bracket ("Service Not Activated", "Component is not
    # running", others). "Commanded Out of Service" is the wording field reports show for a
    # service an administrator stopped (not in the references); only "Service Not Activated"
    # says the service is not activated.
    line = "Cisco Tftp[STOPPED]  Commanded Out of Service"
    text = replace_once(lab(SERVICES_PUB), "Cisco Tftp[STARTED]", line)

    parsed = parse_utils_service_list(text)

    assert parsed["services"]["Cisco Tftp"] == {"state": "STOPPED", "activated": True}
    assert parsed["unparsed"] == [line]


def test_services_not_activated_in_any_case():
    # The same words as the reference's reason, in another case.
    text = replace_once(reference("utils_service_list.txt"), "Service Not Activated", "Service not activated")

    parsed = parse_utils_service_list(text)

    assert parsed["services"]["Cisco DirSync"] == {"state": "STOPPED", "activated": False}
    assert parsed["unparsed"] == []


@pytest.mark.parametrize("old, new", [
    # Not the documented status line.
    ("Service Manager is running", "Service Manager is not running"),
    # A return code other than the documented 0.
    (">> Return code = 0", ">> Return code = 1"),
])
def test_services_status_lines_that_differ_are_reported(old, new):
    parsed = parse_utils_service_list(replace_once(lab(SERVICES_PUB), old, new))

    assert parsed["unparsed"] == [new]
    assert new not in parsed["services"] and len(parsed["services"]) == 20


def test_services_failure_trailer_is_an_error():
    with pytest.raises(ParserError) as caught:
        parse_utils_service_list(around(lab(SERVICES_PUB), after=[FAILURE_TRAILER]))

    assert caught.value.line == FAILURE_TRAILER


def test_services_none_listed_quotes_what_came_instead():
    with pytest.raises(ParserError) as caught:
        parse_utils_service_list(reference("session_lines.txt") + "Service Manager is running\n")

    assert "no service" in str(caught.value)
    assert caught.value.line == SESSION_LINES[0]


# -- show version active -------------------------------------------------------------------------

def test_version_as_the_reference_quotes_it():
    assert parse_show_version_active(reference("show_version_active.txt")) == {
        "version": "12.5.1.14900-63", "options": [], "unparsed": []}


@pytest.mark.parametrize("name, version", [("lab125_show_version_active", "12.5.1.14900-63"),
                                           ("lab15_show_version_active", "15.0.1.11900-23")])
def test_version_on_the_lab(name, version):
    assert parse_show_version_active(lab(name)) == {"version": version, "options": [], "unparsed": []}


def test_version_with_session_lines_around():
    text = around(lab("lab125_show_version_active"), before=SESSION_LINES, after=SESSION_LINES)

    parsed = parse_show_version_active(text)

    assert parsed["version"] == "12.5.1.14900-63"
    assert parsed["options"] == []  # sentences after the options heading are not COP files
    assert parsed["unparsed"] == [" ".join(line.split()) for line in SESSION_LINES] * 2


def test_version_the_same_answer_twice_is_one_version():
    # The lab's line repeated (e.g. a redrawn screen): the same release, no conflict.
    text = lab("lab125_show_version_active")
    line = "Active Master Version: 12.5.1.14900-63"

    assert parse_show_version_active(around(text, before=[line]))["version"] == "12.5.1.14900-63"


def test_version_two_releases_are_an_error():
    # The answers of a 12.5 and a 15 node run together.
    line15 = lab("lab15_show_version_active").split("\r\n")[1]

    with pytest.raises(ParserError) as caught:
        parse_show_version_active(around(lab("lab125_show_version_active"), after=[line15]))

    assert "second 'Active Master Version'" in str(caught.value)
    assert caught.value.line == line15


@pytest.mark.parametrize("value", ["", "12.5.1.14900-63 (SU5)", "unknown"])
def test_version_that_is_not_a_release_is_an_error(value):
    # The reference's version line with the release cut off or followed by more words.
    text = replace_once(reference("show_version_active.txt"), "12.5.1.14900-63", value).replace(": \n", ":\n")

    with pytest.raises(ParserError) as caught:
        parse_show_version_active(text)

    assert "not a release number" in str(caught.value)
    assert caught.value.line_number == 1


def test_version_failure_trailer_is_an_error():
    with pytest.raises(ParserError) as caught:
        parse_show_version_active(around(lab("lab125_show_version_active"), after=[FAILURE_TRAILER]))

    assert caught.value.line == FAILURE_TRAILER


def test_version_missing_quotes_what_came_instead():
    with pytest.raises(ParserError) as caught:
        parse_show_version_active(reference("session_lines.txt"))

    assert caught.value.line == SESSION_LINES[0]


# -- run sql -------------------------------------------------------------------------------------

NODE_SERVICES = "lab125_run_sql_node_services"


def test_sql_security_mode_from_the_lab():
    assert parse_run_sql(lab("lab125_run_sql_security_mode")) == {
        "rows": [{"paramname": "ClusterSecurityMode", "paramvalue": "0"}], "row_count": None, "unparsed": []}


def test_sql_values_with_spaces_and_nulls():
    rows = parse_run_sql(lab("lab125_run_sql_certificates"))["rows"]

    assert len(rows) == 15
    assert rows[0]["name"] == "Authentication and Authorization"
    assert rows[4]["name"] == "System Administrator Security Token"
    assert rows[0]["subjectname"] == "CN=lab125-pub;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US"
    assert [row["description"] for row in parse_run_sql(lab("lab125_run_sql_null"))["rows"]] == [None] * 4


def test_sql_through_the_pager():
    assert parse_run_sql(lab("lab125_run_sql_node_services_paged")) == parse_run_sql(lab(NODE_SERVICES))


def test_sql_with_session_lines_before():
    parsed = parse_run_sql(around(lab(NODE_SERVICES), before=SESSION_LINES))

    assert parsed["rows"] == parse_run_sql(lab(NODE_SERVICES))["rows"]
    assert parsed["unparsed"] == SESSION_LINES


def test_sql_with_notices_after_the_rows():
    after = [line for line in SESSION_LINES if line != "8192 Mbytes RAM"]

    parsed = parse_run_sql(around(lab(NODE_SERVICES), after=after))

    assert parsed["rows"] == parse_run_sql(lab(NODE_SERVICES))["rows"]
    assert parsed["unparsed"] == after


def test_sql_a_line_that_fits_the_columns_after_a_notice_is_an_error():
    # "8192 Mbytes RAM" (welcome block) falls exactly on the columns of `node        service`:
    # after a notice it cannot be told from a row that follows a broken line, so nothing is
    # guessed. (Right after the last row, with no notice before it, it would be read as a row:
    # the limitation the parser's docstring states.)
    with pytest.raises(ParserError) as caught:
        parse_run_sql(around(lab(NODE_SERVICES), after=SESSION_LINES))

    assert caught.value.line == SESSION_LINES[0]
    assert "does not fit" in str(caught.value)


def test_sql_a_sentence_that_falls_on_the_column_start_is_not_a_row():
    # "WARNING: DNS unreachable" cut at the service column (12) would be "WARNING: DNS" /
    # "unreachable": the second cell does not start where its column does.
    text = around(lab(NODE_SERVICES), after=["WARNING: DNS unreachable"])

    parsed = parse_run_sql(text)

    assert len(parsed["rows"]) == 42
    assert parsed["unparsed"] == ["WARNING: DNS unreachable"]


def test_sql_dml_reply():
    assert parse_run_sql(reference("run_sql_dml_reply.txt")) == {"rows": [], "row_count": 3, "unparsed": []}


def test_sql_row_count_after_a_select():
    # GUESSED: `Rows: <n>` is documented for DML only; after a SELECT it is read the same.
    text = around(lab("lab125_run_sql_security_mode"), after=reference_lines("run_sql_dml_reply.txt"))

    parsed = parse_run_sql(text)

    assert parsed["row_count"] == 3
    assert len(parsed["rows"]) == 1 and parsed["unparsed"] == []


@pytest.mark.parametrize("name", ["lab125_run_sql_no_table", "lab125_run_sql_no_column", "lab125_run_sql_syntax_error"])
def test_sql_database_errors_are_errors(name):
    error = lab(name).split("\r\n")[1]
    assert re.match(r"^ -\d+: ", error)

    with pytest.raises(ParserError) as caught:
        parse_run_sql(lab(name))

    assert "database error" in str(caught.value)
    assert caught.value.line == error
    assert caught.value.line_number == 2


@pytest.mark.parametrize("name", ["lab125_run_sql_no_table", "lab125_run_sql_syntax_error"])
def test_sql_database_error_after_some_rows_is_an_error(name):
    # Informix prints an error bare, also when a fetch fails after rows were printed: the rows
    # are partial.
    error = lab(name).split("\r\n")[1]

    with pytest.raises(ParserError) as caught:
        parse_run_sql(around(lab(NODE_SERVICES), after=[error]))

    assert caught.value.line == error


def test_sql_database_error_without_the_trailer_is_an_error():
    # Some failures print only an error line and return to admin: (reference).
    error = lab("lab125_run_sql_no_table").split("\r\n")[1]

    with pytest.raises(ParserError) as caught:
        parse_run_sql("admin:run sql select name from nowhere\r\n%s\r\n\r\nadmin:" % error)

    assert caught.value.line == error


def test_sql_failure_trailer_is_an_error():
    with pytest.raises(ParserError) as caught:
        parse_run_sql(around(lab(NODE_SERVICES), after=[FAILURE_TRAILER]))

    assert caught.value.line == FAILURE_TRAILER


def test_sql_a_line_among_the_rows_that_is_not_a_row_is_an_error():
    # A notice between two rows cannot be told from a row that lost its layout: a row would be lost.
    text = replace_once(lab(NODE_SERVICES), "lab125-pub  Cisco CTIManager\r\n",
                        "lab125-pub  Cisco CTIManager\r\nWARNING: DNS unreachable\r\n")

    with pytest.raises(ParserError) as caught:
        parse_run_sql(text)

    assert caught.value.line == "WARNING: DNS unreachable"


def test_sql_a_wrapped_command_without_an_answer_is_not_rows():
    # Seed 000: the query wrapped over three lines, no answer under it.
    with pytest.raises(ParserError) as caught:
        parse_run_sql(seed("000_ja_run_sql_certificate_query_no_answer.txt"))

    assert caught.value.line == "certificate as c, certificatetrustrolemap as r, typetrustrole as t where c.pkid ="


# -- the same contract for the four parsers ------------------------------------------------------

@pytest.mark.parametrize("name", sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(LAB, "*.json"))))
def test_every_answer_has_an_unparsed_list(name):
    record = lab_record(name)
    parser = PARSERS.get(record["command"], parse_run_sql)
    try:
        parsed = parser(record["output"])
    except ParserError as exc:
        assert "database error" in str(exc)
        return

    assert parsed["unparsed"] == []
