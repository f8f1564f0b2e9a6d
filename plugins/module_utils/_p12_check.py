# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Open an ITLRecovery.p12 the way a recovery would: with the cluster security password.

Private to cucm.trust: used by plugins/modules/itl_recovery_backup.py only (and its tests); not an API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - reported by the module
    HAS_CRYPTOGRAPHY = False


class P12Error(Exception):
    pass


def certificate_facts(cert, now=None):
    """subject, common_name, serial (colon hex), sha1, not_after (ISO, UTC), days_left."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    try:
        not_after = cert.not_valid_after_utc
    except AttributeError:  # cryptography < 42
        not_after = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    serial = "%X" % cert.serial_number
    serial = serial if len(serial) % 2 == 0 else "0" + serial
    der = cert.public_bytes(serialization.Encoding.DER)
    return {
        "subject": cert.subject.rfc4514_string(),
        "common_name": names[0].value if names else None,
        "serial": ":".join(serial[i:i + 2] for i in range(0, len(serial), 2)),
        "sha1": hashlib.sha1(der).hexdigest(),
        "not_after": not_after.isoformat(),
        "days_left": (not_after - now).days,
    }


def open_p12(data, password):
    """Certificate facts of the key pair in ``data``; P12Error when it cannot be opened."""
    if not HAS_CRYPTOGRAPHY:
        raise P12Error("the cryptography Python library is required on the controller")
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError as exc:
        raise P12Error("it does not open as PKCS#12 with the cluster security password (%s)" % exc)
    if key is None or cert is None:
        raise P12Error("it opens, but holds no private key and certificate")
    return certificate_facts(cert)
