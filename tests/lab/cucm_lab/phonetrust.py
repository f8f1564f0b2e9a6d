"""How an IP phone decides whether to trust a downloaded CTL, ITL or signed configuration file.

Written from the domain references, not from the collection (nothing here imports it):

* cucm-trust-primer.md section 3 ("How a phone decides to trust a file") and section 2 (TVS);
* the SBD seed (000 ja / 003 fr / 004 de, the same TAC article): "Le téléphone vérifie ITL et le
  fichier de configuration" (the three states a phone can be in), "Contacts téléphoniques TVS
  pour certificat inconnu", "Régénération des certificats" (steps 1-6), "Déplacement des
  téléphones entre les clusters", "Modifier les noms d'hôte", the FAQ (the rollback ITL);
* trust-file-format.md section 5 (at most two SAST certificates; "the phone only accepts a new ITL
  signed by a SAST cert it already trusts (or one that TVS vouches for)"), section 8 (signer
  lookup: SAST record with the header's serial, and issuer) and section 11 (`.sgn` files are
  verified with a TFTP / CCM+TFTP certificate of the phone's trust list).

Every rule below names its source; a choice without one is marked GUESSED and is a field of
`Rules` (phones.PhoneSettings fills it, `POST /phones/settings` changes it).

The checks are real: RSA PKCS#1 v1.5 signatures verified with `cryptography` against the public
key of the record the phone holds. Results are cached by content (SHA-1 of the bytes), so 5,000
phones holding the same files cost one verification.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Sequence, Tuple

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import pki, sgn
from . import trustfile as tf

KIND_CTL = "ctl"
KIND_ITL = "itl"
_HASHES = {tf.DIGEST_SHA1: hashes.SHA1, tf.DIGEST_SHA512: hashes.SHA512}
_CACHE_LIMIT = 4096

SAST = tf.FUNCTION_NAMES[tf.FUNCTION_SAST]


@dataclass(frozen=True)
class Rules:
    """The choices a phone's trust decisions depend on (phones.PhoneSettings holds them)."""

    # Record functions whose certificate, held in the phone's CTL or ITL, may sign a new CTL/ITL.
    # SAST: trust-file-format section 5 [G/X S3, S4, S6]. Anything else is GUESSED.
    signer_functions: Tuple[str, ...] = (SAST,)
    # A phone with a CTL but no ITL trusts an ITL "only if the CCM+TFTP function of the CTL
    # verifies it" (seed 003/000/004). Whether 12.0+ phones also take the CTL's ITLRecovery SAST
    # record here: unknown (GUESSED: no).
    ctl_only_itl_functions: Tuple[str, ...] = ("CCM+TFTP",)
    # Record functions whose certificate verifies a signed configuration file: TFTP or CCM+TFTP
    # (trust-file-format section 11 [G S2]; seed 003: the config file is checked "against the
    # CCM+TFTP function in the ITL").
    config_signer_functions: Tuple[str, ...] = ("CCM+TFTP", "TFTP")
    # GUESSED: even on first use a file must verify against its own signer record (the seed
    # says the phone "blindly trusts" it; a file that fails its own signature is corrupt).
    first_use_checks_signature: bool = True


@dataclass(frozen=True)
class Decision:
    accepted: bool
    reason: str

    def to_json(self) -> dict:
        return {"accepted": self.accepted, "reason": self.reason}


class TrustList:
    """A CTL or ITL as a phone sees it: parsed once, with the facts the rules look up."""

    __slots__ = ("data", "sha1", "parsed", "error", "usable", "tvs_hashes", "self_verified",
                 "signer_cert_der")

    def __init__(self, data: bytes):
        self.data = data
        self.sha1 = hashlib.sha1(data).hexdigest()
        self.error: Optional[str] = None
        self.parsed: Optional[tf.ParsedTrustFile] = None
        try:
            self.parsed = tf.parse_trust_file(data)
        except tf.TrustFileError as exc:
            self.error = str(exc)
        records = self.parsed.records if self.parsed else []
        # The FAQ's rollback ITL ("Prepare Cluster for Rollback to pre 8.0") has "empty function
        # entries": a list without any certificate counts as no list at all (seed 003, primer 3).
        self.usable = any(_record_key_bytes(record) for record in records)
        # The TVS certificates the phone trusts through this list: the TVS records' CERTHASH (SHA-1,
        # seeds 000/001) or the SHA-1 of their certificate (full records). Primer section 2: "The
        # phone must itself trust the TVS certificate through the TVS record in its ITL."
        hashes_ = set()
        for record in records:
            if record.function != tf.FUNCTION_TVS:
                continue
            if record.certificate:
                hashes_.add(hashlib.sha1(record.certificate).hexdigest())
            elif record.cert_hash and record.hash_algorithm in (None, tf.DIGEST_SHA1):
                hashes_.add(record.cert_hash.hex())
        self.tvs_hashes: FrozenSet[str] = frozenset(hashes_)
        self.self_verified = bool(self.parsed) and tf.verify_trust_file(self.parsed)
        index = tf.signer_record_index(self.parsed) if self.parsed else None
        self.signer_cert_der = self.parsed.records[index].certificate if index is not None else None


@dataclass(frozen=True)
class TvsStore:
    """The certificates TVS vouches for: the cluster's current certificates (seed 003 step 3:
    "the CUCM server running TVS has the new CallManager.pem in the OS certificate store").
    Which units count is phones.PhoneSettings.tvs_vouches_for (GUESSED beyond CallManager)."""

    by_sha1: Dict[str, x509.Certificate]
    by_serial: Dict[Tuple[bytes, str], x509.Certificate]  # (serial bytes, issuer text) -> cert
    key: FrozenSet[str]  # what the decisions cached with this store depend on


@dataclass(frozen=True)
class TvsView:
    """What TVS can do for one phone now.

    `servers`: the phone's TVS servers in order, each (host name, SHA-1 of the TVS certificate it
    presents, or None when Cisco Trust Verification Service is not running there). Seed 003
    ("TVS"): TVS runs on every CallManager node and the phone's config lists one TVS per
    CallManager of its CallManager group (up to three).
    """

    servers: Tuple[Tuple[str, Optional[str]], ...]
    store: TvsStore

    def server_for(self, itl: Optional[TrustList]) -> Optional[str]:
        """The first TVS server the phone can talk to: running, and presenting a certificate the
        phone's ITL holds (primer section 3: "TVS helps only if the TVS certificate the phone
        holds in its ITL still matches the certificate the TVS server presents")."""
        if itl is None or not itl.usable:
            return None
        for hostname, cert_sha1 in self.servers:
            if cert_sha1 is not None and cert_sha1 in itl.tvs_hashes:
                return hostname
        return None


class TrustEngine:
    """The rules with their caches (one per phone population)."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self._lists: Dict[bytes, TrustList] = {}
        self._signed: Dict[bytes, object] = {}
        self._keys: Dict[bytes, object] = {}
        self._verified: Dict[Tuple[str, bytes], bool] = {}
        self._decisions: Dict[tuple, Decision] = {}

    def set_rules(self, rules: Rules) -> None:
        self.rules = rules
        self._decisions.clear()

    # -- parsed files (cached by content; bytes keep their hash, so repeat lookups are cheap) --
    def trust_list(self, data: Optional[bytes]) -> Optional[TrustList]:
        if data is None:
            return None
        found = self._lists.get(data)
        if found is None:
            _bound(self._lists)
            found = self._lists[data] = TrustList(data)
        return found

    def signed_file(self, data: bytes):
        """(sha1, sgn.SignedFile or None, error) of a downloaded `.sgn` file."""
        found = self._signed.get(data)
        if found is None:
            _bound(self._signed)
            try:
                found = (hashlib.sha1(data).hexdigest(), sgn.parse_signed_file(data), None)
            except tf.TrustFileError as exc:
                found = (hashlib.sha1(data).hexdigest(), None, str(exc))
            self._signed[data] = found
        return found

    # -- the decisions -----------------------------------------------------------------------
    def decide_list(self, kind: str, new: TrustList, itl: Optional[TrustList], ctl: Optional[TrustList],
                    first_use: bool, tvs: TvsView) -> Decision:
        """Accept or refuse a downloaded CTL (kind "ctl") or ITL ("itl") that differs from the
        one the phone holds. `first_use`: the phone held no usable CTL nor ITL when it started
        downloading."""
        tvs_host = tvs.server_for(itl)
        key = (kind, new.sha1, itl.sha1 if itl else None, ctl.sha1 if ctl else None, first_use,
               tvs_host, tvs.store.key)
        found = self._decisions.get(key)
        if found is None:
            _bound(self._decisions)
            found = self._decisions[key] = self._decide_list(kind, new, itl, ctl, first_use, tvs_host, tvs.store)
        return found

    def _decide_list(self, kind, new, itl, ctl, first_use, tvs_host, store) -> Decision:
        rules = self.rules
        name = kind.upper()
        if new.parsed is None:
            return Decision(False, "%s is not a trust file (%s)" % (name, new.error))
        if first_use:
            # Seed 003/000/004, primer 3: with no CTL and no ITL (or the rollback ITL with empty
            # function entries) the phone "blindly trusts the next CTL or ITL it downloads".
            # GUESSED: the CTL and the ITL of that same boot are both taken on first use.
            if rules.first_use_checks_signature and not new.self_verified:
                return Decision(False, "%s fails its own signature (first use)" % name)
            return Decision(True, "%s trusted on first use" % name)
        held_itl = itl if itl is not None and itl.usable else None
        held_ctl = ctl if ctl is not None and ctl.usable else None
        header = new.parsed
        if kind == KIND_ITL and held_ctl is not None and held_itl is None:
            # Seed 003/000/004: "a CTL but no ITL: the phone trusts an ITL only if it can be
            # verified by the CCM+TFTP function in the CTL file".
            found = self._held_key(held_ctl, header.signer_serial, header.ca_name, rules.ctl_only_itl_functions)
            if found and self._verify_list(new, found):
                return Decision(True, "ITL verified by the CTL's %s record" % found[2])
            return Decision(False, "ITL signer %s is not a %s record of the CTL the phone holds"
                            % (header.signer_name, "/".join(rules.ctl_only_itl_functions)))
        # Seed 003/000/004, primer 3: "CTL and/or ITL: the phone accepts a new file only if its
        # signer is in the CTL, in the ITL, or vouched for by TVS".
        for held, label in ((held_ctl, "CTL"), (held_itl, "ITL")):
            found = self._held_key(held, header.signer_serial, header.ca_name, rules.signer_functions)
            if found is None:
                continue
            if self._verify_list(new, found):
                return Decision(True, "%s signer is a %s record of the %s the phone holds"
                                % (name, found[2], label))
            # The phone knows the key and the signature is wrong: a corrupt or forged file.
            return Decision(False, "%s signature does not verify with the %s the phone holds" % (name, label))
        # Seed 003 ("Régénération des certificats" steps 2-4): the signer is not in the phone's
        # lists, so it asks TVS, which vouches when the certificate is in the cluster's store.
        if tvs_host is None:
            return Decision(False, "%s signer %s is unknown to the phone and no TVS server it trusts "
                            "answers" % (name, header.signer_name))
        if new.signer_cert_der is not None:
            cert = store.by_sha1.get(hashlib.sha1(new.signer_cert_der).hexdigest())
            if cert is not None and self._verify_list(new, self._cert_key(cert)):
                return Decision(True, "%s signer vouched for by TVS on %s" % (name, tvs_host))
        return Decision(False, "%s signer %s is unknown to the phone and to TVS on %s"
                        % (name, header.signer_name, tvs_host))

    def decide_config(self, data: bytes, itl: Optional[TrustList], ctl: Optional[TrustList],
                      tvs: TvsView) -> Decision:
        """Apply or refuse a downloaded signed configuration file (`.cnf.xml.sgn`)."""
        sha1, signed, error = self.signed_file(data)
        tvs_host = tvs.server_for(itl)
        key = ("config", sha1, itl.sha1 if itl else None, ctl.sha1 if ctl else None, tvs_host, tvs.store.key)
        found = self._decisions.get(key)
        if found is None:
            _bound(self._decisions)
            found = self._decisions[key] = self._decide_config(signed, error, itl, ctl, tvs_host, tvs.store)
        return found

    def _decide_config(self, signed, error, itl, ctl, tvs_host, store) -> Decision:
        rules = self.rules
        lists = [(held, label) for held, label in ((ctl, "CTL"), (itl, "ITL")) if held is not None and held.usable]
        codes = _codes(rules.config_signer_functions)
        if not any(record.function in codes for held, unused in lists for record in held.parsed.records):
            # trust-file-format section 11 [S3]: phones only demand signed configuration files
            # once they hold a CTL/ITL with a TFTP-capable record.
            return Decision(True, "no TFTP record in the phone's trust lists: configuration taken unchecked")
        if signed is None:
            return Decision(False, "configuration is not a signed file (%s)" % error)
        header = signed.header
        # Seed 003 ("Le téléphone vérifie ITL et le fichier de configuration"): the signed
        # configuration is authenticated against the CCM+TFTP function of the ITL; the CTL's
        # CCM+TFTP records count the same (trust-file-format section 11: "the phone's trust list").
        for held, label in lists:
            found = self._held_key(held, header.signer_serial, header.ca_name, rules.config_signer_functions)
            if found is None:
                continue
            if self._verify_signed(signed, found):
                return Decision(True, "configuration signer is a %s record of the %s" % (found[2], label))
            return Decision(False, "configuration signature does not verify with the %s" % label)
        # Seed 003 ("Déplacement des téléphones"): a new configuration file "MUST match a signature
        # in the CTL, the ITL or in the phone's current TVS service".
        if tvs_host is None:
            return Decision(False, "configuration signer %s is unknown to the phone and no TVS server it "
                            "trusts answers" % header.signer_name)
        cert = store.by_serial.get((header.signer_serial, header.ca_name))
        if cert is not None and self._verify_signed(signed, self._cert_key(cert)):
            return Decision(True, "configuration signer vouched for by TVS on %s" % tvs_host)
        return Decision(False, "configuration signer %s is unknown to the phone and to TVS on %s"
                        % (header.signer_name, tvs_host))

    # -- keys and signatures -----------------------------------------------------------------
    def _held_key(self, held: Optional[TrustList], serial, ca_name, functions: Sequence[str]):
        """(key id, public key, function name) of the record of `held` matching the signer, or None.

        Trust-file-format section 8 step 5: the record with the header's SERIALNUMBER, and the
        same ISSUERNAME as the header's CANAME when both are present."""
        if held is None or held.parsed is None or serial is None:
            return None
        codes = _codes(functions)
        for record in held.parsed.records:
            if record.function not in codes or record.serial != serial:
                continue
            if record.issuer is not None and ca_name is not None and record.issuer != ca_name:
                continue
            key_bytes = _record_key_bytes(record)
            if key_bytes is None:
                continue  # a certificate-less placeholder (non-secure CTL) verifies nothing
            public_key = self._public_key(key_bytes, record)
            if public_key is not None:
                return key_bytes, public_key, record.function_name
        return None

    def _public_key(self, key_bytes: bytes, record):
        found = self._keys.get(key_bytes)
        if found is None:
            try:
                if record is not None and record.certificate == key_bytes:
                    found = x509.load_der_x509_certificate(key_bytes).public_key()
                else:
                    found = serialization.load_der_public_key(key_bytes)
            except ValueError:
                found = False
            _bound(self._keys)
            self._keys[key_bytes] = found
        return found or None

    def _cert_key(self, cert: x509.Certificate):
        der = tf.cert_der(cert)
        return der, cert.public_key(), "TVS"

    def _verify_list(self, new: TrustList, found) -> bool:
        key_id, public_key, unused = found
        cache = (new.sha1, key_id)
        result = self._verified.get(cache)
        if result is None:
            parsed = new.parsed
            result = _rsa_verify(public_key, parsed.signature, parsed.signed_bytes, parsed.digest_code)
            _bound(self._verified)
            self._verified[cache] = result
        return result

    def _verify_signed(self, signed, found) -> bool:
        key_id, public_key, unused = found
        cache = ("sgn:" + hashlib.sha1(signed.signed_bytes).hexdigest(), key_id)
        result = self._verified.get(cache)
        if result is None:
            result = sgn.verify_signed_file(signed, public_key)
            _bound(self._verified)
            self._verified[cache] = result
        return result


def tvs_store(certificates) -> TvsStore:
    """A TvsStore of `certificates` (x509 certificates or model Identities)."""
    by_sha1, by_serial = {}, {}
    for item in certificates:
        cert = getattr(item, "cert", item)
        issuer = item.issuer_text if getattr(item, "issuer_text", None) else None
        by_sha1[pki.sha1_hex(cert)] = cert
        by_serial[(tf.serial_bytes(cert.serial_number), issuer or pki.dn_string(cert.issuer))] = cert
    return TvsStore(by_sha1=by_sha1, by_serial=by_serial, key=frozenset(by_sha1))


def _codes(functions: Sequence[str]) -> FrozenSet[int]:
    return frozenset(tf.FUNCTION_CODES[name] for name in functions if name in tf.FUNCTION_CODES)


def _record_key_bytes(record) -> Optional[bytes]:
    """The certificate (preferred) or PUBLICKEY of a record: what a signature is checked with."""
    return record.certificate or record.value(tf.R_PUBLIC_KEY)


def _rsa_verify(public_key, signature: bytes, signed: bytes, digest_code) -> bool:
    digest = _HASHES.get(digest_code)
    if digest is None or not isinstance(public_key, rsa.RSAPublicKey):
        return False
    if public_key.key_size // 8 != len(signature):
        return False
    try:
        public_key.verify(signature, signed, padding.PKCS1v15(), digest())
    except InvalidSignature:
        return False
    return True


def _bound(cache: dict) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
