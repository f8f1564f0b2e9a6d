"""The change preview's rules (module_utils/_change_preview.py) on lab-made ITLs and CTLs.

The trust lists are the lab-made fixtures (tests/unit/fixtures/trust_files) read by the collection's
own readers, as in test_recovery_plan_logic.py: lab105_nonsecure_pub_itl and lab105_mixed_pub_itl are
two 10.5 clusters of the same host name whose certificates all differ, so phones holding the first
are phones of a rebuilt publisher; the same for 12.5. The lab checks the same rules end to end
(tests/integration/test_change_preview.py).
"""

import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils._change_preview import preview
from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_ctl, parse_show_itl
from test_recovery_plan_logic import FIXTURES, NOW, entry

V105 = "10.5.2.15900-8"
V125 = "12.5.1.14900-63"


def shown(name, parser):
    with open(os.path.join(FIXTURES, name + ".txt")) as handle:
        return parser(handle.read())


def current(itl, ctl=None, mode="non_secure"):
    return {"itl": shown(itl, parse_show_itl), "ctl": shown(ctl, parse_show_ctl) if ctl else {"present": False},
            "security_mode": mode}


def run(change, entries, now_itl, version, ctl=None, mode="non_secure", **kwargs):
    pub = "lab105-pub" if version == V105 else "lab125-pub"
    return preview(change, version, entries, current(now_itl, ctl, mode), NOW, pub, [pub], **kwargs)


def week(cluster, name):
    host = cluster + "-pub"
    return [entry(cluster, "20261124T020000Z", [(host, name)]), entry(cluster, "20261201T020000Z", [(host, name)])]


@pytest.mark.parametrize("version,cluster,unit", [(V105, "lab105", "CallManager"), (V125, "lab125", "ITLRecovery")])
def test_mixed_mode_ctl_is_signed_by_the_release_signer_phones_hold(version, cluster, unit):
    result = run({"action": "mixed_mode"}, week(cluster, cluster + "_mixed_pub_itl"), cluster + "_mixed_pub_itl",
                 version)
    assert result["safe"] is True and result["stops_trusting_itls"] == []
    (served,) = result["serves_next"]
    assert served["file"] == "CTLFile.tlv" and served["signer"]["unit"] == unit and not served["signer"]["new"]
    (itl,) = result["itls"]
    assert itl["files"][0]["accepted"] is True and "record of its ITL" in itl["files"][0]["how"]
    assert [c["sha1"] for c in result["ctls_considered"]] == [None]  # no CTL served: phones hold none


def test_phones_of_a_rebuilt_publisher_would_refuse_the_new_ctl_and_are_named():
    old = entry("lab125", "20261124T020000Z", [("lab125-pub", "lab125_nonsecure_pub_itl")])
    new = entry("lab125", "20261201T020000Z", [("lab125-pub", "lab125_mixed_pub_itl")])
    stale, fresh = old[1]["nodes"][0]["files"]["itl"]["sha1"], new[1]["nodes"][0]["files"]["itl"]["sha1"]
    phones = [{"name": "SEP000000000001", "itl_sha1": stale}, {"name": "SEP000000000002", "itl_sha1": fresh},
              {"name": "SEP000000000003", "itl_sha1": "ab" * 20}]
    result = run({"action": "mixed_mode"}, [old, new], "lab125_mixed_pub_itl", V125, phones=phones)
    assert result["safe"] is False and result["stops_trusting_itls"] == [stale]
    assert result["phones_stop_trusting"] == ["SEP000000000001"]
    assert result["phones_unknown_itl"] == ["SEP000000000003"]
    assert any("would refuse CTLFile.tlv" in r and stale[:12] in r for r in result["reasons"])


def test_ctl_update_judges_the_ctl_phones_hold_too():
    result = run({"action": "ctl_update"}, week("lab125", "lab125_mixed_pub_itl"), "lab125_mixed_pub_itl", V125,
                 ctl="lab125_mixed_ctl", mode="mixed")
    assert result["safe"] is True
    assert [c["sha1"] for c in result["ctls_considered"]] == [shown("lab125_mixed_ctl", parse_show_ctl)["sha1"].lower()]
    assert result["itls"][0]["files"][0]["with_ctl"] == result["ctls_considered"][0]["sha1"]


def test_callmanager_regeneration_on_10_5_leaves_phones_to_tvs():
    result = run({"action": "certificate_regeneration", "node": "lab105-pub", "unit": "CallManager"},
                 week("lab105", "lab105_mixed_pub_itl"), "lab105_mixed_pub_itl", V105)
    assert sorted(f["file"] for f in result["serves_next"]) == ["ITLFile.tlv", "SEP<MAC>.cnf.xml.sgn"]
    assert all(f["signer"]["new"] for f in result["serves_next"])
    assert result["safe"] is True
    assert all(v["accepted"] and v["how"].startswith("TVS vouches") for v in result["itls"][0]["files"])


def test_callmanager_regeneration_on_12_5_does_not_change_the_itl_signer():
    result = run({"action": "certificate_regeneration", "unit": "CallManager"},
                 week("lab125", "lab125_mixed_pub_itl"), "lab125_mixed_pub_itl", V125)
    assert [f["file"] for f in result["serves_next"]] == ["SEP<MAC>.cnf.xml.sgn"]
    assert result["change"]["node"] is None and result["serves_next"][0]["nodes"] == ["lab125-pub"]


def test_tvs_regeneration_separates_phones_refusing_already_from_phones_it_strands():
    # Phones of the rebuilt publisher refuse today's ITL already; phones holding it keep taking it (its signer is
    # a SAST record of their ITL) even without TVS.
    old = entry("lab105", "20261124T020000Z", [("lab105-pub", "lab105_nonsecure_pub_itl")])
    new = entry("lab105", "20261201T020000Z", [("lab105-pub", "lab105_mixed_pub_itl")])
    result = run({"action": "certificate_regeneration", "unit": "TVS"}, [old, new], "lab105_mixed_pub_itl", V105)
    stale = old[1]["nodes"][0]["files"]["itl"]["sha1"]
    assert result["safe"] is True and result["refusing_already_itls"] == [stale]
    # Of the two TVS certificates (publisher, sub1) only sub1's is presented after the change.
    assert len(result["tvs_presented_after"]) == 1
    assert any("refuse already" in r for r in result["reasons"])
    # Who signs what is served now, read from the publisher's show itl: its CallManager certificate on 10.5.
    signers = dict((f["file"], f["signer"]) for f in result["serves_next"])
    assert signers["ITLFile.tlv"]["unit"] == "CallManager" and not signers["ITLFile.tlv"]["new"]
    assert signers["ITLFile.tlv"]["sha1"] == signers["SEP<MAC>.cnf.xml.sgn"]["sha1"]


def test_itlrecovery_regeneration_on_12_5_needs_tvs_and_is_refused_on_a_subscriber():
    result = run({"action": "certificate_regeneration", "unit": "ITLRecovery"},
                 week("lab125", "lab125_mixed_pub_itl"), "lab125_mixed_pub_itl", V125)
    assert [f["file"] for f in result["serves_next"]] == ["ITLFile.tlv"] and result["safe"] is True
    assert result["itls"][0]["files"][0]["how"].startswith("TVS vouches")
    with pytest.raises(ValueError, match="not the publisher"):
        run({"action": "certificate_regeneration", "node": "lab125-sub1", "unit": "ITLRecovery"}, [],
            "lab125_mixed_pub_itl", V125)
