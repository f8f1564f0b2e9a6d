"""cucm.trust.service end to end. No seed transcribes ``utils service``: the list and the restart
output follow cucm-cli-behaviour.md ("Services"), see reference_texts.py."""

import time

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError
from ansible_collections.cucm.trust.plugins.modules import service
from module_replay import FakeModule, ReplayConnection, run_main
from reference_texts import utils_service_list, utils_service_restart

RESTART = "utils service restart Cisco Tftp"
LIST = "utils service list"


def listing(tftp_state):
    return utils_service_list([("Cisco CallManager", "STARTED"), ("Cisco Tftp", tftp_state),
                               ("Cisco DirSync", None)])


def params(**changes):
    values = dict(name="Cisco Tftp", state="restarted", wait_timeout=300, poll_interval=5)
    values.update(changes)
    return values


@pytest.fixture
def no_sleep(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def test_restart_prints_every_state_and_the_list_confirms(no_sleep):
    conn = ReplayConnection("12.5.1.14900-63", {LIST: listing("STARTED")}, {
        RESTART: utils_service_restart("Cisco Tftp", ["STOPPING", "STOPPING", "STARTING", "STARTING", "STARTED"])})
    result = service.manage_service(FakeModule(params(), conn, diff=True))
    assert conn.sent == [LIST, RESTART, LIST]
    assert conn.dialog_calls[0]["questions"] == []  # any question fails the task
    assert result["changed"] is True
    assert result["transitions"] == ["STOPPING", "STOPPING", "STARTING", "STARTING", "STARTED"]
    assert (result["state_before"], result["state_after"], result["polls"]) == ("STARTED", "STARTED", 1)
    assert result["stdout_lines"][-1] == "Cisco Tftp[STARTED]"
    assert no_sleep == []


def test_a_node_that_never_prints_started_is_polled(no_sleep):
    conn = ReplayConnection("12.5.1.14900-63", {
        LIST: [listing("STARTED"), listing("STARTING"), listing("STARTING"), listing("STARTED")],
    }, {RESTART: utils_service_restart("Cisco Tftp", ["STOPPING", "STARTING"])})
    result = service.manage_service(FakeModule(params(poll_interval=2), conn))
    assert result["transitions"] == ["STOPPING", "STARTING"]
    assert (result["state_after"], result["polls"]) == ("STARTED", 3)
    assert no_sleep == [2, 2]


def test_gives_up_after_wait_timeout(no_sleep):
    conn = ReplayConnection("12.5.1.14900-63", {LIST: [listing("STARTED"), listing("STARTING")]},
                            {RESTART: utils_service_restart("Cisco Tftp", ["STOPPING", "STARTING"])})
    with pytest.raises(CucmError) as caught:
        service.manage_service(FakeModule(params(wait_timeout=4, poll_interval=2), conn))
    assert caught.value.reason == "timeout"
    assert "still shows Cisco Tftp as STARTING" in str(caught.value)
    assert caught.value.details["polls"] == 3


def test_started_service_is_left_alone():
    conn = ReplayConnection("12.5.1.14900-63", {LIST: listing("STARTED")})
    result = service.manage_service(FakeModule(params(state="started"), conn))
    assert result["changed"] is False and result["commands"] == []
    assert conn.sent == [LIST]


def test_check_mode_says_what_it_would_do():
    conn = ReplayConnection("12.5.1.14900-63", {LIST: listing("STARTED")})
    result = service.manage_service(FakeModule(params(state="stopped"), conn, check_mode=True))
    assert result["changed"] is True
    assert result["commands"] == ["utils service stop Cisco Tftp"]
    assert (result["state_before"], result["state_after"]) == ("STARTED", "STOPPED")
    assert conn.sent == [LIST]


def test_refuses_a_service_that_is_not_activated():
    conn = ReplayConnection("12.5.1.14900-63", {LIST: listing("STARTED")})
    with pytest.raises(CucmError) as caught:
        service.manage_service(FakeModule(params(name="Cisco DirSync"), conn))
    assert str(caught.value) == ("'Cisco DirSync' is not activated on this node; utils service list says: "
                                 "Cisco DirSync[STOPPED]  Service Not Activated")
    assert conn.sent == [LIST]


def test_refuses_an_unknown_service_with_close_names():
    conn = ReplayConnection("12.5.1.14900-63", {LIST: listing("STARTED")})
    with pytest.raises(CucmError) as caught:
        service.manage_service(FakeModule(params(name="Cisco TFTP"), conn))
    assert caught.value.reason == "unknown_service"
    assert str(caught.value) == ("'Cisco TFTP' is not a service on this node: utils service list does not list it; "
                                 "close names: Cisco Tftp")


def test_main_reports_failures_with_the_list(monkeypatch, capsys):
    conn = ReplayConnection("12.5.1.14900-63", {LIST: listing("STARTED")})
    result = run_main(service.main, {"name": "Cisco DirSync", "state": "started"}, conn, monkeypatch, capsys)
    assert result["failed"] is True and result["failure_reason"] == "not_activated"
    assert "Cisco DirSync[STOPPED]  Service Not Activated" in result["stdout_lines"]
