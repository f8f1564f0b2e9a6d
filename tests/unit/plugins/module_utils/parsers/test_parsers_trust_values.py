# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How wrapped names are joined back, on the pieces the seeds print."""

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers.trust_values import hex_tokens, join_name

# Seed 002 lines 190-191: "3 SUBJECTNAME 62 CN=...L=Krakow;" then "          ST=Małopołska;C=PL".
KRAKOW = ["CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;", "ST=Małopołska;C=PL"]
# Seed 003 lines 236-237: "3 SUBJECTNAME 76 CN=CUCM8-Publisher.bbburns.lab;" then the rest.
BBBURNS = ["CN=CUCM8-Publisher.bbburns.lab;", "OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US"]


@pytest.mark.parametrize("parts, length, expected", [
    # 61 characters for LENGTH 62: the wrap cut nothing.
    (KRAKOW, 62, "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Małopołska;C=PL"),
    # LENGTH counts bytes: the same 61 characters are 63 UTF-8 bytes, the spaced join 64.
    (KRAKOW, 64, "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Małopołska;C=PL"),
    (KRAKOW, 65, "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow; ST=Małopołska;C=PL"),
    # 74 characters without the space, 75 with it: LENGTH 76 wants the space.
    (BBBURNS, 76, "CN=CUCM8-Publisher.bbburns.lab; OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US"),
    # Seed 000 line 219, one line of 76 characters for LENGTH 76: the web-inserted space goes.
    (["CN=CUCM8-Publisher.bbbburns.lab; OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US"], 76,
     "CN=CUCM8-Publisher.bbbburns.lab;OU=TAC;O=Cisco;L=RTP;ST=North Carolina;C=US"),
    # Seed 002 line 279: LENGTH 56, the web squeezed the name's padding: kept as printed.
    (['cn="SAST-ADN008580ef ";ou=IPCBU;o="Cisco Systems'], 56, 'cn="SAST-ADN008580ef ";ou=IPCBU;o="Cisco Systems'),
    # Nothing fits: pieces kept as printed, one space between.
    (KRAKOW, 90, "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow; ST=Małopołska;C=PL"),
    # "2 DNSNAME 2" with nothing printed (seed 001).
    ([""], 2, ""),
])
def test_join_name(parts, length, expected):
    assert join_name(parts, length) == expected


def test_hex_tokens_pad_bytes_printed_without_leading_zero():
    # Seed 001 line 211.
    assert hex_tokens("49 6 ae d0 68 18 f6 4") == ["49", "06", "ae", "d0", "68", "18", "f6", "04"]
    assert hex_tokens("49 6 ae zz") is None


def test_a_name_garbled_into_many_pieces_is_joined_without_trying_every_combination():
    # Seed 003's subject cut into 40 pieces (a garbled capture, not a wrap): 2**39 joins would hang.
    name = "".join(BBBURNS)
    pieces = [name[i:i + 2] for i in range(0, len(name), 2)]
    assert join_name(pieces, len(name) + 1) == name
    assert join_name(pieces, 500) == " ".join(pieces)  # nothing fits: kept as printed
