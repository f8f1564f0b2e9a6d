"""Offline stand-in for ansible-test's pip bootstrap script (get-pip-<version>.py).

ansible-test downloads that script from a host this CI cannot reach, but looks for a cached
copy first (~/.ansible/test/cache/get_pip_<version>.py); scripts/sanity.sh puts this file
there. It bootstraps pip with ensurepip, then installs the requested pip version from PyPI.
"""

import subprocess
import sys

IGNORED = ("--no-setuptools", "--no-wheel")

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + [a for a in sys.argv[1:] if a not in IGNORED])
