"""The nodes' TFTP HTTP servers (tftphttp.py, CUCM's port 6970) over real sockets on 127.0.0.1:
the exact stored bytes of ITL and CTL files on 10.5, 12.5 and 14, no per-MAC fallback, refused
paths, the `tftp_http_tamper` / `tftp_http_down` faults and a stopped Cisco Tftp. In-process
servers in a thread of their own, then one started lab for lab.json, the inventory and the
control API."""

import asyncio
import base64
import email.utils
import hashlib
import http.client
import socket
import threading

import pytest

from cucm_lab import bootstrap, faults, tftphttp
from cucm_lab.faults import FaultRegistry
from cucm_lab.model import CTL_FILE, ITL_FILE, SECURITY_MODE_MIXED, SERVICE_TFTP, StoredFile
from cucm_lab.server import LabServices
from cucm_lab.settings import SettingsStore
from cucm_lab.stats import Stats
from cucm_lab.testing import LabControlError, start_lab

RELEASES = ("10.5", "12.5", "14")
TIMEOUT = 10.0


class Servers:
    """LabTftpHttp for `clusters`, in an event loop on a thread of its own."""

    def __init__(self, clusters):
        self.clusters = {cluster.name: cluster for cluster in clusters}
        hostnames = [node.hostname for cluster in clusters for node in cluster.nodes]
        self.services = LabServices(settings=SettingsStore(hostnames), faults=FaultRegistry(), stats=Stats(hostnames))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tftp-http-test", daemon=True)
        self.thread.start()
        self.http = tftphttp.LabTftpHttp(clusters, self.services)
        self.call(self.http.start())

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT)

    def close(self):
        self.call(self.http.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        self.loop.close()

    def fault(self, kind, node="*", count=None, **params):
        spec = faults.parse_fault({"fault": kind, "node": node, "count": count, "params": params})
        return self.services.faults.add(spec["kind"], spec["node"], None, spec["count"], spec["params"])

    def stats(self, hostname):
        return self.services.stats.to_json()["nodes"][hostname]["tftp_http"]


@pytest.fixture(scope="module")
def servers():
    clusters = [bootstrap.create_cluster("h" + release.replace(".", ""), release, 2, key_size=1024,
                                         security_mode=SECURITY_MODE_MIXED) for release in RELEASES]
    running = Servers(clusters)
    yield running
    running.close()


@pytest.fixture(autouse=True)
def clean(request):
    """No faults and the default setting around every test that uses the in-process servers."""
    if "servers" not in request.fixturenames:
        yield
        return
    running = request.getfixturevalue("servers")
    yield
    running.services.faults.clear()
    running.services.settings.update(running.services.settings.hostnames(), {"tftp_http_when_stopped": "refuse"})


def get(node, path, method="GET", headers=None):
    """(status, headers, body) of one request on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", node.tftp_http_port, timeout=TIMEOUT)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def raw(node, data):
    """Send raw bytes, read the whole answer (the server closes: Connection: close)."""
    with socket.create_connection(("127.0.0.1", node.tftp_http_port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return answer
            answer += chunk


def pub(servers, release="12.5"):
    return servers.clusters["h" + release.replace(".", "")].publisher


def sub(servers, release="12.5"):
    return servers.clusters["h" + release.replace(".", "")].subscribers[0]


# -- what is served ------------------------------------------------------------------------------
@pytest.mark.parametrize("release", RELEASES)
def test_itl_and_ctl_over_http_are_the_stored_bytes(servers, release):
    cluster = servers.clusters["h" + release.replace(".", "")]
    assert cluster.security_mode == SECURITY_MODE_MIXED
    ports = set()
    for node in cluster.nodes:
        ports.add(node.tftp_http_port)
        for name in (ITL_FILE, CTL_FILE):
            stored = node.tftp_files[name]
            status, response, body = get(node, "/" + name)
            assert status == 200
            assert body == stored.data
            assert response.getheader("Content-Type") == "application/octet-stream"
            assert int(response.getheader("Content-Length")) == len(stored.data)
            modified = email.utils.parsedate_to_datetime(response.getheader("Last-Modified"))
            assert modified == stored.mtime.replace(microsecond=0)
            assert email.utils.parsedate_to_datetime(response.getheader("Date")) >= modified
    assert len(ports) == 2 and 0 not in ports
    # Each TFTP node serves its own ITL (its own CallManager certificate).
    assert get(cluster.nodes[0], "/ITLFile.tlv")[2] != get(cluster.nodes[1], "/ITLFile.tlv")[2]


def test_head_gives_the_headers_without_the_body(servers):
    node = pub(servers)
    status, response, body = get(node, "/ITLFile.tlv", method="HEAD")
    assert status == 200 and body == b""
    assert int(response.getheader("Content-Length")) == len(node.tftp_files[ITL_FILE].data)


def test_keep_alive_serves_several_files_on_one_connection(servers):
    node = pub(servers)
    connection = http.client.HTTPConnection("127.0.0.1", node.tftp_http_port, timeout=TIMEOUT)
    try:
        for name in (CTL_FILE, ITL_FILE, "nothing.tlv", ITL_FILE):
            connection.request("GET", "/" + name)
            response = connection.getresponse()
            body = response.read()
            if name in node.tftp_files:
                assert response.status == 200 and body == node.tftp_files[name].data
            else:
                assert response.status == 404
    finally:
        connection.close()


def test_a_per_mac_file_is_served_and_a_missing_one_does_not_fall_back(servers):
    node = sub(servers, "14")
    own = "ITLSEP0011223344AA.tlv"
    node.tftp_files[own] = StoredFile(data=b"per-mac bytes", mtime=node.tftp_files[ITL_FILE].mtime)
    try:
        assert get(node, "/" + own)[2] == b"per-mac bytes"
        assert get(node, "/ITLSEP0011223344BB.tlv")[0] == 404  # the phone falls back, not the server
        assert get(node, "/CTLSEP0011223344AA.tlv")[0] == 404
        assert get(node, "/itlfile.tlv")[0] == 404  # GUESSED: names are case-sensitive
    finally:
        del node.tftp_files[own]
    assert get(node, "/" + own)[0] == 404


def test_unknown_names_are_404(servers):
    node = pub(servers)
    for path in ("/missing.tlv", "/", "/Desktops/320x212x12/List.xml", "/SEP001122334455.cnf.xml.sgn"):
        status, response, unused_body = get(node, path)
        assert status == 404, path
        assert response.getheader("Content-Type").startswith("text/plain")


@pytest.mark.parametrize("path", ["/../ITLFile.tlv", "/%2e%2e/ITLFile.tlv", "/%2E%2E%2FITLFile.tlv",
                                  "/a/../ITLFile.tlv", "/./ITLFile.tlv", "//ITLFile.tlv", "/..%2fetc%2fpasswd",
                                  "/..%5cITLFile.tlv", "/ITLFile.tlv%00", "/%ff.tlv", "ITLFile.tlv",
                                  "http://127.0.0.1/ITLFile.tlv"])
def test_traversal_and_odd_paths_are_400(servers, path):
    assert tftphttp.file_name(path) is None
    assert get(pub(servers), path)[0] == 400


def test_a_raw_backslash_and_a_bad_request_line_are_400(servers):
    node = pub(servers)
    assert raw(node, b"GET /..\\ITLFile.tlv HTTP/1.1\r\nConnection: close\r\n\r\n").startswith(
        b"HTTP/1.1 400 ")
    assert raw(node, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400 ")


def test_only_get_and_head(servers):
    node = pub(servers)
    for method in ("POST", "PUT", "DELETE"):
        status, response, unused_body = get(node, "/ITLFile.tlv", method=method)
        assert status == 405 and response.getheader("Allow") == "GET, HEAD"


def test_a_query_string_is_ignored(servers):
    node = pub(servers)
    assert get(node, "/ITLFile.tlv?x=1")[2] == node.tftp_files[ITL_FILE].data


def test_every_request_is_counted_per_node(servers):
    node, other = pub(servers, "10.5"), sub(servers, "10.5")
    before, other_before = servers.stats(node.hostname), servers.stats(other.hostname)
    get(node, "/ITLFile.tlv")
    get(node, "/ITLFile.tlv", method="HEAD")
    get(node, "/missing.tlv")
    get(node, "/../x")
    after = servers.stats(node.hostname)
    assert after["requests"] == before["requests"] + 4
    assert after["by_status"]["200"] == before["by_status"].get("200", 0) + 2
    assert after["history"][-4:] == [
        {"method": "GET", "path": "/ITLFile.tlv", "status": 200},
        {"method": "HEAD", "path": "/ITLFile.tlv", "status": 200},
        {"method": "GET", "path": "/missing.tlv", "status": 404},
        {"method": "GET", "path": "/../x", "status": 400},
    ]
    assert servers.stats(other.hostname) == other_before
    servers.services.stats.reset()
    assert servers.stats(node.hostname) == {"requests": 0, "refused": 0, "by_status": {}, "history": []}


# -- faults --------------------------------------------------------------------------------------
def diff(one, two):
    assert len(one) == len(two)
    return [i for i, (a, b) in enumerate(zip(one, two)) if a != b]


@pytest.mark.parametrize("release", RELEASES)
def test_tamper_flips_exactly_one_byte_of_the_http_copy(servers, release):
    node, other = pub(servers, release), sub(servers, release)
    stored = node.tftp_files[ITL_FILE]
    fault = servers.fault("tftp_http_tamper", node.hostname, offset=100)
    served = get(node, "/ITLFile.tlv")[2]
    assert diff(served, stored.data) == [100]
    assert served[100] == stored.data[100] ^ 0xFF
    assert node.tftp_files[ITL_FILE] is stored  # what show itl renders is untouched
    assert get(other, "/ITLFile.tlv")[2] == other.tftp_files[ITL_FILE].data  # another node
    assert get(node, "/CTLFile.tlv")[2] == node.tftp_files[CTL_FILE].data  # another file
    assert get(node, "/ITLFile.tlv", method="HEAD")[0] == 200  # HEAD does not use it up
    assert fault.fired == 1
    servers.services.faults.clear(kind="tftp_http_tamper")
    assert get(node, "/ITLFile.tlv")[2] == stored.data


def test_tamper_defaults_to_the_middle_counts_and_names_its_file(servers):
    node = pub(servers, "14")
    data = node.tftp_files[CTL_FILE].data
    servers.fault("tftp_http_tamper", node.hostname, count=1, file=CTL_FILE)
    assert diff(get(node, "/CTLFile.tlv")[2], data) == [len(data) // 2]
    assert get(node, "/CTLFile.tlv")[2] == data  # count 1: used up
    # Past the end of the file: served intact, the fault waits.
    fault = servers.fault("tftp_http_tamper", node.hostname, offset=len(data), file=CTL_FILE)
    assert get(node, "/CTLFile.tlv")[2] == data and fault.fired == 0
    # On every node ("*"), for requests whose path matches `command`.
    spec = faults.parse_fault({"fault": "tftp_http_tamper", "command": "ITL", "params": {"offset": 0}})
    servers.services.faults.add(spec["kind"], "*", spec["command"], None, spec["params"])
    for each in servers.clusters["h14"].nodes:
        assert diff(get(each, "/ITLFile.tlv")[2], each.tftp_files[ITL_FILE].data) == [0]


def test_fault_parameters_are_checked():
    for body in ({"fault": "tftp_http_tamper", "params": {"offset": -1}},
                 {"fault": "tftp_http_tamper", "params": {"offset": "10"}},
                 {"fault": "tftp_http_tamper", "params": {"file": ""}},
                 {"fault": "tftp_http_tamper", "params": {"bytes": 1}},
                 {"fault": "tftp_http_down", "params": {"mode": "refuse"}}):
        with pytest.raises(ValueError):
            faults.parse_fault(body)
    assert faults.parse_fault({"fault": "tftp_http_down"})["params"] == {"mode": "503"}
    assert faults.parse_fault({"fault": "tftp_http_tamper"})["params"] == {"file": ITL_FILE, "offset": None}


def test_down_answers_503_or_closes(servers):
    node, other = pub(servers), sub(servers)
    servers.fault("tftp_http_down", node.hostname, count=1)
    assert get(node, "/ITLFile.tlv")[0] == 503
    assert get(other, "/ITLFile.tlv")[0] == 200
    assert get(node, "/ITLFile.tlv")[0] == 200  # count 1: used up
    servers.fault("tftp_http_down", node.hostname, mode="close")
    with pytest.raises(http.client.RemoteDisconnected):
        get(node, "/ITLFile.tlv")
    assert servers.stats(node.hostname)["history"][-1] == {"method": "GET", "path": "/ITLFile.tlv",
                                                           "status": "closed"}
    servers.services.faults.clear(node=node.hostname, kind="tftp_http_down")
    assert get(node, "/ITLFile.tlv")[0] == 200


# -- Cisco Tftp not running ----------------------------------------------------------------------
@pytest.mark.parametrize("state", [{"state": "STOPPED"}, {"state": "STARTING"}, {"activated": False}])
def test_no_files_unless_cisco_tftp_runs(servers, state):
    cluster = servers.clusters["h125"]
    node = cluster.subscribers[0]
    service = node.services[SERVICE_TFTP]
    saved = (service.activated, service.state)
    refused = servers.stats(node.hostname)["refused"]
    with cluster.lock:
        for name, value in state.items():
            setattr(service, name, value)
    try:
        with pytest.raises(ConnectionError):  # default "refuse": the connection is reset
            get(node, "/ITLFile.tlv")
        assert servers.stats(node.hostname)["refused"] == refused + 1
        servers.services.settings.update([node.hostname], {"tftp_http_when_stopped": "503"})
        assert get(node, "/ITLFile.tlv")[0] == 503
        assert get(cluster.publisher, "/ITLFile.tlv")[0] == 200  # other nodes serve on
    finally:
        with cluster.lock:
            service.activated, service.state = saved
    assert get(node, "/ITLFile.tlv")[2] == node.tftp_files[ITL_FILE].data


def test_a_kept_alive_connection_is_dropped_when_tftp_stops(servers):
    cluster = servers.clusters["h105"]
    node = cluster.publisher
    service = node.services[SERVICE_TFTP]
    connection = http.client.HTTPConnection("127.0.0.1", node.tftp_http_port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/ITLFile.tlv")
        assert connection.getresponse().read() == node.tftp_files[ITL_FILE].data
        with cluster.lock:
            service.state = "STOPPED"
        connection.request("GET", "/ITLFile.tlv")
        with pytest.raises(ConnectionError):
            connection.getresponse()
    finally:
        connection.close()
        with cluster.lock:
            service.state = "STARTED"


def test_the_setting_is_checked(servers):
    with pytest.raises(ValueError):
        servers.services.settings.update([pub(servers).hostname], {"tftp_http_when_stopped": "close"})


# -- a started lab: lab.json, the inventory, the control API -------------------------------------
@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("tftphttp"), nodes=2, release="12.5", security_mode="mixed")
    yield handle
    handle.stop()


def fetch(port, name):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/" + name)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_lab_json_inventory_and_files_of_a_started_lab(lab):
    with open(lab.inventory_path) as handle:
        inventory = handle.read()
    ports = set()
    for node in lab.lab_json["nodes"]:
        port = node["tftp_http_port"]
        ports.add(port)
        assert "cucm_api_port: %d\n              cucm_tftp_http_port: %d\n" % (node["https_port"], port) in inventory
        assert lab.state()["nodes"][node["hostname"]]["tftp_http_port"] == port
        for name in (ITL_FILE, CTL_FILE):
            assert fetch(port, name) == (200, lab.stored_file(node["hostname"], name).data)
    assert len(ports) == 2


def test_control_api_faults_and_stats(lab):
    node = lab.lab_json["nodes"][0]
    hostname, port = node["hostname"], node["tftp_http_port"]
    lab.control("POST", "/actions/reset-stats", {})
    stored = lab.stored_file(hostname, ITL_FILE).data
    fault = lab.control("POST", "/faults", {"node": hostname, "fault": "tftp_http_tamper", "params": {"offset": 7}})
    assert fault["fault"] == "tftp_http_tamper" and fault["params"] == {"file": ITL_FILE, "offset": 7}
    status, served = fetch(port, ITL_FILE)
    assert status == 200 and diff(served, stored) == [7] and served[7] == stored[7] ^ 0xFF
    state = lab.state()["nodes"][hostname]["files"][ITL_FILE]
    assert state["verified"] and state["sha1"] == hashlib.sha1(stored).hexdigest()  # the node's file intact
    answer = lab.control("GET", "/file?node=%s&name=%s" % (hostname, ITL_FILE))
    assert base64.b64decode(answer["data_base64"]) == stored
    assert lab.control("DELETE", "/faults?fault=tftp_http_tamper")["removed"] == 1
    assert fetch(port, ITL_FILE) == (200, stored)
    with pytest.raises(LabControlError) as refused:
        lab.control("POST", "/faults", {"node": hostname, "fault": "tftp_http_tamper",
                                        "params": {"offset": len(stored)}})
    assert refused.value.status == 400
    lab.control("POST", "/faults", {"node": hostname, "fault": "tftp_http_down", "count": 1})
    assert fetch(port, ITL_FILE)[0] == 503
    stats = lab.control("GET", "/stats")["nodes"][hostname]
    assert stats["tftp_http"]["requests"] == 3 and stats["tftp_http"]["by_status"] == {"200": 2, "503": 1}
    assert {"logins", "commands", "sessions", "history", "answers"} <= set(stats)
    with pytest.raises(LabControlError):
        lab.control("POST", "/settings", {"node": hostname, "tftp_http_when_stopped": "maybe"})
    assert lab.control("GET", "/settings?node=%s" % hostname)[hostname]["tftp_http_when_stopped"] == "refuse"
