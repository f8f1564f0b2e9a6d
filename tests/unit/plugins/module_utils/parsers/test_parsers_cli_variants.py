# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The same seed transcript as the SSH shell delivers it parses the same.

The shell sends CRLF, stray lone CRs, the command echo and the next prompt (cucm-cli-behaviour.md);
the web copies in the fixtures have LF and tabs or spaces. Each variant is made from a fixture.
"""

import glob
import io
import os
import re
import subprocess
import sys

import pytest

from ansible_collections.cucm.trust.plugins.module_utils.parsers import parse_run_sql, parse_show_ctl, parse_show_itl

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "fixtures", "seeds")
MODULE_UTILS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..", "plugins", "module_utils")

SHOW_FIXTURES = sorted(os.path.basename(path) for path in glob.glob(os.path.join(FIXTURES, "*_show_[ic]tl*.txt")))
# The fixtures' own prompt and echo, as the web pages split them.
_LEADING_ECHO = re.compile(r"^(?:\s*(?:admin:)?(?:show (?:itl|ctl|ct1))?\s*\n)+")


def fixture(name):
    with io.open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def parser_for(name):
    return parse_show_itl if "_show_itl" in name else parse_show_ctl


def command_for(name):
    return "show itl" if "_show_itl" in name else "show ctl"


def as_shell_sends(name, text):
    body = _LEADING_ECHO.sub("", text).rstrip("\n")
    # Echo, CRLF line ends, then the prompt redrawn after a lone CR.
    return "admin:%s\r\n%s\r\nadmin:\r\n\radmin:" % (command_for(name), body.replace("\n", "\r\n"))


VARIANTS = {
    "crlf": lambda name, text: text.replace("\n", "\r\n"),
    "echo_and_prompts": as_shell_sends,
    "tabs_to_spaces": lambda name, text: "\n".join(line.expandtabs(8) for line in text.split("\n")),
    "lone_cr_line_ends": lambda name, text: text.replace("\n", "\r"),
    "stray_cr_after_crlf": lambda name, text: text.replace("\n", "\r\n\r"),
    "all_at_once": lambda name, text: as_shell_sends(name, "\n".join(line.expandtabs(8) for line in text.split("\n"))).replace(
        "\r\n", "\r\n\r"),
}


def test_every_show_fixture_is_covered():
    assert len(SHOW_FIXTURES) == 20


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", SHOW_FIXTURES)
def test_variant_parses_like_the_fixture(name, variant):
    text = fixture(name)
    parser = parser_for(name)

    assert parser(VARIANTS[variant](name, text)) == parser(text)


@pytest.mark.parametrize("variant", ["crlf", "lone_cr_line_ends", "stray_cr_after_crlf"])
def test_run_sql_line_end_variants(variant):
    name = "002_ja_run_sql_cluster_security_mode.txt"
    text = fixture(name)

    assert parse_run_sql(VARIANTS[variant](name, text)) == parse_run_sql(text)


def test_run_sql_with_prompt_and_trailing_prompt():
    text = fixture("002_ja_run_sql_cluster_security_mode.txt")

    assert parse_run_sql("admin:" + text.replace("\n", "\r\n") + "admin:")["rows"] == [
        {"paramname": "ClusterSecurityMode", "paramvalue": "0"}]


def test_parsers_import_without_ansible():
    """module_utils code must load on a target with nothing but the standard library."""
    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "class Block(object):\n"
        "    def find_module(self, name, path=None): return None\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'ansible' or name.startswith('ansible.'): raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import parsers\n"
        "print(sorted(n for n in parsers.__all__))\n"
    ) % os.path.abspath(MODULE_UTILS)
    output = subprocess.check_output([sys.executable, "-I", "-c", script], universal_newlines=True)

    assert "parse_show_itl" in output and "ParserError" in output
