"""The tree says who uses what (docs/development.md, "Layout").

* ``plugins/module_utils/_x.py`` and ``plugins/plugin_utils/_x.py`` are private helpers: the first
  lines of their docstring name the plugins that use them ("used by ... only"), and no other
  plugin imports them;
* every other ``module_utils`` file is shared runtime: more than one plugin uses it;
* nothing in ``module_utils`` or ``plugin_utils`` is left unused (the parsers package and
  ``NOT_YET_SHARED`` list what is kept for work to come).
"""

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGINS = os.path.join(ROOT, "plugins")
HELPER_DIRS = ("module_utils", "plugin_utils")


def plugin_files():
    """Every Python file of plugins/, relative to the repository root."""
    found = []
    for top, _dirs, files in os.walk(PLUGINS):
        found += [os.path.relpath(os.path.join(top, f), ROOT) for f in files if f.endswith(".py")]
    return sorted(found)


def read(path):
    with open(os.path.join(ROOT, path)) as handle:
        return handle.read()


def dotted(path):
    return "ansible_collections.cucm.trust." + path[:-3].replace(os.sep, ".")


def imports_of(path):
    """Dotted names a file imports from this collection (``from x import y`` gives x and x.y)."""
    names = set()
    text = read(path)
    for match in re.finditer(r"^from (ansible_collections\.cucm\.trust\.\S+) import \(?([^)]*?)\)?$", text, re.M | re.S):
        base = match.group(1)
        names.add(base)
        for item in re.split(r"[\s,]+", match.group(2)):
            if item and item != "as":
                names.add(base + "." + item)
    for match in re.finditer(r"^from \.(\w+) import", text, re.M):  # parsers/__init__.py
        names.add(dotted(os.path.join(os.path.dirname(path), match.group(1) + ".py")))
    return names


def users(helper):
    """Plugin files (helpers excluded) that import ``helper``, directly or through another helper."""
    name = dotted(helper)
    direct = [p for p in plugin_files() if p != helper and any(i == name or i.startswith(name + ".") for i in imports_of(p))]
    result = set()
    for path in direct:
        if path.split(os.sep)[1] in HELPER_DIRS:
            result |= users(path) if path != helper else set()
        else:
            result.add(path)
    return result


def helpers():
    return [p for p in plugin_files() if p.split(os.sep)[1] in HELPER_DIRS and not p.endswith("__init__.py")]


PRIVATE = [p for p in helpers() if os.path.basename(p).startswith("_")]
SHARED = [p for p in helpers() if not os.path.basename(p).startswith("_") and os.sep + "parsers" + os.sep not in p]


def declared_users(path):
    """The plugin paths named in the 'Private to cucm.trust: used by ... only' sentence."""
    text = " ".join(read(path).split('"""')[1].split())
    match = re.search(r"Private to cucm\.trust: used by (.*?) only", text)
    assert match, "%s: its docstring must say 'Private to cucm.trust: used by <plugins> only'" % path
    return set(re.findall(r"plugins/[\w/]+\.py", match.group(1)))


def test_there_are_private_and_shared_helpers():
    assert "plugins/module_utils/_itl_reset.py" in PRIVATE and "plugins/module_utils/cucm.py" in SHARED


@pytest.mark.parametrize("helper", PRIVATE)
def test_private_helpers_are_used_by_the_plugins_they_name_and_no_other(helper):
    declared = declared_users(helper)
    assert declared, helper
    assert users(helper) == declared, helper


# Shared module_utils files fewer than two plugins use yet, and why they are shared anyway
# (drop the entry once a second plugin uses it).
NOT_YET_SHARED = {
    # The binary ITL/CTL reader, a second channel next to show itl / show ctl: the audit of the
    # files phones download (HTTP 6970) uses it, other trust checks will.
    "plugins/module_utils/trust_file.py",
}


@pytest.mark.parametrize("helper", SHARED)
def test_shared_runtime_is_shared(helper):
    if helper in NOT_YET_SHARED:
        assert len(users(helper)) < 2, "%s is shared now: remove it from NOT_YET_SHARED" % helper
        return
    assert len(users(helper)) >= 2, (helper, users(helper))


# Parsers no plugin uses yet, and why they stay.
NOT_YET_USED = {
    # `set cert regen` (seed 001): the lab tests read the lab's regeneration dialog with it, and the
    # check before a certificate regeneration (recovery plan, issue 11) will.
    "parse_cert_regen",
}


def test_every_parser_is_used_by_a_plugin():
    package = "plugins/module_utils/parsers/__init__.py"
    exported = re.search(r"__all__ = \((.*?)\)", read(package), re.S).group(1)
    outside = [p for p in plugin_files() if os.sep + "parsers" + os.sep not in p]
    unused = sorted(name for name in re.findall(r'"(\w+)"', exported)
                    if not any(re.search(r"\b%s\b" % name, read(p)) for p in outside))
    assert unused == sorted(NOT_YET_USED)
