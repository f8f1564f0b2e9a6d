"""pytest imports test files by basename (no packages): two test files of the same name in
tests/unit and tests/integration make `make test` fail to collect one of them. Caught here, in
the unit run, before the long integration run."""

import collections
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_every_test_file_name_is_unique():
    seen = collections.defaultdict(list)
    for directory in ("unit", "integration"):
        for top, _dirs, files in os.walk(os.path.join(ROOT, directory)):
            for name in files:
                if name.startswith("test_") and name.endswith(".py"):
                    seen[name].append(os.path.relpath(os.path.join(top, name), ROOT))
    assert dict((name, paths) for name, paths in seen.items() if len(paths) > 1) == {}
