"""Facts derived from real `show itl` / `show ctl` transcripts (seed fixtures)."""

import os

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_ctl, parse_show_itl
from ansible_collections.cucm.trust.plugins.module_utils.release import (
    ctl_signer_unit,
    itl_signer_unit,
    release_tuple,
    reset_itl_signer_unit,
)
from ansible_collections.cucm.trust.plugins.module_utils.trust_facts import common_name, key_bits, summarize

SEEDS = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "seeds")


def seed(name):
    with open(os.path.join(SEEDS, name)) as handle:
        return handle.read()


def test_10x_itl_before_reset_is_signed_by_the_callmanager_certificate():
    facts = summarize(parse_show_itl(seed("001_ja_show_itl_before_reset.txt")))
    assert facts["signer"]["unit"] == "CallManager"
    assert facts["signer"]["record_index"] == 1
    assert facts["signer"]["common_name"] == "test10pub.joemar2.lab"
    assert facts["signer"]["key_bits"] == 1024
    assert facts["itlrecovery"]["common_name"] == "ITLRECOVERY_test10pub.joemar2.lab"
    assert facts["itlrecovery"]["certificate_sha1"] == "cdc74a39878752fab0890c28abcb3632eb8716dc"
    assert facts["itlrecovery_count"] == 1
    assert facts["verified"] is True
    assert facts["key_bits"] == [1024, 2048]
    assert facts["functions"]["TVS"] == 2
    assert [t["serial"] for t in facts["tvs"]] == [
        "76:59:84:D8:B7:30:60:63:36:E5:C7:B6:A7:DD:B9:D6",
        "67:D1:A1:9E:F8:AB:91:E6:C0:A6:10:35:26:30:EE:02",
    ]


def test_10x_itl_after_reset_is_signed_by_itlrecovery():
    before = summarize(parse_show_itl(seed("001_ja_show_itl_before_reset.txt")))
    after = summarize(parse_show_itl(seed("001_ja_show_itl_after_reset.txt")))
    assert after["signer"]["unit"] == "ITLRecovery"
    assert after["signer"]["record_index"] == 5
    # The reset keeps the same ITLRECOVERY entry, only the signer changes.
    assert after["itlrecovery"]["certificate_sha1"] == before["itlrecovery"]["certificate_sha1"]
    assert after["sha1"] != before["sha1"]


def test_tokenless_ctl_signer_and_etoken_ctl():
    tokenless = summarize(parse_show_ctl(seed("002_ja_show_ctl_tokenless_full.txt")))
    assert tokenless["signer"]["unit"] == "CallManager"
    assert tokenless["signer"]["common_name"] == "cucm-1051-a-pub"
    assert tokenless["etokens"] == []
    etoken = summarize(parse_show_ctl(seed("002_ja_show_ctl_two_etokens_elided.txt")))
    assert etoken["signer"]["unit"] == "eToken"
    assert [e["common_name"] for e in etoken["etokens"]] == ["SAST-ADN0054f509", "SAST-ADN008580ef"]


def test_missing_ctl():
    facts = summarize(parse_show_ctl(seed("002_ja_show_ctl_not_found.txt")))
    assert facts["present"] is False
    assert facts["signer"] is None
    assert facts["record_count"] == 0


def test_release_rules():
    assert release_tuple("12.5.1.14900-63") == (12, 5, 1)
    assert itl_signer_unit("10.5.2.15900-8") == "CallManager"
    assert itl_signer_unit("12.0.1.10000-10") == "ITLRecovery"
    assert reset_itl_signer_unit("14.0.1.13900-155") == "CallManager"
    assert reset_itl_signer_unit("11.5.1.18900-97") == "ITLRecovery"
    assert ctl_signer_unit("15.0.1.11900-23") == "ITLRecovery"
    assert itl_signer_unit(None) is None


def test_names_and_key_sizes():
    assert common_name("CN=ITLRECOVERY_pub;OU=TAC;O=Cisco") == "ITLRECOVERY_pub"
    assert common_name('cn="SAST-ADN008580ef ";ou=IPCBU;o="Cisco Systems') == "SAST-ADN008580ef"
    assert key_bits(140) == 1024 and key_bits(270) == 2048
    assert key_bits(None, 256) == 2048
