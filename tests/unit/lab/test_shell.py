"""The `admin:` shell over SSH: line input, pagination, questions, output settings."""

import re
import time

from ansible_collections.cucm.trust.plugins.terminal.cucm import PROMPT_RE as TERMINAL_PROMPT_RE
from cucm_lab import render
from cucm_lab.testing import PROMPT_RE

PAGER_RE = re.compile(r"options: q=quit, n=next, p=prev, b=begin, e=end \(lines (\d+) - (\d+) of (\d+)\) :$")


def lf(text):
    return text.replace("\r\n", "\n")


def _pager_lines(text):
    """`line N` numbers printed in a chunk of `labtest lines` output (after the erased pager)."""
    shown = (line.rsplit("\r", 1)[-1] for line in text.split("\r\n"))
    return [int(m.group(1)) for m in map(re.compile(r"^line (\d+)$").match, shown) if m]


def test_pagination_hangs_until_turned_off(clean_lab, pub):
    stored = clean_lab.stored_file(pub, "ITLFile.tlv")
    expected = lf(render.render_show_itl(stored)).splitlines()
    assert len(expected) > 24
    with clean_lab.shell(pub, height=24) as cli:
        cli.send("show itl\r")
        first_page = cli.read_until(PAGER_RE)
        first, last, total = map(int, PAGER_RE.search(first_page).groups())
        assert (first, last, total) == (1, 23, len(expected))
        assert lf(first_page).split("\n")[1:24] == expected[:23]
        # Forgetting `set cli pagination off` is visible: nothing more comes.
        assert cli.read_for(1.0) == ""
        cli.send("q")
        cli.read_until(PROMPT_RE)

        assert cli.command("show cli pagination").strip() == "Automatic Pagination : On."
        assert cli.command("set cli pagination off").strip() == "Automatic pagination is turned off"
        assert cli.command("show cli pagination").strip() == "Automatic Pagination : Off."
        full = cli.command("show itl")
    assert "options:" not in full
    assert lf(full).splitlines()[: len(expected)] == expected


def test_pager_keys(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "page_lines": 11})
    with clean_lab.shell(pub) as cli:
        cli.send("labtest lines 50\r")
        page = cli.read_until(PAGER_RE)
        assert _pager_lines(page) == list(range(1, 11))
        steps = [(" ", range(11, 21)), ("p", range(1, 11)), ("\r\n", range(11, 21)), ("b", range(1, 11))]
        for key, numbers in steps:
            cli.send(key)
            page = cli.read_until(PAGER_RE)
            assert _pager_lines(page) == list(numbers), key
            assert PAGER_RE.search(page).group(1) == str(numbers[0])
        cli.send("e")
        tail = cli.read_until(PROMPT_RE)
        assert _pager_lines(tail) == list(range(41, 51))
        assert cli.read_for(0.3) == ""  # the LF of the CRLF above was not taken as a key


def test_line_editing(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("show myselg\x7ff\r")
        raw = cli.read_until(PROMPT_RE)
        assert raw.startswith("show myselg\b \bf\r\n")
        assert "Machine Name    : %s" % pub in raw
        cli.send("show cli pag\x1b[Aination\r")  # an arrow key is ignored
        assert "Automatic Pagination : On." in cli.read_until(PROMPT_RE)
    history = clean_lab.control("GET", "/stats")["nodes"][pub]["history"]
    assert history == ["show myself", "show cli pagination"]


def test_enter_is_cr_lf_or_crlf_once(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("show cli pagination\r\n")
        cli.read_until(PROMPT_RE)
        assert cli.read_for(0.3) == ""  # no second prompt for the LF
        cli.send("show version active\n")
        assert "Active Master Version:" in cli.read_until(PROMPT_RE)
        cli.send("show myself\r")
        cli.read_until(PROMPT_RE)
        cli.send("\n")  # the LF of that CRLF, arriving late
        assert cli.read_for(0.3) == ""
        cli.send("\r")  # a real empty line redraws the prompt
        assert cli.read_until(PROMPT_RE) == "\r\nadmin:"
    assert clean_lab.control("GET", "/stats")["nodes"][pub]["commands"] == 3


def test_unknown_command(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        assert lf(cli.command("show nonsense")).split("\n")[:2] == [
            "Invalid command", "Executed command unsuccessfully"]
        clean_lab.control("POST", "/settings", {"node": pub, "unknown_command": ["Unknown command"]})
        assert lf(cli.command("frobnicate")).split("\n")[0] == "Unknown command"


def test_labtest_commands_need_the_setting(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "test_commands": False})
    with clean_lab.shell(pub) as cli:
        assert lf(cli.command("labtest lines 3")).startswith("Invalid command\n")


def test_prompt_redraw(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "prompt_redraw": True})
    with clean_lab.shell(pub) as cli:
        assert cli.banner.endswith("admin:\r\n\radmin:")
        cli.send("show myself\r")
        raw = cli.read_until(re.compile(r"admin:\r\n\radmin:$"))
    assert TERMINAL_PROMPT_RE.search(raw.encode())  # the collection's terminal plugin sees a prompt


def test_stray_carriage_returns(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "stray_cr": True})
    stored = clean_lab.stored_file(pub, "ITLFile.tlv")
    with clean_lab.shell(pub) as cli:
        cli.command("set cli pagination off")
        raw = cli.command("show itl")
    assert re.search(r"\r(?!\n)", raw)
    without = re.sub(r"\r(?!\n)", "", raw)
    assert lf(without).startswith(lf(render.render_show_itl(stored)))


def test_prompt_only_after_newline(clean_lab, sub):
    clean_lab.control("POST", "/settings", {"node": sub, "prompt_after_newline": True})
    with clean_lab.shell(sub, wait_prompt=False) as cli:
        cli.read_until(re.compile(r"Mbytes RAM\r\n\r\n$"))
        assert cli.read_for(0.5) == ""
        cli.send("\r")
        assert cli.read_until(PROMPT_RE) == "admin:"
        assert "Automatic pagination is turned off" in cli.command("set cli pagination off")


def test_dns_warning_among_hardware_lines(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "dns_warning": True})
    with clean_lab.shell(pub) as cli:
        lines = cli.banner.split("\r\n")
    assert lines.index("WARNING: DNS unreachable") > lines.index("VMware Installation:")
    assert lines[-1] == "admin:"


def test_wrapped_trust_file_values(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "wrap": True})
    stored = clean_lab.stored_file(pub, "ITLFile.tlv")
    wrapped = lf(render.render_show_itl(stored, wrap=True))
    assert wrapped != lf(render.render_show_itl(stored))
    with clean_lab.shell(pub) as cli:
        cli.command("set cli pagination off")
        assert lf(cli.command("show itl")).startswith(wrapped)


def test_ask_reads_an_answer(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("labtest ask\r")
        cli.read_until("Type a word:$")
        cli.send("hello\r")
        raw = cli.read_until(PROMPT_RE)
    assert raw.startswith("hello\r\nYou typed: hello\r\n")


def test_secret_answer_is_not_echoed(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("labtest ask secret\r")
        cli.read_until("Type a word:$")
        cli.send("s3cret\r")
        raw = cli.read_until(PROMPT_RE)
    assert raw.startswith("\r\nYou typed: s3cret\r\n")


def _type_slowly(cli, text, gap=0.1):
    for char in text:
        cli.send(char)
        time.sleep(gap)


def test_typed_slowly_question_drops_bursts(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("labtest ask slow\r")
        cli.read_until("Type a word:$")
        cli.send("yes\r")  # one burst: only "y" survives, Enter included in the loss
        assert cli.read_until("y$") == "y"
        assert cli.read_for(0.3) == ""
        _type_slowly(cli, "es\r")
        raw = cli.read_until(PROMPT_RE)
    assert raw.startswith("es\r\nYou typed: yes\r\n")


def test_burst_drop_fault_on_a_normal_question(clean_lab, pub):
    clean_lab.control("POST", "/faults", {"node": pub, "fault": "drop_burst_input",
                                          "command": "^labtest ask", "count": 1,
                                          "params": {"question": "Type a word"}})
    with clean_lab.shell(pub) as cli:
        cli.send("labtest ask\r")
        cli.read_until("Type a word:$")
        cli.send("no\r")
        assert cli.read_until("n$") == "n"
        assert cli.read_for(0.3) == ""
        _type_slowly(cli, "o\r")
        assert cli.read_until(PROMPT_RE).startswith("o\r\nYou typed: no\r\n")
        # count 1: the next question takes bursts again
        cli.send("labtest ask\r")
        cli.read_until("Type a word:$")
        cli.send("no\r")
        assert cli.read_until(PROMPT_RE).startswith("no\r\nYou typed: no\r\n")


def test_sleep_follows_the_lab_clock(clean_lab, pub):
    with clean_lab.shell(pub) as cli:
        cli.send("labtest sleep 300\r")
        cli.read_until("labtest sleep 300\r\n$")
        assert cli.read_for(0.3) == ""
        started = time.monotonic()
        clean_lab.control("POST", "/clock/advance", {"seconds": 301})
        assert cli.read_until(PROMPT_RE).startswith("slept\r\n")
        assert time.monotonic() - started < 2


def test_time_scale(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "time_scale": 0.05})
    with clean_lab.shell(pub) as cli:
        started = time.monotonic()
        assert cli.command("labtest sleep 10").startswith("slept")
        assert 0.4 < time.monotonic() - started < 3


def test_guessed_texts_are_settings(clean_lab, pub):
    clean_lab.control("POST", "/settings", {"node": pub, "texts": {
        "pagination_on": "Pagination is ON", "hardware": "        4 vCPU: lab"}})
    with clean_lab.shell(pub) as cli:
        assert "\r\nVMware Installation:\r\n        4 vCPU: lab\r\n\r\nadmin:" in cli.banner
        assert cli.command("set cli pagination on").strip() == "Pagination is ON"
