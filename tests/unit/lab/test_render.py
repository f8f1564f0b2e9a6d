"""cucm_lab.render: `show itl` / `show ctl` text from the stored bytes, compared with the seeds."""

import datetime
import hashlib
import os
import re

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_show_ctl, parse_show_itl
from cucm_lab import bootstrap, pki, render, trustbuild
from cucm_lab import trustfile as tf
from cucm_lab.model import CERT_CALLMANAGER, CTL_FILE, ITL_FILE, StoredFile
from cucm_lab.trustfile import RecordSpec
from seed_dumps import fixture_text, parse_dump, seed_dump

ITL_BEFORE_RESET = seed_dump("001_ja_show_itl_before_reset.txt")
TWO_ETOKENS = seed_dump("002_ja_show_ctl_two_etokens_elided.txt")
# Seed 002 line 486 (and 269 etc.): "Fri Mar 06 21:56:07 CET 2015".
SEED_002_MTIME = datetime.datetime(2015, 3, 6, 20, 56, 7, tzinfo=datetime.timezone.utc)
KRAKOW = dict(ou="TAC", o="Cisco", l="Krakow", st="Malopolska", c="PL")  # seed 002's names
SEED_DN = dict(ou="tac", o="cisco", l="rtp", st="nc", c="US")
# Seed 001: "Wed Feb 26 10:24:27 PST 2014".
SEED_MTIME = datetime.datetime(2014, 2, 26, 18, 24, 27, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def seed_like_itl():
    """Seed 001's publisher ITL rebuilt with lab keys: same names, key sizes and record set."""
    pub = pki.new_identity("test10pub.joemar2.lab", key_size=1024, **SEED_DN)
    capf = pki.new_identity("CAPF-75638ad9", key_size=1024, **SEED_DN)
    tvs = pki.new_identity("test10pub.joemar2.lab", key_size=1024, **SEED_DN)
    # 30-character CN: seed 001 prints a longer name than its LENGTH 66 allows (edited article).
    recovery = pki.new_identity("ITLRECOVERY_test10pub.joemar2.", key_size=1024, **SEED_DN)
    sub_tvs = pki.new_identity("test10sub.joemar2.lab", key_size=2048, **SEED_DN)
    blank = "\x00"
    records = [
        RecordSpec(tf.FUNCTION_SAST, blank, pub, ip=None),
        RecordSpec(tf.FUNCTION_TFTP, blank, pub, ip=None),
        RecordSpec(tf.FUNCTION_CAPF, blank, capf, hash_only=True, ip=None),
        RecordSpec(tf.FUNCTION_TVS, blank, tvs, hash_only=True, ip=None),
        RecordSpec(tf.FUNCTION_SAST, blank, recovery, ip=None),
        RecordSpec(tf.FUNCTION_TVS, blank, sub_tvs, hash_only=True, ip=None),
    ]
    data = tf.build_trust_file(records, pub, "ITLFile.tlv", timestamp=SEED_MTIME)
    return StoredFile(data=data, mtime=SEED_MTIME)


@pytest.fixture(scope="module")
def cluster():
    return bootstrap.create_cluster("r", "10.5", 2, key_size=1024, security_mode=1)


def test_seed_like_itl_renders_the_seed_rows(seed_like_itl):
    text = render.render_show_itl(seed_like_itl, tz_name="America/Los_Angeles")
    ours = parse_dump(text)
    # Header rows: same tags, names and lengths; same values except serial (random here).
    assert [row[:3] for row in ours.header] == [row[:3] for row in ITL_BEFORE_RESET.header]
    for row, seed in zip(ours.header, ITL_BEFORE_RESET.header):
        if row[0] != tf.H_SERIAL_NUMBER:
            assert row[3] == seed[3], row
    # Records: same tags, names, lengths and values, except serials, certificate hashes and
    # certificate sizes (lab keys), and the edited ITLRecovery name.
    assert len(ours.records) == len(ITL_BEFORE_RESET.records)
    for index, (record, seed) in enumerate(zip(ours.records, ITL_BEFORE_RESET.records)):
        assert [row[0] for row in record] == [row[0] for row in seed]
        for row, seed_row in zip(record, seed):
            if row[0] in (tf.R_RECORD_LENGTH, tf.R_CERTIFICATE):
                continue
            assert row[2] == seed_row[2], (index, row)
            if row[0] in (tf.R_SERIAL_NUMBER, tf.R_CERT_HASH) or index == 4 and row[0] in (3, 5):
                continue
            assert row[3] == seed_row[3], (index, row)
    assert "The ITL File was last modified on Wed Feb 26 10:24:27 PST 2014" in text
    assert "The ITL File was last modified on Wed Feb 26 10:24:27 PST 2014" in ITL_BEFORE_RESET.text
    assert _sentences(text) == _sentences(ITL_BEFORE_RESET.text)
    assert text.rstrip().endswith("The ITL file was verified successfully.")


def _sentences(text):
    return re.findall(r"This etoken was (?:not )?used to sign the (?:ITL|CTL) file\.|"
                      r"The (?:ITL|CTL) file was verified successfully\.", text)


def test_rendered_values_come_from_the_bytes(cluster):
    node = cluster.nodes[1]
    stored = node.tftp_files[ITL_FILE]
    data = stored.data
    parsed = tf.parse_trust_file(data)
    text = render.render_show_itl(stored)
    lines = text.split("\n")
    assert lines[:3] == [
        "The checksum value of the ITL file:",
        hashlib.md5(data).hexdigest() + "(MD5)",
        hashlib.sha1(data).hexdigest() + "(SHA1)",
    ]
    assert "Length of ITL file: %d" % len(data) in lines
    assert "HeaderLength: %d (BYTES)" % parsed.header_length in lines
    assert "Version:      1.2" in lines
    record_rows = [line for line in lines if line.startswith("1\tRECORDLENGTH\t2\t")]
    assert record_rows == ["1\tRECORDLENGTH\t2\t%d" % r.length for r in parsed.records]
    callmanager = node.certs[CERT_CALLMANAGER].cert
    serial = ":".join("%02X" % b for b in tf.serial_bytes(callmanager.serial_number))
    assert "5\tSERIALNUMBER\t16\t%s" % serial in lines
    sha1 = " ".join(re.findall("..", pki.sha1_hex(callmanager).upper()))
    assert lines.count("9\tCERTIFICATE\t%d\t%s (SHA1 Hash HEX)" % (len(tf.cert_der(callmanager)), sha1)) == 2
    assert "\n".join(lines).count("\n          ITL Record #:") == len(parsed.records)


def test_signer_sentence_follows_the_signing_record(cluster):
    pub = cluster.publisher
    for signer_unit, used_record in ((None, 1), (cluster.release.reset_itl_signer, 5)):
        data = trustbuild.build_itl(cluster, pub, signer_unit=signer_unit)
        text = render.render_show_itl(StoredFile(data, SEED_MTIME))
        blocks = text.split("ITL Record #:")[1:]
        for number, block in enumerate(blocks, 1):
            sast = "4\tFUNCTION\t2\tSystem Administrator Security Token" in block
            if number == used_record:
                assert "This etoken was used to sign the ITL file." in block
            elif sast:
                assert "This etoken was not used to sign the ITL file." in block
            else:
                assert "This etoken was" not in block


def test_signature_bytes_are_printed_8_a_line_without_leading_zeros(cluster):
    stored = cluster.publisher.tftp_files[ITL_FILE]
    parsed = tf.parse_trust_file(stored.data)
    lines = render.render_show_itl(stored).split("\n")
    start = lines.index("12\tSIGNATURE\t128\t") + 1
    hex_lines = lines[start:start + 16]
    assert all(len(line.split()) == 8 for line in hex_lines)
    assert bytes(int(word, 16) for line in hex_lines for word in line.split()) == parsed.signature
    assert all(not (len(w) == 2 and w[0] == "0") for line in hex_lines for w in line.split())
    assert lines[start + 16] == "14\tFILENAME\t12\t"


def test_tampered_file_prints_the_failure_lines(cluster):
    stored = cluster.publisher.tftp_files[ITL_FILE]
    data = bytearray(stored.data)
    data[-10] ^= 0xFF
    text = render.render_show_itl(StoredFile(bytes(data), stored.mtime))
    assert "Verification of the ITL file failed.\nError parsing the ITL file!!\n" in text
    assert "verified successfully" not in text
    # The lines match seed 000's failure lines.
    seed_words = fixture_text("000_ja_show_itl_failed.txt").split()
    assert text.split()[-len(seed_words):] == seed_words
    assert hashlib.md5(bytes(data)).hexdigest() + "(MD5)" in text


def test_unparsable_file_prints_the_failure_lines(cluster):
    stored = cluster.publisher.tftp_files[ITL_FILE]
    text = render.render_show_itl(StoredFile(stored.data[:200], stored.mtime))
    assert "Length of ITL file: 200" in text
    assert text.rstrip().endswith("Verification of the ITL file failed.\nError parsing the ITL file!!")
    assert "ITL Record #" not in text


def test_missing_ctl_matches_the_seed():
    text = render.render_show_ctl(None)
    seed = fixture_text("002_ja_show_ctl_not_found.txt")
    seed_lines = [line for line in seed.split("\n") if line.strip() and "admin:" not in line
                  and line.strip() != "show ctl"]

    def flat(lines):  # the web copy split "found" from its period
        return re.sub(r"\s+\.", ".", " ".join(" ".join(lines).split()))

    assert flat(text.split("\n")) == flat(seed_lines)
    assert text.split("\n")[0] == "Length of CTL file: 0"


def test_missing_itl_lines_are_configurable():
    assert render.render_show_itl(None).split("\n")[0] == "Length of ITL file: 0"
    assert render.render_show_itl(None, missing_lines=["x", "y"]) == "x\ny\n"


def test_wrapping_continues_names_and_hashes_on_indented_lines(cluster):
    stored = cluster.publisher.tftp_files["CTLFile.tlv"]
    flat = render.render_show_ctl(stored).split("\n")
    wrapped = render.render_show_ctl(stored, wrap=True).split("\n")
    assert len(wrapped) > len(flat)
    continuations = [line for line in wrapped if line.startswith(render.CONTINUATION)]
    assert continuations and all(line.strip() for line in continuations)
    # Joining each continuation onto its row gives back the unwrapped text.
    rejoined = []
    for line in wrapped:
        if line.startswith(render.CONTINUATION):
            sep = "" if rejoined[-1].endswith(";") else " "
            rejoined[-1] += sep + line[len(render.CONTINUATION):]
        else:
            rejoined.append(line)
    assert rejoined == flat
    width = render.DEFAULT_STYLE.wrap_width
    values = [line.split("\t")[3] for line in wrapped
              if line.startswith(("3\tSUBJECTNAME\t", "5\tISSUENAME\t", "9\tCERTIFICATE\t"))]
    values += [line[len(render.CONTINUATION):] for line in continuations]
    assert all(len(value.replace(render.SHA1_SUFFIX, "").strip()) <= width for value in values)
    cert_rows = [line for line in wrapped if line.startswith("9\tCERTIFICATE\t")]
    assert all(len(row.split("\t")[3].split()) == (width + 1) // 3 for row in cert_rows)


def test_etoken_ctl_sentences_match_seed_002(cluster):
    tokens = pki.new_etoken_identities(2)
    data = trustbuild.build_ctl(cluster, etokens=tokens, signer=tokens[1])
    text = render.render_show_ctl(StoredFile(data, SEED_MTIME))
    assert _sentences(text) == _sentences(TWO_ETOKENS.text)
    assert "2\tDNSNAME\t1\t\n" in text  # empty DNSNAME of the eToken records


def test_etoken_records_carry_the_issuer_of_seed_002(cluster):
    tokens = pki.new_etoken_identities(2)
    lab = parse_dump(render.render_show_ctl(StoredFile(trustbuild.build_ctl(cluster, etokens=tokens), SEED_MTIME)))

    def issuers(dump):
        return [row[1:] for record in dump.records for row in record if row[0] == 5 and row[3].startswith("cn=")]

    seed_issuers, lab_issuers = issuers(TWO_ETOKENS), issuers(lab)
    # (spelling, LENGTH, VALUE) of the eToken issuer rows: seed 002 prints ISSUENAME there.
    assert seed_issuers and lab_issuers == seed_issuers
    assert {row[0] for row in seed_issuers} == {"ISSUENAME"}


def test_last_modified_uses_the_zone_asked_for(cluster):
    stored = StoredFile(cluster.publisher.tftp_files[ITL_FILE].data,
                        datetime.datetime(2015, 3, 6, 20, 56, 7, tzinfo=datetime.timezone.utc))
    assert "was last modified on Fri Mar 06 21:56:07 CET 2015" in render.render_show_ctl(
        stored, tz_name="Europe/Warsaw")  # seed 002's line
    assert "was last modified on Fri Mar 06 20:56:07 UTC 2015" in render.render_show_ctl(stored)


def test_the_collection_parser_reads_the_lab_output(cluster):
    for wrap in (False, True):
        for kind, name in (("itl", ITL_FILE), ("ctl", "CTLFile.tlv")):
            stored = cluster.nodes[1].tftp_files[name]
            parsed = tf.parse_trust_file(stored.data)
            text = render.render_show_trust(kind, stored, wrap=wrap)
            result = {"itl": parse_show_itl, "ctl": parse_show_ctl}[kind](text)
            assert result["verified"] is True
            assert result["length"] == len(stored.data)
            assert result["sha1"] == hashlib.sha1(stored.data).hexdigest()
            assert [r["length"] for r in result["records"]] == [r.length for r in parsed.records]
            assert [r["subject"] for r in result["records"]] == [r.subject for r in parsed.records]


# -- the seeds' layout ---------------------------------------------------------------------------


def _lines(name):
    return fixture_text(name).splitlines()


def _untable(line):
    """A markdown table row of a seed fixture as its TAB-separated cells."""
    return "\t".join(cell.strip() for cell in line.strip()[1:-1].split("|"))


def test_layout_lines_are_the_seeds(cluster):
    stored = cluster.publisher.tftp_files[CTL_FILE]
    lines = render.render_show_ctl(stored).split("\n")
    itl_lines = render.render_show_itl(cluster.publisher.tftp_files[ITL_FILE]).split("\n")
    de, ja = _lines("004_de_show_itl.txt"), _lines("000_ja_show_itl.txt")

    # Seed 004 lines 217-218, the one copy that keeps the spacing of these two lines.
    assert "Version:      1.2" in de and "Version:      1.2" in lines
    assert any(line.startswith("HeaderLength: ") and line.endswith(" (BYTES)") for line in de)
    assert any(line.startswith("HeaderLength: ") and line.endswith(" (BYTES)") for line in lines)
    # `Parse ITL File` unindented, then five dashes (seed 004 lines 212-213).
    assert de[de.index("Parse ITL File") + 1] == "-----"
    assert itl_lines[itl_lines.index("Parse ITL File") + 1] == "-----"
    assert lines[lines.index("Parse CTL File") + 1] == "-----"
    # The heading with one TAB between columns (seed 000 line 217); the dash row of seed 002's
    # tables (line 495); a record heading indented by ten spaces (seed 000 lines 270-271).
    assert render.TABLE_HEADING in ja and render.TABLE_HEADING in lines
    tables = _lines("002_ja_show_ctl_tokenless_full.txt")
    dash_row = _untable(next(line for line in tables if line.startswith("| ----- |")))
    assert dash_row == lines[lines.index(render.TABLE_HEADING) + 1] == "-----\t---\t-----\t-----"
    assert "          ITL Record #:3" in ja and ja[ja.index("          ITL Record #:3") + 1] == "          -----"
    heading = lines.index("          CTL Record #:1")
    assert lines[heading + 1] == "          -----"
    # No space before (MD5) / (SHA1): seed 002's seven dumps and seed 001's second one.
    md5 = hashlib.md5(stored.data).hexdigest()
    assert lines[1] == md5 + "(MD5)"
    assert re_line(r"^[0-9a-f]{32}\(MD5\)$", fixture_text("002_ja_show_ctl_tokenless_full.txt"))


def re_line(pattern, text):
    return any(re.match(pattern, line) for line in text.splitlines())


def test_every_style_choice_changes_only_its_lines(cluster):
    stored = cluster.publisher.tftp_files[ITL_FILE]
    style = render.DEFAULT_STYLE
    base = render.render_show_itl(stored, style=style)
    cases = {
        "issuer_tag": ("ISSUERNAM", lambda text: "\tISSUERNAM\t" in text and "\tISSUENAME\t" not in text),
        "checksum_space": (True, lambda text: " (MD5)\n" in text and " (SHA1)\n" in text),
        "version_layout": ("tab", lambda text: "\nVersion:\t1.2\nHeaderLength:\t" in text),
        "record_heading_indent": (0, lambda text: "\nITL Record #:1\n-----\n" in text),
        "rules": ("long", lambda text: "\n" + "-" * 16 + "\n" in text and "\n-------\t---\t------\t-----\n" in text),
    }
    for field, (value, check) in cases.items():
        text = render.render_show_itl(stored, style=style.with_overrides({field: value}))
        assert check(text), field
        assert not check(base), field
        changed = [a for a, b in zip(text.split("\n"), base.split("\n")) if a != b]
        assert changed and len(text.split("\n")) == len(base.split("\n")), field
    space = render.render_show_itl(stored, style=style.with_overrides({"version_layout": "space"}))
    assert "\nVersion: 1.2\nHeaderLength: " in space


@pytest.mark.parametrize("spelling", render.ISSUER_TAGS)
def test_every_issuer_spelling_of_the_seeds_is_read_back(cluster, spelling):
    stored = cluster.nodes[1].tftp_files[ITL_FILE]
    text = render.render_show_itl(stored, style=render.TrustListStyle(issuer_tag=spelling))
    parsed = tf.parse_trust_file(stored.data)
    assert text.count("\t%s\t" % spelling) == len(parsed.records)
    assert [r["issuer"] for r in parse_show_itl(text)["records"]] == [r.issuer for r in parsed.records]
    names = ("000_ja_show_itl.txt", "001_ja_show_itl_after_reset.txt", "001_ja_show_itl_before_reset.txt")
    seeds = " ".join(fixture_text(name) for name in names)
    assert re.search(r"\b%s\b" % spelling, seeds)


def test_default_issuer_spelling_is_the_seeds_most_common():
    seeds = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "seeds")
    counts = dict.fromkeys(render.ISSUER_TAGS, 0)
    dumps = dict.fromkeys(render.ISSUER_TAGS, 0)
    for name in sorted(os.listdir(seeds)):
        if name.endswith(".txt"):
            found = re.findall(r"\b(ISSUENAME|ISSUERNAME|ISSUERNAM)\b", fixture_text(name))
            for spelling in found:
                counts[spelling] += 1
            for spelling in set(found):
                dumps[spelling] += 1
    # By fixture (a dump or a quoted part of one): ISSUENAME leads; by row the two long forms tie.
    assert max(dumps, key=dumps.get) == render.DEFAULT_STYLE.issuer_tag == "ISSUENAME"
    assert abs(counts["ISSUENAME"] - counts["ISSUERNAME"]) <= 1 and counts["ISSUERNAM"] < 5


def _seed_002_file(common_name, function):
    """A one-record CTL with seed 002's names (the certificate and the hashes are the lab's)."""
    identity = pki.new_identity(common_name, key_size=1024, **KRAKOW)
    codes = sorted({tf.FUNCTION_SAST, function})
    records = [RecordSpec(code, common_name, identity, ip="192.0.2.20") for code in codes]
    return StoredFile(tf.build_trust_file(records, identity, CTL_FILE), SEED_002_MTIME)


def test_wrap_width_44_reproduces_seed_002s_full_dump():
    """Seed 002 lines 590-599: the name broken after `L=Krakow;` (44 characters), 15 hash bytes."""
    stored = _seed_002_file("cucm-1051-a-sub1", tf.FUNCTION_CCM_TFTP)
    lines = render.render_show_ctl(stored, wrap=True).split("\n")
    seed = _lines("002_ja_show_ctl_tokenless_full.txt")
    start = next(i for i, line in enumerate(seed) if "SUBJECTNAME     63" in line)
    subject = lines.index(next(line for line in lines if line.startswith("3\tSUBJECTNAME\t")))
    assert [line.split() for line in lines[subject:subject + 2]] == [line.split() for line in seed[start:start + 2]]
    issuer = lines.index(next(line for line in lines if line.startswith("5\tISSUENAME\t")))
    assert lines[issuer].split()[2:] == seed[start + 3].split()[2:]  # seed: ISSUERNAM, same LENGTH/VALUE
    assert lines[issuer + 1].split() == seed[start + 4].split()
    certificate = next(i for i, line in enumerate(lines) if line.startswith("9\tCERTIFICATE\t"))
    seed_certificate = next(i for i, line in enumerate(seed) if "CERTIFICATE     696" in line)
    assert len(lines[certificate].split("\t")[3].split()) == len(seed[seed_certificate].split()[3:]) == 15
    assert lines[certificate + 1].split()[-3:] == seed[seed_certificate + 1].split()[-3:] == ["(SHA1", "Hash", "HEX)"]
    assert len(lines[certificate + 1].split()) == len(seed[seed_certificate + 1].split())


def test_wrap_width_47_reproduces_seed_002s_first_dump():
    """Seed 002 lines 190-201: `CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;` then 16 hash bytes."""
    stored = _seed_002_file("cucm-1051-a-pub", tf.FUNCTION_SAST)
    style = render.DEFAULT_STYLE.with_overrides({"wrap_width": 47})
    lines = render.render_show_ctl(stored, wrap=True, style=style).split("\n")
    seed = _lines("002_ja_show_ctl_tokenless_elided.txt")
    subject = next(i for i, line in enumerate(lines) if line.startswith("3\tSUBJECTNAME\t"))
    seed_subject = next(i for i, line in enumerate(seed) if "SUBJECTNAME   62" in line)
    assert lines[subject].split()[3] == seed[seed_subject].split()[3] == "CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;"
    assert lines[subject + 1] == render.CONTINUATION + "ST=Malopolska;C=PL"
    certificate = next(line for line in lines if line.startswith("9\tCERTIFICATE\t"))
    seed_certificate = next(line for line in seed if "CERTIFICATE   694" in line)
    assert len(certificate.split("\t")[3].split()) == len(seed_certificate.split()[3:]) == 16


def test_a_nodes_time_zone_and_style_apply_to_the_files_it_holds():
    cluster = bootstrap.create_cluster("tz", "10.5", 2, key_size=1024, security_mode=1, time_zone="Europe/Warsaw",
                                       trust_list_style={"issuer_tag": "ISSUERNAME"})
    pub, sub = cluster.nodes
    assert (pub.time_zone, sub.trust_list_style) == ("Europe/Warsaw", {"issuer_tag": "ISSUERNAME"})
    pub.tftp_files[CTL_FILE] = StoredFile(pub.tftp_files[CTL_FILE].data, SEED_002_MTIME)
    text = render.render_show_ctl(pub.tftp_files[CTL_FILE])
    assert "The CTL File was last modified on Fri Mar 06 21:56:07 CET 2015" in text  # seed 002 line 486
    assert "\n5\tISSUERNAME\t" in text
    # The caller's choice wins; a file no node holds gets the defaults.
    assert "21:56:07 CET" not in render.render_show_ctl(pub.tftp_files[CTL_FILE], tz_name="UTC")
    loose = StoredFile(pub.tftp_files[CTL_FILE].data, SEED_002_MTIME)
    assert "Fri Mar 06 20:56:07 UTC 2015" in render.render_show_ctl(loose)
    assert "\n5\tISSUENAME\t" in render.render_show_ctl(loose)
    # A node's own setting, changed later, applies to what it already holds.
    sub.time_zone, sub.trust_list_style = "America/Los_Angeles", {"issuer_tag": "ISSUERNAM"}
    sub.tftp_files[CTL_FILE] = pub.tftp_files[CTL_FILE]  # stored as sub's own copy
    assert pub.tftp_files[CTL_FILE].holder is pub and sub.tftp_files[CTL_FILE].holder is sub
    text = render.render_show_ctl(sub.tftp_files[CTL_FILE])
    assert "Fri Mar 06 12:56:07 PST 2015" in text and "\n5\tISSUERNAM\t" in text
    assert parse_show_ctl(text)["verified"] is True


def test_style_overrides_are_checked():
    assert render.parse_style_overrides("issuer_tag=ISSUERNAM, checksum_space=yes,wrap_width=47") == {
        "issuer_tag": "ISSUERNAM", "checksum_space": True, "wrap_width": 47}
    for bad in ("issuer_tag=ISSUER", "colour=red", "wrap_width=wide", "checksum_space=maybe", "rules",
                "wrap_width=5", "version_layout=centred"):
        with pytest.raises(ValueError):
            render.parse_style_overrides(bad)
    with pytest.raises(ValueError):
        render.valid_time_zone("Mars/Olympus_Mons")
    with pytest.raises(ValueError):
        bootstrap.create_cluster("bad", "12.5", 1, key_size=1024, trust_list_style={"issuer_tag": "x"})
