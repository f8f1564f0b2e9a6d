"""phone_info and phone_reset over HTTPS against the lab's AXL and RisPort70, compared with the
lab's ground truth (GET /phones)."""

import pytest

from integration_support import assert_ok
from test_change_modules import publisher, run


def truth(lab):
    return dict((p["name"], p) for p in lab.phones()["phones"])


@pytest.fixture
def phone_lab(lab_factory):
    # time_scale: the phones' download and re-registration delays (and the RisPort rate window)
    # pass twenty times faster than on a real cluster.
    return lab_factory(nodes=2, release="12.5", phones=60, time_scale=0.05)


def test_phone_info_reports_every_phone_as_the_lab_holds_it(phone_lab, runner):
    lab = phone_lab
    pub = publisher(lab)
    assert_ok(run(runner, lab, "phone_info", limit=pub))
    result = runner.result(pub)
    phones = truth(lab)
    assert result["total"] == len(phones) == 60
    for phone in result["phones"]:
        held = phones[phone["name"]]
        assert (phone["status"], phone["device_pool"], phone["model"]) == (held["status"], held["device_pool"], held["model"])
        assert phone["node"] == held["registered_node"]
    assert result["counts"]["status"] == {"Registered": 60}


def test_phone_reset_of_a_device_pool_waits_until_its_phones_are_back(phone_lab, runner):
    lab = phone_lab
    pub = publisher(lab)
    pool = sorted(set(p["device_pool"] for p in truth(lab).values()))[0]
    members = sorted(n for n, p in truth(lab).items() if p["device_pool"] == pool)
    boots = dict((n, p["boots"]) for n, p in truth(lab).items())
    assert_ok(run(runner, lab, "phone_reset", {"scope": "device_pools", "device_pools": [pool], "batch_size": 10,
                                               "wait_for_registered": 1.0, "wait_timeout": 120, "wait_interval": 2},
                  limit=pub))
    result = runner.result(pub)
    assert sorted(result["reset"]) == members
    assert result["wait"]["reached"] is True and result["wait"]["stragglers"] == []
    after = truth(lab)
    assert sorted(n for n, p in after.items() if p["boots"] > boots[n]) == members  # only the pool rebooted
    assert all(after[n]["status"] == "Registered" for n in members)


def test_stragglers_are_named_and_check_mode_resets_nothing(phone_lab, runner):
    lab = phone_lab
    pub = publisher(lab)
    names = sorted(truth(lab))[:6]
    lab.control("POST", "/phones/faults", {"fault": "never_back", "phones": names[:2]})
    boots = dict((n, p["boots"]) for n, p in truth(lab).items())
    run(runner, lab, "phone_reset", {"scope": "names", "names": names}, limit=pub, check=True)
    assert runner.result(pub)["changed"] is True
    assert dict((n, p["boots"]) for n, p in truth(lab).items()) == boots  # check mode: no phone touched
    proc = run(runner, lab, "phone_reset", {"scope": "names", "names": names, "wait_for_registered": 1.0,
                                            "wait_timeout": 40, "wait_interval": 2}, limit=pub, verbosity=4)
    password = lab.lab_json["clusters"][0]["axl_password"]
    assert password not in proc.stdout  # not at -vvvv either
    result = runner.result(pub)
    assert result["failed"] is True
    assert sorted(s["name"] for s in result["wait"]["stragglers"]) == names[:2]
    assert result["wait"]["registered"] == 4
