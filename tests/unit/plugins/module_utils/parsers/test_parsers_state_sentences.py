# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parsers of state-changing commands read sentences: wrapped lines, varied wording, refusals.

Every sentence here is real. It is quoted from a seed dialog (tests/unit/fixtures/dialogs, seeds
001/002), from ../shared/reference/cucm-cli-behaviour.md ([doc]), or taken from what the lab
prints (tests/lab/cucm_lab: its documented texts, and its GUESSED_TEXTS for refusals no transcript
shows). ``test_every_quote_is_real`` checks the quotes are verbatim. A *variant* is made from one
real sentence by one variation the sources document, named next to it:

* capitalisation: seed 002 prints ``Mixed mode`` in the question and ``Mixed Mode`` in the result,
  ``CTL File`` and ``CTL file`` in one ``show ctl``; seed 001 prints ``Tftp``, ``tftp`` and
  ``TFTP`` in one transcript; the restart banner went from ``Restarted Properly, execute the same
  Command Again`` to ``restarted properly, execute the same command again.`` [doc];
* articles and quantifiers: ``on all nodes`` (10.5) vs ``on all the nodes`` (later) [doc];
* plural/singular: ``services`` / ``the service activated`` [doc];
* trailing period: ``Executed command unsuccessfully`` with and without it [doc], ``CTL file
  Updated`` without vs ``... updated CTL file.`` with;
* ``Non Secure`` [doc] vs ``non-secure`` (the command's own spelling);
* wording of a result: ``Cluster set to Mixed Mode`` vs ``The cluster was set to mixed mode.``,
  ``CTL file Updated`` vs ``Successfully updated the CTL file`` (the issue's examples, built on
  the success wordings CUCM uses elsewhere: ``Successfully Regenerated Certificate for ...``,
  ``Successfully transferred reset ITL to node ...``, ``The ITL file was verified
  successfully.``).

Wrapping: ``wrapped(text, width)`` breaks every output line longer than ``width`` at the last
space before it, as CUCM's own wraps in seeds 001/002 do (each wrapped line there ends at a
word), never inside a word. Widths 40, 60 and 80.
"""

import io
import os
import re
import textwrap

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_cert_regen,
    parse_file_delete,
    parse_file_get,
    parse_itl_reset,
    parse_service_control,
    parse_utils_ctl,
)
from ansible_collections.cucm.trust.plugins.module_utils.parsers.lines import squeeze
from ansible_collections.cucm.trust.plugins.module_utils.parsers.transcript import continues, sentences

HERE = os.path.dirname(os.path.abspath(__file__))
DIALOGS = os.path.join(HERE, "..", "..", "..", "fixtures", "dialogs")
REFERENCE = os.path.join(HERE, "..", "..", "..", "..", "..", "..", "shared", "reference", "cucm-cli-behaviour.md")
WIDTHS = (40, 60, 80)


def dialog(name):
    with io.open(os.path.join(DIALOGS, name), encoding="utf-8") as handle:
        return handle.read()


def first_command(text):
    """The first command of a fixture that holds several (set cert regen: regen, then the hold)."""
    lines = text.split("\n")
    end = next((index for index in range(1, len(lines)) if lines[index].startswith("admin:")), len(lines))
    return "\n".join(lines[:end])


def second_command(text):
    lines = text.split("\n")
    start = next(index for index in range(1, len(lines)) if lines[index].startswith("admin:"))
    return "\n".join(lines[start:])


def wrapped(text, width):
    """``text`` with every output line wrapped at ``width`` columns on word boundaries."""
    out = []
    for line in text.split("\n"):
        if line.startswith("admin:") or len(line) <= width:
            out.append(line)
        else:
            out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


def transcript(*lines):
    return "\n".join(lines) + "\nadmin:"


def joined(text):
    """The sentences ``text`` forms (no parser rules)."""
    return [sentence for _rule, _match, sentence in sentences([squeeze(line) for line in text.split("\n")])]


# -- the quotes -----------------------------------------------------------------------------------
# Seed dialogs (tests/unit/fixtures/dialogs).
SEED_ITL_RESET = dialog("001_itl_reset_localkey.txt")
SEED_REMOTEKEY = dialog("001_itl_reset_remotekey.txt")
SEED_CERT_REGEN = first_command(dialog("001_set_cert_regen.txt"))
SEED_CERT_HOLD = second_command(dialog("001_set_cert_regen.txt"))
SEED_MIXED = dialog("002_set_cluster_mixed_mode.txt")
SEED_UPDATE = dialog("002_update_ctlfile.txt")
SEED_FILE_GET = dialog("001_file_get_itlrecovery.txt")
SEED_FILE_DELETE = dialog("002_file_delete_ctl.txt")
RESTARTED_PUB = "Cisco Tftp service restarted on host test10pub"
TRANSFERRED_SUB = "Successfully transferred reset ITL to node test10sub"
GENERATED = "The reset ITL file was generated successfully"
SET_MIXED = "Cluster set to Mixed Mode"
CTL_UPDATED = "CTL file Updated"
RESTART_REMINDER = ("Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run"
                    " these services")
TRANSFER_COMPLETED = "Transfer completed."
DELETED = "files: found = 1, deleted = 1"
REGENERATED = "Successfully Regenerated Certificate for CallManager."
HOLD = ("CallManager certificate was modified in the last 5 minutes. Please re-try regenerating TVS certificate at"
        " a later time")
SEED_QUOTES = [RESTARTED_PUB, TRANSFERRED_SUB, GENERATED, SET_MIXED, CTL_UPDATED, RESTART_REMINDER,
               TRANSFER_COMPLETED, DELETED, REGENERATED, HOLD]

# cucm-cli-behaviour.md ([doc]).
LATER_QUESTION = ("This operation will set the cluster to Mixed mode. Auto-registration is enabled on at least one"
                  " CM node. Do you want to continue? (y/n):")
NON_SECURE_QUESTION = "This operation will set the cluster to non secure mode. Do you want to continue? (y/n):"
SET_NON_SECURE = "Cluster set to Non Secure Mode"
RESET_PHONES = "You must reset all phones to ensure they received the updated CTL file."
RESTART_CTI = ("You must restart Cisco CTIManager services on all the nodes in the cluster that have the service"
               " activated.")
OLD_BANNER = ("Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly,"
              " execute the same Command Again")
NEW_BANNER = ("Do not press Ctrl+C while the service is restarting. If the service has not restarted properly,"
              " execute the same command again.")
UNSUCCESSFUL = "Executed command unsuccessfully"
DOC_QUOTES = [LATER_QUESTION, NON_SECURE_QUESTION, SET_NON_SECURE, RESET_PHONES, RESTART_CTI, OLD_BANNER, NEW_BANNER,
              UNSUCCESSFUL, SET_MIXED, CTL_UPDATED, RESTART_REMINDER, REGENERATED]


def lab():
    """What the lab prints (tests/lab/cucm_lab), imported so the tests follow the lab's wording."""
    from cucm_lab.commands import ctl, itl, services
    from cucm_lab.settings import GUESSED_TEXTS

    return {
        "tftp_failed": GUESSED_TEXTS["itl_reset_tftp_failed"].format(host="cucm-sub1"),
        "licence": GUESSED_TEXTS["ctl_licence_missing"],
        "not_mixed": GUESSED_TEXTS["ctl_not_mixed"],
        "start_failed": GUESSED_TEXTS["service_start_failed"].format(service="Cisco Tftp"),
        "not_publisher": itl.NOT_PUBLISHER,
        "itlrecovery_warning": GUESSED_TEXTS["cert_regen_itlrecovery_warning"],
        "new_start_banner": GUESSED_TEXTS["service_banner_new_start"],
        "old_stop_banner": GUESSED_TEXTS["service_banner_old_stop"],
        "restart_banners": dict(services.RESTART_BANNERS),
        "ctl_reminder": ctl.RESTART_REMINDER,
        "declined": GUESSED_TEXTS["file_delete_declined"].format(found=1),
    }


def test_every_quote_is_real():
    seeds = squeeze(" ".join(dialog(name) for name in os.listdir(DIALOGS) if name.endswith(".txt")))
    assert [quote for quote in SEED_QUOTES if quote not in seeds] == []
    texts = lab()
    assert texts["ctl_reminder"] == RESTART_REMINDER
    assert squeeze(texts["restart_banners"]["old"]) == OLD_BANNER and texts["restart_banners"]["new"] == NEW_BANNER
    if not os.path.isfile(REFERENCE):
        pytest.skip("reference document not found at %s" % REFERENCE)
    with io.open(REFERENCE, encoding="utf-8") as handle:
        document = squeeze(handle.read())
    assert [quote for quote in DOC_QUOTES if quote not in document] == []


# -- how lines become sentences -------------------------------------------------------------------


@pytest.mark.parametrize("lines", [
    # Every wrapped form in the seeds' transcripts of these commands.
    ["The authenticity of host 'joemar2-server.cisco.com (172.18.172.254)' can't be", "established."],  # 001
    ["WARNING: This operation will overwrite any CA signed certificate", "previously imported for CallManager"],
    ["Please do a backup of the server as soon as possible. Failure to do",
     "so can stale the cluster in case of a crash."],  # 001
    ["You must restart services related to CallManager for the regenerated", "certificates to become active."],
    ["CallManager certificate was modified in the last 5 minutes. Please re-try",
     "regenerating TVS certificate at a later time"],  # 001
    ["Please Restart the TFTP and Cisco CallManager services on all nodes in  ",
     "the cluster that run these services"],  # 002, with the page's trailing spaces
    # The wraps of cucm-cli-behaviour.md's own quotes.
    ["This operation will set the cluster to Mixed mode.  Auto-registration is enabled on at least one",
     "CM node. Do you want to continue? (y/n):"],
    ["This operation will set the cluster to non secure mode. Do you want to continue?", "(y/n):"],
    ["Moving Cluster to Mixed Mode", "Cluster set to Mixed", "Mode"][1:],
    ["Please Restart the TFTP and Cisco CallManager services on all nodes in the cluster that run", "these services"],
    ["You must restart Cisco CTIManager services on all the nodes in the cluster that have the",
     "service activated."],
    [" Don't press Ctrl-c while the service is getting",
     "RESTARTED.If Service has not Restarted Properly, execute the same Command Again"],
    ["Do not press Ctrl+C while the service is restarting. If the service has not restarted",
     "properly, execute the same command again."],
    ["Successfully", "Regenerated Certificate for CallManager."],
    # Seed 002's `show ctl` (read by parse_show_ctl, but the same rule): a page-wrapped advice.
    [". Please run CTLClient plugin or run the CLI - utils ctl.. to", "generate the CTL file."],
    # Upper-case starts that still continue: after "Cisco", "host", "the", "to".
    ["Please Restart the TFTP and Cisco", "CallManager services on all nodes in the",
     "cluster that run these services"],
    ["Restarting Cisco Tftp service on host", "CUCM-SUB1"],
    ["Transferring new reset ITL file to the", "TFTP server nodes in the cluster....."],
    ["Downloading file:", "/usr/local/cm/tftp/ITLRecovery.p12"],
    # A question cut before its choices, or before its typed answer (seed 001 questions).
    ["Are you sure you want to continue connecting", "(yes/no)? yes"],
    ["Would you like to proceed", "[y/n]? y"],
    ["Proceed with regeneration (yes|no)?", "yes"],
])
def test_wrapped_lines_form_one_sentence(lines):
    assert joined("\n".join(lines)) == [squeeze(" ".join(lines))]


@pytest.mark.parametrize("lines, expected", [
    # A question with its typed answer ends a sentence, even before a lower-case line (seed 002).
    (['Enter "y" followed by return to continue: y', DELETED], None),
    # A typed answer pushed onto its own line ends the question's sentence: it never takes the
    # lower-case result after it (else "y files: found = 1, deleted = 1" would hide the counts).
    (['Enter "y" followed by return to continue:', "y", DELETED],
     ['Enter "y" followed by return to continue: y', DELETED]),
    (["Would you like to proceed [y/n]? y", "SFTP server IP: joemar2-server.cisco.com"], None),
    # State lines are never joined: not to the banner, not to each other ([doc]).
    (["Service Manager is running", "Cisco Tftp[STOPPING]", "Cisco Tftp[STARTING]"], None),
    (["Cisco Tftp[STOPPED]", "Service Not Activated"], None),
    # A node list: Python's (seed 001), or names between rules (12.5 [doc], layout GUESSED).
    (["Following is the list of Active tftp servers in the cluster", "['test10pub', 'test10sub']"], None),
    (["Following is the list of Active tftp servers in the cluster", "=====", "cucm125pub", "cucm125sub", "====="],
     None),
    # A blank line always ends a sentence, even in the middle of a wrapped one.
    (["Please Restart the TFTP and Cisco CallManager services on all nodes in", "",
      "the cluster that run these services"],
     ["Please Restart the TFTP and Cisco CallManager services on all nodes in", "the cluster that run these services"]),
    # The failure trailer stands alone, even after a line that ends with "host".
    (["Failed to restart Cisco Tftp service on host", UNSUCCESSFUL], None),
    # A line without a final period followed by a new sentence (seed 001, seed 002).
    ([RESTARTED_PUB, TRANSFERRED_SUB, "Restarting Cisco Tftp service on host test10sub"], None),
    (["Updating CTL file", CTL_UPDATED, RESTART_REMINDER], None),
    # Seed 002's CTL client message: "...in the CTL File" + "Please ..." are two sentences;
    # "...and insert another" + "Security Token. Click Ok when done." is one.
    (["The Security Token you have inserted does not exist in the CTL File",
      "Please remove any Security Tokens already inserted and insert another", "Security Token. Click Ok when done."],
     ["The Security Token you have inserted does not exist in the CTL File",
      "Please remove any Security Tokens already inserted and insert another Security Token. Click Ok when done."]),
])
def test_sentences_are_never_joined_across(lines, expected):
    assert joined("\n".join(lines)) == (expected or [line for line in lines if line])


def test_continues_is_about_the_line_before():
    assert continues("Successfully transferred reset ITL to", "node test10sub")
    assert not continues("Successfully transferred reset ITL to node test10sub.", "node test10sub")
    assert not continues("Enter CCM Administrator password :", "count is 1")  # a prompt's colon
    assert not continues("User ID: joemar2", "password")  # label: value


def every_width_case():
    """(parser, transcript) of every seed transcript and of the [doc] later-release ones."""
    return [
        (parse_itl_reset, SEED_ITL_RESET), (parse_itl_reset, SEED_REMOTEKEY),
        (parse_cert_regen, SEED_CERT_REGEN), (parse_cert_regen, SEED_CERT_HOLD),
        (parse_utils_ctl, SEED_MIXED), (parse_utils_ctl, SEED_UPDATE),
        (parse_file_get, SEED_FILE_GET), (parse_file_delete, SEED_FILE_DELETE),
        (parse_utils_ctl, transcript("admin:utils ctl set-cluster mixed-mode", LATER_QUESTION + "y",
                                     "Moving Cluster to Mixed Mode", SET_MIXED, RESTART_REMINDER, RESET_PHONES,
                                     RESTART_CTI)),
        (parse_utils_ctl, transcript(NON_SECURE_QUESTION + "y", "Moving Cluster to Non Secure Mode", SET_NON_SECURE,
                                     RESTART_REMINDER)),
    ] + [
        (parse_service_control, transcript("admin:utils service restart Cisco Tftp", banner,
                                           "Service Manager is running", "Cisco Tftp[STOPPING]", "Cisco Tftp[STARTED]"))
        for banner in (" " + OLD_BANNER, NEW_BANNER)
    ]


@pytest.mark.parametrize("parser, text", every_width_case())
def test_every_width_from_40_to_120_reads_the_same(parser, text):
    """Every result key but ``other`` is the same at each width from 40 to 120 columns. (At 61-64
    columns the later reminder breaks between "the updated" and "CTL file.": that tail comes back
    in ``other``, the reminder itself is read.)"""
    expected = parser(text)
    del expected["other"]
    for width in range(40, 121):
        result = parser(wrapped(text, width))
        del result["other"]
        assert result == expected, width


# -- utils itl reset ------------------------------------------------------------------------------

SEED_001_RESULT = parse_itl_reset(SEED_ITL_RESET)


@pytest.mark.parametrize("width", WIDTHS)
def test_itl_reset_wrapped_reads_as_the_seed(width):
    assert parse_itl_reset(wrapped(SEED_ITL_RESET, width)) == SEED_001_RESULT


@pytest.mark.parametrize("width", WIDTHS)
def test_itl_reset_remotekey_wrapped_keeps_the_noise_apart(width):
    result = parse_itl_reset(wrapped(SEED_REMOTEKEY, width))

    assert result["noise"] == ["Processing token in else 0 tac", "count is 1"] * 2
    assert result["nodes"] == SEED_001_RESULT["nodes"]
    assert result["errors"] == [] and result["other"] == []


def test_itl_reset_host_names_in_capitals_after_a_wrap():
    """Restart and transfer sentences cut before an upper-case host name (cut after "host"/"node")."""
    text = transcript("admin:utils itl reset localkey", "['CUCM-PUB', 'CUCM-SUB1']",
                      "Restarting Cisco Tftp service on host", "CUCM-PUB", "Cisco Tftp service restarted on host",
                      "CUCM-PUB", "Successfully transferred reset ITL to node", "CUCM-SUB1")

    assert parse_itl_reset(text)["nodes"] == [
        {"name": "CUCM-PUB", "transferred": None, "tftp_restarted": True},
        {"name": "CUCM-SUB1", "transferred": True, "tftp_restarted": None},
    ]


def test_itl_reset_python_list_wrapped_over_lines():
    names = ["cucm-pub", "cucm-sub1", "cucm-sub2", "cucm-sub3"]
    text = wrapped(transcript("admin:utils itl reset localkey", repr(names)), 40)

    assert parse_itl_reset(text)["tftp_servers"] == names


@pytest.mark.parametrize("width", WIDTHS)
def test_itl_reset_12_5_layout_wrapped(width):
    """12.5 [doc]: "Generating the reset ITL file.....", the list between rules (layout GUESSED)."""
    text = transcript("admin:utils itl reset localkey", "Generating the reset ITL file.....",
                      "Locating active Tftp servers in the cluster.....",
                      "Following is the list of Active tftp servers in the cluster", "=" * 30, "cucm125pub", "=" * 30,
                      "Number of Active TFTP servers in the cluster : 1")

    result = parse_itl_reset(wrapped(text, width))

    assert result["tftp_servers"] == ["cucm125pub"] and result["tftp_server_count"] == 1
    assert result["generated"] is True
    assert result["other"] == [] and result["errors"] == []


@pytest.mark.parametrize("sentence, name, restarted, transferred", [
    # Variants of seed 001's sentences: capitalisation (seed 001 itself writes Tftp/tftp/TFTP).
    ("Cisco TFTP service restarted on host test10sub", "test10sub", True, None),
    ("cisco tftp service restarted on host test10sub", "test10sub", True, None),
    # Wording, after "Successfully transferred ..." and a trailing period.
    ("Successfully restarted the Cisco Tftp service on node test10sub.", "test10sub", True, None),
    ("Cisco Tftp service was restarted successfully on host test10sub.", "test10sub", True, None),
    ("Successfully transferred the reset ITL file to node test10sub.", "test10sub", None, True),
    ("The reset ITL file was transferred successfully to node test10sub", "test10sub", None, True),
    ("Restarting the Cisco TFTP service on host test10sub...", "test10sub", False, None),
])
def test_itl_reset_tolerated_wordings(sentence, name, restarted, transferred):
    result = parse_itl_reset(transcript("admin:utils itl reset localkey", sentence))

    assert result["nodes"] == [{"name": name, "transferred": transferred, "tftp_restarted": restarted}]
    assert result["errors"] == [] and result["other"] == []


def test_itl_reset_generated_variants():
    for sentence in ("The reset ITL file was generated successfully.", "Reset ITL file generated successfully",
                     "Successfully generated the reset ITL file"):
        assert parse_itl_reset(transcript(sentence))["generated"] is True, sentence


@pytest.mark.parametrize("width", (None,) + WIDTHS)
@pytest.mark.parametrize("failure", [
    "tftp_failed",  # the lab's "Failed to restart Cisco Tftp service on host cucm-sub1" (GUESSED text)
    "Cisco Tftp service could not be restarted on host cucm-sub1",  # negation of seed 001's sentence
    "Cisco Tftp service was not restarted on host cucm-sub1",
    "Cisco Tftp service restarted on host cucm-sub1 failed",
    "Unable to restart Cisco Tftp service on host cucm-sub1",
])
def test_itl_reset_never_reads_a_failed_restart_as_a_restart(failure, width):
    failure = lab().get(failure, failure)
    text = transcript("admin:utils itl reset localkey", "['cucm-pub', 'cucm-sub1']",
                      "Restarting Cisco Tftp service on host cucm-sub1", failure, UNSUCCESSFUL)
    if width:
        text = wrapped(text, width)

    result = parse_itl_reset(text)

    assert result["nodes"][1] == {"name": "cucm-sub1", "transferred": None, "tftp_restarted": False}
    assert result["errors"] == [failure, UNSUCCESSFUL]  # the failure whole, however it was wrapped


@pytest.mark.parametrize("failure", [
    "Failed to transfer reset ITL to node cucm-sub1",
    "Reset ITL could not be transferred to node cucm-sub1",
    "Successfully transferred reset ITL to node cucm-sub1 failed",  # contradiction: the failure wins
    "Unable to transfer the reset ITL file to node cucm-sub1.",
])
def test_itl_reset_never_reads_a_failed_transfer_as_a_transfer(failure):
    result = parse_itl_reset(transcript("['cucm-pub', 'cucm-sub1']", failure))

    assert result["nodes"][1]["transferred"] is None
    assert result["errors"] == [failure]


@pytest.mark.parametrize("failure", ["The reset ITL file was not generated", "Failed to generate the reset ITL file",
                                     "The reset ITL file could not be generated."])
def test_itl_reset_never_reads_a_failed_generation_as_generated(failure):
    result = parse_itl_reset(transcript(failure))

    assert result["generated"] is False
    assert result["errors"] == [failure]


def test_itl_reset_a_host_name_is_no_negation():
    """``no``/``not`` inside a host name do not negate the sentence that names it."""
    text = transcript("['no-tftp', 'not1']", "Cisco Tftp service restarted on host no-tftp",
                      "Successfully transferred reset ITL to node not1")

    nodes = parse_itl_reset(text)["nodes"]

    assert [(n["name"], n["tftp_restarted"], n["transferred"]) for n in nodes] == [
        ("no-tftp", True, None), ("not1", None, True)]


def test_itl_reset_a_host_name_cut_in_two_is_not_a_node():
    """A hard cut inside the name (a terminal breaking mid-word) names no node: the sentence is
    handed back, and the node keeps ``transferred`` None (the module then reports it missing)."""
    text = transcript("['test10pub', 'test10sub']", "Successfully transferred reset ITL to node test1", "0sub")

    result = parse_itl_reset(text)

    assert [n["transferred"] for n in result["nodes"]] == [None, None]
    assert result["other"] == ["Successfully transferred reset ITL to node test1 0sub"]


def test_itl_reset_refusal_variants():
    for sentence in (lab()["not_publisher"], "This is not a publisher node.", "THIS IS NOT A PUBLISHER NODE"):
        result = parse_itl_reset(transcript("admin:utils itl reset localkey", sentence))
        assert result["publisher_refused"] is True and result["errors"] == [sentence]


def test_itl_reset_echo_wrapped_before_the_path():
    """Seed 001 as the page shows it: the remotekey echo wrapped before the .p12 path. The path
    is handed back in ``other``; everything else reads as in the fixture."""
    lines = SEED_REMOTEKEY.split("\n")
    echo, path = lines[0].rsplit(" ", 1)

    result = parse_itl_reset("\n".join([echo, path] + lines[1:]))

    assert result["recovery_key"] == "remotekey"
    assert result["nodes"] == SEED_001_RESULT["nodes"]
    assert result["other"] == [path]


# -- utils ctl ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("seed", [SEED_MIXED, SEED_UPDATE])
def test_utils_ctl_seed_wrapped_reads_as_the_seed(seed, width):
    assert parse_utils_ctl(wrapped(seed, width)) == parse_utils_ctl(seed)


@pytest.mark.parametrize("width", WIDTHS)
def test_utils_ctl_later_release_wrapped(width):
    """[doc] later-release mixed mode; order GUESSED as in test_parsers_state_commands_doc."""
    text = transcript("admin:utils ctl set-cluster mixed-mode", LATER_QUESTION + "y", "Moving Cluster to Mixed Mode",
                      SET_MIXED, RESTART_REMINDER, RESET_PHONES, RESTART_CTI)

    result = parse_utils_ctl(wrapped(text, width))

    assert result == {
        "operation": "mixed", "completed": True,
        "restart_services": ["Cisco Tftp", "Cisco CallManager", "Cisco CTIManager"],
        "reset_phones": True, "auto_registration_warning": True, "licence_refused": False,
        "errors": [], "other": [],
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_utils_ctl_non_secure_wrapped_without_echo(width):
    text = transcript(NON_SECURE_QUESTION + "y", "Moving Cluster to Non Secure Mode", SET_NON_SECURE, RESTART_REMINDER)

    result = parse_utils_ctl(wrapped(text, width))

    assert (result["operation"], result["completed"]) == ("non_secure", True)
    assert result["restart_services"] == ["Cisco Tftp", "Cisco CallManager"]
    assert result["other"] == [] and result["errors"] == []


@pytest.mark.parametrize("echo, sentence", [
    # "Cluster set to Mixed Mode" (seed 002) in other words: article, tense, case, period.
    ("utils ctl set-cluster mixed-mode", "The cluster was set to mixed mode."),
    ("utils ctl set-cluster mixed-mode", "Cluster successfully set to Mixed Mode"),
    ("utils ctl set-cluster mixed-mode", "The cluster has been set to Mixed mode."),
    ("utils ctl set-cluster mixed-mode", "CLUSTER SET TO MIXED MODE"),
    # "Cluster set to Non Secure Mode" [doc]: hyphen (the command's spelling), article, period.
    ("utils ctl set-cluster non-secure-mode", "Cluster set to Non-Secure Mode"),
    ("utils ctl set-cluster non-secure-mode", "The cluster was set to non secure mode."),
    # "CTL file Updated" (seed 002): the example, tense, case, period.
    ("utils ctl update CTLFile", "Successfully updated the CTL file"),
    ("utils ctl update CTLFile", "The CTL file was updated successfully."),
    ("utils ctl update CTLFile", "CTL File Updated."),
    ("utils ctl update CTLFile", "CTLFile updated"),
    ("utils ctl reset localkey", CTL_UPDATED),  # GUESSED: reset has no completion of its own
])
def test_utils_ctl_completion_variants(echo, sentence):
    result = parse_utils_ctl(transcript("admin:" + echo, sentence))

    assert result["completed"] is True
    assert result["errors"] == [] and result["other"] == []


@pytest.mark.parametrize("echo, sentence", [
    ("utils ctl update CTLFile", "CTL file not updated"),
    ("utils ctl update CTLFile", "The CTL file was not updated."),
    ("utils ctl update CTLFile", "CTL file could not be updated"),
    ("utils ctl update CTLFile", "CTL file Updated failed"),
    ("utils ctl update CTLFile", "Failed to update the CTL file"),
    ("utils ctl update CTLFile", "not_mixed"),  # the lab's "... Unable to update the CTL file" (GUESSED)
    ("utils ctl set-cluster mixed-mode", "Cluster not set to Mixed Mode"),
    ("utils ctl set-cluster mixed-mode", "The cluster was not set to mixed mode."),
    ("utils ctl set-cluster mixed-mode", "Failed to set the cluster to Mixed Mode"),
    ("utils ctl set-cluster non-secure-mode", "Unable to set Cluster to Non Secure Mode"),
    ("utils ctl set-cluster non-secure-mode", "Cluster set to Non Secure Mode: error"),
])
def test_utils_ctl_never_reads_a_failure_as_completed(echo, sentence):
    sentence = lab().get(sentence, sentence)

    result = parse_utils_ctl(transcript("admin:" + echo, sentence, UNSUCCESSFUL))

    assert result["completed"] is False
    assert result["errors"] == [sentence, UNSUCCESSFUL]


def test_utils_ctl_reset_phones_reminder_is_not_the_update():
    """[doc] "... received the updated CTL file." says "updated CTL file" but updates nothing."""
    result = parse_utils_ctl(transcript("admin:utils ctl update CTLFile", "Updating CTL file", RESET_PHONES))

    assert result["completed"] is False
    assert result["reset_phones"] is True


def test_utils_ctl_question_is_not_a_completion():
    """The questions say "sets the cluster to Mixed mode" / "updates the CTLFile": no completion."""
    for question in ("This operation sets the cluster to Mixed mode. Do you want to continue? (y/n):n",
                     "This operation updates the CTLFile. Do you want to continue? (y/n):n", NON_SECURE_QUESTION + "n"):
        assert parse_utils_ctl(transcript(question))["completed"] is False, question


@pytest.mark.parametrize("sentence, services", [
    (RESTART_REMINDER, ["Cisco Tftp", "Cisco CallManager"]),
    (RESTART_CTI, ["Cisco CTIManager"]),
    # Variants: singular/plural and "all the" ([doc] later wording), case, trailing period.
    ("Please restart the TFTP and Cisco CallManager service on all the nodes in the cluster that run this service.",
     ["Cisco Tftp", "Cisco CallManager"]),
    ("please restart the tftp and cisco callmanager services on all nodes in the cluster that run these services",
     ["Cisco Tftp", "Cisco CallManager"]),
    # The later wording with the 10.5 services, "the" before each name.
    ("You must restart the Cisco Tftp and the Cisco CallManager services on all the nodes in the cluster that have"
     " the service activated.", ["Cisco Tftp", "Cisco CallManager"]),
    ("Please restart the Cisco Tftp service and the Cisco CallManager service on all nodes.",
     ["Cisco Tftp", "Cisco CallManager"]),
    ("You must restart Cisco CTIManager service on all nodes in the cluster that have the service activated",
     ["Cisco CTIManager"]),
])
def test_utils_ctl_restart_reminder_variants(sentence, services):
    result = parse_utils_ctl(transcript("admin:utils ctl update CTLFile", sentence))

    assert result["restart_services"] == services
    assert result["other"] == [] and result["errors"] == []


@pytest.mark.parametrize("sentence", [
    "Failed to restart the TFTP and Cisco CallManager services on all nodes in the cluster",
    "Do not restart the TFTP and Cisco CallManager services on all nodes in the cluster",
    "Unable to restart Cisco CTIManager services on all the nodes in the cluster",
])
def test_utils_ctl_a_failed_restart_is_no_reminder(sentence):
    result = parse_utils_ctl(transcript("admin:utils ctl update CTLFile", sentence))

    assert result["restart_services"] == []
    assert result["errors"] == [sentence]


def test_utils_ctl_a_host_restart_is_no_reminder():
    """The itl reset's per-host sentence (no nodes/cluster) is not a reminder to restart services."""
    result = parse_utils_ctl(transcript("Restarting Cisco Tftp service on host test10pub"))

    assert result["restart_services"] == []


@pytest.mark.parametrize("width", (None,) + WIDTHS)
def test_utils_ctl_licence_refusal_wrapped(width):
    licence = lab()["licence"]
    text = transcript("admin:utils ctl set-cluster mixed-mode", licence, UNSUCCESSFUL)

    result = parse_utils_ctl(wrapped(text, width) if width else text)

    assert result["licence_refused"] is True and result["completed"] is False
    assert result["errors"] == [licence, UNSUCCESSFUL]


# -- utils service --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("banner", ["old", "new", "new_start_banner", "old_stop_banner"])
def test_service_banners_wrapped(banner, width):
    texts = lab()
    banner = texts["restart_banners"].get(banner) or texts[banner]
    text = transcript("admin:utils service restart Cisco Tftp", banner, "Service Manager is running",
                      "Cisco Tftp[STOPPING]", "Cisco Tftp[STARTING]", "Cisco Tftp[STARTED]")

    result = parse_service_control(wrapped(text, width))

    assert result["transitions"] == ["STOPPING", "STARTING", "STARTED"]
    assert result["errors"] == [] and result["other"] == []


def test_service_banner_capitalisation_variants():
    """The old banner's Title Case and the new one's sentence case, swapped."""
    for banner in (OLD_BANNER.lower(), NEW_BANNER.upper(), "If Service has not Restarted Properly, execute the same"
                   " Command Again"):
        result = parse_service_control(transcript(banner, "Cisco Tftp[STARTED]"))
        assert result["other"] == [] and result["errors"] == [], banner


@pytest.mark.parametrize("failure", ["start_failed", "Service Manager is not running"])
def test_service_failures_are_errors(failure):
    failure = lab().get(failure, failure)

    result = parse_service_control(transcript("admin:utils service start Cisco Tftp", failure, "Cisco Tftp[STOPPED]"))

    assert result["final_state"] == "STOPPED"
    assert result["errors"] == [failure]


# -- file get / file delete -----------------------------------------------------------------------

SEED_FILE_GET_RESULT = parse_file_get(SEED_FILE_GET)


@pytest.mark.parametrize("width", WIDTHS)
def test_file_get_wrapped_reads_as_the_seed(width):
    assert parse_file_get(wrapped(SEED_FILE_GET, width)) == SEED_FILE_GET_RESULT


@pytest.mark.parametrize("sentence", [
    # "Transfer completed." (seed 001): period, case, "successfully", "File transfer", present tense.
    "Transfer completed", "transfer completed.", "Transfer completed successfully.", "File transfer completed.",
    "Transfer complete.", "The transfer was completed successfully",
])
def test_file_get_completion_variants(sentence):
    result = parse_file_get(transcript("admin:file get tftp ITLRecovery.p12", sentence))

    assert result["transfer_completed"] is True
    assert result["errors"] == [] and result["other"] == []


@pytest.mark.parametrize("sentence", [
    "Transfer not completed.", "Transfer completed with errors.", "File transfer failed to complete",
    "Transfer could not be completed", "Transfer incomplete.", "File transfer failed.",
])
def test_file_get_never_reads_a_failed_transfer_as_completed(sentence):
    result = parse_file_get(transcript("admin:file get tftp ITLRecovery.p12", sentence))

    assert result["transfer_completed"] is False
    assert result["errors"] == [sentence]


@pytest.mark.parametrize("width", WIDTHS)
def test_file_delete_wrapped(width):
    assert parse_file_delete(wrapped(SEED_FILE_DELETE, width)) == parse_file_delete(SEED_FILE_DELETE)


def test_file_delete_question_wrapped_before_its_question_mark():
    """A long name (seed 002's `cm/tftpdata/CTLFile.tlv` path) pushes the question onto two lines."""
    text = "\n".join(["admin:file delete activelog cm/tftpdata/CTLFile.tlv", "Delete the File",
                      "cm/tftpdata/CTLFile.tlv?", 'Enter "y" followed by return to continue: y', DELETED])

    result = parse_file_delete(text)

    assert (result["found"], result["deleted"]) == (1, 1)
    assert result["other"] == [] and result["errors"] == []


@pytest.mark.parametrize("sentence, counts", [
    (DELETED, (1, 1)),
    ("Files: found = 1, deleted = 1.", (1, 1)),  # capitalisation, trailing period
    ("files: found=1, deleted=1", (1, 1)),  # spacing
    ("files: deleted = 1, found = 1", (1, 1)),  # order
    ("declined", (1, 0)),  # the lab's declined deletion (GUESSED): read, and deleted = 0
])
def test_file_delete_count_variants(sentence, counts):
    sentence = lab().get(sentence, sentence)

    result = parse_file_delete(transcript("admin:file delete tftp CTLFile.tlv", sentence))

    assert (result["found"], result["deleted"]) == counts
    assert result["errors"] == [] and result["other"] == []


def test_file_delete_a_failure_in_the_counts_is_no_deletion():
    sentence = "files: found = 1, deleted = 1, failed = 1"

    result = parse_file_delete(transcript("admin:file delete tftp CTLFile.tlv", sentence))

    assert (result["found"], result["deleted"]) == (None, None)
    assert result["errors"] == [sentence]


# -- set cert regen -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("seed", [SEED_CERT_REGEN, SEED_CERT_HOLD])
def test_cert_regen_wrapped_reads_as_the_seed(seed, width):
    assert parse_cert_regen(wrapped(seed, width)) == parse_cert_regen(seed)


def test_cert_regen_hold_cut_after_its_first_sentence():
    """At 60 columns the hold message breaks right after "minutes.": still one hold, one error."""
    result = parse_cert_regen(wrapped(SEED_CERT_HOLD, 60))

    assert result["hold"] == {"blocking_unit": "CallManager", "requested_unit": "TVS", "minutes": 5}
    assert result["errors"] == [HOLD]


def test_cert_regen_hold_variants():
    """Seed 001's hold with articles, "retry" and a final period."""
    sentence = ("The CallManager certificate was modified in the last 5 minutes. Please retry regenerating the TVS"
                " certificate at a later time.")

    result = parse_cert_regen(transcript(sentence))

    assert result["hold"] == {"blocking_unit": "CallManager", "requested_unit": "TVS", "minutes": 5}
    assert result["unit"] == "TVS" and result["errors"] == [sentence]


@pytest.mark.parametrize("sentence, unit", [
    (REGENERATED, "CallManager"),
    ("Successfully regenerated certificate for CallManager", "CallManager"),  # case, no period
    ("Successfully regenerated the CallManager certificate.", "CallManager"),  # article, word order
    ("Certificate for TVS regenerated successfully", "TVS"),
])
def test_cert_regen_result_variants(sentence, unit):
    result = parse_cert_regen(transcript(sentence))

    assert (result["regenerated"], result["unit"]) == (True, unit)
    assert result["errors"] == [] and result["other"] == []


@pytest.mark.parametrize("sentence", [
    "Certificate for CallManager was not regenerated.",
    "Regenerated certificate for CallManager failed",
    "Failed to regenerate certificate for CallManager",
    "Unable to regenerate the CallManager certificate.",
])
def test_cert_regen_never_reads_a_failure_as_regenerated(sentence):
    result = parse_cert_regen(transcript("admin:set cert regen CallManager", sentence))

    assert result["regenerated"] is False
    assert result["errors"] == [sentence]


def test_cert_regen_restart_advice_is_not_the_result():
    """"... for the regenerated certificates to become active." (seed 001) regenerates nothing."""
    advice = "You must restart services related to CallManager for the regenerated certificates to become active."

    result = parse_cert_regen(transcript(advice))

    assert (result["regenerated"], result["restart_advice"]) == (False, True)


def test_cert_regen_itlrecovery_warning_is_neither_result_nor_advice():
    """The lab's ITLRecovery warning (GUESSED wording) mentions a restart and a certificate."""
    warning = lab()["itlrecovery_warning"]

    result = parse_cert_regen(transcript("admin:set cert regen ITLRecovery", warning, REGENERATED.replace(
        "CallManager", "ITLRecovery")))

    assert result["restart_advice"] is False and result["regenerated"] is True
    assert result["other"] == [squeeze(warning)]


def test_cert_regen_backup_advice_cut_after_its_first_sentence():
    """At 60 columns "Failure to do so can stale the cluster ..." comes alone: advice, not an error."""
    result = parse_cert_regen(wrapped(SEED_CERT_REGEN, 60))

    assert result["backup_advice"] is True
    assert result["errors"] == [] and result["other"] == []


def test_no_seed_or_lab_success_sentence_reads_as_a_failure():
    """The negation check does not fire on the success sentences of the seeds and the lab."""
    for text in (SEED_ITL_RESET, SEED_MIXED, SEED_UPDATE, SEED_FILE_GET, SEED_FILE_DELETE, SEED_CERT_REGEN):
        for parser in (parse_itl_reset, parse_utils_ctl, parse_file_get, parse_file_delete, parse_cert_regen):
            result = parser(text)
            claims = [line for line in result["errors"] if re.search(r"(?i)success|complete|updated|set to", line)]
            assert not claims, (parser, text)
