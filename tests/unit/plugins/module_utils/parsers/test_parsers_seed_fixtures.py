# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fixtures are verbatim extracts of the seeds: only lines were dropped.

Every non-empty fixture line (whitespace normalised, markdown bold markers removed as the README
says) must be a line of its seed, in the same order. Needs the seeds at <repo>/../shared/seeds.
"""

import glob
import io
import os
import re

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "fixtures", "seeds")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
SEEDS = os.path.join(REPO, "..", "shared", "seeds")

FIXTURE_NAMES = sorted(os.path.basename(path) for path in glob.glob(os.path.join(FIXTURES, "*.txt")))


def read_lines(path):
    with io.open(path, encoding="utf-8") as handle:
        return handle.read().split("\n")


def normalise(line):
    return " ".join(line.replace("**", "").split())


def seed_for(fixture_name):
    matches = glob.glob(os.path.join(SEEDS, fixture_name[:3] + "_*.txt"))
    assert len(matches) == 1, "no single seed for %s" % fixture_name
    return matches[0]


def test_readme_lists_every_fixture():
    with io.open(os.path.join(FIXTURES, "README.md"), encoding="utf-8") as handle:
        listed = set(re.findall(r"`(\d{3}_(?:ja|fr|de)_[a-z0-9_]+\.txt)`", handle.read()))

    assert listed == set(FIXTURE_NAMES)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_lines_occur_in_the_seed_in_order(name):
    if not os.path.isdir(SEEDS):
        pytest.skip("seed documents not found at %s" % SEEDS)
    seed = [normalise(line) for line in read_lines(seed_for(name))]
    position = 0
    for line in read_lines(os.path.join(FIXTURES, name)):
        wanted = normalise(line)
        if not wanted:
            continue
        try:
            position = seed.index(wanted, position) + 1
        except ValueError:
            pytest.fail("%s: %r is not a line of the seed after seed line %d" % (name, line, position))
