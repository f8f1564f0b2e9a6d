"""The IP phones of a lab cluster: who they are, what they hold, what they do when reset.

A phone holds the ITL it last accepted, the CTL (mixed mode, or none) and, through its ITL's TVS
records, the TVS certificates it trusts. On a reset or restart (AXL, `POST /phones/reset`) it goes
UnRegistered, and after `download_seconds` of lab time it fetches its files from its TFTP node the
way the primer (section 3, consequence 5) and seed 003 ("TFTP centralisé") describe:
`CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`, falling back to `CTLFile.tlv` / `ITLFile.tlv`, then its
signed configuration. It decides on each with the rules of phonetrust.py (real signature checks),
and registers again after `register_seconds` (plus its `slow` fault). Times are lab seconds
(labtime.py: scaled by `time_scale`, or passed with `POST /clock/advance`).

Sources for anything not in phonetrust.py are given where used; the rest is GUESSED and is a
PhoneSettings field. Nothing here imports the collection.

Phones are created by `populate(cluster, count)`: they join by trust on first use at lab start
(they take the ITL/CTL of their TFTP node, seed 003: a phone without lists "blindly trusts" the
first ones). The lab's ticker (`run_ticker`) moves booting phones on; every control API call does
it first too (`settle`).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid
import zlib
from dataclasses import asdict, dataclass, fields
from typing import Dict, Iterable, List, Optional, Tuple

from . import phonetrust, pki, sgn
from .labtime import LabTimer, Mark
from .model import (
    CERT_CALLMANAGER,
    CERT_TVS,
    CERT_UNITS,
    CTL_FILE,
    ITL_FILE,
    SERVICE_CALLMANAGER,
    SERVICE_TFTP,
    SERVICE_TVS,
)
from .phonetrust import KIND_CTL, KIND_ITL

MAX_PHONES = 50000

# RisPort70 device status (cucm-phone-apis.md 3.2, `CmDevRegStat`).
REGISTERED = "Registered"
UNREGISTERED = "UnRegistered"
REJECTED = "Rejected"
STATUSES = (REGISTERED, UNREGISTERED, REJECTED)

# StatusReason codes: a third-party table (cucm-phone-apis.md 3.3, [F] S30), informational.
REASON_REGISTERED = 0
REASON_DEVICE_INITIATED_RESET = 8
REASON_CALLMANAGER_RESET = 9
REASON_CONFIGURATION_MISMATCH = 14
REASON_CALLMANAGER_RESTART = 15
REASON_CALLMANAGER_APPLY_CONFIG = 17
RESET_REASONS = {"reset": REASON_CALLMANAGER_RESET, "restart": REASON_CALLMANAGER_RESTART,
                 "apply": REASON_CALLMANAGER_APPLY_CONFIG}

# A few plausible phone models: (AXL model/product name, RisPort Model number, active load).
# GUESSED: the numbers are as remembered from CUCM's typemodel table and the load names are
# examples; RisPort's Product (a different enum) is given the same number.
MODELS = (
    ("Cisco 8845", 36217, "sip8845_65.14-2-1-0201-10"),
    ("Cisco 7841", 622, "sip78xx.14-2-1-0201-10"),
    ("Cisco 8851", 36215, "sip88xx.14-2-1-0201-10"),
    ("Cisco 8865", 36218, "sip8845_65.14-2-1-0201-10"),
    ("Cisco 7821", 621, "sip78xx.14-2-1-0201-10"),
)
POOLS = 4  # device pools per cluster, DP_<cluster>_1 .. DP_<cluster>_4 (GUESSED: "a few")

FAULTS = ("offline", "never_back", "slow")
CTL_ABSENT = ("keep", "drop")
TVS_SERVERS = ("cm_group", "registration_node")
TICK_SECONDS = 0.05

STAGE_DOWNLOAD = "download"
STAGE_REGISTER = "register"


@dataclass
class PhoneSettings:
    """How the cluster's phones behave. Trust-rule fields: see phonetrust.Rules for sources."""

    signer_functions: Tuple[str, ...] = phonetrust.Rules.signer_functions
    ctl_only_itl_functions: Tuple[str, ...] = phonetrust.Rules.ctl_only_itl_functions
    config_signer_functions: Tuple[str, ...] = phonetrust.Rules.config_signer_functions
    first_use_checks_signature: bool = True
    # The phone's TVS servers. "cm_group": one per CallManager of its CallManager group (seed 003
    # "TVS": "up to three TVS entries for a phone, one for each CUCM in its CallManager group");
    # "registration_node": only the node it registers to.
    tvs_servers: str = "cm_group"
    # GUESSED: the lab's CallManager groups are the CallManager nodes from the phone's own, in
    # cluster order, at most this many (seed 003: up to three).
    cm_group_size: int = 3
    # GUESSED: which of the cluster's current certificates TVS vouches for (seed 003 names only
    # CallManager.pem; the others are in the same certificate store).
    tvs_vouches_for: Tuple[str, ...] = ("CallManager", "ITLRecovery", "TVS", "CAPF")
    # GUESSED: what a phone holding a CTL does when its TFTP node serves none (after
    # `set-security-mode non-secure` removed the file): "keep" it (the documented way to remove a
    # CTL is the phone's own menu) or "drop" it. `utils ctl set-cluster non-secure-mode` serves a
    # CTL with certificate-less CCM+TFTP records instead, which the phone takes as any new CTL.
    ctl_absent: str = "keep"
    # Status a phone registers with when its configuration was not applied. Seed 003 ("Modifier
    # les noms d'hôte"): phones showing "Trust List Update Failed" go on working but take no
    # configuration change, so "Registered"; "Rejected" / "UnRegistered" are GUESSED variants.
    untrusted_config_status: str = REGISTERED
    # GUESSED: CUCM resets only registered phones (it reaches a phone through its registration);
    # false: AXL and /phones/reset reach every phone that is online.
    reset_needs_registration: bool = True
    # GUESSED lab seconds from a reset to the TFTP download, and to the registration.
    download_seconds: float = 2.0
    register_seconds: float = 5.0
    # Real seconds per lab second for the above (the lab's --time-scale by default).
    time_scale: float = 1.0

    def rules(self) -> phonetrust.Rules:
        return phonetrust.Rules(
            signer_functions=tuple(self.signer_functions),
            ctl_only_itl_functions=tuple(self.ctl_only_itl_functions),
            config_signer_functions=tuple(self.config_signer_functions),
            first_use_checks_signature=self.first_use_checks_signature,
        )

    def to_json(self) -> dict:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}

    def update(self, changes: dict) -> None:
        """Validate and apply `changes` (all or nothing); ValueError with a message."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError("unknown phone setting(s): %s (known: %s)"
                             % (", ".join(unknown), ", ".join(sorted(known))))
        coerced = {name: _coerce(name, value) for name, value in changes.items()}
        for name, value in coerced.items():
            setattr(self, name, value)


def _coerce(name, value):
    functions = set(phonetrust.tf.FUNCTION_CODES)
    if name in ("signer_functions", "ctl_only_itl_functions", "config_signer_functions"):
        if not isinstance(value, (list, tuple)) or not all(v in functions for v in value):
            raise ValueError("%s must be a list of record functions (%s)" % (name, ", ".join(sorted(functions))))
        return tuple(value)
    if name == "tvs_vouches_for":
        if not isinstance(value, (list, tuple)) or not all(v in CERT_UNITS for v in value):
            raise ValueError("tvs_vouches_for must be a list of %s" % ", ".join(CERT_UNITS))
        return tuple(value)
    if name in ("first_use_checks_signature", "reset_needs_registration"):
        if not isinstance(value, bool):
            raise ValueError("%s must be true or false" % name)
        return value
    if name in ("download_seconds", "register_seconds", "time_scale"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value > 86400:
            raise ValueError("%s must be a number of seconds (0..86400)" % name)
        if name == "time_scale" and value == 0:
            raise ValueError("time_scale must be > 0")
        return float(value)
    if name == "cm_group_size":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
            raise ValueError("cm_group_size must be 1, 2 or 3")
        return value
    choices = {"tvs_servers": TVS_SERVERS, "ctl_absent": CTL_ABSENT, "untrusted_config_status": STATUSES}
    if value not in choices[name]:
        raise ValueError("%s must be one of %s" % (name, ", ".join(choices[name])))
    return value


class Phone:
    """One phone: fixed identity, then what it holds and its registration state."""

    __slots__ = (
        "index", "name", "mac", "uuid", "model", "model_number", "load", "pool", "ip", "dn",
        "description", "home", "tftp",
        "itl", "ctl", "config_applied", "trust_list_failed", "decisions",
        "status", "reason", "timestamp", "node", "boot", "stage", "boots",
        "armed", "slow", "offline", "never_back",
    )

    def __init__(self, index, name, mac, model, pool, ip, dn, home, tftp, cluster_name):
        self.index = index
        self.name = name
        self.mac = mac
        self.uuid = "{%s}" % str(uuid.uuid5(uuid.NAMESPACE_URL, "cucm-lab/%s/%s" % (cluster_name, name))).upper()
        self.model, self.model_number, self.load = model
        self.pool = pool
        self.ip = ip
        self.dn = dn
        self.description = "Lab phone %s" % dn
        self.home = home  # the CallManager node it registers to (first of its group)
        self.tftp = tftp  # the TFTP node it downloads from (None: the cluster runs no Cisco Tftp)
        self.itl: Optional[bytes] = None
        self.ctl: Optional[bytes] = None
        self.config_applied = False
        self.trust_list_failed = False  # "Trust List Update Failed" (seed 003)
        self.decisions: Dict[str, str] = {}
        self.status = UNREGISTERED
        self.reason = REASON_REGISTERED
        self.timestamp = 0
        self.node = home  # where RisPort shows it (the node it registered to last)
        self.boot: Optional[Mark] = None  # set while it boots
        self.stage: Optional[str] = None
        self.boots = 0
        self.armed: Optional[str] = None  # "offline" / "never_back": fires at the next reset
        self.slow = 0.0  # extra lab seconds before it registers
        self.offline = False
        self.never_back = False

    @property
    def trusting(self) -> bool:
        """It took the trust lists and the configuration of its last download."""
        return self.config_applied and not self.trust_list_failed


class PhonePopulation:
    """The phones of one cluster, with the trust engine and caches they share."""

    def __init__(self, cluster, count: int = 0, settings: Optional[PhoneSettings] = None):
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_PHONES:
            raise ValueError("phones must be 0..%d" % MAX_PHONES)
        self.cluster = cluster
        self.settings = settings or PhoneSettings()
        self.engine = phonetrust.TrustEngine(self.settings.rules())
        self.timer = LabTimer(cluster.clock, lambda: self.settings.time_scale)
        self.pools = ["DP_%s_%d" % (cluster.name, k) for k in range(1, POOLS + 1)]
        self.pool_uuids = {pool: "{%s}" % str(uuid.uuid5(uuid.NAMESPACE_URL, "cucm-lab/pool/%s" % pool)).upper()
                           for pool in self.pools}
        self.phones: List[Phone] = []
        self.by_name: Dict[str, Phone] = {}
        self.node_seq: Dict[str, int] = {node.hostname: 0 for node in cluster.nodes}
        self._booting: Dict[str, Phone] = {}
        self._configs: Dict[Tuple[str, int], bytes] = {}
        self._stores: Dict[tuple, phonetrust.TvsStore] = {}
        self._tvs_sha1: Dict[int, tuple] = {}
        with cluster.lock:
            self._create(count)
            self._bootstrap()

    # -- who the phones are --------------------------------------------------------------
    def _create(self, count: int) -> None:
        cluster = self.cluster
        cm_nodes = [n.hostname for n in cluster.nodes if n.runs_callmanager] or [n.hostname for n in cluster.nodes]
        tftp_nodes = [n.hostname for n in cluster.tftp_nodes]
        prefix = hashlib.sha1(cluster.name.encode("utf-8")).hexdigest()[:6].upper()
        net = 1 + zlib.crc32(cluster.name.encode("utf-8")) % 250
        for index in range(count):
            mac = "%s%06X" % (prefix, index + 1)  # deterministic from the cluster name and index
            number = index + 1
            phone = Phone(
                index, "SEP" + mac, mac, MODELS[index % len(MODELS)], self.pools[index % POOLS],
                "10.%d.%d.%d" % (net, number // 254, number % 254 + 1), str(10000 + index),
                cm_nodes[index % len(cm_nodes)],
                tftp_nodes[(index // len(cm_nodes)) % len(tftp_nodes)] if tftp_nodes else None,
                cluster.name)
            self.phones.append(phone)
            self.by_name[phone.name] = phone

    def _bootstrap(self) -> None:
        """Every phone joins: first-use download from its TFTP node, then registered."""
        context = self._context()
        for phone in self.phones:
            self._download(phone, context)
            phone.decisions["joined"] = "trust on first use at lab start"
            self._register(phone, context)

    def group(self, phone: Phone) -> List[str]:
        """The phone's CallManager group: its own node, then the other CallManager nodes in cluster
        order (GUESSED), at most `cm_group_size`."""
        cm_nodes = [n.hostname for n in self.cluster.nodes if n.runs_callmanager]
        if phone.home not in cm_nodes:
            return [phone.home]
        start = cm_nodes.index(phone.home)
        return (cm_nodes[start:] + cm_nodes[:start])[:self.settings.cm_group_size]

    def phone(self, name: str) -> Phone:
        return self.by_name[name.upper()]

    def select(self, names: Optional[Iterable[str]] = None, pool: Optional[str] = None) -> List[Phone]:
        """Phones by name (KeyError for an unknown one) and/or device pool; all when neither."""
        if names is not None:
            chosen = [self.phone(name) for name in names]
        else:
            chosen = list(self.phones)
        if pool is not None:
            if pool not in self.pools:
                raise KeyError(pool)
            chosen = [p for p in chosen if p.pool == pool]
        return chosen

    # -- settings --------------------------------------------------------------------------
    def update_settings(self, changes: dict) -> dict:
        with self.cluster.lock:
            self.settings.update(changes)
            self.engine.set_rules(self.settings.rules())
            return self.settings.to_json()

    # -- what happens to them ----------------------------------------------------------------
    def reset(self, phones: Iterable[Phone], kind: str = "reset", force: bool = False) -> List[str]:
        """CUCM resets (kind "reset"), restarts ("restart") or applies the configuration of
        ("apply", GUESSED: like a restart) these phones. Offline phones do not hear it; without
        `force` neither do unregistered ones (setting reset_needs_registration). The names reset."""
        reason = RESET_REASONS[kind]
        done = []
        with self.cluster.lock:
            for phone in phones:
                if phone.offline or phone.never_back:
                    continue
                if (not force and self.settings.reset_needs_registration and phone.status == UNREGISTERED):
                    continue
                self._set_status(phone, UNREGISTERED, reason)
                if phone.armed in ("offline", "never_back"):
                    # Fault: the phone drops off the network during the reset and keeps its old files.
                    setattr(phone, phone.armed, True)
                    phone.decisions = {"fault": "%s during the reset: files kept" % phone.armed}
                    phone.armed = None
                    phone.boot = phone.stage = None
                    self._booting.pop(phone.name, None)
                    continue
                self._start_boot(phone)
                done.append(phone.name)
        return done

    def bring_online(self, phones: Iterable[Phone]) -> dict:
        """Offline phones come back: each resets itself and downloads (never_back ones do not)."""
        back, never = [], []
        with self.cluster.lock:
            for phone in phones:
                if phone.never_back:
                    never.append(phone.name)
                elif phone.offline:
                    phone.offline = False
                    self._start_boot(phone)
                    back.append(phone.name)
        return {"online": back, "never_back": never}

    def erase_trust(self, phones: Iterable[Phone], which: str = "both") -> List[str]:
        """Delete the trust lists on the phones, as a user does from the phone's menu (seed 003
        FAQ: the only way out when nothing the phone trusts can sign); the phone then resets itself."""
        if which not in ("both", "itl", "ctl"):
            raise ValueError("which must be both, itl or ctl")
        done = []
        with self.cluster.lock:
            for phone in phones:
                if which in ("both", "itl"):
                    phone.itl = None
                if which in ("both", "ctl"):
                    phone.ctl = None
                phone.trust_list_failed = False
                done.append(phone.name)
                if not (phone.offline or phone.never_back):
                    self._set_status(phone, UNREGISTERED, REASON_DEVICE_INITIATED_RESET)
                    self._start_boot(phone)
        return done

    def set_fault(self, kind: str, phones: Iterable[Phone], seconds: float = 0.0) -> List[str]:
        """Arm `offline` / `never_back` for the next reset, or make phones `slow` to register."""
        if kind not in FAULTS:
            raise ValueError("fault must be one of %s" % ", ".join(FAULTS))
        number = isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
        if kind == "slow" and not (number and 0 < seconds <= 86400):
            raise ValueError("slow needs seconds (0..86400]")
        names = []
        with self.cluster.lock:
            for phone in phones:
                if kind == "slow":
                    phone.slow = float(seconds)
                else:
                    phone.armed = kind
                names.append(phone.name)
        return names

    def clear_faults(self, phones: Optional[Iterable[Phone]] = None) -> int:
        """Disarm faults and slowness (phones already offline stay so: see bring_online)."""
        count = 0
        with self.cluster.lock:
            for phone in self.phones if phones is None else phones:
                if phone.armed or phone.slow:
                    count += 1
                phone.armed = None
                phone.slow = 0.0
        return count

    def share(self, fraction: float, seed: int = 0) -> List[Phone]:
        """A deterministic share of the population (for faults)."""
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
            raise ValueError("share must be in (0, 1]")
        count = int(round(fraction * len(self.phones)))
        return sorted(random.Random(seed).sample(self.phones, count), key=lambda p: p.index)

    # -- time ------------------------------------------------------------------------------
    def tick(self) -> int:
        """Move booting phones on: download when due, then register. How many moved."""
        if not self._booting:
            return 0
        moved = 0
        with self.cluster.lock:
            settings = self.settings
            elapsed: Dict[int, float] = {}
            context = None
            for phone in list(self._booting.values()):
                mark = phone.boot
                since = elapsed.get(id(mark))
                if since is None:
                    since = elapsed[id(mark)] = self.timer.elapsed(mark)
                if phone.stage == STAGE_DOWNLOAD and since >= settings.download_seconds:
                    context = context or self._context()
                    self._download(phone, context)
                    phone.stage = STAGE_REGISTER
                    moved += 1
                if phone.stage == STAGE_REGISTER and since >= settings.register_seconds + phone.slow:
                    context = context or self._context()
                    if self._register(phone, context):
                        moved += 1
        return moved

    def _start_boot(self, phone: Phone) -> None:
        phone.boot = self.timer.mark()
        phone.stage = STAGE_DOWNLOAD
        phone.boots += 1
        self._booting[phone.name] = phone

    def _set_status(self, phone: Phone, status: str, reason: int) -> None:
        # TimeStamp: the lab clock when the status changed (cucm-phone-apis.md 3.3), kept strictly
        # increasing per phone so a client can tell every change apart.
        phone.timestamp = max(self.timer.epoch(), phone.timestamp + 1)
        phone.status = status
        phone.reason = reason
        self.node_seq[phone.node] = self.node_seq.get(phone.node, 0) + 1

    # -- the download: files, decisions --------------------------------------------------------
    def _context(self) -> "_Context":
        return _Context(self)

    def _cert_sha1(self, cert) -> str:
        found = self._tvs_sha1.get(id(cert))
        if found is None or found[0] is not cert:
            found = (cert, pki.sha1_hex(cert))
            self._tvs_sha1[id(cert)] = found
        return found[1]

    def _fetch(self, node, per_mac: str, common: Optional[str]):
        """Primer 3 (consequence 5), seed 003 "TFTP centralisé": the per-MAC file, else the
        cluster file. (name, StoredFile) or (None, None)."""
        for name in (per_mac, common):
            if name is not None:
                stored = node.tftp_files.get(name)
                if stored is not None:
                    return name, stored
        return None, None

    def _download(self, phone: Phone, context: "_Context") -> None:
        decisions = {}
        phone.decisions = decisions
        node = self.cluster.node(phone.tftp) if phone.tftp else None
        if node is None or not context.up(node, SERVICE_TFTP):
            # GUESSED: no TFTP answer: the phone keeps its files and cached configuration.
            decisions["tftp"] = "no TFTP server answers: files and configuration kept"
            return
        engine = self.engine
        itl = engine.trust_list(phone.itl)
        ctl = engine.trust_list(phone.ctl)
        first_use = not (itl and itl.usable) and not (ctl and ctl.usable)
        failed = False
        # Seed 003: the phone asks for the CTL first, then the ITL ("CTLSEP..." then "ITLSEP...").
        for kind, common in ((KIND_CTL, CTL_FILE), (KIND_ITL, ITL_FILE)):
            name, stored = self._fetch(node, "%s%s.tlv" % (kind.upper(), phone.name), common)
            held = ctl if kind == KIND_CTL else itl
            if stored is None:
                if kind == KIND_CTL and self.settings.ctl_absent == "drop" and phone.ctl is not None:
                    phone.ctl, ctl = None, None
                    decisions[kind] = "no CTL on %s: the phone drops its CTL" % node.hostname
                else:
                    decisions[kind] = "no %s on %s%s" % (kind.upper(), node.hostname,
                                                         ": the phone keeps its own" if held else "")
                continue
            if held is not None and stored.data == held.data:
                decisions[kind] = "%s: unchanged" % name
                continue
            new = engine.trust_list(stored.data)
            decision = engine.decide_list(kind, new, itl, ctl, first_use, context.tvs_view(phone))
            decisions[kind] = "%s: %s" % (name, decision.reason)
            if not decision.accepted:
                failed = True  # "Trust List Update Failed": the old file stays (seed 003)
            elif kind == KIND_CTL:
                phone.ctl, ctl = stored.data, new
            else:
                phone.itl, itl = stored.data, new
        phone.trust_list_failed = failed
        # Seed 003: then SEP<MAC>.cnf.xml.sgn, checked against the lists the phone now holds.
        config_name = "%s.cnf.xml.sgn" % phone.name
        stored = node.tftp_files.get(config_name)
        data = stored.data if stored is not None else self.node_config(node)
        decision = engine.decide_config(data, itl, ctl, context.tvs_view(phone))
        decisions["config"] = "%s: %s" % (config_name, decision.reason)
        phone.config_applied = decision.accepted

    def node_config(self, node) -> bytes:
        """The signed configuration `node` serves a phone without a `SEP<MAC>.cnf.xml.sgn` of
        its own: signed by the node's CallManager key (seed 003: "signed by the TFTP private key,
        CallManager.pem"), in the `.sgn` envelope of trust-file-format section 11. GUESSED: one
        file per TFTP node and CallManager key (signed when first asked for), with a small XML
        payload, so thousands of phones cost one signature."""
        identity = node.certs[CERT_CALLMANAGER]
        key = (node.hostname, identity.cert.serial_number)
        data = self._configs.get(key)
        if data is None:
            payload = ('<?xml version="1.0" encoding="UTF-8"?>\n<device xsi:type="axl:XIPPhone">'
                       "<fullConfig>true</fullConfig><tftpServer>%s</tftpServer></device>\n" % node.hostname)
            data = sgn.build_signed_file(payload.encode("utf-8"), identity, "XMLDefault.cnf.xml.sgn",
                                         timestamp=self.cluster.clock.now())
            self._configs[key] = data
        return data

    def _register(self, phone: Phone, context: "_Context") -> bool:
        """Register with the first node of its group running Cisco CallManager (primer 7: some
        CallManager must always answer); none: it stays booting and tries again at the next tick."""
        for hostname in self.group(phone):
            node = self.cluster.node(hostname)
            if context.up(node, SERVICE_CALLMANAGER):
                break
        else:
            return False
        if phone.node != hostname:
            self.node_seq[phone.node] = self.node_seq.get(phone.node, 0) + 1
            phone.node = hostname
        status = REGISTERED if phone.config_applied else self.settings.untrusted_config_status
        self._set_status(phone, status, REASON_REGISTERED if status == REGISTERED else REASON_CONFIGURATION_MISMATCH)
        phone.boot = phone.stage = None
        self._booting.pop(phone.name, None)
        return True

    # -- views ---------------------------------------------------------------------------------
    def served_itl_sha1(self, phone: Phone) -> Optional[str]:
        """SHA-1 of the ITL the phone's TFTP node would give it now (its per-MAC file or the
        node's ITLFile.tlv): what "the phone holds the current ITL" compares with (primer 3.6)."""
        node = self.cluster.node(phone.tftp) if phone.tftp else None
        if node is None:
            return None
        unused_name, stored = self._fetch(node, "ITL%s.tlv" % phone.name, ITL_FILE)
        return self.engine.trust_list(stored.data).sha1 if stored is not None else None

    def phone_json(self, phone: Phone) -> dict:
        engine = self.engine
        itl = engine.trust_list(phone.itl)
        ctl = engine.trust_list(phone.ctl)
        served = self.served_itl_sha1(phone)
        return {
            "name": phone.name, "uuid": phone.uuid, "mac": phone.mac, "model": phone.model,
            "model_number": phone.model_number, "product": phone.model, "protocol": "SIP",
            "device_pool": phone.pool, "ip": phone.ip, "dn": phone.dn, "description": phone.description,
            "callmanager": phone.home, "cm_group": self.group(phone), "tftp": phone.tftp,
            "registered_node": phone.node,
            "status": phone.status, "status_reason": phone.reason, "timestamp": phone.timestamp,
            "itl_sha1": itl.sha1 if itl else None, "ctl_sha1": ctl.sha1 if ctl else None,
            "tvs_hashes": sorted(itl.tvs_hashes) if itl else [],
            "tftp_itl_sha1": served, "itl_current": itl is not None and itl.sha1 == served,
            "config_applied": phone.config_applied, "trust_list_update_failed": phone.trust_list_failed,
            "trusting": phone.trusting, "decisions": dict(phone.decisions),
            "booting": phone.stage, "boots": phone.boots,
            "offline": phone.offline, "never_back": phone.never_back, "armed_fault": phone.armed,
            "slow_seconds": phone.slow,
        }

    def summary(self) -> dict:
        counts = {status: 0 for status in STATUSES}
        totals = dict(total=len(self.phones), trusting=0, not_trusting=0, trust_list_update_failed=0,
                      config_not_applied=0, itl_current=0, itl_outdated=0, booting=0, offline=0, never_back=0)
        served_cache: Dict[Tuple[str, str], Optional[str]] = {}
        for phone in self.phones:
            counts[phone.status] = counts.get(phone.status, 0) + 1
            totals["trusting" if phone.trusting else "not_trusting"] += 1
            totals["trust_list_update_failed"] += phone.trust_list_failed
            totals["config_not_applied"] += not phone.config_applied
            totals["booting"] += phone.stage is not None
            totals["offline"] += phone.offline
            totals["never_back"] += phone.never_back
            node = phone.tftp or ""
            per_mac = node and ("ITL%s.tlv" % phone.name) in self.cluster.node(node).tftp_files
            cache_key = (node, phone.name if per_mac else "")
            if cache_key not in served_cache:
                served_cache[cache_key] = self.served_itl_sha1(phone)
            held = self.engine.trust_list(phone.itl)
            current = held is not None and held.sha1 == served_cache[cache_key]
            totals["itl_current" if current else "itl_outdated"] += 1
        totals["by_status"] = counts
        return totals

    def to_json(self, phones: Optional[Iterable[Phone]] = None, with_phones: bool = True) -> dict:
        with self.cluster.lock:
            answer = {"cluster": self.cluster.name, "summary": self.summary(), "pools": list(self.pools)}
            if with_phones:
                answer["phones"] = [self.phone_json(p) for p in (self.phones if phones is None else phones)]
            return answer


class _Context:
    """The cluster as phones see it during one tick: services up, TVS certificates presented,
    what TVS vouches for. Built under the cluster lock."""

    def __init__(self, population: PhonePopulation):
        self.population = population
        cluster = population.cluster
        self._up = {}
        tvs_presented = {}
        for node in cluster.nodes:
            for service in (SERVICE_TFTP, SERVICE_CALLMANAGER, SERVICE_TVS):
                state = node.services.get(service)
                self._up[(node.hostname, service)] = bool(state and state.activated and state.state == "STARTED")
            tvs = node.certs.get(CERT_TVS)
            if tvs is not None and self._up[(node.hostname, SERVICE_TVS)]:
                tvs_presented[node.hostname] = population._cert_sha1(tvs.cert)
            else:
                tvs_presented[node.hostname] = None
        self.tvs_presented = tvs_presented
        units = population.settings.tvs_vouches_for
        identities = [node.certs[unit] for node in cluster.nodes for unit in units if unit in node.certs]
        key = tuple((id(i.cert), i.cert.serial_number) for i in identities)
        store = population._stores.get(key)
        if store is None:
            population._stores.clear()
            store = population._stores[key] = phonetrust.tvs_store(identities)
        self.store = store
        self._views: Dict[tuple, phonetrust.TvsView] = {}

    def up(self, node, service: str) -> bool:
        return self._up.get((node.hostname, service), False)

    def tvs_view(self, phone: Phone) -> phonetrust.TvsView:
        population = self.population
        if population.settings.tvs_servers == "registration_node":
            servers = (phone.node,)
        else:
            servers = tuple(population.group(phone))
        view = self._views.get(servers)
        if view is None:
            view = self._views[servers] = phonetrust.TvsView(
                servers=tuple((host, self.tvs_presented.get(host)) for host in servers), store=self.store)
        return view


# -- the lab around them -----------------------------------------------------------------------
def populate(cluster, count: int, time_scale: float = 1.0) -> PhonePopulation:
    """Give `cluster` `count` phones (cluster.phones), joined by trust on first use."""
    settings = PhoneSettings(time_scale=time_scale)
    cluster.phones = PhonePopulation(cluster, count, settings)
    return cluster.phones


def settle(clusters: Iterable) -> None:
    """Move every cluster's booting phones on to now (the control API calls it first)."""
    for cluster in clusters:
        if cluster.phones is not None:
            cluster.phones.tick()


async def run_ticker(clusters, interval: float = TICK_SECONDS) -> None:
    """Tick every cluster's phones until cancelled (runs in the lab's event loop)."""
    clusters = [c for c in clusters if c.phones is not None]
    while True:
        settle(clusters)
        await asyncio.sleep(interval)
