"""The phones of a started lab (`start_lab(..., phones=N)`): the control API's ground truth, its
faults, and trust broken and repaired through the lab's real flows (control actions, and
`utils itl reset localkey` / `utils service restart Cisco Tftp` over SSH)."""

import json

import pytest

from cucm_lab.testing import LabControlError, start_lab
from lab_dialogs import CCM_ADMIN_PASSWORD

TIME_SCALE = 0.01


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    handle = start_lab(tmp_path_factory.mktemp("phones"), nodes=1, release="10.5", phones=6,
                       time_scale=TIME_SCALE)
    yield handle
    handle.stop()


def settled(summary):
    return summary["booting"] == 0


def reset_and_wait(lab, **body):
    answer = lab.control("POST", "/phones/reset", body)
    return answer, lab.wait_phones(settled)


def test_phones_are_in_lab_json_the_inventory_and_the_control_api(lab):
    assert lab.lab_json["phones"] == 6
    with open(lab.inventory_path) as handle:
        assert "cucm_lab_phones: 6" in handle.read()
    answer = lab.phones()
    assert answer["summary"]["total"] == 6 and answer["summary"]["trusting"] == 6
    assert answer["summary"]["by_status"] == {"Registered": 6, "UnRegistered": 0, "Rejected": 0}
    names = [p["name"] for p in answer["phones"]]
    one = lab.phones(names=names[:2])
    assert [p["name"] for p in one["phones"]] == names[:2]
    state = lab.state()
    itl = state["nodes"]["lab105-pub"]["files"]["ITLFile.tlv"]["sha1"]
    assert {p["itl_sha1"] for p in answer["phones"]} == {itl}
    assert "phones" not in lab.phones(summary=True)


def test_control_errors(lab):
    with pytest.raises(LabControlError) as unknown:
        lab.control("POST", "/phones/reset", {"phones": ["SEP000000000000"]})
    assert unknown.value.status == 404
    for bad in ({"fault": "meltdown", "phones": []}, {"fault": "slow", "share": 0.5},
                {"fault": "offline", "share": 2}):
        with pytest.raises(LabControlError) as invalid:
            lab.control("POST", "/phones/faults", bad)
        assert invalid.value.status == 400, bad
    with pytest.raises(LabControlError) as setting:
        lab.control("POST", "/phones/settings", {"download_seconds": -1})
    assert setting.value.status == 400
    with pytest.raises(LabControlError) as route:
        lab.control("GET", "/phones/nowhere")
    assert route.value.status == 404


def test_faults_offline_slow_and_back(lab):
    names = lab.control("POST", "/phones/faults", {"fault": "offline", "share": 0.5, "seed": 1})["phones"]
    assert len(names) == 3
    slow = [p["name"] for p in lab.phones()["phones"] if p["name"] not in names][:1]
    lab.control("POST", "/phones/faults", {"fault": "slow", "phones": slow, "seconds": 200})
    answer = lab.control("POST", "/phones/reset", {})
    assert answer["reset"] == 3  # the offline ones dropped off during the reset
    summary = lab.wait_phones(lambda s: s["booting"] == 1)  # only the slow one is not back yet
    assert summary["offline"] == 3 and summary["by_status"]["UnRegistered"] == 4
    summary = lab.wait_phones(settled)
    assert summary["by_status"]["Registered"] == 3
    back = lab.control("POST", "/phones/online", {"phones": names})
    assert back == {"online": names, "never_back": []}
    summary = lab.wait_phones(lambda s: s["booting"] == 0 and s["by_status"]["Registered"] == 6)
    assert summary["offline"] == 0
    assert lab.control("DELETE", "/phones/faults")["cleared"] == 1


def test_trust_lost_and_recovered_with_utils_itl_reset(lab):
    pub = "lab105-pub"
    for unit in ("CallManager", "TVS"):  # the seed's single-node cluster: never both at once
        lab.control("POST", "/actions/regen-cert", {"node": pub, "unit": unit})
    for service in ("Cisco Trust Verification Service", "Cisco Tftp"):
        lab.control("POST", "/actions/restart-service", {"node": pub, "service": service})
    unused, summary = reset_and_wait(lab)
    assert summary["not_trusting"] == 6 and summary["trust_list_update_failed"] == 6
    assert summary["itl_outdated"] == 6 and summary["by_status"]["Registered"] == 6
    phone = lab.phones()["phones"][0]
    assert "no TVS server it trusts answers" in phone["decisions"]["itl"]

    with lab.shell(pub) as cli:  # 10.x: the reset ITL is signed by ITLRecovery
        cli.dialog("utils itl reset localkey", [(CCM_ADMIN_PASSWORD, lab.lab_json["ccm_admin_password"])],
                   timeout=60)
    unused, summary = reset_and_wait(lab)
    assert summary["trusting"] == 6 and summary["itl_current"] == 6

    with lab.shell(pub) as cli:  # CallManager signs again: in the reset ITL the phones hold
        cli.command("utils service restart Cisco Tftp", timeout=60)
    state = lab.state()["nodes"][pub]
    assert not state["serving_reset_itl"]
    unused, summary = reset_and_wait(lab, type="restart")
    assert summary["trusting"] == 6 and summary["itl_current"] == 6
    phone = lab.phones()["phones"][0]
    assert phone["status_reason"] == 0 and phone["itl_sha1"] == state["files"]["ITLFile.tlv"]["sha1"]


def test_settings_round_trip(lab):
    before = lab.control("GET", "/phones/settings")
    try:
        answer = lab.control("POST", "/phones/settings", {"untrusted_config_status": "Rejected"})
        assert answer["untrusted_config_status"] == "Rejected"
        assert json.dumps(answer)  # plain JSON
    finally:
        lab.control("POST", "/phones/settings", before)


def test_the_itl_reset_action_and_the_phones_follow(lab):
    answer = lab.control("POST", "/actions/itl-reset", {})
    assert answer["nodes"] == ["lab105-pub"] and answer["signer"].startswith("CN=ITLRECOVERY_")  # 10.x
    state = lab.state()["nodes"]["lab105-pub"]
    assert state["serving_reset_itl"] and not state["keep_itl_on_tftp_start"]
    assert state["files"]["ITLFile.tlv"]["sha1"] == answer["sha1"]
    unused, summary = reset_and_wait(lab)
    assert summary["trusting"] == 6 and summary["itl_current"] == 6
    with pytest.raises(LabControlError):
        lab.control("POST", "/actions/itl-reset", {"restart_tftp": "yes"})
