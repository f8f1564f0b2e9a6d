"""Release profiles: what differs between the CUCM releases the lab can pretend to be.

Sources: ../shared/reference/cucm-trust-primer.md (sections 4, 6, 8) and the seeds. Fields
marked GUESSED have no transcript behind them; they are settings so a test can flip them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, Tuple

from .model import CERT_CALLMANAGER, CERT_ITLRECOVERY


@dataclass(frozen=True)
class ReleaseProfile:
    key: str  # "10.5", "12.5", ...
    version: str  # `show version active` -> Active Master Version
    major: int
    minor: int
    # Who signs the normal ITL / the mixed-mode CTL (primer section 4 and 6).
    itl_signer: str
    # Who signs the ITL right after `utils itl reset localkey` (the other SAST key).
    reset_itl_signer: str
    ctl_signer: str
    # The default form of the ITL's TVS and CAPF records: 8.x and 10.0 ITLs carry them as
    # CERTHASH + HASH ALGORITHM records (seeds 000/001); 12.0+ is documented as carrying the
    # certificates (trust-file-format S5/S13) but no transcript shows it: GUESSED, and a cluster
    # can choose the other form (Cluster.itl_record_form, --itl-record-form certhash|full).
    itl_hash_only_tvs_capf: bool
    # 12.0+: the TFTP node's CallManager certificate is also present with the SAST role, so the
    # temporary localkey signer is in the file (trust-file-format S12).
    itl_callmanager_sast_record: bool
    # FUNCTION text of the node's own CallManager record in the ITL (seed 001: TFTP on 10.0).
    itl_ccm_function: str
    # Certificate subject style: "hostname" (CN=cucm-1051-a-pub, seed 002) or "fqdn" (seed 001).
    cn_style: str
    key_size: int
    # 11.5(1)SU3+: mixed mode needs export-controlled licensing.
    mixed_mode_needs_licence: bool
    # Hardware eTokens are gone from 14SU3.
    supports_hardware_etoken: bool
    # SSH authentication the node offers (field reports: keyboard-interactive on some releases).
    auth_methods: Tuple[str, ...]
    # `show network cluster` layout; CUCM 15 reformatted it (GUESSED layout, see commands).
    network_cluster_layout: str
    # `utils service restart` banner wording (old vs new, cucm-cli-behaviour.md).
    restart_banner_style: str
    # `utils ctl set-cluster mixed-mode` also reminds about CTIManager (later releases).
    ctl_reminds_ctimanager: bool
    # --- trust-file details (used by trustbuild.py) ---
    # DNSNAME of ITL records: "blank" = 2 bytes that print as an empty value (`2 DNSNAME 2`,
    # seeds 000/001, 8.x and 10.0); "hostname" = the node's host name as in the CTL. GUESSED for
    # 12.0+ (no 12.x `show itl` transcript): kept as "blank".
    itl_dnsname_style: str = "blank"
    # ITL records carry no IPADDRESS TLV: the RECORDLENGTHs of seeds 000/001 only add up without
    # it (1115 = 5+5+60+5+60+19+143+131+687). GUESSED for 12.0+: same.
    itl_record_ipaddress: bool = False
    # 12.0+ mixed-mode CTLs also hold the publisher's ITLRecovery certificate as a SAST record
    # (trust-file-format S10/S7). Its position in the file is GUESSED: last.
    ctl_itlrecovery_record: bool = False
    # --- state-changing commands (used by commands/) ---
    # `utils itl reset` output: "list" prints the Python list of seed 001 (10.0); "ruled" the
    # 12.5 layout described in cucm-cli-behaviour.md (`Generating the reset ITL file.....`, one
    # name a line between `====` lines, `Number of Active TFTP servers in the cluster : N`),
    # whose exact layout is GUESSED.
    itl_reset_layout: str = "list"
    # `set cert regen`: another certificate of the same node cannot be regenerated for this
    # long (seed 001, 10.0+).
    cert_regen_hold_minutes: int = 5

    @property
    def is_12_or_later(self) -> bool:
        return self.major >= 12

    def with_changes(self, **changes) -> "ReleaseProfile":
        return replace(self, **changes)


_PRE_12 = dict(
    itl_signer=CERT_CALLMANAGER,
    reset_itl_signer=CERT_ITLRECOVERY,
    ctl_signer=CERT_CALLMANAGER,
    itl_hash_only_tvs_capf=True,
    itl_callmanager_sast_record=False,
    itl_ccm_function="TFTP",
    restart_banner_style="old",
    ctl_reminds_ctimanager=False,
)

_12_PLUS = dict(
    itl_signer=CERT_ITLRECOVERY,
    reset_itl_signer=CERT_CALLMANAGER,
    ctl_signer=CERT_ITLRECOVERY,
    itl_hash_only_tvs_capf=False,
    itl_callmanager_sast_record=True,
    itl_ccm_function="CCM+TFTP",
    restart_banner_style="new",
    ctl_reminds_ctimanager=True,
    ctl_itlrecovery_record=True,
    itl_reset_layout="ruled",
)

# Build numbers are plausible examples of each train, not a claim about a specific SU.
PROFILES: Dict[str, ReleaseProfile] = {
    "10.5": ReleaseProfile(
        key="10.5", version="10.5.2.15900-8", major=10, minor=5, cn_style="hostname",
        key_size=2048, mixed_mode_needs_licence=False, supports_hardware_etoken=True,
        auth_methods=("password",), network_cluster_layout="classic", **_PRE_12,
    ),
    "11.5": ReleaseProfile(
        key="11.5", version="11.5.1.18900-97", major=11, minor=5, cn_style="hostname",
        key_size=2048, mixed_mode_needs_licence=True, supports_hardware_etoken=True,
        auth_methods=("password", "keyboard-interactive"), network_cluster_layout="classic",
        **_PRE_12,
    ),
    "12.5": ReleaseProfile(
        key="12.5", version="12.5.1.14900-63", major=12, minor=5, cn_style="hostname",
        key_size=2048, mixed_mode_needs_licence=True, supports_hardware_etoken=True,
        auth_methods=("keyboard-interactive", "password"), network_cluster_layout="classic",
        **_12_PLUS,
    ),
    "14": ReleaseProfile(
        key="14", version="14.0.1.13900-155", major=14, minor=0, cn_style="hostname",
        key_size=2048, mixed_mode_needs_licence=True, supports_hardware_etoken=False,
        auth_methods=("keyboard-interactive", "password"), network_cluster_layout="classic",
        **_12_PLUS,
    ),
    "15": ReleaseProfile(
        key="15", version="15.0.1.11900-23", major=15, minor=0, cn_style="hostname",
        key_size=2048, mixed_mode_needs_licence=True, supports_hardware_etoken=False,
        auth_methods=("keyboard-interactive", "password"), network_cluster_layout="v15",
        **_12_PLUS,
    ),
}


def get_profile(key: str) -> ReleaseProfile:
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError("unknown release %r (known: %s)" % (key, ", ".join(sorted(PROFILES))))
