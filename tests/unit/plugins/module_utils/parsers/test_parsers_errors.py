# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Output the parsers cannot read raises ParserError quoting the line: never a half-filled result.

Each case corrupts one line of a seed fixture (or feeds a seed line where it does not belong).
"""

import io
import os

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import (
    ParserError,
    parse_run_sql,
    parse_show_ctl,
    parse_show_itl,
    parse_show_network_cluster,
    parse_show_version_active,
    parse_utils_service_list,
)

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "fixtures", "seeds")
ITL_10_0 = "001_ja_show_itl_before_reset.txt"
CTL_FULL = "002_ja_show_ctl_tokenless_full.txt"


def fixture(name):
    with io.open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def replace_line(name, old, new):
    """The fixture with its first line equal to ``old`` replaced; also returns that line's number."""
    lines = fixture(name).split("\n")
    number = lines.index(old)
    lines[number] = new
    return "\n".join(lines), number + 1


@pytest.mark.parametrize("old, new, reason", [
    # A record row turned into garbage.
    ("4 FUNCTION 2 TVS", "#### garbage ####", "unexpected line"),
    # An indented line that continues nothing (the SUBJECTNAME before it is complete).
    ("4 FUNCTION 2 TVS", "        garbage", "unexpected line"),
    # A tag CUCM does not print.
    ("7 PUBLICKEY 140", "7 PUBLICKEYS 140", "unknown record tag PUBLICKEYS"),
    # A record row where the header is.
    ("14 FILENAME 12", "1 RECORDLENGTH 2 1115", "record row before any 'ITL Record #' heading"),
    # A signature line with a token that is not a byte.
    ("49 6 ae d0 68 18 f6 4", "49 6 ae zz 68 18 f6 4", "unexpected line"),
])
def test_corrupted_line_is_quoted(old, new, reason):
    text, number = replace_line(ITL_10_0, old, new)

    with pytest.raises(ParserError) as caught:
        parse_show_itl(text)

    assert caught.value.line == new
    assert caught.value.line_number == number
    assert reason in str(caught.value)
    assert repr(new) in str(caught.value)


@pytest.mark.parametrize("old, new, reason", [
    ("6 SERIALNUMBER 16 42:BF:37:77:9B:16:AF:1C:D2:30:88:C2:17:24:9D:AA", "6 SERIALNUMBER 16 42-BF-37", "no serial number"),
    ("9 CERTIFICATE 692 CD C7 4A 39 87 87 52 FA B0 89 0C 28 AB CB 36 32 EB 87 16 DC",
     "9 CERTIFICATE 692 CD C7 4A 39 87 87 52 FA B0 89 0C 28 AB CB 36 32 EB 87", "20-byte SHA-1"),
    ("11 CERTHASH 20 7A BF CE B6 BE E2 06 02 74 D9 EB AE 58 48 52 93 7A 1E A5 55",
     "11 CERTHASH 20 7A BF CE B6 BE E2 06 02 74 D9 EB AE 58 48 52 93 7A 1E A5 5G", "needs 20 hex bytes"),
    ("7 PUBLICKEY 140", "7 PUBLICKEY 140 30 81 89", "should have no value"),
    ("1 RECORDLENGTH 2 439", "1 RECORDLENGTH 2 many", "needs a number"),
])
def test_unreadable_value_quotes_its_row(old, new, reason):
    text, number = replace_line(ITL_10_0, old, new)

    with pytest.raises(ParserError) as caught:
        parse_show_itl(text)

    assert caught.value.line == new
    assert caught.value.line_number == number
    assert reason in str(caught.value)


def test_table_row_garbage_in_ctl():
    old = "| 3 | SUBJECTNAME | 60 | CN=CAPF-e41e7d87;OU=TAC;O=Cisco;L=Krakow; ST=Małopołska;C=PL |"
    text, number = replace_line(CTL_FULL, old, "| 3 | SUBJECT | 60 | CN=CAPF-e41e7d87 |")

    with pytest.raises(ParserError) as caught:
        parse_show_ctl(text)

    assert caught.value.line_number == number
    assert "unknown record tag SUBJECT" in str(caught.value)


def test_a_row_printed_twice():
    text, number = replace_line(ITL_10_0, "8 SIGNATURE 128", "7 PUBLICKEY 140")

    with pytest.raises(ParserError) as caught:
        parse_show_itl(text)

    assert "PUBLICKEY printed twice" in str(caught.value)
    assert caught.value.line_number == number


def test_ctl_output_is_not_itl_output():
    with pytest.raises(ParserError) as caught:
        parse_show_itl(fixture(CTL_FULL))

    assert caught.value.line == "The checksum value of the CTL file:"


def test_etoken_line_without_a_record():
    # Seed 000 line 811 quotes this line on its own.
    with pytest.raises(ParserError) as caught:
        parse_show_itl("This etoken was not used to sign the ITL file.")

    assert "before any record" in str(caught.value)
    assert caught.value.line_number == 1


@pytest.mark.parametrize("parser", [parse_show_itl, parse_show_ctl, parse_run_sql, parse_show_network_cluster,
                                    parse_show_version_active, parse_utils_service_list])
@pytest.mark.parametrize("text", ["", "admin:", "\r\nadmin:\r\n"])
def test_no_output_at_all(parser, text):
    with pytest.raises(ParserError) as caught:
        parser(text)

    assert caught.value.line is None
    assert isinstance(caught.value, ValueError)


def test_run_sql_row_that_fits_no_column():
    text = fixture("002_ja_run_sql_cluster_security_mode.txt").replace("ClusterSecurityMode 0", "ClusterSecurityMode 0 extra")

    with pytest.raises(ParserError) as caught:
        parse_run_sql(text)

    assert caught.value.line == "ClusterSecurityMode 0 extra"
    assert caught.value.line_number == 4
