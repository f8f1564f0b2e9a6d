"""module_utils/cucm_api.py against a local HTTPS AXL/RisPort70 stand-in.

The answers are the XML shapes of cucm-phone-apis.md (listPhone 2.3, doDeviceReset 2.4, AXL fault
2.7, HTTP 599 page 2.1, selectCmDeviceExt 3.3, rate fault 3.4), built in
tests/unit/plugins/modules/cucm_api_server.py; the server runs on 127.0.0.1 with a throw-away CA.
"""

import os
import socket
import sys

import pytest

from ansible_collections.cucm.trust.plugins.module_utils import cucm_api
from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.module_utils.cucm_api import (
    ApiClient,
    escape,
    find_phones,
    list_phones,
    normalize_fingerprint,
    parse_xml,
    registration,
    supported_axl_versions,
    XmlRefused,
)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "modules"))
from cucm_api_server import (  # noqa: E402  pylint: disable=wrong-import-position
    PASSWORD,
    RATE_FAULTSTRING,
    ENVELOPE,
    axl_fault,
    clock,
    cluster,
    cucm,
    api_params,
    pki,
    rate_fault,
    select_cm_device_response,
)

__all__ = ["clock", "cluster", "cucm", "pki"]  # fixtures


def client(server, pki, warnings=None, **changes):
    params = api_params(server.port, ca_path=pki.ca_path)
    params.update(changes)
    return ApiClient(params, (warnings if warnings is not None else []).append)


def no_password(*texts):
    for text in texts:
        assert PASSWORD not in str(text)


# -- transport: auth, session cookie, request shape -----------------------------------------------

def test_axl_request_shape_basic_auth_then_session_cookie(cucm, cluster, pki):
    for index in range(3):
        cluster.add_phone("SEP00000000000%d" % index)
    api = client(cucm, pki)
    phones, unmatched = find_phones(api)
    assert [p["name"] for p in phones] == ["SEP000000000000", "SEP000000000001", "SEP000000000002"]
    assert unmatched == []
    assert phones[0]["device_pool"] == "DP_SITE_A" and phones[0]["model"] == "Cisco 8845"
    first = cluster.requests[0]
    assert first.path == "/axl/"
    assert first.headers["SOAPAction"] == '"CUCM:DB ver=14.0 listPhone"'
    assert first.namespace == "http://www.cisco.com/AXL/API/14.0"
    assert first.headers["Content-Type"].startswith("text/xml")
    assert first.headers["Authorization"].startswith("Basic ")
    # the second request reuses the JSESSIONIDSSO session: cookie, no Authorization
    list_phones(api, {"name": "%"})
    second = cluster.requests[1]
    assert "JSESSIONIDSSO=" in second.headers["Cookie"] and "Authorization" not in second.headers
    assert api.calls == {"AXL": 2, "RisPort70": 0}


def test_an_expired_session_is_logged_in_again(cucm, cluster, pki):
    cluster.add_phone("SEP001122334455")
    api = client(cucm, pki)
    list_phones(api, {"name": "%"})
    cluster.expire_sessions = True
    assert [p["name"] for p in list_phones(api, {"name": "%"})] == ["SEP001122334455"]
    # cookie refused (404, as AXL answers an expired session), then Basic auth again
    assert "Cookie" in cluster.requests[1].headers and "Authorization" in cluster.requests[2].headers
    assert api.api_calls == 3


def test_wrong_password_is_http_401_named_with_node_and_operation(cucm, cluster, pki):
    api = client(cucm, pki, api_password="wrong")
    with pytest.raises(CucmError) as caught:
        find_phones(api)
    error = caught.value
    assert error.reason == "auth" and error.command == "AXL listPhone"
    assert error.message.startswith("AXL listPhone on 127.0.0.1:%d: HTTP 401 Unauthorized" % cucm.port)
    assert "Standard AXL API Access" in error.message and "axl-ansible" in error.message
    no_password(error.message, error.details)


def test_values_are_escaped_in_requests(cucm, cluster, pki):
    cluster.add_phone('SEP<&>"X')
    phones = find_phones(client(cucm, pki), ['SEP<&>"X'])[0]
    assert [p["name"] for p in phones] == ['SEP<&>"X']
    assert escape('a<b>&"c') == "a&lt;b&gt;&amp;&quot;c"


# -- AXL: paging, faults, version, throttling -----------------------------------------------------

def test_list_phone_pages_past_1000(cucm, cluster, pki):
    cluster.__init__(phones=2500, clock=cluster.clock)
    phones = list_phones(client(cucm, pki), {"name": "%"})
    assert len(phones) == 2500 and len(set(p["name"] for p in phones)) == 2500
    pages = [(r.operation_element.find("skip").text, r.operation_element.find("first").text) for r in cluster.requests]
    assert pages == [("0", "1000"), ("1000", "1000"), ("2000", "1000")]


def test_device_pools_are_queried_by_devicepoolname_and_compared_exactly(cucm, cluster, pki):
    cluster.add_phone("SEP0000000000A1", pool="DP_A")
    cluster.add_phone("SEP0000000000A2", pool="DPXA")  # SQL LIKE: '_' matches X; the client compares exactly
    cluster.add_phone("SEP0000000000B1", pool="DP_B")
    phones, unmatched = find_phones(client(cucm, pki), None, ["dp_a", "DP_EMPTY"])
    assert [p["name"] for p in phones] == ["SEP0000000000A1"]
    assert unmatched == ["device pool DP_EMPTY"]
    criteria = [r.operation_element.find("searchCriteria") for r in cluster.requests]
    assert [(c.find("name").text, c.find("devicePoolName").text) for c in criteria] == [("%", "dp_a"), ("%", "DP_EMPTY")]


def test_soap_fault_5007(cucm, cluster, pki):
    cluster.script["listPhone"] = [(500, {}, axl_fault("Item not valid: The specified User was not found", 5007,
                                                       "listPhone"))]
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki))
    error = caught.value
    assert error.reason == "soap_fault"
    assert error.message == ("AXL listPhone on 127.0.0.1:%d: CUCM answered with a SOAP fault: Item not valid: The "
                             "specified User was not found (axlcode 5007)" % cucm.port)
    assert error.details["fault"]["axlcode"] == 5007 and error.details["http_status"] == 500


def test_soap_fault_with_a_prefixed_axl_error(cucm, cluster, pki):
    cluster.script["listPhone"] = [(500, {}, axl_fault("Query request too large", -1, "listPhone", prefixed=True))]
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki))
    assert caught.value.details["fault"]["axlcode"] == -1


def test_http_599_retries_once_with_the_highest_listed_version(cucm, cluster, pki):
    cluster.add_phone("SEP001122334455")
    warnings = []
    api = client(cucm, pki, warnings, axl_version="16.0")
    assert len(list_phones(api, {"name": "%"})) == 1
    list_phones(api, {"name": "%"})
    versions = [r.namespace.rsplit("/", 1)[-1] for r in cluster.requests]
    assert versions == ["16.0", "15.0", "15.0"]  # the 599 once, then 15.0 for the rest of the task
    assert cluster.requests[1].headers["SOAPAction"] == '"CUCM:DB ver=15.0 listPhone"'
    assert len(warnings) == 1 and "does not support AXL schema 16.0 (HTTP 599" in warnings[0]
    assert "using 15.0" in warnings[0]


def test_http_599_twice_fails(cucm, cluster, pki):
    cluster.versions = ("9.1",)
    with pytest.raises(CucmError) as caught:
        list_phones(client(cucm, pki, axl_version="16.0"), {"name": "%"})
    assert caught.value.reason == "axl_version" and "refused AXL schema 15.0 (HTTP 599)" in caught.value.message
    assert len(cluster.requests) == 2


def test_supported_versions_from_the_599_page():
    assert supported_axl_versions(b"Incorrect axl version. Supported axl versions are 12.x, 14.0 and 15.0") == [
        "15.0", "14.0"]
    assert supported_axl_versions(b"<html>nothing useful</html>") == []


def test_http_503_is_retried_then_succeeds_with_a_warning(cucm, cluster, clock, pki):
    cluster.add_phone("SEP001122334455")
    cluster.script["listPhone"] = [(503, {"Content-Type": "text/html"}, "<html>Service Unavailable</html>")] * 2
    warnings = []
    phones = list_phones(client(cucm, pki, warnings), {"name": "%"})
    assert len(phones) == 1
    assert clock.sleeps == [5.0, 10.0]
    assert len(warnings) == 2
    assert "CUCM is throttling requests (HTTP 503)" in warnings[0] and "waited 5 s and retried (retry 1 of at most 3" \
        in warnings[0]
    assert "waited 10 s" in warnings[1]
    no_password(*warnings)


def test_http_503_stops_at_the_number_of_retries(cucm, cluster, clock, pki):
    cluster.script["listPhone"] = [(503, {}, "busy")] * 10
    with pytest.raises(CucmError) as caught:
        list_phones(client(cucm, pki, api_retries=3, api_retry_time=1000), {"name": "%"})
    assert caught.value.reason == "throttled"
    assert clock.sleeps == [5.0, 10.0, 20.0]
    assert len(cluster.requests) == 4
    assert "gave up after 4 tries and 35 s of waiting (api_retries 3, api_retry_time 1000 s)" in caught.value.message


def test_http_503_stops_at_the_total_wait(cucm, cluster, clock, pki):
    cluster.script["listPhone"] = [(503, {"Retry-After": "8"}, "busy")] * 10
    with pytest.raises(CucmError) as caught:
        list_phones(client(cucm, pki, api_retries=10, api_retry_time=20), {"name": "%"})
    assert caught.value.reason == "throttled"
    assert clock.sleeps == [8.0, 8.0]  # Retry-After honoured; a third wait would pass 20 s
    assert len(cluster.requests) == 3


# -- RisPort70: chunks, pacing, rate fault -----------------------------------------------------------

def test_registration_asks_by_explicit_names_1000_at_a_time_paced(cucm, cluster, clock, pki):
    cluster.__init__(phones=2500, clock=clock)
    cluster.phones["SEP001122000001"]["known"] = False
    api = client(cucm, pki)
    devices = registration(api, list(cluster.order))
    assert len(devices) == 2499 and "SEP001122000001" not in devices
    row = devices["SEP001122000002"]
    assert row["status"] == "Registered" and row["node"] == "cucm-sub1" and row["ip_address"] == "10.1.0.3"
    assert row["status_reason"] == 0 and isinstance(row["timestamp"], int) and row["model_code"] == 36670
    ris = [r for r in cluster.requests if r.api == "risport"]
    assert [len([i for i in r.operation_element.iter() if i.tag.endswith("}Item")]) for r in ris] == [1000, 1000, 500]
    assert [r.operation for r in ris] == ["selectCmDeviceExt"] * 3
    assert ris[0].headers["SOAPAction"] == '"selectCmDeviceExt"'
    state_info = [r.operation_element.find("{http://schemas.cisco.com/ast/soap}StateInfo").text for r in ris]
    assert state_info == [None, None, None]  # never used for paging
    # 15 requests a minute: 4 s apart
    assert [round(b.at - a.at, 3) for a, b in zip(ris, ris[1:])] == [4.0, 4.0]
    assert clock.sleeps == [4.0, 4.0] and api.paced == 8.0


def test_rate_fault_waits_retries_and_warns(cucm, cluster, clock, pki):
    cluster.add_phone("SEP001122334455")
    cluster.script["selectCmDeviceExt"] = [(500, {}, rate_fault())]
    warnings = []
    api = client(cucm, pki, warnings)
    devices = registration(api, ["SEP001122334455"])
    assert devices["SEP001122334455"]["status"] == "Registered"
    assert clock.sleeps == [30.0]  # the rate fault's wait covers the pace too
    assert api.throttle_waits == 30.0 and api.calls["RisPort70"] == 2
    assert len(warnings) == 1
    assert "CUCM refused the request over its rate limit (%s); waited 30 s and retried" % RATE_FAULTSTRING in warnings[0]


def test_rate_fault_bound(cucm, cluster, clock, pki):
    cluster.add_phone("SEP001122334455")
    cluster.script["selectCmDeviceExt"] = [(500, {}, rate_fault())] * 10
    with pytest.raises(CucmError) as caught:
        registration(client(cucm, pki, api_retries=5, api_retry_time=100), ["SEP001122334455"])
    assert caught.value.reason == "throttled" and caught.value.command == "RisPort70 selectCmDeviceExt"
    assert [s for s in clock.sleeps if s >= 30] == [30.0, 60.0]  # 30 + 60 + 60 would pass 100 s


def test_zero_matches_and_node_return_codes(cucm, cluster, pki):
    cluster.add_phone("SEP001122334455")
    cluster.script["selectCmDeviceExt"] = [(200, {}, select_cm_device_response({})),
                                           (200, {}, select_cm_device_response(
                                               {"cucm-sub2": []}, {"cucm-sub2": "NodeNotResponding"}))]
    warnings = []
    api = client(cucm, pki, warnings)
    assert registration(api, ["SEP001122334455"]) == {}
    assert registration(api, ["SEP001122334455"]) == {}
    assert warnings == ["RisPort70 on 127.0.0.1:%d: node cucm-sub2 answered NodeNotResponding; phones registered to "
                        "it may be missing" % cucm.port]


def test_a_device_seen_twice_keeps_the_newest_timestamp(cucm, cluster, pki):
    old = {"name": "SEP001122334455", "model_code": 36670, "status": "UnRegistered", "status_reason": 13,
           "timestamp": 100, "ip": "10.0.0.1"}
    new = dict(old, status="Registered", status_reason=0, timestamp=200)
    cluster.script["selectCmDeviceExt"] = [(200, {}, select_cm_device_response({"cucm-sub1": [old],
                                                                                "cucm-sub2": [new]}))]
    devices = registration(client(cucm, pki), ["SEP001122334455"])
    assert devices["SEP001122334455"]["status"] == "Registered" and devices["SEP001122334455"]["node"] == "cucm-sub2"


# -- certificates ---------------------------------------------------------------------------------

def test_refused_without_a_ca_and_says_how_to_get_the_certificate(cucm, cluster, pki):
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki, ca_path=None))
    error = caught.value
    assert error.reason == "certificate"
    assert "could not be verified against the system's trusted CAs" in error.message
    assert "openssl s_client -connect 127.0.0.1:%d -showcerts" % cucm.port in error.message
    assert "Cisco Unified OS Administration" in error.message
    assert cluster.requests == []


def test_refused_with_another_ca(cucm, cluster, pki):
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki, ca_path=pki.other_path))
    assert caught.value.reason == "certificate" and "the CA file %s" % pki.other_path in caught.value.message
    assert cluster.requests == []


def test_the_node_certificate_itself_as_ca_path(cucm, cluster, pki):
    cluster.add_phone("SEP001122334455")
    assert len(find_phones(client(cucm, pki, ca_path=pki.leaf_path))[0]) == 1


def test_host_name_is_checked_with_a_ca(cucm, cluster, pki):
    cluster.add_phone("SEP001122334455")
    assert len(find_phones(client(cucm, pki, api_host="localhost"))[0]) == 1  # a name the certificate lists
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki, api_host="127.1"))  # reaches the node, but is not a name in its certificate
    assert caught.value.reason == "certificate"
    assert "api_host must be a name (or address) the certificate lists" in caught.value.message


def test_wrong_pin_is_refused_before_anything_is_sent(cucm, cluster, pki):
    wrong = "AB:" * 31 + "AB"
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki, ca_path=None, tomcat_fingerprint=wrong))
    error = caught.value
    assert error.reason == "certificate"
    assert "presented a certificate with SHA-256 fingerprint %s, not the tomcat_fingerprint %s" % (
        pki.fingerprint_openssl.split("=")[1], wrong) in error.message
    assert "nothing was sent" in error.message and "openssl x509 -in tomcat.pem -noout -fingerprint -sha256" in \
        error.message
    assert cluster.requests == []  # no HTTP request (no credentials) reached the server
    no_password(error.message)


def test_pin_is_accepted_without_ca_and_without_host_name(cucm, cluster, pki):
    cluster.add_phone("SEP001122334455")
    for pin in (pki.fingerprint_openssl, pki.fingerprint, pki.fingerprint.upper()):
        api = client(cucm, pki, ca_path=None, tomcat_fingerprint=pin)
        assert len(find_phones(api)[0]) == 1


def test_pin_and_ca_together_need_both(cucm, cluster, pki):
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki, ca_path=pki.other_path, tomcat_fingerprint=pki.fingerprint))
    assert caught.value.reason == "certificate"


def test_fingerprint_forms():
    digits = "ab" * 32
    assert normalize_fingerprint(digits) == digits
    assert normalize_fingerprint(":".join(["AB"] * 32)) == digits
    assert normalize_fingerprint("SHA256 Fingerprint=" + ":".join(["AB"] * 32)) == digits
    assert normalize_fingerprint("sha256:" + digits) == digits
    assert normalize_fingerprint("AB:CD") is None
    assert normalize_fingerprint("SHA256:q83vEjRWeJ==") is None  # base64 (ssh style) is not what openssl prints


def test_bad_arguments(pki):
    with pytest.raises(CucmError) as caught:
        ApiClient(api_params(1, tomcat_fingerprint="nope", api_user=None, risport_rate_limit=0), [].append)
    assert caught.value.reason == "arguments"
    assert "tomcat_fingerprint must be a SHA-256 fingerprint" in caught.value.message
    assert "api_user is not set" in caught.value.message and "cucm_api_user" in caught.value.message
    assert "risport_rate_limit" in caught.value.message
    with pytest.raises(CucmError) as caught:
        ApiClient(api_params(1, ca_path="/nonexistent/ca.pem"), [].append)
    assert caught.value.reason == "certificate" and "/nonexistent/ca.pem" in caught.value.message


# -- XML safety --------------------------------------------------------------------------------------

def test_doctype_is_refused(cucm, cluster, pki):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
            '<ns:listPhoneResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><phone><name>&lol2;</name>'
            '</phone></return></ns:listPhoneResponse></soapenv:Body></soapenv:Envelope>')
    cluster.script["listPhone"] = [(200, {}, bomb)]
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki))
    assert caught.value.reason == "xml" and "declares a DOCTYPE, which is refused" in caught.value.message


def test_parse_xml_refusals():
    with pytest.raises(XmlRefused):
        parse_xml(b'<!ENTITY x SYSTEM "file:///etc/passwd"><a/>')
    with pytest.raises(XmlRefused):
        parse_xml("<a>\u00e9</a>".encode("latin-1"))
    with pytest.raises(XmlRefused):
        parse_xml(b"<a><b></a>")
    assert parse_xml((ENVELOPE % "<x/>").encode()).tag.endswith("Envelope")


def test_an_html_error_page_with_a_doctype_is_quoted_not_parsed(cucm, cluster, pki):
    page = "<!doctype html><html><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>"
    cluster.script["listPhone"] = [(500, {"Content-Type": "text/html"}, page)]
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki))
    assert caught.value.reason == "http" and "HTTP 500: HTTP Status 500 - Internal Server Error" in caught.value.message


def test_a_non_xml_error_page(cucm, cluster, pki):
    page = "<html><body><h1>Internal error</h1></body></html>"
    cluster.script["listPhone"] = [(500, {"Content-Type": "text/html"}, page)]
    with pytest.raises(CucmError) as caught:
        find_phones(client(cucm, pki))
    assert caught.value.reason == "http" and "HTTP 500: Internal error" in caught.value.message


# -- unreachable ---------------------------------------------------------------------------------------

def test_connection_refused(pki):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CucmError) as caught:
        find_phones(ApiClient(api_params(port, ca_path=pki.ca_path), [].append))
    assert caught.value.reason == "unreachable" and "cannot reach the node" in caught.value.message
    assert caught.value.message.startswith("AXL listPhone on 127.0.0.1:%d" % port)


def test_no_answer_within_the_timeout(pki):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the TCP connection, never speaks TLS
        params = api_params(silent.getsockname()[1], ca_path=pki.ca_path, api_timeout=1)
        with pytest.raises(CucmError) as caught:
            find_phones(ApiClient(params, [].append))
    assert caught.value.reason == "unreachable" and "no answer within api_timeout (1 s)" in caught.value.message


def test_the_clock_is_the_runtime_clock(clock):
    assert cucm_api.CLOCK is clock
