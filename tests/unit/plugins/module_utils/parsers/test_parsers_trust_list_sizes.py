# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""trust_list_sizes / trust_list_size_errors on the seed dumps: the printed sizes add up.

The figures in the asserts are the ones the seeds print (HeaderLength, RECORDLENGTH, Length of
file); the sums are recomputed from the LENGTH column by the function under test.
"""

import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    parse_show_ctl,
    parse_show_itl,
    trust_list_size_errors,
)
from ansible_collections.cucm.trust.plugins.module_utils.parsers.trust_list_sizes import trust_list_sizes

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "fixtures", "seeds")


def parsed(name):
    with io.open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        text = handle.read()
    return parse_show_ctl(text) if "_show_ctl" in name else parse_show_itl(text)


@pytest.mark.parametrize("name, header_length, record_lengths, length", [
    # Seed 001, CUCM 10.0: 10 + 142 + 18 + 131 + 15 + 7 = 323 -> 324; 324 + 4978 = 5302.
    ("001_ja_show_itl_before_reset.txt", 324, [1115, 1115, 439, 455, 1141, 713], 5302),
    # After `utils itl reset localkey` the ITLRECOVERY signer has a longer name: SIGNERID 157.
    ("001_ja_show_itl_after_reset.txt", 344, [1115, 1115, 439, 455, 1141, 713], 5322),
    # Seed 002, CUCM 10.5 tokenless CTL, header and signature printed as a markdown table.
    ("002_ja_show_ctl_tokenless_full.txt", 336, [1156, 1156, 1138, 1161], 4947),
])
def test_complete_dumps_add_up(name, header_length, record_lengths, length):
    dump = parsed(name)

    sizes = trust_list_sizes(dump)

    assert sizes["header_length"] == dump["header_length"] == header_length
    assert sizes["record_lengths"] == [record["length"] for record in dump["records"]] == record_lengths
    assert sizes["length"] == dump["length"] == length
    assert sizes["signer_id_length"] == dump["header"]["signer_id_length"]
    assert sizes["signature_info_length"] == dump["header"]["signature_info_length"] == 15
    assert sizes["signature_algo_info_length"] == dump["header"]["signature_algo_info_length"] == 8
    assert trust_list_size_errors(dump) == []


@pytest.mark.parametrize("name", ["000_ja_show_itl.txt", "003_fr_show_itl.txt", "004_de_show_itl.txt"])
def test_sbd_article_records_add_up_without_the_omitted_signature(name):
    """CUCM 8.x ITL whose article omitted the header's signature rows: the header cannot be
    recomputed, the records and 296 + 1972 + 1972 + 743 + 455 = 5438 can."""
    dump = parsed(name)

    sizes = trust_list_sizes(dump)

    assert sizes["header_length"] is None
    assert sizes["signature_info_length"] is None
    assert sizes["signer_id_length"] == dump["header"]["signer_id_length"] == 110
    assert sizes["record_lengths"] == [1972, 1972, 743, 455]
    assert sizes["length"] == dump["length"] == 5438
    assert trust_list_size_errors(dump) == []


@pytest.mark.parametrize("name", ["000_ja_show_itl_record3.txt", "003_fr_show_itl_record3.txt",
                                  "004_de_show_itl_record3.txt"])
def test_partial_quote_of_a_record_is_reported(name):
    """The articles quote only rows 1-6 of the TVS record: 5 + 5 + 79 + 5 + 79 + 11 = 184 != 743."""
    dump = parsed(name)

    assert trust_list_sizes(dump)["record_lengths"] == [184]
    assert trust_list_size_errors(dump) == ["RECORDLENGTH of record #3 is 743 but its rows add up to 184"]


@pytest.mark.parametrize("name", [
    "002_ja_show_ctl_tokenless_elided.txt",
    "002_ja_show_ctl_etoken_elided.txt",
    "002_ja_show_ctl_two_etokens_elided.txt",
    "002_ja_show_ctl_before_regen_elided.txt",
])
def test_elided_ctl_records_that_were_printed_add_up(name):
    dump = parsed(name)

    sizes = trust_list_sizes(dump)

    assert dump["records"]
    assert sizes["record_lengths"] == [record["length"] for record in dump["records"]]
    assert sizes["length"] is None  # no HeaderLength printed: the file size cannot be checked


def test_missing_file_has_nothing_to_check():
    dump = parsed("002_ja_show_ctl_not_found.txt")

    assert trust_list_sizes(dump) == {
        "header_length": None, "signer_id_length": None, "signature_info_length": None,
        "signature_algo_info_length": None, "record_lengths": [], "length": None,
    }
    assert trust_list_size_errors(dump) == []


def test_a_record_missing_from_the_dump_breaks_the_file_length():
    """Seed 001 with its last record cut off: 324 + 4265 != 5302."""
    dump = parsed("001_ja_show_itl_before_reset.txt")
    dump["records"] = dump["records"][:-1]

    assert trust_list_size_errors(dump) == ["Length of file is 5302 but HeaderLength + the RECORDLENGTHs add up to 4589"]


@pytest.mark.parametrize("key, change, message", [
    ("signer_name_length", 1, "SIGNERID is 139 but its rows add up to 140"),
    ("signature_length", 128, "HeaderLength is 324 but its rows add up to 452"),
    ("digest_algorithm_length", 1, "SIGNATUREINFO is 15 but its rows add up to 16"),
])
def test_a_misread_header_row_is_reported(key, change, message):
    """Seed 001 with one LENGTH changed, as a garbled capture would show it."""
    dump = parsed("001_ja_show_itl_before_reset.txt")
    dump["header"][key] += change

    assert trust_list_size_errors(dump) == [message]


def test_a_misread_record_row_is_reported():
    dump = parsed("001_ja_show_itl_before_reset.txt")
    dump["records"][1]["lengths"]["PUBLICKEY"] = 270  # 140 in the seed

    assert trust_list_size_errors(dump) == ["RECORDLENGTH of record #2 is 1115 but its rows add up to 1245"]
