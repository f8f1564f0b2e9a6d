# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""parse_show_ctl and parse_run_sql on the CUCM 10.5 transcripts of seed 002.

Seed 002's web page renders many rows as markdown tables, splits rows so that a value sits
alone on the next line, and wraps names; every expected value is copied from the seed text.
"""

import io
import os

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_run_sql, parse_show_ctl

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "fixtures", "seeds")

SAST = "System Administrator Security Token"
PUB_SERIAL = "70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB"
PUB_SHA1 = "e9d433645bc88ced514d8fe5ea5b6d21a5a38c9c"
# The web copies spell the same name three ways; CUCM printed "Malopolska" (LENGTH 62 = 61 + NUL).
PUB_ASCII = "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL"
PUB_ONE_L = "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Małopolska;C=PL"
PUB_TWO_L = "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Małopołska;C=PL"
FULL_RECORD_TAGS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def fixture(name):
    with io.open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def test_ctl_not_found():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_not_found.txt"))

    assert parsed["present"] is False
    assert parsed["length"] == 0
    # The message wraps over three lines in the seed; joined with spaces.
    assert parsed["errors"] == [
        "CTL File not found . Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file.",
        "Error parsing the CTL File.",
    ]
    assert parsed["verified"] is False
    assert parsed["records"] == []
    assert parsed["signer"] is None


def test_tokenless_ctl_after_set_cluster_mixed_mode():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_tokenless_elided.txt"))

    assert parsed["present"] is True
    assert parsed["md5"] == "0c05655de63fe2a042cf252d96c6d609"
    assert parsed["sha1"] == "8c92d1a569f7263cf4485812366e66e3b503a2f5"
    assert parsed["length"] == 4947
    assert parsed["last_modified"] == "Fri Mar 06 19:45:13 CET 2015"
    # The header table is elided ("[...]") in this copy.
    assert parsed["version"] is None and parsed["header_length"] is None and parsed["signer"] is None
    assert parsed["header"]["tags"] == []
    first, second = parsed["records"]
    for record in (first, second):
        assert record["length"] == 1156
        assert record["dns_name"] == "cucm-1051-a-pub"
        # "...L=Krakow;" + "ST=Małopołska;C=PL" on the next line: joined without a space (LENGTH 62).
        assert record["subject"] == PUB_TWO_L
        assert record["issuer"] == PUB_TWO_L
        # The serial sits alone on the line after "6 SERIALNUMBER 16".
        assert record["serial"] == PUB_SERIAL
        assert record["public_key_length"] == 140 and record["signature_length"] == 128
        assert record["certificate_length"] == 694
        assert record["certificate_sha1"] == PUB_SHA1  # wrapped after 16 bytes
        assert record["tags"] == FULL_RECORD_TAGS
        assert record["lengths"]["IPADDRESS"] == 4
    assert first["function"] == SAST and first["signer"] is True
    assert second["function"] == "CCM+TFTP" and second["signer"] is None  # function alone on the next line
    assert parsed["verified"] is True


def test_hardware_etoken_ctl_before_update():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_etoken_elided.txt"))

    assert parsed["md5"] == "256a661f4630cd86ef460db5aad4e91c"
    assert parsed["sha1"] == "3d56cc01476000686f007aac6c278ed9059fc124"
    assert parsed["length"] == 5728
    assert parsed["last_modified"] == "Fri Mar 06 21:48:48 CET 2015"
    (record,) = parsed["records"]
    assert record["index"] == 5
    assert record["length"] == 1186
    assert record["dns_name"] == ""
    # LENGTH 56 but the web copy squeezed the eToken name's padding: kept as printed.
    assert record["subject"] == 'cn="SAST-ADN008580ef ";ou=IPCBU;o="Cisco Systems'
    assert record["function"] == SAST
    assert record["issuer"] == "cn=Cisco Manufacturing CA;o=Cisco Systems"
    assert record["serial"] == "83:E9:08:00:00:00:55:45:AF:31"
    assert record["signature_length"] is None  # eToken records carry no SIGNATURE row
    assert record["tags"] == [1, 2, 3, 4, 5, 6, 7, 9, 10]
    assert record["certificate_length"] == 902
    assert record["certificate_sha1"] == "85cd5dadeafc34b83e2ff2cb9c76b0933e8b3a4f"
    assert record["signer"] is True
    assert parsed["verified"] is True


def test_tokenless_ctl_after_update_ctlfile():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_tokenless_after_update_elided.txt"))

    assert parsed["md5"] == "1d97d9089dd558a062cccfcb1dc4c57f"
    assert parsed["sha1"] == "3b452f9ec9d6543df80e50f8b850cddc92fcf847"
    assert parsed["last_modified"] == "Fri Mar 06 21:56:07 CET 2015"
    first, second = parsed["records"]
    # "CN=...;L=Krakow; ST=Małopolska;C=PL" is 62 characters for LENGTH 62: the web's space goes.
    assert first["subject"] == PUB_ONE_L and first["issuer"] == PUB_ONE_L
    assert [first["function"], second["function"]] == [SAST, "CCM+TFTP"]
    assert [first["serial"], second["serial"]] == [PUB_SERIAL, PUB_SERIAL]
    assert [first["certificate_sha1"], second["certificate_sha1"]] == [PUB_SHA1, PUB_SHA1]
    assert [first["signer"], second["signer"]] == [True, None]
    assert parsed["verified"] is True


# The 16 signature rows of seed 002 (lines 506-521), first cell | rest.
SIGNATURE_ROWS_002 = """
65 ba 26 b4 ba de 2b 13
b8 18 2 4a 2b 6c 2d 20
7d e7 2f bd 6d b3 84 c5
bf 5 f2 74 cb f2 59 bc
b5 c1 9f cd 4d 97 3a dd
6e 7c 75 19 a2 59 66 49
b7 64 e8 9a 25 7f 5a c8
56 bb ed 6f 96 95 c3 b3
72 7 91 10 6b f1 12 f4
d5 72 e 8f 30 21 fa 80
bc 5d f6 c5 fb 6a 82 ec
f1 6d 40 17 1b 7d 63 7b
52 f7 7a 39 67 e1 1d 45
b6 fe 82 0 62 e3 db 57
8c 31 2 56 66 c8 91 c8
d8 10 cb 5e c3 1f ef a
"""


def test_tokenless_ctl_full_dump_migrated_by_l2_upgrade():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_tokenless_full.txt"))

    assert parsed["md5"] == "1d97d9089dd558a062cccfcb1dc4c57f"
    assert parsed["length"] == 4947
    assert parsed["version"] == "1.2"
    assert parsed["header_length"] == 336
    assert parsed["header"]["tags"] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15]
    assert parsed["header"]["signer_id_length"] == 149
    assert parsed["header"]["signer_name_length"] == 62
    assert parsed["header"]["signature_info_length"] == 15
    assert parsed["header"]["signature_algo_info_length"] == 8
    assert parsed["header"]["signature_length"] == 128
    assert parsed["header"]["filename_length"] == 12
    assert parsed["header"]["timestamp_length"] == 4
    assert parsed["signer"] == {"name": PUB_ONE_L, "serial": PUB_SERIAL, "ca_name": PUB_ONE_L}
    expected = "".join("%02x" % int(token, 16) for token in SIGNATURE_ROWS_002.split())
    assert parsed["signature_hex"] == expected and len(expected) == 256

    records = parsed["records"]
    assert [r["index"] for r in records] == [1, 2, 3, 4]
    assert [r["function"] for r in records] == [SAST, "CCM+TFTP", "CAPF", "CCM+TFTP"]
    assert [r["length"] for r in records] == [1156, 1156, 1138, 1161]
    assert [r["dns_name"] for r in records] == ["cucm-1051-a-pub"] * 3 + ["cucm-1051-a-sub1"]
    assert [r["subject"] for r in records] == [
        PUB_TWO_L, PUB_TWO_L, "CN=CAPF-e41e7d87;OU=TAC;O=Cisco;L=Krakow;ST=Małopołska;C=PL",
        "CN=cucm-1051-a-sub1;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL"]
    assert records[3]["issuer"] == records[3]["subject"]  # printed ISSUERNAM
    assert [r["serial"] for r in records] == [
        PUB_SERIAL, PUB_SERIAL, "74:4B:49:99:77:04:96:E7:99:E9:1E:81:D3:C8:10:9B",
        "6B:EB:FD:CD:CD:8C:A2:77:CB:2F:D1:D1:83:A6:0E:72"]
    assert [r["certificate_length"] for r in records] == [694, 694, 680, 696]
    assert [r["certificate_sha1"] for r in records] == [
        PUB_SHA1, PUB_SHA1, "46ee5a972465b0177e5f7e44f76c0af363354fa7", "217f23deafff0485767270bfb1ba44db5e90ed66"]
    assert [r["tags"] for r in records] == [FULL_RECORD_TAGS] * 4
    assert [r["signer"] for r in records] == [True, None, None, None]
    assert parsed["verified"] is True


def test_ctl_with_two_hardware_etokens():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_two_etokens_elided.txt"))

    assert parsed["md5"] == "2e7a6113eadbdae67ffa918d81376902"
    assert parsed["sha1"] == "d0f3511f10eef775cc91cce3fa6840c2640f11b8"
    assert parsed["last_modified"] == "Fri Mar 06 22:53:33 CET 2015"
    first, fifth = parsed["records"]
    assert [first["index"], fifth["index"]] == [1, 5]
    assert first["subject"] == 'cn="SAST-ADN0054f509 ";ou=IPCBU;o="Cisco Systems'
    assert fifth["subject"] == 'cn="SAST-ADN008580ef ";ou=IPCBU;o="Cisco Systems'
    assert [first["serial"], fifth["serial"]] == ["3C:F9:27:00:00:00:AF:A2:DA:45", "83:E9:08:00:00:00:55:45:AF:31"]
    assert [first["certificate_sha1"], fifth["certificate_sha1"]] == [
        "198f07c499201351c5aebf9503939ff2cc6d9390", "85cd5dadeafc34b83e2ff2cb9c76b0933e8b3a4f"]
    assert [first["function"], fifth["function"]] == [SAST, SAST]
    assert [first["signer"], fifth["signer"]] == [False, True]
    assert parsed["verified"] is True


def test_tokenless_ctl_before_callmanager_regeneration():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_before_regen_elided.txt"))

    assert parsed["md5"] == "7b7c10c4a7fa6de651d9b694b74db25f"
    assert parsed["sha1"] == "819841c6e767a59ecf2f87649064d8e073b0fe87"
    assert parsed["last_modified"] == "Mon Mar 09 16:59:43 CET 2015"
    first, second = parsed["records"]
    assert first["dns_name"] == second["dns_name"] == "cucm-1051-a-pub"  # alone on the next line
    assert first["subject"] == PUB_ASCII and first["issuer"] == PUB_ASCII  # ISSUENAME, wrapped
    assert second["subject"] == PUB_ONE_L
    assert [first["function"], second["function"]] == [SAST, "CCM+TFTP"]
    assert [first["serial"], second["serial"]] == [PUB_SERIAL, PUB_SERIAL]
    assert [first["certificate_sha1"], second["certificate_sha1"]] == [PUB_SHA1, PUB_SHA1]
    assert [first["signer"], second["signer"]] == [True, None]


def test_tokenless_ctl_after_callmanager_regeneration():
    parsed = parse_show_ctl(fixture("002_ja_show_ctl_after_regen_elided.txt"))

    assert parsed["present"] is True
    assert parsed["md5"] == "ebc649598280a4477bb3e453345c8c9d"
    assert parsed["sha1"] == "ef5c006b6182cad66197fac6e6530f15d009319d"
    assert parsed["length"] == 6113
    assert parsed["last_modified"] == "Mon Mar 09 17:07:52 CET 2015"
    assert parsed["records"] == []
    assert parsed["verified"] is True


def test_run_sql_cluster_security_mode():
    # The web copy shortened the '=' runs ("=====  =====" over "ClusterSecurityMode 0").
    parsed = parse_run_sql(fixture("002_ja_run_sql_cluster_security_mode.txt"))

    assert parsed == {"rows": [{"paramname": "ClusterSecurityMode", "paramvalue": "0"}], "row_count": None,
                      "unparsed": []}
