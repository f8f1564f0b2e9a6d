"""cucm_lab: a simulated CUCM cluster behind real SSH, for the cucm.trust tests.

Run it with ``python -m cucm_lab serve ...`` (see __main__.py) or, from tests, with
``cucm_lab.testing.start_lab(...)``. The module map is in docs/development.md.
"""
