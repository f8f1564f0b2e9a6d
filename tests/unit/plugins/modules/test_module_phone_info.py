"""cucm.trust.phone_info end to end against the local AXL/RisPort70 stand-in (cucm_api_server.py),
whose answers follow cucm-phone-apis.md 2.3 (listPhone), 3.3 (selectCmDeviceExt) and 3.4 (rate fault)."""

import json

from ansible_collections.cucm.trust.plugins.modules import phone_info
from cucm_api_server import (
    PASSWORD,
    api_params,
    axl_fault,
    clock,
    cluster,
    cucm,
    pki,
    rate_fault,
    run_module_main,
)

__all__ = ["clock", "cluster", "cucm", "pki"]  # fixtures


def args(server, pki, **changes):
    values = api_params(server.port, ca_path=pki.ca_path)
    values.update(changes)
    return values


def small_cluster(cluster):
    cluster.add_phone("SEP000000000001", pool="DP_SITE_A", model="Cisco 8845", node="cucm-sub1")
    cluster.add_phone("SEP000000000002", pool="DP_SITE_A", model="Cisco 7841", node="cucm-sub2",
                      status="UnRegistered", status_reason=13)
    cluster.add_phone("SEP000000000003", pool="DP_SITE_B", model="Cisco 8845", node="cucm-sub2")
    cluster.add_phone("CSFJSMITH", pool="DP_SITE_B", model="Cisco Unified Client Services Framework", known=False)


def test_every_phone_with_counts(cucm, cluster, pki, capsys):
    small_cluster(cluster)
    result = run_module_main(phone_info.main, args(cucm, pki), capsys)
    assert result["changed"] is False and "failed" not in result
    names = ["CSFJSMITH", "SEP000000000001", "SEP000000000002", "SEP000000000003"]
    assert [p["name"] for p in result["phones"]] == names
    by_name = dict((p["name"], p) for p in result["phones"])
    assert by_name["SEP000000000002"]["status"] == "UnRegistered" and by_name["SEP000000000002"]["status_reason"] == 13
    assert by_name["SEP000000000002"]["node"] == "cucm-sub2" and by_name["SEP000000000002"]["model"] == "Cisco 7841"
    assert by_name["SEP000000000001"]["ip_address"] and by_name["SEP000000000001"]["device_pool"] == "DP_SITE_A"
    assert by_name["SEP000000000001"]["last_change"].endswith("Z")
    assert by_name["CSFJSMITH"]["status"] == "NotFound" and by_name["CSFJSMITH"]["node"] is None
    assert result["total"] == 4
    assert result["counts"] == {
        "status": {"NotFound": 1, "Registered": 2, "UnRegistered": 1},
        "node": {"(none)": 1, "cucm-sub1": 1, "cucm-sub2": 2},
        "model": {"Cisco Unified Client Services Framework": 1, "Cisco 8845": 2, "Cisco 7841": 1},
    }
    assert result["api_calls"] == 2 and result["api_host"] == "127.0.0.1"
    assert isinstance(result["elapsed"], float)
    # RisPort was asked for the names AXL listed, explicitly
    ris = [r for r in cluster.requests if r.api == "risport"]
    assert len(ris) == 1 and sorted(i.text for i in ris[0].operation_element.iter() if i.tag.endswith("}Item")) == \
        [p["name"] for p in result["phones"]]
    assert PASSWORD not in json.dumps(result)


def test_check_mode_reads_the_same(cucm, cluster, pki, capsys):
    small_cluster(cluster)
    result = run_module_main(phone_info.main, args(cucm, pki), capsys, check_mode=True)
    assert result["changed"] is False and result["total"] == 4 and result["api_calls"] == 2


def test_device_pool_goes_through_list_phone_then_risport_by_name(cucm, cluster, pki, capsys):
    small_cluster(cluster)
    result = run_module_main(phone_info.main, args(cucm, pki, device_pools=["DP_SITE_B"]), capsys)
    assert [p["name"] for p in result["phones"]] == ["CSFJSMITH", "SEP000000000003"]
    axl = [r for r in cluster.requests if r.api == "axl"]
    assert [r.operation_element.find("searchCriteria").find("devicePoolName").text for r in axl] == ["DP_SITE_B"]
    ris = [r for r in cluster.requests if r.api == "risport"]
    assert sorted(i.text for i in ris[0].operation_element.iter() if i.tag.endswith("}Item")) == [
        "CSFJSMITH", "SEP000000000003"]


def test_name_pattern_and_model_filters(cucm, cluster, pki, capsys):
    small_cluster(cluster)
    result = run_module_main(phone_info.main, args(cucm, pki, names=["sep*"], models=["cisco 88*", "Cisco 9999"]),
                             capsys)
    assert [p["name"] for p in result["phones"]] == ["SEP000000000001", "SEP000000000003"]
    name = [r for r in cluster.requests if r.api == "axl"][0].operation_element.find("searchCriteria").find("name")
    assert name.text == "sep%"
    assert result["unmatched"] == ["model Cisco 9999"]
    assert result["warnings"] == ["no phone matched: model Cisco 9999"]


def test_nothing_selected_asks_risport_nothing(cucm, cluster, pki, capsys):
    small_cluster(cluster)
    result = run_module_main(phone_info.main, args(cucm, pki, names=["ATA*"]), capsys)
    assert result["phones"] == [] and result["total"] == 0 and result["unmatched"] == ["ATA*"]
    assert [r.api for r in cluster.requests] == ["axl"]


def test_2500_phones_three_paced_risport_requests(cucm, cluster, clock, pki, capsys):
    cluster.__init__(phones=2500, clock=clock)
    result = run_module_main(phone_info.main, args(cucm, pki), capsys)
    assert result["total"] == 2500 and result["counts"]["status"] == {"Registered": 2500}
    assert result["counts"]["model"] == {"Cisco 7841": 834, "Cisco 8845": 1666}
    assert result["api_calls"] == 3 + 3  # listPhone pages of 1000, selectCmDeviceExt by 1000 names
    assert result["waited"] == {"pacing": 8.0, "throttling": 0.0}
    assert result["elapsed"] >= 8.0  # virtual time: the two 4 s paces


def test_rate_limit_fault_is_waited_out_and_reported(cucm, cluster, clock, pki, capsys):
    small_cluster(cluster)
    cluster.script["selectCmDeviceExt"] = [(500, {}, rate_fault())]
    result = run_module_main(phone_info.main, args(cucm, pki), capsys)
    assert result["total"] == 4 and "failed" not in result
    assert result["waited"]["throttling"] == 30.0 and result["api_calls"] == 3
    assert len(result["warnings"]) == 1
    assert "RisPort70 selectCmDeviceExt on 127.0.0.1:%d: CUCM refused the request over its rate limit" % cucm.port \
        in result["warnings"][0]
    assert "waited 30 s and retried" in result["warnings"][0]


def test_wrong_password_fails_naming_the_operation(cucm, cluster, pki, capsys):
    result = run_module_main(phone_info.main, args(cucm, pki, api_password="not-" + PASSWORD), capsys)
    assert result["failed"] is True and result["failure_reason"] == "auth"
    assert result["command"] == "AXL listPhone" and result["http_status"] == 401
    assert "HTTP 401 Unauthorized" in result["msg"] and result["api_calls"] == 1
    assert PASSWORD not in json.dumps(result)


def test_soap_fault_fails_with_faultstring_and_axlcode(cucm, cluster, pki, capsys):
    cluster.script["listPhone"] = [(500, {}, axl_fault("Item not valid: The specified User was not found", 5007,
                                                       "listPhone"))]
    result = run_module_main(phone_info.main, args(cucm, pki), capsys)
    assert result["failure_reason"] == "soap_fault" and result["fault"]["axlcode"] == 5007
    assert result["msg"].endswith("Item not valid: The specified User was not found (axlcode 5007)")


def test_certificate_refused_without_ca(cucm, cluster, pki, capsys):
    result = run_module_main(phone_info.main, args(cucm, pki, ca_path=None), capsys)
    assert result["failure_reason"] == "certificate" and "openssl s_client" in result["msg"]
    assert cluster.requests == []


def test_pinned_fingerprint(cucm, cluster, pki, capsys):
    small_cluster(cluster)
    result = run_module_main(phone_info.main, args(cucm, pki, ca_path=None, tomcat_fingerprint=pki.fingerprint),
                             capsys)
    assert result["total"] == 4
