"""Turn a compatibility-check bundle into replay fixtures for the parser tests.

    .venv/bin/python scripts/bundle-to-fixtures.py <bundle dir> [--out tests/unit/fixtures/real] [--node HOST ...]

A bundle is what playbooks/compatibility_check.yml writes (docs/first-contact.md):
``<bundle>/<cluster>/<host>/results.json`` holds, per command, what the node printed and what the
parser made of it. For every command whose output came back (status ``understood``, ``partly`` or
``not_understood``; a ``failed`` command has no complete output to replay and is listed as skipped)
this writes, under ``<out>/<cluster>/<host>/``:

``<name>.txt``   the output as the parser sees it, after the echo line ``admin:<command>`` (the seed
                 fixtures' form: the parsers drop the echo);
``<name>.json``  ``command``, ``status`` as recorded on the node, and what the parse must give:
                 ``parsed`` when it was understood (also for ``partly``, with ``unparsed``); the
                 ``error`` (the quoted line) when it was not. ``source`` says where it came from.

tests/unit/plugins/module_utils/parsers/test_real_outputs.py parses every fixture with the parser of
its command and expects it understood and equal to ``parsed``. A fixture that was not understood
fails there until the parser is fixed and the developer puts the new parse in its JSON (``status``
``understood``, ``parsed``; ``error`` removed): that is the regression test of the fix.

Only the standard library; nothing of the collection is imported (the recorded parse is copied).
"""

import argparse
import json
import os
import sys

DEFAULT_OUT = os.path.join("tests", "unit", "fixtures", "real")
REPLAYABLE = ("understood", "partly", "not_understood")


def node_results(bundle):
    """``[(cluster, host, path of results.json)]`` of a bundle, sorted."""
    found = []
    for cluster in sorted(os.listdir(bundle)):
        cluster_dir = os.path.join(bundle, cluster)
        if not os.path.isdir(cluster_dir):
            continue
        for host in sorted(os.listdir(cluster_dir)):
            path = os.path.join(cluster_dir, host, "results.json")
            if os.path.isfile(path):
                found.append((cluster, host, path))
    return found


def fixture_text(command, output):
    """The CLI output as the parser sees it, after the command's echo line."""
    return "admin:%s\n%s\n" % (command, output)


def expectation(entry, cluster, host, release):
    """The JSON written next to a fixture."""
    data = {"command": entry["command"], "name": entry["name"], "status": entry["status"],
            "source": {"cluster": cluster, "host": host, "release": release,
                       "made_by": "scripts/bundle-to-fixtures.py"}}
    if entry["status"] in ("understood", "partly"):
        data["parsed"] = entry.get("parsed")
    if entry["status"] == "partly":
        data["unparsed"] = entry.get("unparsed") or []
    if entry["status"] == "not_understood":
        data["error"] = entry.get("error")
        data["note"] = ("not understood on the node: fix the parser, then replace 'error' by the parse it must "
                        "give ('parsed') and set 'status' to 'understood'. The error's line_number counts from the "
                        "first line after the echo line.")
    return data


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def convert(bundle, out, nodes=None):
    """Write the fixtures; ``(written, skipped)`` lists of ``(cluster, host, name, status)``."""
    results = node_results(bundle)
    if not results:
        raise SystemExit("%s: no <cluster>/<host>/results.json in it; is it a compatibility-check bundle?" % bundle)
    written, skipped = [], []
    for cluster, host, path in results:
        if nodes and host not in nodes:
            continue
        with open(path, encoding="utf-8") as handle:
            result = json.load(handle)
        for entry in result.get("commands") or []:
            key = (cluster, host, entry["name"], entry["status"])
            if entry["status"] not in REPLAYABLE:
                skipped.append(key + ((entry.get("error") or {}).get("message", ""),))
                continue
            base = os.path.join(out, cluster, host, entry["name"])
            write(base + ".txt", fixture_text(entry["command"], entry.get("output") or ""))
            write(base + ".json", json.dumps(expectation(entry, cluster, host, result.get("release")),
                                             indent=2, sort_keys=True) + "\n")
            written.append(key)
    return written, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(description="Turn a compatibility-check bundle into parser replay fixtures.")
    parser.add_argument("bundle", help="the bundle directory (holds summary.json and <cluster>/<host>/results.json)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="fixture directory (default: %(default)s)")
    parser.add_argument("--node", action="append", default=[], metavar="HOST",
                        help="only this inventory host (repeatable; default: every node of the bundle)")
    args = parser.parse_args(argv)
    written, skipped = convert(args.bundle, args.out, set(args.node))
    for cluster, host, name, status in written:
        print("%s/%s/%s: %s" % (cluster, host, name, status))
    for cluster, host, name, status, why in skipped:
        print("%s/%s/%s: skipped, %s (%s)" % (cluster, host, name, status, why))
    counts = {}
    for _cluster, _host, _name, status in written:
        counts[status] = counts.get(status, 0) + 1
    print("wrote %d fixture(s) to %s (%s); %d skipped" % (
        len(written), args.out, ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items())) or "none",
        len(skipped)))
    if args.node and not written and not skipped:
        print("no node named %s in the bundle" % ", ".join(args.node), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
