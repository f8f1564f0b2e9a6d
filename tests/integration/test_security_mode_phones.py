"""The cluster_security_mode role with phones: mode change, restarts, one phone reset from the
publisher, then the CTL on every node and the phones verified - against the lab's ground truth
(GET /state for the nodes' files, GET /phones for what each phone holds and applied).

The lab's phones load the CTL only when they are reset and decide with real signatures
(phonetrust.py). Going back to non-secure, CUCM serves a CTL whose CallManager/TFTP records carry no
certificate; a phone that finds no CTL at all keeps the one it holds (phone setting `ctl_absent`,
default `keep`), so the role resets the phones before it deletes the leftover file.
"""

import os
import re

import pytest

from integration_support import ROOT, assert_ok
from test_change_modules import publisher

PLAYBOOK = os.path.join(ROOT, "playbooks", "cluster_security_mode.yml")
TIME_SCALE = 0.02


def phone_vars(total, offline=0, **extra):
    """Role variables for a lab of `total` phones: small batches and short waits (lab time runs
    fifty times faster), and a share that is reached exactly when every phone but the offline ones
    is back - so the wait ends with them and the role names exactly those."""
    variables = {
        "cluster_security_mode_phone_batch_size": 15,
        "cluster_security_mode_phone_batch_interval": 1,
        "cluster_security_mode_phone_wait_interval": 1,
        "cluster_security_mode_phone_wait_timeout": 60,
        "cluster_security_mode_phone_wait_share": float(total - offline) / total,
        # The lab's RisPort70 window is scaled with its clock: 15 requests per 1.2 s.
        "cucm_risport_rate_limit": 300,
    }
    variables.update(extra)
    return variables


def run_role(runner, lab, state, inventory=None, **kwargs):
    extra = dict(kwargs.pop("extra_vars", {}), target=lab.lab_json["cluster"], cluster_security_mode_state=state)
    return runner.playbook(PLAYBOOK, inventory or lab.inventory_path, extra_vars=extra, **kwargs)


def phones(lab):
    return dict((p["name"], p) for p in lab.phones()["phones"])


def boots(lab):
    return dict((name, p["boots"]) for name, p in phones(lab).items())


def node_ctls(lab):
    """{node: SHA-1 of the CTLFile.tlv it serves, or None}."""
    return {host: (node["files"].get("CTLFile.tlv") or {}).get("sha1")
            for host, node in lab.control("GET", "/state")["nodes"].items()}


def not_reregistered(stdout):
    """The phones the role names as not re-registered after the reset."""
    found = re.findall(r"Not re-registered after the reset \((\d+)\): ([^\"]*)\"", stdout)
    assert len(found) == 1, stdout[-6000:]
    count, names = found[0]
    named = [] if names == "none" else names.split(", ")
    assert int(count) == len(named)
    return sorted(named)


def reregistered(stdout):
    found = re.findall(r"Phones re-registered after the reset: (\d+) of (\d+) reset", stdout)
    assert len(found) == 1, stdout[-6000:]
    return int(found[0][0]), int(found[0][1])


def axl_resets(lab):
    return lab.control("GET", "/api")["stats"]["by_operation"].get("doDeviceReset", 0)


def assert_online_phones_trust(lab, ctl_sha1, skip=()):
    """Every phone that is not offline holds `ctl_sha1`, the current ITL, applied its configuration
    and is registered."""
    for name, phone in phones(lab).items():
        if name in skip:
            continue
        assert phone["status"] == "Registered", phone
        assert phone["ctl_sha1"] == ctl_sha1, phone
        assert phone["itl_current"] is True, phone
        assert phone["config_applied"] is True and phone["trust_list_update_failed"] is False, phone


@pytest.mark.parametrize("release", ["10.5", "12.5", "14"])
def test_mixed_then_non_secure_with_the_phones(lab_factory, runner, release):
    lab = lab_factory(nodes=2, release=release, phones=40, time_scale=TIME_SCALE)
    names = sorted(phones(lab))
    offline = names[7]
    lab.control("POST", "/phones/faults", {"fault": "offline", "phones": [offline]})
    variables = phone_vars(len(names), offline=1)

    # Check mode: no file changed, no phone reset; the phones it would reset are listed.
    before, before_boots = lab.state(), boots(lab)
    proc = run_role(runner, lab, "mixed", check=True, extra_vars=variables)
    assert_ok(proc)
    assert lab.state() == before
    assert boots(lab) == before_boots
    assert axl_resets(lab) == 0
    assert "this role would reset %d phones" % len(names) in proc.stdout
    assert all(p["ctl_sha1"] is None for p in phones(lab).values())

    # Mixed mode: every online phone reset once, holding the CTL every node serves.
    proc = run_role(runner, lab, "mixed", extra_vars=variables)
    assert_ok(proc)
    ctls = node_ctls(lab)
    assert len(set(ctls.values())) == 1 and None not in ctls.values()
    mixed_ctl = ctls[publisher(lab)]
    assert_online_phones_trust(lab, mixed_ctl, skip=[offline])
    after = phones(lab)
    assert after[offline]["offline"] is True and after[offline]["status"] == "UnRegistered"
    assert after[offline]["ctl_sha1"] is None  # it dropped off during the reset and loaded nothing
    assert all(after[n]["boots"] == before_boots[n] + 1 for n in names if n != offline)  # one reset each
    assert not_reregistered(proc.stdout) == [offline]
    assert reregistered(proc.stdout) == (len(names) - 1, len(names))

    # The phone comes back, resets itself and loads the mixed-mode CTL.
    lab.control("POST", "/phones/online", {"phones": [offline]})
    summary = lab.wait_phones(lambda s: s["booting"] == 0 and s["offline"] == 0)
    assert summary["by_status"]["Registered"] == len(names)
    assert phones(lab)[offline]["ctl_sha1"] == mixed_ctl

    # Back to non-secure at -vvvv: the phones load the CTL CUCM rewrote for non-secure mode before
    # the role deletes it from every node; the API password never shows.
    before_boots = boots(lab)
    proc = run_role(runner, lab, "non_secure", verbosity=4, extra_vars=phone_vars(len(names)))
    assert_ok(proc)
    assert lab.lab_json["clusters"][0]["axl_password"] not in proc.stdout
    assert node_ctls(lab) == dict.fromkeys(node_ctls(lab))  # no CTL on any node any more
    held = set(p["ctl_sha1"] for p in phones(lab).values())
    assert len(held) == 1 and mixed_ctl not in held and None not in held
    # ... and that is the CTL the role saw on the nodes before it deleted it.
    served = set(re.findall(r": mode non_secure, CTL ([0-9a-f]{12}),", proc.stdout))
    assert served == {held.copy().pop()[:12]}
    assert_online_phones_trust(lab, held.pop())
    assert all(p["decisions"]["ctl"].startswith("CTLFile.tlv: CTL signer") for p in phones(lab).values())
    assert all(boots(lab)[n] == before_boots[n] + 1 for n in names)
    assert not_reregistered(proc.stdout) == []
    assert reregistered(proc.stdout) == (len(names), len(names))


def inventory_without_api_credentials(lab, tmp_path):
    with open(lab.inventory_path) as handle:
        lines = [line for line in handle if not re.match(r"\s*cucm_api_(user|password):", line)]
    path = tmp_path / "inventory-without-api.yml"
    path.write_text("".join(lines))
    return str(path)


def test_without_api_credentials_the_play_says_what_to_do(lab_factory, runner, tmp_path):
    lab = lab_factory(nodes=2, release="14", phones=30, time_scale=TIME_SCALE)
    inventory = inventory_without_api_credentials(lab, tmp_path)
    before_boots = boots(lab)

    proc = run_role(runner, lab, "mixed", inventory=inventory)
    assert_ok(proc)
    assert "ACTION REQUIRED: reset every phone of cluster %s" % lab.lab_json["cluster"] in proc.stdout
    assert "System > Enterprise Parameters > Reset" in proc.stdout
    assert "cucm_api_user is not set" in proc.stdout
    assert "Verify mixed mode" in proc.stdout  # the CTL was verified on every node first
    ctls = node_ctls(lab)
    assert len(set(ctls.values())) == 1 and None not in ctls.values()
    assert boots(lab) == before_boots and axl_resets(lab) == 0
    assert all(p["ctl_sha1"] is None for p in phones(lab).values())  # nobody reset them yet

    # The user resets them as told: they load the CTL.
    lab.control("POST", "/phones/reset", {})
    lab.wait_phones(lambda s: s["booting"] == 0)
    assert_online_phones_trust(lab, ctls[publisher(lab)])

    # Non-secure without credentials: the CTL stays until the phones loaded it.
    proc = run_role(runner, lab, "non_secure", inventory=inventory)
    assert_ok(proc)
    assert "The CTL file is still on the nodes on purpose" in proc.stdout
    non_secure_ctls = node_ctls(lab)
    assert len(set(non_secure_ctls.values())) == 1 and None not in non_secure_ctls.values()
    assert non_secure_ctls != ctls
    lab.control("POST", "/phones/reset", {})
    lab.wait_phones(lambda s: s["booting"] == 0)
    assert_online_phones_trust(lab, non_secure_ctls[publisher(lab)])

    # The next run has nothing to change and deletes the file; the phones keep what they loaded.
    proc = run_role(runner, lab, "non_secure", inventory=inventory)
    assert_ok(proc)
    assert "ACTION REQUIRED" not in proc.stdout
    assert set(node_ctls(lab).values()) == {None}
    assert axl_resets(lab) == 0


def test_a_stale_ctl_is_updated_then_the_phones_reset(lab_factory, runner):
    lab = lab_factory(nodes=2, release="10.5", phones=30, time_scale=TIME_SCALE, security_mode="mixed")
    pub = publisher(lab)
    old_ctl = node_ctls(lab)[pub]
    assert all(p["ctl_sha1"] == old_ctl for p in phones(lab).values())
    lab.control("POST", "/actions/regen-cert", {"node": pub, "unit": "CallManager"})
    before_boots = boots(lab)

    proc = run_role(runner, lab, "mixed", extra_vars=phone_vars(30, cluster_security_mode_update_ctl=True))
    assert_ok(proc)
    ctls = node_ctls(lab)
    assert len(set(ctls.values())) == 1 and old_ctl not in ctls.values()
    history = lab.control("GET", "/stats")["nodes"]
    assert "utils ctl update CTLFile" in history[pub]["history"]
    assert all("utils service restart Cisco Tftp" in node["history"] for node in history.values())
    # 10.5 signs the CTL with the publisher's new CallManager key: the phones take it through TVS.
    assert_online_phones_trust(lab, ctls[pub])
    assert all(boots(lab)[n] == before_boots[n] + 1 for n in before_boots)
    assert reregistered(proc.stdout) == (30, 30)

    # Current CTL: nothing to update, nothing restarted, no phone reset.
    resets = axl_resets(lab)
    proc = run_role(runner, lab, "mixed", extra_vars=phone_vars(30, cluster_security_mode_update_ctl=True))
    assert_ok(proc)
    assert axl_resets(lab) == resets
    assert node_ctls(lab) == ctls


def test_a_failed_phone_reset_fails_the_play_and_keeps_the_ctl(lab_factory, runner):
    lab = lab_factory(nodes=2, release="14", phones=20, time_scale=TIME_SCALE, security_mode="mixed")
    before_boots = boots(lab)
    # A wrong application user password (through the vars file, like every extra variable here):
    # AXL answers 401 and the reset stops at once.
    proc = run_role(runner, lab, "non_secure", extra_vars=phone_vars(20, cucm_api_password="not-the-password"))
    assert proc.returncode != 0
    assert "The phones of the cluster were not reset: the phone reset failed" in proc.stdout
    assert "ACTION REQUIRED: reset every phone" in proc.stdout
    assert boots(lab) == before_boots
    # The non-secure CTL stays on every node until the phones have loaded it.
    ctls = node_ctls(lab)
    assert len(set(ctls.values())) == 1 and None not in ctls.values()
    assert lab.control("GET", "/state")["security_mode"] == 0
