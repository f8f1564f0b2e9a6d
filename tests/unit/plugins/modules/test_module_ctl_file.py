"""cucm.trust.ctl_file end to end on seed 002: a CTL left on a non-secure cluster, the seed's
``file delete tftp CTLFile.tlv`` dialog, then ``show ctl`` saying the file is not found.
The mixed-mode answer ("1") is what the lab prints."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.module_utils.cluster_state import CLUSTER_SECURITY_MODE
from ansible_collections.cucm.trust.plugins.modules import ctl_file
from lab_texts import lab_cluster, run_sql
from module_replay import FakeModule, ReplayConnection, dialog_fixture, run_main, seed

DELETE = "file delete tftp CTLFile.tlv"
STALE_CTL = seed("002_ja_show_ctl_tokenless_full.txt")
NO_CTL = seed("002_ja_show_ctl_not_found.txt")
NON_SECURE = seed("002_ja_run_sql_cluster_security_mode.txt")


def connection(ctl_texts, mode=NON_SECURE):
    return ReplayConnection("10.5.2.15900-8", {"show ctl": ctl_texts, CLUSTER_SECURITY_MODE: mode},
                            {DELETE: "002_file_delete_ctl.txt"})


def test_deletes_a_stale_ctl_and_checks_it_is_gone():
    conn = connection([STALE_CTL, NO_CTL])
    result = ctl_file.remove_ctl_file(FakeModule({"state": "absent"}, conn, diff=True))
    assert conn.sent == ["show ctl", CLUSTER_SECURITY_MODE, DELETE, "show ctl"]
    assert [q["name"] for q in conn.dialog_calls[0]["questions"]] == ["delete_confirm"]
    assert result["changed"] is True
    assert result["ctl_before"] == {"present": True, "md5": "1d97d9089dd558a062cccfcb1dc4c57f",
                                    "sha1": "3b452f9ec9d6543df80e50f8b850cddc92fcf847", "signer": "cucm-1051-a-pub"}
    assert result["stdout_lines"] == dialog_fixture("002_file_delete_ctl.txt")[1]
    assert result["diff"]["after"] == {"CTLFile.tlv": {"present": False}}


def test_no_ctl_file_nothing_to_do():
    conn = connection(NO_CTL)
    result = ctl_file.remove_ctl_file(FakeModule({"state": "absent"}, conn))
    assert result["changed"] is False
    assert conn.sent == ["show ctl"]


def test_refuses_in_mixed_mode():
    lab = lab_cluster("cucm-1051-a", "10.5", 1, security_mode=1)
    conn = connection(STALE_CTL, mode=run_sql(lab, CLUSTER_SECURITY_MODE))
    with pytest.raises(CucmError) as caught:
        ctl_file.remove_ctl_file(FakeModule({"state": "absent"}, conn))
    assert caught.value.reason == "mixed"
    assert conn.sent == ["show ctl", CLUSTER_SECURITY_MODE]


def test_check_mode_types_nothing():
    conn = connection(STALE_CTL)
    result = ctl_file.remove_ctl_file(FakeModule({"state": "absent"}, conn, check_mode=True))
    assert result["changed"] is True and result["commands"] == [DELETE]
    assert DELETE not in conn.sent


def test_fails_when_show_ctl_still_finds_the_file(monkeypatch, capsys):
    result = run_main(ctl_file.main, {"state": "absent"}, connection([STALE_CTL, STALE_CTL]), monkeypatch, capsys)
    assert result["failed"] is True and result["failure_reason"] == "verify"
    assert result["changed"] is True
    assert result["msg"].startswith("'file delete tftp CTLFile.tlv' reported the file deleted, but show ctl")
    assert result["stdout_lines"] == dialog_fixture("002_file_delete_ctl.txt")[1]
