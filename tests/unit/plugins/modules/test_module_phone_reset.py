"""cucm.trust.phone_reset end to end against the local AXL/RisPort70 stand-in (cucm_api_server.py),
whose answers follow cucm-phone-apis.md 2.3 (listPhone), 2.4 (doDeviceReset), 2.7 (faults) and 3.3
(selectCmDeviceExt). After a reset the stand-in shows a phone UnRegistered (reason 9, "CallManagerReset"
in the third-party table of 3.3) and, from its ``back_after_polls``-th RisPort poll on, Registered with a
TimeStamp 40 s after the reset."""

import json

import pytest

from ansible_collections.cucm.trust.plugins.modules import phone_reset
from cucm_api_server import (
    PASSWORD,
    api_params,
    axl_fault,
    clock,
    cluster,
    cucm,
    do_device_reset_response,
    pki,
    run_module_main,
)

__all__ = ["clock", "cluster", "cucm", "pki"]  # fixtures


def args(server, pki, **changes):
    values = api_params(server.port, ca_path=pki.ca_path)
    values.update(scope="all")
    values.update(changes)
    return values


def phones(cluster, count, pool="DP_SITE_A", **options):
    return [cluster.add_phone("SEP0000000000%02d" % (len(cluster.order) + 1), pool=pool, **options)["name"]
            for _index in range(count)]


def test_check_mode_lists_the_phones_and_touches_nothing(cucm, cluster, pki, capsys):
    site_a = phones(cluster, 3, "DP_SITE_A")
    phones(cluster, 2, "DP_SITE_B")
    result = run_module_main(phone_reset.main, args(cucm, pki, scope="device_pools", device_pools=["DP_SITE_A"],
                                                    batch_size=2, wait_for_registered=0.9), capsys, check_mode=True)
    assert result["changed"] is True and result["phones"] == site_a
    assert result["reset"] == [] and result["batches"] == 2 and result["batches_done"] == 0
    assert "wait" not in result
    assert [r.operation for r in cluster.requests] == ["listPhone"]
    assert cluster.resets == []


def test_batches_are_paced(cucm, cluster, clock, pki, capsys):
    names = phones(cluster, 7)
    result = run_module_main(phone_reset.main, args(cucm, pki, batch_size=3, batch_interval=45,
                                                    action="restart"), capsys)
    assert result["changed"] is True and result["reset"] == names and result["refused"] == []
    assert result["batches"] == 3 and result["batches_done"] == 3
    assert [name for name, _type, _at in cluster.resets] == names
    assert set(reset_type for _name, reset_type, _at in cluster.resets) == {"Restart"}
    # virtual time of each reset request: 3 at once, 45 s, 3 at once, 45 s, 1
    starts = [at - cluster.resets[0][2] for _name, _type, at in cluster.resets]
    assert starts == [0, 0, 0, 45, 45, 45, 90]
    assert clock.sleeps == [45, 45]
    assert result["api_calls"] == 1 + 7 and "wait" not in result
    assert isinstance(result["reset_time"], int)
    assert PASSWORD not in json.dumps(result)


def test_the_request_is_do_device_reset_with_a_reset_type(cucm, cluster, pki, capsys):
    phones(cluster, 1)
    run_module_main(phone_reset.main, args(cucm, pki), capsys)
    request = [r for r in cluster.requests if r.operation == "doDeviceReset"][0]
    assert request.headers["SOAPAction"] == '"CUCM:DB ver=14.0 doDeviceReset"'
    children = [(c.tag, c.text) for c in request.operation_element]
    assert children == [("deviceName", "SEP000000000001"), ("deviceResetType", "Reset")]


def test_wait_reaches_the_share_and_names_the_stragglers(cucm, cluster, clock, pki, capsys):
    back = phones(cluster, 8)
    late = phones(cluster, 1, back_after_polls=3)
    never = phones(cluster, 1, back_after_polls=None)
    result = run_module_main(phone_reset.main, args(cucm, pki, batch_size=100, wait_for_registered=0.8,
                                                    wait_interval=20), capsys)
    wait = result["wait"]
    assert wait["reached"] is True and wait["registered"] == 8 and wait["total"] == 10 and wait["needed"] == 8
    assert wait["share"] == 0.8 and wait["polls"] == 1 and wait["waited"] == 20.0
    assert [s["name"] for s in wait["stragglers"]] == late + never
    straggler = wait["stragglers"][0]
    assert straggler["status"] == "UnRegistered" and straggler["status_reason"] == 9
    assert straggler["why"].startswith("UnRegistered (status reason 9) since ")
    assert "failed" not in result and result["refused"] == []
    assert back


def test_below_the_share_fails_and_names_the_stragglers(cucm, cluster, clock, pki, capsys):
    phones(cluster, 3)
    never = phones(cluster, 1, back_after_polls=None, node="cucm-sub2")
    result = run_module_main(phone_reset.main, args(cucm, pki, wait_for_registered=1.0, wait_timeout=60,
                                                    wait_interval=20), capsys)
    assert result["failed"] is True and result["failure_reason"] == "not_registered"
    assert result["changed"] is True and len(result["reset"]) == 4
    wait = result["wait"]
    assert wait["reached"] is False and wait["registered"] == 3 and wait["polls"] == 3 and wait["waited"] == 60.0
    assert [s["name"] for s in wait["stragglers"]] == never and wait["stragglers"][0]["node"] == "cucm-sub2"
    assert "only 3 of 4 reset phones (75.0%) registered again within 60 s, 4 needed (100%)" in result["msg"]
    assert never[0] + " (UnRegistered (status reason 9) since" in result["msg"]
    # polls ask only for the phones not back yet
    ris = [r for r in cluster.requests if r.api == "risport"]
    assert [len([i for i in r.operation_element.iter() if i.tag.endswith("}Item")]) for r in ris] == [4, 1, 1]


def test_below_the_share_can_warn(cucm, cluster, clock, pki, capsys):
    phones(cluster, 3)
    phones(cluster, 1, back_after_polls=None)
    result = run_module_main(phone_reset.main, args(cucm, pki, wait_for_registered=1.0, wait_timeout=40,
                                                    wait_interval=20, below_threshold="warn"), capsys)
    assert "failed" not in result and result["changed"] is True and result["wait"]["reached"] is False
    assert len(result["warnings"]) == 1 and result["warnings"][0].startswith("only 3 of 4 reset phones")


def test_a_phone_registered_since_before_the_reset_is_not_back(cucm, cluster, clock, pki, capsys):
    names = phones(cluster, 2)
    # CUCM accepts the second reset but the phone never acts on it: still Registered, old TimeStamp
    cluster.script["doDeviceReset"] = [cluster.axl_doDeviceReset,
                                       (200, {}, do_device_reset_response("true"))]
    result = run_module_main(phone_reset.main, args(cucm, pki, wait_for_registered=1.0, wait_timeout=20,
                                                    wait_interval=20), capsys)
    straggler = result["wait"]["stragglers"][0]
    assert straggler["name"] == names[1] and straggler["status"] == "Registered"
    assert straggler["why"].startswith("registered, but not since its reset (TimeStamp ")
    assert straggler["timestamp"] < straggler["reset_time"]


def test_a_refused_phone_is_reported_and_the_others_reset(cucm, cluster, pki, capsys):
    names = phones(cluster, 3)
    cluster.script["doDeviceReset"] = [
        cluster.axl_doDeviceReset,
        (500, {}, axl_fault("Item not valid: The specified Device was not found", 5007, "doDeviceReset"))]
    result = run_module_main(phone_reset.main, args(cucm, pki), capsys)
    assert result["failed"] is True and result["failure_reason"] == "refused" and result["changed"] is True
    assert result["reset"] == [names[0], names[2]]
    assert result["refused"] == [{"name": names[1], "error": "Item not valid: The specified Device was not found",
                                  "axlcode": 5007}]
    assert "CUCM refused to reset 1 of 3 phones: %s (Item not valid: The specified Device was not found)" % names[1] \
        in result["msg"]


def test_refusals_in_a_row_stop_the_task(cucm, cluster, pki, capsys):
    phones(cluster, 8)
    fault = (500, {}, axl_fault("User rank too low", 5003, "doDeviceReset"))
    cluster.script["doDeviceReset"] = [fault] * 8
    result = run_module_main(phone_reset.main, args(cucm, pki), capsys)
    assert result["failed"] is True and result["failure_reason"] == "soap_fault"
    assert "refused 5 phones in a row" in result["msg"] and result["changed"] is False
    assert len([r for r in cluster.requests if r.operation == "doDeviceReset"]) == 5


def test_read_only_user_gets_401_on_reset(cucm, cluster, pki, capsys):
    phones(cluster, 3)
    # 401 on the session cookie, then on Basic auth again: the user lacks the role
    cluster.script["doDeviceReset"] = [(401, {}, "<html>Unauthorized</html>")] * 2
    result = run_module_main(phone_reset.main, args(cucm, pki), capsys)
    assert result["failed"] is True and result["failure_reason"] == "auth" and result["command"] == "AXL doDeviceReset"
    assert result["changed"] is False and result["reset"] == []
    assert "a read-only AXL user gets 401 on resets" in result["msg"]
    resets = [r for r in cluster.requests if r.operation == "doDeviceReset"]
    assert ["Cookie" in r.headers for r in resets] == [True, False]
    assert PASSWORD not in json.dumps(result)


def test_throttled_reset_is_retried(cucm, cluster, clock, pki, capsys):
    names = phones(cluster, 2)
    cluster.script["doDeviceReset"] = [(503, {}, "<html>Service Unavailable</html>")]
    result = run_module_main(phone_reset.main, args(cucm, pki), capsys)
    assert result["reset"] == names and result["waited"]["throttling"] == 5.0
    assert "CUCM is throttling requests (HTTP 503)" in result["warnings"][0]


def test_throttling_beyond_the_bound_stops_and_says_what_was_reset(cucm, cluster, clock, pki, capsys):
    names = phones(cluster, 3)
    cluster.script["doDeviceReset"] = [cluster.axl_doDeviceReset] + [(503, {}, "busy")] * 10
    result = run_module_main(phone_reset.main, args(cucm, pki, api_retries=2), capsys)
    assert result["failed"] is True and result["failure_reason"] == "throttled"
    assert result["changed"] is True and result["reset"] == names[:1] and result["phones"] == names


def test_names_scope_with_an_unknown_name(cucm, cluster, pki, capsys):
    names = phones(cluster, 2)
    result = run_module_main(phone_reset.main, args(cucm, pki, scope="names", names=[names[1], "SEPFFFFFFFFFFFF"]),
                             capsys)
    assert result["reset"] == [names[1]] and result["unmatched"] == ["SEPFFFFFFFFFFFF"]
    assert result["warnings"] == ["no phone matched: SEPFFFFFFFFFFFF"]


def test_nothing_to_reset(cucm, cluster, pki, capsys):
    result = run_module_main(phone_reset.main, args(cucm, pki), capsys)
    assert result["changed"] is False and result["phones"] == [] and "failed" not in result


@pytest.mark.parametrize("changes, message", [
    (dict(scope="names"), "scope=names needs names"),
    (dict(scope="device_pools"), "scope=device_pools needs device_pools"),
    (dict(scope="all", names=["SEP1"]), "names is only for scope=names"),
    (dict(wait_for_registered=95.0), "wait_for_registered is a share"),
    (dict(batch_size=0), "batch_size must be at least 1"),
])
def test_arguments(cucm, cluster, pki, capsys, changes, message):
    result = run_module_main(phone_reset.main, args(cucm, pki, **changes), capsys)
    assert result["failed"] is True and result["failure_reason"] == "arguments" and message in result["msg"]
    assert cluster.requests == []
