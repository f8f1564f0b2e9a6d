"""The lab's HTTPS APIs over real TLS (cucm-phone-apis.md): AXL listPhone / doDeviceReset /
device-pool resets, RisPort70 selectCmDeviceExt, their limits and faults, against a started lab
of 5,000 phones. The client is the standard library (lab_https.py), never the collection."""

import email.utils
import hashlib
import socket
import ssl
import time
import urllib.error

import pytest

from cucm_lab.testing import LabControlError, start_lab
from lab_https import ApiClient, devices, find_all

TIME_SCALE = 0.02  # phones reboot in ~0.1 s, RisPort's 60-second window is 1.2 s
PHONES = 5000


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    started = time.monotonic()
    handle = start_lab(tmp_path_factory.mktemp("webapi"), nodes=2, release="14", phones=PHONES,
                       time_scale=TIME_SCALE)
    handle.start_seconds = time.monotonic() - started
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def fresh(lab):
    """Every test starts with no API faults, an empty rate window and a rate tests do not hit."""
    lab.control("DELETE", "/api/faults")
    lab.control("POST", "/api/reset", {})
    before = lab.control("GET", "/api")["settings"]
    phone_settings = lab.control("GET", "/phones/settings")
    lab.control("POST", "/api/settings", {"risport_rate_per_minute": 100000})
    # A reset phone stays UnRegistered for 50 lab seconds (1 s): long enough to see it.
    lab.control("POST", "/phones/settings", {"download_seconds": 5, "register_seconds": 50})
    yield
    lab.control("POST", "/api/settings", before)
    lab.control("POST", "/phones/settings", phone_settings)
    lab.wait_phones(lambda s: s["booting"] == 0)


@pytest.fixture
def client(lab):
    return ApiClient(lab)


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


# -- TLS ------------------------------------------------------------------------------------------
def test_tls_verifies_with_the_lab_ca_and_fails_without_it(lab, client):
    assert client.list_phone({"name": "SEP%"}, first=1).status == 200
    unverified = ApiClient(lab, verify=False)  # the system's CAs do not know the lab CA
    with pytest.raises(urllib.error.URLError) as failure:
        unverified.list_phone({"name": "SEP%"}, first=1)
    assert isinstance(failure.value.reason, ssl.SSLCertVerificationError)
    fingerprints = set()
    for node in lab.lab_json["nodes"]:
        context = ssl.create_default_context(cafile=lab.ca_file)
        with socket.create_connection(("127.0.0.1", node["https_port"]), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                der = tls.getpeercert(binary_form=True)
        assert hashlib.sha256(der).hexdigest() == node["tomcat_sha256"]
        fingerprints.add(node["tomcat_sha256"])
    assert len(fingerprints) == 2  # each node its own certificate
    with open(lab.inventory_path) as handle:
        inventory = handle.read()
    assert "cucm_lab_ca_file: \"%s\"" % lab.ca_file in inventory
    for node in lab.lab_json["nodes"]:
        assert "cucm_lab_https_port: %d" % node["https_port"] in inventory
        assert "cucm_lab_tomcat_sha256: \"%s\"" % node["tomcat_sha256"] in inventory
    assert "cucm_lab_axl_user: \"%s\"" % lab.lab_json["axl_user"] in inventory


def test_a_5000_phone_lab_starts_quickly(lab):
    assert lab.start_seconds < 20
    assert lab.phones(summary=True)["summary"]["by_status"]["Registered"] == PHONES


# -- AXL listPhone ---------------------------------------------------------------------------------
def test_list_phone_pages_with_skip_and_first(lab, client):
    truth = sorted(p["name"] for p in lab.phones()["phones"])
    names, skip = [], 0
    while True:
        page = client.list_phone({"name": "SEP%"}, tags=("name", "model"), skip=skip, first=2000)
        assert page.status == 200
        found = page.texts("name")
        names += found
        if len(found) < 2000:
            break
        skip += 2000
    assert names == truth
    assert len(client.list_phone({"name": "SEP%"}).texts("name")) == PHONES  # no first: everything
    assert client.list_phone({"name": "SEP%"}, skip=10).texts("name") == truth  # skip needs first


def test_list_phone_criteria_and_returned_tags(lab, client):
    phones = lab.phones()["phones"]
    pool = phones[0]["device_pool"]
    answer = client.list_phone({"devicePoolName": pool}, tags=("name", "devicePoolName", "model", "product"))
    xml = answer.xml
    rows = find_all(xml, "phone")
    assert len(rows) == sum(p["device_pool"] == pool for p in phones)
    first = rows[0]
    assert [child.tag for child in first] == ["name", "devicePoolName", "model", "product"]
    assert first.get("uuid").startswith("{") and first.find("devicePoolName").get("uuid").startswith("{")
    assert {row.find("devicePoolName").text for row in rows} == {pool}
    # The response element: <ns:listPhoneResponse> in the request's namespace, children unqualified.
    response = next(e for e in xml.iter() if e.tag.endswith("listPhoneResponse"))
    assert response.tag == "{http://www.cisco.com/AXL/API/14.0}listPhoneResponse"
    one = phones[7]
    like = client.list_phone({"name": one["name"][:-1] + "_"}, tags=("name", "description"))
    assert one["name"] in like.texts("name")
    assert client.list_phone({"description": one["description"]}, tags=("name",)).texts("name") == [one["name"]]
    assert client.list_phone({"name": "SEPNOTHING%"}).texts("name") == []


# -- resets seen through RisPort -------------------------------------------------------------------
def test_do_device_reset_is_seen_through_risport(lab, client):
    name = lab.phones()["phones"][3]["name"]
    before = devices(client.ris([name]))[name]
    assert before["Status"] == "Registered" and before["StatusReason"] == "0"
    answer = client.reset(name, hard=True)
    assert answer.status == 200
    uuid = lab.phones(names=[name])["phones"][0]["uuid"]
    assert answer.text("return") == uuid  # GUESSED default: the device's {uuid}
    during = devices(client.ris([name]))[name]
    assert during["Status"] == "UnRegistered" and during["StatusReason"] == "9"
    assert int(during["TimeStamp"]) > int(before["TimeStamp"])

    def registered():
        device = devices(client.ris([name]))[name]
        return device if device["Status"] == "Registered" else None

    after = wait_for(registered)
    assert int(after["TimeStamp"]) > int(during["TimeStamp"]) and after["StatusReason"] == "0"

    assert client.reset(name, reset_type="Restart").status == 200
    assert devices(client.ris([name]))[name]["StatusReason"] == "15"
    wait_for(lambda: devices(client.ris([name]))[name]["Status"] == "Registered")
    assert client.reset(name, reset_type="Generate PRT").status == 200  # 14.0+: no reboot
    assert devices(client.ris([name]))[name]["Status"] == "Registered"
    lab.control("POST", "/api/settings", {"axl_reset_return": "true"})
    assert client.reset(name).text("return") == "true"


def test_reset_device_pool_resets_its_phones(lab, client):
    phones = lab.phones()["phones"]
    pool = phones[1]["device_pool"]
    members = {p["name"] for p in phones if p["device_pool"] == pool}
    lab.control("POST", "/phones/settings", {"register_seconds": 200})
    answer = client.axl("restartDevicePool", "<name>%s</name>" % pool)
    assert answer.status == 200 and answer.text("return").startswith("{")
    assert lab.phones(summary=True)["summary"]["by_status"]["UnRegistered"] == len(members) == 1250
    found = devices(client.ris(["*"], status="UnRegistered"))  # the first 1000 of them
    assert len(found) == 1000 and set(found) <= members
    assert {d["StatusReason"] for d in found.values()} == {"15"}
    lab.control("POST", "/phones/settings", {"register_seconds": 50})
    lab.wait_phones(lambda s: s["booting"] == 0 and s["by_status"]["Registered"] == PHONES)
    assert client.axl("resetDevicePool", "<name>NOPOOL</name>").status == 500


def test_axl_faults_for_unknown_devices_and_pools(lab, client):
    answer = client.reset("SEP000000000000")
    assert answer.status == 500
    assert answer.text("axlcode") == "5007" and answer.text("request") == "doDeviceReset"
    assert answer.text("faultstring") == "Item not valid: The specified Device was not found"
    pool = client.axl("resetDevicePool", "<name>DP_nowhere</name>")
    assert pool.status == 500 and pool.text("axlcode") == "5007"
    both = client.axl("doDeviceReset", "<deviceName>%s</deviceName><isHardReset>true</isHardReset>"
                      "<deviceResetType>Reset</deviceResetType>" % lab.phones()["phones"][0]["name"])
    assert both.status == 500 and "Exactly one" in both.text("faultstring")


def test_axl_versions_599_and_namespace(lab, client):
    answer = client.axl("listPhone", "<searchCriteria><name>SEP%</name></searchCriteria><returnedTags><name/>"
                        "</returnedTags><first>1</first>", version="9.0")
    assert answer.status == 599
    assert "Incorrect axl version. Supported axl versions are 11.x, 12.x and 14.0" in answer.body
    mismatch = client.axl("listPhone", "<searchCriteria><name>SEP%</name></searchCriteria><returnedTags>"
                          "<name/></returnedTags><first>1</first>", version="14.0", namespace_version="12.5")
    assert mismatch.status == 500 and "does not match" in mismatch.text("faultstring")
    oldest = client.axl("listPhone", "<searchCriteria><name>SEP%</name></searchCriteria><returnedTags><name/>"
                        "</returnedTags><first>1</first>", soap_action=False, namespace_version="1.0")
    assert oldest.status == 200 and "http://www.cisco.com/AXL/API/11.0" in oldest.body
    older = client.axl("getCCMVersion", "", version="12.5")
    assert older.status == 200 and older.text("version").startswith("14.0")


def test_requests_with_a_doctype_are_refused(lab, client):
    body = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            '<ns:listPhone xmlns:ns="http://www.cisco.com/AXL/API/14.0"><searchCriteria><name>&a;</name>'
            "</searchCriteria><returnedTags><name/></returnedTags></ns:listPhone></soapenv:Body></soapenv:Envelope>")
    answer = client.post("/axl/", body, {"SOAPAction": '"CUCM:DB ver=14.0 listPhone"'})
    assert answer.status == 500 and "DOCTYPE" in answer.text("faultstring")
    ris = client.post("/realtimeservice2/services/RISService70", body)
    assert ris.status == 500 and "DOCTYPE" in ris.text("faultstring")


# -- auth, throttling, faults ----------------------------------------------------------------------
def test_wrong_passwords_and_missing_roles_get_401(lab, client):
    wrong = ApiClient(lab, password="not-the-password")
    answer = wrong.list_phone({"name": "SEP%"}, first=1)
    assert answer.status == 401 and answer.headers["WWW-Authenticate"].startswith("Basic")
    assert client.list_phone({"name": "SEP%"}, first=1).status == 200
    no_auth = client.post("/axl/", "<x/>", auth=False)
    assert no_auth.status == 401
    noaxl = ApiClient(lab, user=lab.lab_json["noaxl_user"], password=lab.lab_json["noaxl_password"])
    assert noaxl.list_phone({"name": "SEP%"}, first=1).status == 401
    assert noaxl.ris(["SEP*"], max_devices=1).status == 200  # RisPort roles only
    stats = lab.control("GET", "/api")["stats"]
    assert stats["by_status"]["401"] == 3


def test_the_session_cookie_is_reused_then_expires(lab, client):
    first = client.list_phone({"name": "SEP%"}, first=1)
    cookie = first.headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("JSESSIONIDSSO=")
    again = client.axl("getCCMVersion", "", headers={"Cookie": cookie}, auth=False)
    assert again.status == 200 and "Set-Cookie" not in again.headers
    lab.control("POST", "/clock/advance", {"seconds": 1801})
    expired = client.axl("getCCMVersion", "", headers={"Cookie": cookie}, auth=False)
    assert expired.status == 404


def test_axl_throttle_answers_503_for_the_next_requests(lab, client):
    lab.control("POST", "/api/faults", {"fault": "axl_throttle", "count": 2, "params": {"retry_after": 5}})
    first = client.list_phone({"name": "SEP%"}, first=1)
    assert first.status == 503 and first.headers["Retry-After"] == "5"
    assert client.reset(lab.phones()["phones"][0]["name"]).status == 503
    assert client.list_phone({"name": "SEP%"}, first=1).status == 200
    assert lab.phones(summary=True)["summary"]["booting"] == 0  # the throttled reset did nothing


def test_api_down(lab, client):
    lab.control("POST", "/api/faults", {"fault": "api_down", "params": {"api": "risport"}})
    assert client.ris(["SEP*"], max_devices=1).status == 503
    assert client.list_phone({"name": "SEP%"}, first=1).status == 200
    lab.control("DELETE", "/api/faults")
    lab.control("POST", "/api/faults", {"fault": "api_down", "count": 1, "params": {"mode": "close"}})
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        client.list_phone({"name": "SEP%"}, first=1)
    assert client.list_phone({"name": "SEP%"}, first=1).status == 200
    with pytest.raises(LabControlError):
        lab.control("POST", "/api/faults", {"fault": "api_down", "params": {"mode": "sometimes"}})


def test_axl_answers_on_the_publisher_only(lab):
    sub = next(n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"])
    on_sub = ApiClient(lab, hostname=sub)
    assert on_sub.list_phone({"name": "SEP%"}, first=1).status == 503  # no Cisco AXL Web Service
    assert on_sub.ris(["SEP*"], max_devices=1).status == 200  # RisPort answers for the cluster


# -- RisPort70 -------------------------------------------------------------------------------------
def test_risport_returns_at_most_1000_devices_quickly(lab, client):
    started = time.monotonic()
    answer = client.ris(["SEP*"], max_devices=2000)
    elapsed = time.monotonic() - started
    assert answer.status == 200 and elapsed < 2.0
    found = devices(answer)
    assert len(found) == 1000 and answer.text("TotalDevicesFound") == "1000"
    names = sorted(p["name"] for p in lab.phones()["phones"])[1000:2000]
    started = time.monotonic()
    explicit = devices(client.ris(names))
    assert time.monotonic() - started < 2.0
    assert sorted(explicit) == names
    assert {d["node"] for d in explicit.values()} == {n["hostname"] for n in lab.lab_json["nodes"]}
    response = next(e for e in answer.xml.iter() if e.tag.endswith("Response"))
    assert response.tag == "{http://schemas.cisco.com/ast/soap}selectCmDeviceResponse"


def test_risport_filters_and_empty_answers(lab, client):
    phone = lab.phones()["phones"][11]
    by_ip = client.ris([phone["ip"]], select_by="IPV4Address")
    assert list(devices(by_ip)) == [phone["name"]] and by_ip.texts("IP") == [phone["ip"]]
    by_dn = devices(client.ris([phone["dn"]], select_by="DirNumber"))
    assert list(by_dn) == [phone["name"]]
    on_node = devices(client.ris(["SEP*"], node_name=phone["registered_node"], max_devices=5))
    assert {d["node"] for d in on_node.values()} == {phone["registered_node"]}
    none = client.ris(["SEPNOTHING*"])
    assert none.text("TotalDevicesFound") == "0" and devices(none) == {}
    assert none.text("StateInfo") == ""


def test_risport_state_info_reports_no_change(lab, client):
    phones = lab.phones()["phones"]
    pub_phone = next(p for p in phones if p["registered_node"].endswith("-pub"))
    sub_phone = next(p for p in phones if p["registered_node"].endswith("-sub1"))
    names = [pub_phone["name"], sub_phone["name"]]
    first = client.ris(names)
    state = first.text("StateInfo")
    same = client.ris(names, state_info=state)
    assert same.texts("NoChange") == ["true", "true"] and devices(same) == {}
    client.reset(pub_phone["name"])
    changed = client.ris(names, state_info=state)
    assert changed.texts("NoChange") == ["false", "true"]
    assert list(devices(changed)) == [pub_phone["name"]]


def test_risport_rate_limit_and_recovery(lab, client):
    lab.control("POST", "/api/settings", {"risport_rate_per_minute": 15})
    lab.control("POST", "/api/reset", {})
    statuses = [client.ris(["SEP*"], max_devices=1).status for unused in range(15)]
    assert statuses == [200] * 15
    refused = client.ris(["SEP*"], max_devices=1)
    assert refused.status == 500
    assert refused.text("faultcode") == "ns1:Server.RateControl"
    assert refused.text("faultstring").startswith(
        "AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime "
        "information is 15 requests per minute.")
    # The other node counts for the same cluster (GUESSED default scope).
    sub = next(n["hostname"] for n in lab.lab_json["nodes"] if not n["publisher"])
    assert ApiClient(lab, hostname=sub).ris(["SEP*"], max_devices=1).status == 500
    time.sleep(60 * TIME_SCALE + 0.2)  # the window: 60 lab seconds
    assert client.ris(["SEP*"], max_devices=1).status == 200
    assert lab.control("GET", "/api")["stats"]["rate_limited"] == 2


def test_answers_carry_the_lab_clock_in_their_date_header(lab, client):
    answer = client.list_phone({"name": "SEP%"}, first=1)
    served = email.utils.parsedate_to_datetime(answer.headers["Date"]).timestamp()
    name = lab.phones()["phones"][0]["name"]
    client.reset(name)
    stamp = int(devices(client.ris([name]))[name]["TimeStamp"])
    assert abs(stamp - served) < 5  # the same clock
