"""The lab's phones, driven in-process: who they are, and their trust decisions (primer 3-4, seed
003) after the lab's own flows (regen-cert, restart-service, `utils itl reset`, `utils ctl`)
break or fix trust. Lab time moves with the cluster clock (`clock.advance`)."""

import hashlib
import re

import pytest

from cucm_lab import actions, bootstrap, phones, pki, sgn
from cucm_lab.model import (
    CERT_CALLMANAGER,
    CERT_ITLRECOVERY,
    CERT_TVS,
    CTL_FILE,
    ITL_FILE,
    SERVICE_CALLMANAGER,
    SERVICE_TFTP,
    SERVICE_TVS,
    StoredFile,
)

TFTP, TVS = SERVICE_TFTP, SERVICE_TVS


def lab(release="12.5", nodes=1, count=4, **options):
    cluster = bootstrap.create_cluster("t" + release.replace(".", ""), release, nodes, key_size=1024, **options)
    return cluster, phones.populate(cluster, count)


def boot(cluster, population, names=None, kind="reset", seconds=60):
    """Reset the phones (all, or `names`), let `seconds` of lab time pass; their JSON by name."""
    chosen = population.select(names)
    population.reset(chosen, kind)
    cluster.clock.advance(seconds)
    population.tick()
    return state(population, names)


def state(population, names=None):
    return {p.name: population.phone_json(p) for p in population.select(names)}


def sha1(data):
    return hashlib.sha1(data).hexdigest()


def served_itl(node):
    return sha1(node.tftp_files[ITL_FILE].data)


def restart(cluster, node, *services):
    for service in services:
        actions.restart_service(cluster, node, service)


def on_tftp(population, hostname):
    return [p.name for p in population.phones if p.tftp == hostname]


# -- who they are -------------------------------------------------------------------------------
def test_phones_have_deterministic_identities_spread_over_the_nodes():
    cluster, population = lab(nodes=3, count=12)
    again = phones.PhonePopulation(cluster, 12)
    assert [p.name for p in population.phones] == [p.name for p in again.phones]
    names = [p.name for p in population.phones]
    assert all(re.fullmatch(r"SEP[0-9A-F]{12}", name) for name in names) and len(set(names)) == 12
    assert {p.pool for p in population.phones} == {"DP_t125_%d" % k for k in range(1, 5)}
    assert {p.model for p in population.phones} == {m[0] for m in phones.MODELS}
    assert len({p.ip for p in population.phones}) == 12
    hosts = [n.hostname for n in cluster.nodes]
    assert {p.home for p in population.phones} == set(hosts)  # CallManager nodes all used
    assert {p.tftp for p in population.phones} == set(hosts)  # TFTP nodes all used
    first = population.phone_json(population.phones[0])
    assert first["cm_group"][0] == first["callmanager"] and len(first["cm_group"]) == 3
    assert first["status"] == "Registered" and first["status_reason"] == 0


def test_cluster_names_make_different_macs_and_no_phones_by_default():
    one = phones.PhonePopulation(bootstrap.create_cluster("alpha", "12.5", 1, key_size=1024), 1)
    two = phones.PhonePopulation(bootstrap.create_cluster("beta", "12.5", 1, key_size=1024), 1)
    assert one.phones[0].name != two.phones[0].name
    assert phones.PhonePopulation(bootstrap.create_cluster("gamma", "12.5", 1, key_size=1024)).phones == []


def test_tftp_only_on_the_publisher_spreads_cm_but_not_tftp():
    cluster, population = lab(nodes=2, count=4, tftp_nodes=["t125-pub"])
    assert {p.tftp for p in population.phones} == {"t125-pub"}
    assert {p.home for p in population.phones} == {"t125-pub", "t125-sub1"}


# -- trust on first use --------------------------------------------------------------------------
def test_new_phones_join_by_trust_on_first_use():
    cluster, population = lab(release="12.5", nodes=2, count=4, security_mode=1)
    for phone in state(population).values():
        node = cluster.node(phone["tftp"])
        assert phone["itl_sha1"] == served_itl(node) and phone["itl_current"]
        assert phone["ctl_sha1"] == sha1(node.tftp_files[CTL_FILE].data)
        assert "first use" in phone["decisions"]["itl"] and "first use" in phone["decisions"]["ctl"]
        assert phone["config_applied"] and phone["trusting"]
        # The TVS certificates it trusts are the ones its ITL names (primer 2).
        assert set(phone["tvs_hashes"]) == {pki.sha1_hex(n.certs[CERT_TVS].cert) for n in cluster.nodes}


def test_a_phone_whose_lists_were_erased_trusts_the_next_ones():
    cluster, population = lab(release="10.5")
    pub = cluster.publisher
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    actions.regen_cert(cluster, pub, CERT_TVS)
    restart(cluster, pub, TVS, TFTP)
    name = population.phones[0].name
    assert not boot(cluster, population, [name])[name]["trusting"]
    population.erase_trust(population.select([name]))  # the manual fix of seed 003's FAQ
    assert population.phones[0].status == "UnRegistered" and population.phones[0].reason == 8
    cluster.clock.advance(60)
    population.tick()
    phone = state(population, [name])[name]
    assert phone["trusting"] and "first use" in phone["decisions"]["itl"] and phone["status"] == "Registered"


# -- rebuilt ITLs --------------------------------------------------------------------------------
@pytest.mark.parametrize("release", ["10.5", "12.5"])
def test_an_itl_rebuilt_by_a_tftp_restart_with_the_same_signer_is_accepted(release):
    cluster, population = lab(release=release, nodes=2)
    before = state(population)
    cluster.clock.advance(60)
    for node in cluster.nodes:
        restart(cluster, node, TFTP)
    after = boot(cluster, population)
    for name, phone in after.items():
        assert phone["itl_sha1"] != before[name]["itl_sha1"]  # a new file (new timestamp)
        assert phone["itl_current"] and phone["trusting"] and not phone["trust_list_update_failed"]
        assert "System Administrator Security Token record of the ITL" in phone["decisions"]["itl"]
        assert phone["status"] == "Registered" and phone["boots"] == 1


def test_a_corrupt_itl_is_refused_and_the_old_one_kept():
    cluster, population = lab(release="12.5")
    before = state(population)
    actions.corrupt_file(cluster, cluster.publisher, ITL_FILE)
    after = boot(cluster, population)
    for name, phone in after.items():
        assert phone["trust_list_update_failed"] and phone["itl_sha1"] == before[name]["itl_sha1"]
        assert "does not verify" in phone["decisions"]["itl"]
        assert phone["config_applied"]  # the configuration signer is still in the ITL it holds
        assert phone["status"] == "Registered"  # seed 003: such phones work, without new config


# -- unknown signers and TVS (seed 003, "Certificate regeneration") ------------------------------
def test_callmanager_and_tvs_regenerated_together_lose_a_single_node_cluster_for_good():
    cluster, population = lab(release="10.5")
    pub = cluster.publisher
    before = state(population)
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    actions.regen_cert(cluster, pub, CERT_TVS)
    restart(cluster, pub, TVS, TFTP)
    for attempt in range(2):  # resetting again does not help
        after = boot(cluster, population)
        for name, phone in after.items():
            assert phone["trust_list_update_failed"] and not phone["trusting"]
            assert phone["itl_sha1"] == before[name]["itl_sha1"] and not phone["itl_current"]
            assert "no TVS server it trusts answers" in phone["decisions"]["itl"]
            assert not phone["config_applied"] and "unknown" in phone["decisions"]["config"]
    assert population.summary()["not_trusting"] == len(after)


def test_tvs_vouches_for_a_new_callmanager_while_the_phones_trust_its_certificate():
    cluster, population = lab(release="10.5")
    pub = cluster.publisher
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    restart(cluster, pub, TVS, TFTP)
    after = boot(cluster, population)
    for phone in after.values():
        assert phone["trusting"] and phone["itl_current"]
        assert "vouched for by TVS on t105-pub" in phone["decisions"]["itl"]
        assert "TFTP record of the ITL" in phone["decisions"]["config"]  # checked with the new ITL


def test_tvs_regenerated_first_then_callmanager_is_the_safe_order():
    cluster, population = lab(release="10.5")
    pub = cluster.publisher
    actions.regen_cert(cluster, pub, CERT_TVS)
    restart(cluster, pub, TVS, TFTP)
    assert all(p["trusting"] for p in boot(cluster, population).values())  # CallManager still signs
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    restart(cluster, pub, TFTP)
    after = boot(cluster, population)
    assert all(p["trusting"] and "TVS" in p["decisions"]["itl"] for p in after.values())


def test_tvs_counts_only_while_it_runs():
    cluster, population = lab(release="10.5")
    pub = cluster.publisher
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    restart(cluster, pub, TFTP)
    pub.services[TVS].state = "STOPPED"
    after = boot(cluster, population)
    assert all(p["trust_list_update_failed"] for p in after.values())
    pub.services[TVS].state = "STARTED"
    assert all(p["trusting"] for p in boot(cluster, population).values())


def test_another_tvs_of_the_callmanager_group_vouches_in_a_multi_node_cluster():
    cluster, population = lab(release="10.5", nodes=2, count=8)
    pub, sub = cluster.nodes
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    actions.regen_cert(cluster, pub, CERT_TVS)  # both at once, but on one node only
    restart(cluster, pub, TVS, TFTP)
    after = boot(cluster, population, on_tftp(population, pub.hostname))
    assert after and all(p["trusting"] and "vouched for by TVS on t105-sub1" in p["decisions"]["itl"]
                         for p in after.values())
    # With only the node it registers to as TVS server (setting), the pub's phones are lost.
    cluster2, population2 = lab(release="10.5", nodes=2, count=8)
    population2.update_settings({"tvs_servers": "registration_node"})
    pub2 = cluster2.publisher
    actions.regen_cert(cluster2, pub2, CERT_CALLMANAGER)
    actions.regen_cert(cluster2, pub2, CERT_TVS)
    restart(cluster2, pub2, TVS, TFTP)
    lost = boot(cluster2, population2, [p.name for p in population2.phones
                                        if p.tftp == pub2.hostname and p.home == pub2.hostname])
    assert lost and all(p["trust_list_update_failed"] for p in lost.values())


# -- ITL recovery (primer 4) ---------------------------------------------------------------------
def test_itl_reset_on_10x_recovers_the_phones_through_itlrecovery():
    cluster, population = lab(release="10.5")
    pub = cluster.publisher
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    actions.regen_cert(cluster, pub, CERT_TVS)
    restart(cluster, pub, TVS, TFTP)
    assert not any(p["trusting"] for p in boot(cluster, population).values())
    actions.itl_reset_localkey(cluster)  # signed by ITLRecovery, which the phones hold as SAST
    after = boot(cluster, population)
    for phone in after.values():
        assert phone["trusting"] and phone["itl_sha1"] == served_itl(pub)
        assert "System Administrator Security Token record of the ITL" in phone["decisions"]["itl"]
    restart(cluster, pub, TFTP)  # CallManager signs again: in the reset ITL the phones now hold
    assert all(p["trusting"] and p["itl_current"] for p in boot(cluster, population).values())


def _strand_12x(cluster, population):
    """12.x: a new ITLRecovery and new TVS certificates everywhere: the new ITL's signer is
    unknown to the phones and no TVS they trust answers."""
    actions.regen_cert(cluster, cluster.publisher, CERT_ITLRECOVERY)
    for node in cluster.nodes:
        actions.regen_cert(cluster, node, CERT_TVS)
        restart(cluster, node, TVS, TFTP)
    stranded = boot(cluster, population)
    assert stranded and not any(p["trusting"] for p in stranded.values())
    return stranded


def test_itl_reset_on_12x_recovers_phones_whose_itl_holds_the_callmanager_that_signs_it():
    cluster, population = lab(release="12.5", nodes=2, count=8)
    pub, sub = cluster.nodes
    _strand_12x(cluster, population)
    actions.itl_reset_localkey(cluster)  # 12.x: the publisher's CallManager key signs
    after = boot(cluster, population)
    for name, phone in after.items():
        if phone["tftp"] == pub.hostname:  # their ITL holds the publisher's CallManager (SAST)
            assert phone["trusting"] and phone["itl_sha1"] == served_itl(pub), phone["decisions"]
        else:  # the subscriber's phones hold the subscriber's CallManager instead
            assert phone["trust_list_update_failed"], phone["decisions"]
    # Then Cisco Tftp: ITLRecovery signs again, which the reset ITL the pub's phones hold vouches for.
    for node in cluster.nodes:
        restart(cluster, node, TFTP)
    again = boot(cluster, population)
    assert all(p["trusting"] for p in again.values() if p["tftp"] == pub.hostname)
    assert all(p["itl_current"] for p in again.values() if p["tftp"] == pub.hostname)


def test_itl_reset_on_12x_single_node_right_order():
    cluster, population = lab(release="12.5")
    _strand_12x(cluster, population)
    actions.itl_reset_localkey(cluster)
    assert all(p["trusting"] for p in boot(cluster, population).values())  # reset phones first
    restart(cluster, cluster.publisher, TFTP)  # then Tftp: the ITLRecovery-signed ITL
    assert all(p["trusting"] and p["itl_current"] for p in boot(cluster, population).values())


def test_itl_reset_on_12x_wrong_order_strands_the_stranded_phones_again():
    cluster, population = lab(release="12.5")
    stranded = _strand_12x(cluster, population)
    actions.itl_reset_localkey(cluster)
    restart(cluster, cluster.publisher, TFTP)  # WRONG: before the phones loaded the reset ITL
    after = boot(cluster, population)
    for name, phone in after.items():
        assert phone["trust_list_update_failed"] and phone["itl_sha1"] == stranded[name]["itl_sha1"]
    # Only another reset ITL, loaded before the next Tftp restart, brings them back.
    actions.itl_reset_localkey(cluster)
    assert all(p["trusting"] for p in boot(cluster, population).values())


# -- mixed mode ----------------------------------------------------------------------------------
@pytest.mark.parametrize("release", ["10.5", "12.5"])
def test_mixed_mode_on_and_off(release):
    cluster, population = lab(release=release, nodes=2, count=8)
    actions.set_cluster_mode(cluster, True)  # utils ctl set-cluster mixed-mode
    ctl = sha1(cluster.publisher.tftp_files[CTL_FILE].data)
    after = boot(cluster, population)
    for phone in after.values():
        assert phone["ctl_sha1"] == ctl and phone["config_applied"] and phone["trusting"], phone["decisions"]
    if release == "10.5":  # the publisher's CallManager signs: the subscriber's phones ask TVS
        assert any("TVS" in p["decisions"]["ctl"] for p in after.values())
    # Config files are now also checked against the CTL's CCM+TFTP records.
    actions.set_cluster_mode(cluster, False)  # a CTL with certificate-less CCM+TFTP records
    off = boot(cluster, population)
    new_ctl = sha1(cluster.publisher.tftp_files[CTL_FILE].data)
    assert all(p["ctl_sha1"] == new_ctl and p["trusting"] for p in off.values())
    # The next ITL is judged by the ITL (the CTL's CCM+TFTP records verify nothing now).
    actions.regen_cert(cluster, cluster.publisher, CERT_CALLMANAGER)
    for node in cluster.nodes:
        restart(cluster, node, TFTP)
    final = boot(cluster, population)
    assert all(p["trusting"] and p["itl_current"] for p in final.values()), [p["decisions"] for p in final.values()]


def test_a_removed_ctl_is_kept_by_default_or_dropped_by_setting():
    cluster, population = lab(release="12.5", security_mode=1)
    held = state(population)
    actions.set_security_mode(cluster, "non-secure")  # the CTL file is deleted from the nodes
    kept = boot(cluster, population)
    assert all(p["ctl_sha1"] == held[n]["ctl_sha1"] and p["trusting"] for n, p in kept.items())
    population.update_settings({"ctl_absent": "drop"})
    dropped = boot(cluster, population)
    assert all(p["ctl_sha1"] is None and p["trusting"] for p in dropped.values())


def test_a_phone_with_a_ctl_but_no_itl_takes_an_itl_only_from_a_ccm_tftp_record():
    cluster, population = lab(release="10.5", security_mode=1)
    name = population.phones[0].name
    population.erase_trust(population.select([name]), which="itl")
    cluster.clock.advance(60)
    population.tick()
    phone = state(population, [name])[name]  # 10.x: the ITL signer is the CTL's CCM+TFTP
    assert phone["trusting"] and "verified by the CTL's CCM+TFTP record" in phone["decisions"]["itl"]

    cluster, population = lab(release="12.5", security_mode=1)
    name = population.phones[0].name
    population.erase_trust(population.select([name]), which="itl")
    cluster.clock.advance(60)
    population.tick()
    phone = state(population, [name])[name]  # 12.x: ITLRecovery signs, a SAST record of the CTL
    assert phone["trust_list_update_failed"] and phone["itl_sha1"] is None
    population.update_settings({"ctl_only_itl_functions": ["CCM+TFTP", "System Administrator Security Token"]})
    assert boot(cluster, population, [name], seconds=60)[name]["itl_sha1"] is not None


# -- the TFTP files a phone asks for -------------------------------------------------------------
def test_per_mac_files_come_before_the_cluster_files():
    cluster, population = lab(release="12.5", nodes=2, count=4)
    pub, sub = cluster.nodes
    name = on_tftp(population, pub.hostname)[0]
    # The subscriber's ITL under the phone's own name on the publisher (both signed by ITLRecovery).
    pub.tftp_files["ITL%s.tlv" % name] = sub.tftp_files[ITL_FILE]
    after = boot(cluster, population)
    assert after[name]["decisions"]["itl"].startswith("ITL%s.tlv: " % name)
    assert after[name]["itl_sha1"] == served_itl(sub) == after[name]["tftp_itl_sha1"]
    assert after[name]["itl_current"]
    others = [p for n, p in after.items() if n != name and p["tftp"] == pub.hostname]
    assert all(p["decisions"]["itl"].startswith("ITLFile.tlv: ") for p in others)
    # Its configuration is signed by the publisher's CallManager, not in the subscriber's ITL: TVS.
    assert "vouched for by TVS" in after[name]["decisions"]["config"]


def test_the_signed_configuration_is_a_real_sgn_file():
    cluster, population = lab(release="12.5")
    pub = cluster.publisher
    data = population.node_config(pub)
    assert data is population.node_config(pub)  # one signature per node and key
    signed = sgn.parse_signed_file(data)
    assert signed.header.version == "1.0" and signed.header.filename == "XMLDefault.cnf.xml.sgn"
    assert b"<device" in signed.payload
    assert sgn.verify_signed_file(signed, pub.certs[CERT_CALLMANAGER].cert.public_key())
    assert not sgn.verify_signed_file(signed, pub.certs[CERT_TVS].cert.public_key())
    tampered = sgn.SignedFile(signed.header, signed.payload.replace(b"true", b"fals"))
    assert not sgn.verify_signed_file(tampered, pub.certs[CERT_CALLMANAGER].cert.public_key())
    actions.regen_cert(cluster, pub, CERT_CALLMANAGER)
    assert population.node_config(pub) != data  # signed again with the new key


def test_a_per_mac_configuration_signed_by_a_stranger_is_not_applied():
    cluster, population = lab(release="12.5")
    name = population.phones[0].name
    stranger = pki.new_identity("stranger", key_size=1024)
    cluster.publisher.tftp_files["%s.cnf.xml.sgn" % name] = StoredFile(
        data=sgn.build_signed_file(b"<device/>", stranger, "%s.cnf.xml.sgn" % name), mtime=cluster.clock.now())
    after = boot(cluster, population)
    assert not after[name]["config_applied"] and not after[name]["trust_list_update_failed"]
    assert "unknown to the phone and to TVS" in after[name]["decisions"]["config"]
    assert all(p["config_applied"] for n, p in after.items() if n != name)


def test_tftp_down_keeps_everything_and_callmanager_down_delays_registration():
    cluster, population = lab(release="12.5")
    pub = cluster.publisher
    before = state(population)
    pub.services[TFTP].state = "STOPPED"
    pub.services[SERVICE_CALLMANAGER].state = "STOPPED"
    population.reset(population.phones)
    cluster.clock.advance(60)
    population.tick()
    waiting = state(population)
    for name, phone in waiting.items():
        assert "no TFTP server answers" in phone["decisions"]["tftp"]
        assert phone["itl_sha1"] == before[name]["itl_sha1"]
        assert phone["status"] == "UnRegistered" and phone["booting"] == "register"
    pub.services[SERVICE_CALLMANAGER].state = "STARTED"
    population.tick()
    assert all(p["status"] == "Registered" for p in state(population).values())


# -- resets, timing, faults ----------------------------------------------------------------------
def test_reset_and_restart_set_status_reasons_and_timestamps():
    cluster, population = lab(release="12.5", count=2)
    first, second = population.phones
    stamp = first.timestamp
    assert population.reset([first], "reset") == [first.name]
    assert population.reset([second], "restart") == [second.name]
    assert (first.status, first.reason, second.reason) == ("UnRegistered", 9, 15)
    assert first.timestamp > stamp
    assert population.reset([first]) == []  # unregistered: CUCM cannot reach it
    cluster.clock.advance(phones.PhoneSettings.download_seconds)
    population.tick()
    assert first.stage == "register" and first.status == "UnRegistered"  # downloaded, not yet back
    cluster.clock.advance(phones.PhoneSettings.register_seconds)
    population.tick()
    assert first.status == "Registered" and first.reason == 0 and first.timestamp > stamp + 1
    assert population.reset([first], force=True) == [first.name]


def test_offline_phones_keep_their_files_until_they_come_back():
    cluster, population = lab(release="10.5", count=4)
    pub = cluster.publisher
    names = population.set_fault("offline", population.phones[:2])
    actions.regen_cert(cluster, pub, CERT_TVS)
    restart(cluster, pub, TVS, TFTP)
    after = boot(cluster, population)
    for name, phone in after.items():
        if name in names:
            assert phone["offline"] and phone["status"] == "UnRegistered" and phone["booting"] is None
            assert not phone["itl_current"]  # still the old ITL
        else:
            assert phone["itl_current"] and phone["status"] == "Registered"
    assert population.reset(population.select(names), force=True) == []  # unreachable
    assert population.bring_online(population.select(names)) == {"online": names, "never_back": []}
    cluster.clock.advance(60)
    population.tick()
    assert all(p["itl_current"] and p["status"] == "Registered" for p in state(population).values())


def test_never_back_phones_and_slow_phones():
    cluster, population = lab(release="12.5", count=6)
    lost = population.set_fault("never_back", population.phones[:1])
    slow = population.set_fault("slow", population.phones[1:2], seconds=100)
    population.reset(population.phones)
    cluster.clock.advance(60)
    population.tick()
    now = state(population)
    assert now[lost[0]]["never_back"] and now[lost[0]]["status"] == "UnRegistered"
    assert now[slow[0]]["status"] == "UnRegistered" and now[slow[0]]["booting"] == "register"
    assert all(p["status"] == "Registered" for n, p in now.items() if n not in lost + slow)
    assert population.bring_online(population.select(lost)) == {"online": [], "never_back": lost}
    cluster.clock.advance(100)
    population.tick()
    assert population.phone(slow[0]).status == "Registered"
    assert population.phone(lost[0]).status == "UnRegistered"
    assert population.summary()["never_back"] == 1


def test_a_share_of_the_population_is_deterministic():
    cluster, population = lab(count=40)
    chosen = population.share(0.25, seed=3)
    assert len(chosen) == 10 and chosen == population.share(0.25, seed=3) != population.share(0.25, seed=4)
    with pytest.raises(ValueError):
        population.share(0)


def test_settings_are_validated_and_change_the_rules():
    cluster, population = lab()
    with pytest.raises(ValueError):
        population.update_settings({"signer_functions": ["nonsense"]})
    with pytest.raises(ValueError):
        population.update_settings({"no_such_setting": 1})
    with pytest.raises(ValueError):
        population.update_settings({"time_scale": 0})
    answer = population.update_settings({"register_seconds": 1.5, "tvs_servers": "registration_node"})
    assert answer["register_seconds"] == 1.5 and population.engine.rules.signer_functions == (
        "System Administrator Security Token",)


def test_five_thousand_phones_reset_and_reregister_quickly():
    import time

    cluster = bootstrap.create_cluster("big", "12.5", 3, key_size=1024)
    started = time.monotonic()
    population = phones.populate(cluster, 5000)
    assert time.monotonic() - started < 3
    restart(cluster, cluster.publisher, TFTP)
    started = time.monotonic()
    population.reset(population.phones)
    cluster.clock.advance(60)
    population.tick()
    summary = population.summary()
    assert time.monotonic() - started < 3
    assert summary["by_status"]["Registered"] == 5000 and summary["itl_current"] == 5000
