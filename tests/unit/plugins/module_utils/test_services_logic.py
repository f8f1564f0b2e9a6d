"""utils service logic: commands, idempotence, the list line, close names, bounded waiting.

Service list lines are the ones cucm-cli-behaviour.md ("Services") shows.
"""

from ansible_collections.cucm.trust.plugins.module_utils import _service as services

LIST = ("Requesting service status, please wait...\r\nSystem SSH [STARTED]\r\nService Manager is running\r\n"
        "Getting list of all services\r\n>> Return code = 0\r\nCisco Tftp[STARTED]\r\n"
        "Cisco DirSync[STOPPED]  Service Not Activated\r\nPrimary Node =true\r\n")


def test_commands():
    assert services.service_command("restarted", "Cisco Tftp") == "utils service restart Cisco Tftp"
    assert services.service_command("started", "Cisco Tftp") == "utils service start Cisco Tftp"
    assert services.service_command("stopped", "Cisco Tftp") == "utils service stop Cisco Tftp"


def test_needs_action():
    assert services.needs_action("restarted", "STARTED")
    assert not services.needs_action("started", "STARTED")
    assert services.needs_action("started", "STOPPED")
    assert not services.needs_action("stopped", "STOPPED")
    assert services.needs_action("stopped", "STARTING")


def test_listed_line_is_quoted_as_printed():
    assert services.listed_line(LIST, "Cisco DirSync") == "Cisco DirSync[STOPPED]  Service Not Activated"
    assert services.listed_line(LIST, "Cisco Tftp") == "Cisco Tftp[STARTED]"
    assert services.listed_line(LIST, "Cisco") is None


def test_close_names():
    names = ["Cisco Tftp", "Cisco DirSync", "Cisco CallManager", "Cisco CallManager Serviceability"]
    assert services.close_names("Cisco TFTP", names)[0] == "Cisco Tftp"
    assert "Cisco CallManager" in services.close_names("CallManager", names)
    assert services.close_names("Nothing like it", names) == []


class Clock(object):
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_wait_until_the_state_shows():
    clock = Clock()
    states = iter(["STOPPED", "STARTING", "STARTED"])
    result = services.wait_for_state(lambda: next(states), "STARTED", 300, 5, clock.sleep, lambda: clock.now)
    assert result == ("STARTED", 3, True)
    assert clock.sleeps == [5, 5]


def test_wait_is_bounded_in_time_and_reads():
    clock = Clock()
    reads = []

    def read():
        reads.append(1)
        return "STARTING"

    assert services.wait_for_state(read, "STARTED", 12, 5, clock.sleep, lambda: clock.now) == ("STARTING", 3, False)
    assert clock.now <= 12
    # A clock that never moves still stops after timeout / interval + 1 reads.
    assert services.wait_for_state(read, "STARTED", 10, 5, lambda s: None, lambda: 0.0)[1] == 3
