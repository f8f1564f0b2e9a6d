# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers of the state-changing commands on the wording of cucm-cli-behaviour.md.

No seed has a transcript of these outputs (later-release `utils ctl`, `utils service restart`,
12.5 `utils itl reset`), so each transcript below is assembled from sentences QUOTED from the
reference documents; `test_every_quote_is_in_the_references` checks they are verbatim. How the
sentences are arranged (order, the `====` lines around the 12.5 node list) is GUESSED where the
document describes rather than shows it; the comment on each case says so.
"""

import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_cert_regen,
    parse_file_get,
    parse_itl_reset,
    parse_service_control,
    parse_utils_ctl,
)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
REFERENCES = os.path.join(REPO, "..", "shared", "reference")
DIALOGS = os.path.join(HERE, "..", "..", "..", "fixtures", "dialogs")

# cucm-cli-behaviour.md, `utils ctl`
MIXED_QUESTION_AUTOREG = ("This operation will set the cluster to Mixed mode. Auto-registration is enabled on at least one"
                          " CM node. Do you want to continue? (y/n):")
MOVING_MIXED = "Moving Cluster to Mixed Mode"
SET_MIXED = "Cluster set to Mixed Mode"
RESTART_REMINDER = ("Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run"
                    " these services")
RESET_PHONES = "You must reset all phones to ensure they received the updated CTL file."
RESTART_CTI = ("You must restart Cisco CTIManager services on all the nodes in the cluster that have the service"
               " activated.")
NON_SECURE_QUESTION = "This operation will set the cluster to non secure mode. Do you want to continue? (y/n):"
MOVING_NON_SECURE = "Moving Cluster to Non Secure Mode"
SET_NON_SECURE = "Cluster set to Non Secure Mode"
# cucm-cli-behaviour.md, Services
RESTART_TFTP = "utils service restart Cisco Tftp"
OLD_BANNER = ("Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly,"
              " execute the same Command Again")
NEW_BANNER = ("Do not press Ctrl+C while the service is restarting. If the service has not restarted properly,"
              " execute the same command again.")
SERVICE_MANAGER = "Service Manager is running"
TFTP_STOPPING, TFTP_STARTING, TFTP_STARTED = "Cisco Tftp[STOPPING]", "Cisco Tftp[STARTING]", "Cisco Tftp[STARTED]"
SPACED_STATE = "Cisco X[ STOPPED ]"
NOT_ACTIVATED = "Cisco DirSync[STOPPED] Service Not Activated"
UNSUCCESSFUL = "Executed command unsuccessfully"
# cucm-cli-behaviour.md, `utils itl reset localkey` (12.5)
GENERATING = "Generating the reset ITL file....."
TFTP_COUNT_1 = "Number of Active TFTP servers in the cluster : 1"
# cucm-cli-behaviour.md, Certificates / success markers
REGEN_ITLRECOVERY = "set cert regen ITLRecovery"
REGENERATED_ITLRECOVERY = "Successfully Regenerated Certificate for ITLRecovery."
# cucm-trust-primer.md section 6: the only wording about the licence (not CLI output).
LICENCE_SENTENCE = "mixed mode needs export-controlled licensing"

QUOTES = [value for name, value in sorted(globals().items()) if name.isupper() and isinstance(value, str)
          and name not in ("HERE", "REPO", "REFERENCES", "DIALOGS")]


def transcript(*lines):
    return "\n".join(lines) + "\nadmin:"


def squeeze(text):
    return " ".join(text.split())


def test_every_quote_is_in_the_references():
    if not os.path.isdir(REFERENCES):
        pytest.skip("reference documents not found at %s" % REFERENCES)
    documents = ""
    for name in ("cucm-cli-behaviour.md", "cucm-trust-primer.md"):
        with io.open(os.path.join(REFERENCES, name), encoding="utf-8") as handle:
            documents += squeeze(handle.read()) + " "
    missing = [quote for quote in QUOTES if squeeze(quote) not in documents]
    assert missing == []


# -- utils ctl, later releases --------------------------------------------------------------------


def test_utils_ctl_mixed_mode_later_release():
    """Order GUESSED: question, progress, result, then the three reminders."""
    text = transcript("admin:utils ctl set-cluster mixed-mode", MIXED_QUESTION_AUTOREG + "y", MOVING_MIXED, SET_MIXED,
                      RESTART_REMINDER, RESET_PHONES, RESTART_CTI)

    assert parse_utils_ctl(text) == {
        "operation": "mixed",
        "completed": True,
        "restart_services": ["Cisco Tftp", "Cisco CallManager", "Cisco CTIManager"],
        "reset_phones": True,
        "auto_registration_warning": True,
        "licence_refused": False,
        "errors": [],
        "other": [],
    }


def test_utils_ctl_question_wrapped_by_the_terminal():
    """The long later-release question cut at 80 columns (GUESSED: where CUCM wraps)."""
    question = MIXED_QUESTION_AUTOREG + "y"
    text = transcript(question[:80], question[80:], MOVING_MIXED, SET_MIXED)

    result = parse_utils_ctl(text)

    assert result["operation"] == "mixed"
    assert result["auto_registration_warning"] is True
    assert result["other"] == []


def test_utils_ctl_non_secure_mode():
    text = transcript("admin:utils ctl set-cluster non-secure-mode", NON_SECURE_QUESTION + "y", MOVING_NON_SECURE,
                      SET_NON_SECURE, RESTART_REMINDER)

    result = parse_utils_ctl(text)

    assert result["operation"] == "non_secure"
    assert result["completed"] is True
    assert result["restart_services"] == ["Cisco Tftp", "Cisco CallManager"]
    assert result["other"] == [] and result["errors"] == []


def test_utils_ctl_non_secure_operation_from_the_question_alone():
    result = parse_utils_ctl(transcript(NON_SECURE_QUESTION + "n"))

    assert result["operation"] == "non_secure"
    assert result["completed"] is False


def test_utils_ctl_licence_refusal():
    """GUESSED wording: no transcript of the 11.5(1)SU3+ refusal; the primer's sentence stands in
    for it. The flag must be set, the line kept in errors, and nothing else completed."""
    text = transcript("admin:utils ctl set-cluster mixed-mode", MIXED_QUESTION_AUTOREG + "y",
                      "The cluster " + LICENCE_SENTENCE, UNSUCCESSFUL)

    result = parse_utils_ctl(text)

    assert result["licence_refused"] is True
    assert result["errors"] == ["The cluster " + LICENCE_SENTENCE, UNSUCCESSFUL]
    assert result["completed"] is False


@pytest.mark.parametrize("name", sorted(name for name in os.listdir(DIALOGS) if name.endswith(".txt")))
def test_no_seed_line_reads_as_a_licence_refusal(name):
    with io.open(os.path.join(DIALOGS, name), encoding="utf-8") as handle:
        assert parse_utils_ctl(handle.read())["licence_refused"] is False


# -- utils service restart ------------------------------------------------------------------------


def test_service_restart_old_banner():
    """The documented lines; the number of repeats of each state is GUESSED."""
    text = transcript("admin:" + RESTART_TFTP, " " + OLD_BANNER, SERVICE_MANAGER,
                      TFTP_STOPPING, TFTP_STOPPING, TFTP_STARTING, TFTP_STARTING, TFTP_STARTED)

    assert parse_service_control(text) == {
        "action": "restart",
        "service": "Cisco Tftp",
        "transitions": ["STOPPING", "STOPPING", "STARTING", "STARTING", "STARTED"],
        "final_state": "STARTED",
        "errors": [],
        "other": [],
    }


def test_service_restart_new_banner_wrapped_and_spaced_states():
    """The new banner cut after its first sentence, and a space before '[' (both GUESSED)."""
    first, second = NEW_BANNER.split(". ", 1)
    text = transcript("admin:" + RESTART_TFTP, first + ".", second, SERVICE_MANAGER,
                      "Cisco Tftp [STOPPING]", "Cisco Tftp [ STARTING ]")

    result = parse_service_control(text)

    assert result["transitions"] == ["STOPPING", "STARTING"]
    assert result["final_state"] == "STARTING"  # some subscribers never print [STARTED]
    assert result["other"] == [] and result["errors"] == []


def test_service_name_from_the_state_lines_without_echo():
    result = parse_service_control(transcript(OLD_BANNER, SERVICE_MANAGER, TFTP_STOPPING, TFTP_STARTED))

    assert result["action"] is None
    assert result["service"] == "Cisco Tftp"
    assert result["transitions"] == ["STOPPING", "STARTED"]


def test_service_not_activated():
    """`utils service list`'s not-activated line, as `utils service start` might print it (GUESSED)."""
    text = transcript("admin:utils service start Cisco DirSync", SERVICE_MANAGER, NOT_ACTIVATED)

    result = parse_service_control(text)

    assert result["service"] == "Cisco DirSync"
    assert result["final_state"] == "STOPPED"
    assert result["errors"] == [NOT_ACTIVATED]


def test_other_services_lines_are_not_transitions():
    text = transcript("admin:" + RESTART_TFTP, SERVICE_MANAGER, SPACED_STATE, TFTP_STARTED)

    result = parse_service_control(text)

    assert result["transitions"] == ["STARTED"]
    assert result["other"] == [SPACED_STATE]


def test_unknown_service_fails_without_states():
    """GUESSED: an unknown service prints only the failure trailer."""
    result = parse_service_control(transcript("admin:utils service restart Cisco Nothing", UNSUCCESSFUL))

    assert result["service"] == "Cisco Nothing"
    assert result["final_state"] is None
    assert result["errors"] == [UNSUCCESSFUL]


# -- utils itl reset, 12.5 ------------------------------------------------------------------------


def test_itl_reset_12_5_list_between_rules():
    """Described in cucm-cli-behaviour.md, not shown: the rule lines' length and the place of each
    line are GUESSED."""
    rule = "=" * 40
    text = transcript("admin:utils itl reset localkey", "Enter CCM Administrator password :", GENERATING,
                      rule, "cucm125pub", rule, TFTP_COUNT_1)

    result = parse_itl_reset(text)

    assert result["tftp_servers"] == ["cucm125pub"]
    assert result["tftp_server_count"] == 1
    assert result["generated"] is True
    assert result["nodes"] == [{"name": "cucm125pub", "transferred": None, "tftp_restarted": None}]
    assert result["other"] == [] and result["errors"] == []


def test_itl_reset_12_5_generating_then_failure_is_not_generated():
    result = parse_itl_reset(transcript("admin:utils itl reset localkey", GENERATING, UNSUCCESSFUL))

    assert result["generated"] is False
    assert result["errors"] == [UNSUCCESSFUL]


# -- set cert regen / file get --------------------------------------------------------------------


def test_cert_regen_itlrecovery_success_marker():
    result = parse_cert_regen(transcript("admin:" + REGEN_ITLRECOVERY, REGENERATED_ITLRECOVERY))

    assert result["unit"] == "ITLRecovery"
    assert result["regenerated"] is True
    assert result["hold"] is None


@pytest.mark.parametrize("line", [
    "Number of files affected: 0",  # seed 001's line with the count a missing file would give
    "No such file or directory",  # GUESSED wording
])
def test_file_get_on_a_node_without_the_file(line):
    """Seed 001 says a subscriber does not find ITLRecovery.p12; the wording is not shown."""
    text = transcript("admin:file get tftp ITLRecovery.p12",
                      "Please wait while the system is gathering files info ...done.", line)

    result = parse_file_get(text)

    assert result["not_found"] is True
    assert result["transfer_completed"] is False
    assert result["files_affected"] == (0 if line.startswith("Number") else None)
    assert result["errors"] == ([] if line.startswith("Number") else [line])
