"""CLI commands of the lab, one module per command family.

Importing this package registers every handler in ``REGISTRY`` (see registry.py). A new
family is a new module here plus one line in the import list below; the shell needs no change.
"""

from .registry import REGISTRY, command  # noqa: F401  (public API)

from . import certs, cluster, ctl, files, itl, labtest, services, session, sql, trust  # noqa: F401,E402  (registration)
