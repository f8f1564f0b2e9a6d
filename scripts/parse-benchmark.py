"""Time the collection's `show itl` parser on a small seed and on a large lab ITL.

    PYTHONPATH=tests/lab .venv/bin/python scripts/parse-benchmark.py [--tree DIR] [-n 50]

The large input is the publisher's ITL of a 35-node CUCM 12.5 lab cluster (2048-bit keys):
39 certificate records, about 64 KB on disk, rendered as `show itl` plain and wrapped by the
lab's renderer. `--tree` times the parsers of another checkout (e.g. an untouched copy) on the
same inputs. Prints the best and the median of N runs (time.perf_counter) in milliseconds; on a
busy machine the best is the number to compare.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time

from cucm_lab import bootstrap, render
from cucm_lab.model import ITL_FILE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join("tests", "unit", "fixtures", "seeds", "001_ja_show_itl_before_reset.txt")


def load_parsers(tree):
    """The stand-alone (pure stdlib) parsers package of `tree`, under its own module name."""
    package = os.path.join(tree, "plugins", "module_utils", "parsers")
    spec = importlib.util.spec_from_file_location(
        "bench_parsers", os.path.join(package, "__init__.py"), submodule_search_locations=[package]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def lab_itl():
    """The publisher's ITL of a 35-node 12.5 cluster: ITLRecovery, CallManager (SAST and
    CCM+TFTP), 35 TVS and CAPF = 39 records. Only the publisher runs TFTP (one ITL to sign)."""
    cluster = bootstrap.create_cluster("bench", "12.5", 35, key_size=2048, tftp_nodes=[0])
    return cluster.publisher.tftp_files[ITL_FILE]


def timed(parse, text, runs):
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        parse(text)
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default=ROOT, help="checkout whose parsers to time (default: this one)")
    parser.add_argument("-n", "--runs", type=int, default=50, help="runs per input (default 50)")
    args = parser.parse_args()
    parsers = load_parsers(os.path.abspath(args.tree))

    print("building the lab ITL (35 nodes, 2048-bit keys)...", file=sys.stderr)
    stored = lab_itl()
    with open(os.path.join(ROOT, SEED)) as handle:
        seed = handle.read()
    inputs = [("seed 001 (%d B file)" % parsers.parse_show_itl(seed)["length"], seed)]
    for wrap in (False, True):
        text = render.render_show_itl(stored, wrap=wrap)
        inputs.append(("lab ITL %s" % ("wrapped" if wrap else "unwrapped"), text))
    records = len(parsers.parse_show_itl(inputs[1][1])["records"])
    print("parsers: %s" % os.path.dirname(parsers.__file__))
    print("lab ITL: %d bytes, %d records" % (len(stored.data), records))
    print("%-24s %9s %9s %9s" % ("input", "text B", "best ms", "median ms"))
    for label, text in inputs:
        best, median = timed(parsers.parse_show_itl, text, args.runs)
        print("%-24s %9d %9.2f %9.2f" % (label, len(text), best, median))


if __name__ == "__main__":
    main()
