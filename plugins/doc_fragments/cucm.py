# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection notes shared by every module that talks to a CUCM node.
    DOCUMENTATION = r"""
options: {}
notes:
  - Runs over C(ansible_connection=ansible.netcommon.network_cli) with C(ansible_network_os=cucm.trust.cucm),
    logging in to the CUCM platform (OS) administrator CLI. One SSH session per host is kept open for the
    whole play.
  - The CUCM CLI can take a long time to start (over 60 seconds on slow nodes); set C(ansible_command_timeout)
    and C(ansible_connect_timeout) above that, see the collection README.
  - Host key checking stays on by default; add the nodes' keys to C(~/.ssh/known_hosts) first.
"""

    # Modules whose command asks questions (answered by the cliconf dialog mechanism).
    DIALOG = r"""
options: {}
notes:
  - The questions the command asks are answered through the C(cucm.trust.cucm) cliconf dialog mechanism, as an
    ordered script - an answer is typed only at the question the script is at, each expected question once. A
    question the task does not expect (however it ends - with C(?), C(:), a line break or nothing - once CUCM waits
    at it for a few seconds), questions in another order, or a question asked again (for example after a wrong
    password) fail the task quoting CUCM, without typing anything more. Secret answers never appear in the output,
    the logs or the connection history, even at C(-vvvv).
  - On failure the result says in plain words why the dialog stopped (C(failure_reason) is one of
    C(unexpected_question), C(out_of_order), C(asked_again), C(unknown_warning), C(guard), C(pager), C(timeout),
    C(closed)) and C(stdout_lines) holds what CUCM printed until then, secrets masked.
"""

    # Modules whose command asks CUCM's confirmation after a warning.
    CONFIRM = r"""
options:
  accept_warnings:
    description:
      - Warnings CUCM may print before its confirmation question that this task accepts, each given as part of the
        sentence (case-insensitive), for example C(DNS is not configured).
      - The task confirms only when every sentence CUCM printed before the question is one it knows (the wording of
        Cisco's documentation for this command) or contains one of these; otherwise it fails quoting the warning and
        types nothing. Read the warning first, then list it here if going on is right.
    type: list
    elements: str
    default: []
"""

    # Modules that use CUCM's HTTPS APIs (AXL, RisPort70) from the controller: module_utils/cucm_api.py.
    API = r"""
options:
  api_host:
    description:
      - Name or address of the CUCM node whose HTTPS APIs (AXL, RisPort70) the task uses, from the controller.
      - When not set, the C(cucm.trust.cucm) action plugin takes the inventory variable C(cucm_api_host), else the
        C(ansible_host) of the inventory host the task runs on, else its inventory name.
      - Send AXL to the publisher. RisPort70 answers for the whole cluster on any node.
      - With O(ca_path) or the system CAs the certificate must name this host; with O(tomcat_fingerprint) any name or
        address works.
    type: str
  api_port:
    description:
      - HTTPS port of CUCM's Tomcat. Inventory variable C(cucm_api_port).
    type: int
    default: 8443
  api_user:
    description:
      - An application user (not the OS administrator used by the CLI modules). Inventory variable C(cucm_api_user).
      - AXL reads need the roles C(Standard AXL API Users) and C(Standard AXL Read Only API Access); resets need
        C(Standard AXL API Access). RisPort70 needs C(Standard CCM Admin Users) and a serviceability role such as
        C(Standard RealtimeAndTraceCollection) (roles other tools ask for; Cisco does not list them).
      - Required - on the task, in C(module_defaults) or as the inventory variable.
    type: str
  api_password:
    description:
      - Password of O(api_user). Inventory variable C(cucm_api_password) (vault it). Never logged or returned.
      - Required - on the task, in C(module_defaults) or as the inventory variable.
    type: str
  ca_path:
    description:
      - PEM file of the CA that signed the node's Tomcat certificate, or of that certificate itself (a self-signed
        Tomcat certificate is its own anchor). The host name is checked. Inventory variable C(cucm_api_ca_path).
      - Without O(ca_path) and O(tomcat_fingerprint), the controller's trusted CAs are used.
    type: path
  tomcat_fingerprint:
    description:
      - SHA-256 fingerprint of the node's Tomcat certificate (the leaf certificate's DER), as
        C(openssl x509 -in tomcat.pem -noout -fingerprint -sha256) prints it (C(AA:BB:...)) or as 64 hex digits.
        Inventory variable C(cucm_tomcat_fingerprint) (per node, in host_vars).
      - The connection is then accepted only when the node presents exactly that certificate - checked right after the
        TLS handshake, before anything (credentials included) is sent; no CA or host name check is needed. With
        O(ca_path) as well, both checks apply.
      - A renewed or regenerated Tomcat certificate has a new fingerprint; the task then fails saying which one the node
        presented. Verify it out of band (OS Administration, Certificate Management) before pinning it.
    type: str
  api_timeout:
    description: Seconds to wait for the connection and for each answer.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a throttled request (AXL HTTP 503, RisPort70 rate-limit fault) is retried before the task fails.
        Each wait is reported as a warning.
    type: int
    default: 3
  api_retry_time:
    description:
      - At most this many seconds of waiting for one throttled request (first wait 5 s on HTTP 503 or the
        C(Retry-After) it gives, 30 s on the rate-limit fault, doubled each time, at most 60 s per wait).
    type: int
    default: 180
  axl_version:
    description:
      - AXL schema version sent (namespace and C(SOAPAction)). When CUCM answers HTTP 599 (version not supported) the
        request is sent once more with the highest version CUCM lists, with a warning. Inventory variable
        C(cucm_axl_version).
    type: str
    default: '14.0'
  risport_rate_limit:
    description:
      - RisPort70 requests allowed per minute (Enterprise Parameter Rate Control > Allowed Device Queries Per Minute,
        15 by default, shared by every RisPort70 client of the cluster). Requests are sent at least 60 / this many
        seconds apart. Inventory variable C(cucm_risport_rate_limit).
    type: int
    default: 15
notes:
  - Runs on the controller and talks HTTPS (SOAP) to the node; no SSH session is opened. The inventory host may use
    C(ansible.netcommon.network_cli) like the other modules, or the task may run with C(connection=local) or
    C(delegate_to=localhost) - O(api_host) still defaults to the inventory host's address.
  - Set the options once per cluster with inventory variables (C(cucm_api_user), C(cucm_api_password),
    C(cucm_api_ca_path) or C(cucm_tomcat_fingerprint)...) or with C(module_defaults) for C(group/cucm.trust.cucm);
    the CLI modules of the group ignore these options. A task option wins over a C(module_defaults) value, which wins
    over the inventory variable.
  - The certificate is always verified; there is no option to turn that off. When it cannot be verified the task
    fails (C(failure_reason=certificate)) and says how to get the certificate.
  - Failures name the node, the API operation (C(command), for example C(AXL listPhone)) and what CUCM said;
    C(failure_reason) is one of C(auth) (HTTP 401), C(soap_fault), C(throttled), C(unreachable), C(certificate),
    C(axl_version), C(http), C(xml), C(arguments).
"""
