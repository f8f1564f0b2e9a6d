"""Write the binary ITL/CTL fixtures of tests/unit/plugins/module_utils/test_trust_file.py.

    PYTHONPATH=tests/lab .venv/bin/python scripts/make-trust-file-fixtures.py [--out DIR]

Builds in-process lab clusters (tests/lab/cucm_lab, bootstrap.create_cluster, 2 nodes, 1024-bit
keys to keep the files small) of CUCM 10.5, 12.5 and 14, non-secure and mixed mode, and stores for
each trust file the bytes a phone downloads (node.tftp_files[...].data) as ``<name>.tlv`` and the
lab's ``show itl`` / ``show ctl`` rendering of the same bytes for the node holding them as
``<name>.txt``. Extras: a CA-signed 14 cluster, a 12.5 subscriber's ITL, the certificate-less CTL the lab writes when a
mixed-mode 12.5 cluster goes back to non-secure, a 10.5 CTL signed by a hardware eToken and a 12.5
ITL signed with SHA-512 (the lab builder's digest option).

Run it once; the fixtures are committed (tests/unit/fixtures/trust_files/README.md). Certificates and
keys are random, so every run gives other bytes: regenerate all files together, never one.
"""

import argparse
import os
import sys

from cucm_lab import bootstrap, pki, render, trustbuild
from cucm_lab import trustfile as lab_trustfile
from cucm_lab.model import CTL_FILE, ITL_FILE, SECURITY_MODE_MIXED, StoredFile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tests", "unit", "fixtures", "trust_files")
KEY_SIZE = 1024
RELEASES = (("10.5", "lab105"), ("12.5", "lab125"), ("14", "lab14"))


def cluster(name, release, mixed, ca_signed=False):
    return bootstrap.create_cluster(
        name, release, 2, key_size=KEY_SIZE, ca_signed=ca_signed,
        security_mode=SECURITY_MODE_MIXED if mixed else 0,
    )


def write(out, name, kind, stored):
    """<name>.tlv (the bytes) and <name>.txt (the lab's CLI rendering of them)."""
    renderer = render.render_show_itl if kind == "itl" else render.render_show_ctl
    with open(os.path.join(out, name + ".tlv"), "wb") as handle:
        handle.write(stored.data)
    with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as handle:
        handle.write(renderer(stored))
    print("%-36s %6d bytes" % (name + ".tlv", len(stored.data)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    for release, prefix in RELEASES:
        plain = cluster(prefix, release, mixed=False)
        write(args.out, "%s_nonsecure_pub_itl" % prefix, "itl", plain.publisher.tftp_files[ITL_FILE])
        mixed = cluster(prefix, release, mixed=True)
        write(args.out, "%s_mixed_pub_itl" % prefix, "itl", mixed.publisher.tftp_files[ITL_FILE])
        write(args.out, "%s_mixed_ctl" % prefix, "ctl", mixed.publisher.tftp_files[CTL_FILE])
        if release == "10.5":
            tokens = pki.new_etoken_identities(2)
            data = trustbuild.build_ctl(mixed, etokens=tokens, timestamp=mixed.clock.now())
            write(args.out, "%s_etoken_ctl" % prefix, "ctl", StoredFile(data=data, mtime=mixed.clock.now()))
        if release == "12.5":
            # A subscriber's own ITL (every TFTP node builds its own).
            write(args.out, "%s_mixed_sub1_itl" % prefix, "itl", mixed.nodes[1].tftp_files[ITL_FILE])
            # The CTL the lab leaves on the nodes after going back to non-secure mode.
            stored = bootstrap.write_ctl(mixed, mode=trustbuild.MODE_NON_SECURE)
            write(args.out, "%s_back_to_nonsecure_ctl" % prefix, "ctl", mixed.publisher.tftp_files[CTL_FILE])
            assert stored.data == mixed.publisher.tftp_files[CTL_FILE].data
            # The publisher's ITL records, signed with SHA-512 by the release's ITL signer.
            node = mixed.publisher
            signer = trustbuild.unit_identity(mixed, node, mixed.release.itl_signer)
            data = lab_trustfile.build_trust_file(
                trustbuild.itl_records(mixed, node), signer, ITL_FILE, digest="sha512",
                timestamp=mixed.clock.now())
            write(args.out, "%s_sha512_pub_itl" % prefix, "itl", StoredFile(data=data, mtime=mixed.clock.now()))

    signed = cluster("lab14ca", "14", mixed=True, ca_signed=True)
    write(args.out, "lab14_ca_signed_mixed_pub_itl", "itl", signed.publisher.tftp_files[ITL_FILE])
    write(args.out, "lab14_ca_signed_mixed_ctl", "ctl", signed.publisher.tftp_files[CTL_FILE])
    return 0


if __name__ == "__main__":
    sys.exit(main())
