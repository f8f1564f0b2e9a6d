"""Every module runs through the cucm action plugin and belongs to the ``cucm`` action group.

A module without its ``action_plugin`` entry in meta/runtime.yml would run as a plain module:
no network_cli check and no host name in its failures, silently. These tests read the
collection the way ansible-core does (its plugin loader and meta/runtime.yml).
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                 if name.endswith(".py") and not name.startswith("_"))


def runtime():
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        return yaml.safe_load(handle)


def missing_contract(runtime_data, modules):
    """``[(module, what is missing)]`` for a runtime.yml and the collection's module names."""
    routing = (runtime_data.get("plugin_routing") or {}).get("modules") or {}
    group = (runtime_data.get("action_groups") or {}).get("cucm") or []
    problems = []
    for module in modules:
        if (routing.get(module) or {}).get("action_plugin") != "cucm.trust.cucm":
            problems.append((module, "plugin_routing.modules.%s.action_plugin: cucm.trust.cucm" % module))
        if module not in group:
            problems.append((module, "action_groups.cucm entry"))
    for name in set(routing) | set(group):
        if name not in modules:
            problems.append((name, "a module of that name (runtime.yml names one that does not exist)"))
    return problems


def test_the_collection_has_modules():
    assert "itl_reset" in MODULES and len(MODULES) >= 10


def test_every_module_has_its_action_entry_and_group_entry():
    assert missing_contract(runtime(), MODULES) == []


@pytest.mark.parametrize("drop", ["plugin_routing", "action_groups"])
def test_a_missing_entry_is_caught(drop):
    data = runtime()
    if drop == "plugin_routing":
        del data["plugin_routing"]["modules"]["itl_reset"]
    else:
        data["action_groups"]["cucm"].remove("itl_reset")
    assert [module for module, _what in missing_contract(data, MODULES)] == ["itl_reset"]


def this_tree_as_a_collection_path():
    """The directory tests/conftest.py set up, whose ansible_collections/cucm/trust is this tree."""
    for entry in sys.path:
        candidate = os.path.join(entry, "ansible_collections", "cucm", "trust")
        if os.path.isdir(candidate) and os.path.realpath(candidate) == os.path.realpath(ROOT):
            return entry
    raise AssertionError("tests/conftest.py did not put this tree on sys.path as cucm.trust")


RESOLVE = """
import json, sys
from ansible.plugins.loader import init_plugin_loader, module_loader
init_plugin_loader([sys.argv[1]])
found = {}
for name in sys.argv[2:]:
    context = module_loader.find_plugin_with_context("cucm.trust." + name)
    found[name] = context.action_plugin if context.resolved else "(module not found)"
print(json.dumps(found))
"""


def test_ansible_resolves_every_module_to_the_cucm_action_plugin():
    # What the task executor asks: which action plugin handles cucm.trust.<module>? Asked of
    # this tree (not of a built copy that may be older), in a fresh interpreter: the plugin
    # loader is process-wide state that other tests have already touched.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=this_tree_as_a_collection_path())
    out = subprocess.run([sys.executable, "-c", RESOLVE, this_tree_as_a_collection_path()] + MODULES, env=env,
                         stdout=subprocess.PIPE, check=True, universal_newlines=True).stdout
    assert json.loads(out) == dict((module, "cucm.trust.cucm") for module in MODULES)


def test_the_action_plugin_exists_and_no_other():
    assert sorted(os.listdir(os.path.join(ROOT, "plugins", "action"))) in (["cucm.py"], ["__init__.py", "cucm.py"])
