# -*- coding: utf-8 -*-
# Copyright: cucm.trust contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runtime of the modules that use CUCM's HTTPS APIs (AXL and RisPort70) from the controller.

Used by plugins/modules/phone_info.py and plugins/modules/phone_reset.py. The CLI modules run on
``module_utils/cucm.py``; these share its ``run_module`` and its one failure type, ``CucmError``
(``command`` is the API operation, e.g. ``AXL listPhone``; ``failure_reason`` one of ``auth``,
``soap_fault``, ``throttled``, ``unreachable``, ``certificate``, ``http``, ``xml``, ``arguments``).

Transport (``ApiClient``)
    SOAP 1.1 over ``ansible.module_utils.urls.Request``: HTTP POST, ``text/xml``, HTTP Basic auth
    on the first request; the ``JSESSIONIDSSO`` cookie CUCM sets is then sent back instead of
    ``Authorization`` (the server-side session is reused), and a 401/404 on the cookie (expired
    session) is retried once with Basic auth. Redirects are not followed (credentials never go to
    another URL); every request has ``api_timeout``. urllib, which ``urls`` builds on, opens one
    connection per request (``Connection: close``), so HTTP keep-alive is not available through
    ``urls``; the session cookie is the reuse CUCM documents.

Certificates: always verified, never optional
    * ``tomcat_fingerprint`` (a pin): TLS without CA validation, but ``PinnedContext.wrap_socket``
      finishes the handshake, takes the leaf certificate the node presented
      (``getpeercert(binary_form=True)``: DER), compares its SHA-256 with the pin in constant time
      and closes the socket before any HTTP byte - credentials included - is sent unless they match.
    * ``ca_path``: the CA file (or the node's own Tomcat certificate: partial chains are accepted,
      the file is the trust anchor); the host name is checked against the certificate.
    * neither: the system's trusted CAs, host name checked.
    With both, both checks apply. A refusal fails the task saying how to get the certificate.

XML
    Requests are built from templates with every value escaped. Responses are parsed with
    ``xml.etree`` only after refusing any DOCTYPE or ENTITY declaration (no external entities, no
    entity expansion) and anything that is not UTF-8; elements are matched by local name.

Throttling
    HTTP 503 (AXL) and the RisPort ``RateControl`` fault are retried at most ``api_retries`` times and
    for at most ``api_retry_time`` seconds of waiting per request, each wait reported as a warning.
    RisPort requests are also paced: at least 60 / ``risport_rate_limit`` seconds apart. HTTP 599
    (AXL schema version not supported) is retried once with the highest version CUCM lists.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import email.utils
import fnmatch
import hashlib
import hmac
import http.client
import re
import socket
import ssl
import time
import urllib.error
import xml.etree.ElementTree as ET
from http.cookiejar import CookieJar
from xml.sax.saxutils import escape as _sax_escape

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import Request

from ansible_collections.cucm.trust.plugins.module_utils.cucm import CucmError

AXL_PATH = "/axl/"
RISPORT_PATH = "/realtimeservice2/services/RISService70"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
AXL_NS = "http://www.cisco.com/AXL/API/%s"
RIS_NS = "http://schemas.cisco.com/ast/soap"

AXL = "AXL"
RISPORT = "RisPort70"

# RisPort70 answers at most 1000 devices per request (cucm-phone-apis.md 3.4): queries go by
# explicit names, at most this many at a time.
RISPORT_MAX_DEVICES = 1000
# listPhone page size (``first``); small returned tags keep a page far below AXL's 8 MB limit.
AXL_PAGE_SIZE = 1000
MAX_PAGES = 1000
MAX_RESPONSE_BYTES = 64 * 1024 * 1024

# First wait before retrying a throttled request, doubled on each retry, capped.
THROTTLE_FIRST_WAIT = {"http_503": 5.0, "rate_control": 30.0}
THROTTLE_MAX_WAIT = 60.0

# The options every HTTPS API module takes (doc fragment cucm.trust.cucm.API). The cucm action
# plugin fills api_host and the inventory-variable forms in; see plugins/action/cucm.py.
API_ARGUMENT_SPEC = dict(
    api_host=dict(type="str"),
    api_port=dict(type="int", default=8443),
    api_user=dict(type="str"),
    api_password=dict(type="str", no_log=True),
    ca_path=dict(type="path"),
    tomcat_fingerprint=dict(type="str"),
    api_timeout=dict(type="int", default=30),
    api_retries=dict(type="int", default=3),
    api_retry_time=dict(type="int", default=180),
    axl_version=dict(type="str", default="14.0"),
    risport_rate_limit=dict(type="int", default=15),
)

HOW_TO_GET_THE_CERTIFICATE = (
    "Get the node's Tomcat certificate from Cisco Unified OS Administration (Security > Certificate Management > "
    "tomcat > Download .PEM File) or with 'openssl s_client -connect %(host)s:%(port)s -showcerts </dev/null', "
    "check it out of band, then set ca_path to that file (or to the CA that signed it), or set tomcat_fingerprint "
    "to its SHA-256 fingerprint ('openssl x509 -in tomcat.pem -noout -fingerprint -sha256')"
)


class SystemClock(object):
    """Time as the runtime sees it; tests replace ``CLOCK`` with a fake that records sleeps."""

    def monotonic(self):
        return time.monotonic()

    def time(self):
        return time.time()

    def sleep(self, seconds):
        if seconds > 0:
            time.sleep(seconds)


CLOCK = SystemClock()


# -- certificates ---------------------------------------------------------------------------------

def normalize_fingerprint(value):
    """64 lower-case hex digits from ``AA:BB:..``, ``aabb..``, ``sha256:...`` or openssl's
    ``SHA256 Fingerprint=AA:..``; None when ``value`` is not a SHA-256 fingerprint."""
    text = to_text(value or "").strip()
    text = re.sub(r"^(?:sha-?256(?:\s+fingerprint)?\s*[=:]\s*)", "", text, flags=re.I)
    digits = re.sub(r"[\s:]", "", text).lower()
    return digits if re.match(r"^[0-9a-f]{64}$", digits) else None


def colon_hex(digits):
    """``AA:BB:...`` as openssl prints a fingerprint."""
    return ":".join(digits[i:i + 2] for i in range(0, len(digits), 2)).upper()


class PinMismatch(OSError):
    """The node presented a certificate whose SHA-256 is not the pinned one (nothing was sent)."""

    def __init__(self, presented):
        super(PinMismatch, self).__init__("certificate fingerprint mismatch")
        self.presented = presented


class PinnedContext(ssl.SSLContext):
    """An SSL context that accepts the connection only when the leaf certificate's DER SHA-256 is
    ``pin``. ``http.client`` calls ``wrap_socket`` to connect; the handshake completes inside it,
    so the check runs before the request (and its credentials) is written."""

    pin = None

    def wrap_socket(self, sock, *args, **kwargs):
        kwargs["do_handshake_on_connect"] = True
        wrapped = super(PinnedContext, self).wrap_socket(sock, *args, **kwargs)
        try:
            der = wrapped.getpeercert(binary_form=True)
        except (ValueError, ssl.SSLError):
            der = None
        presented = hashlib.sha256(der).hexdigest() if der else ""
        if not hmac.compare_digest(presented, self.pin):
            wrapped.close()
            raise PinMismatch(presented)
        return wrapped


def ssl_context(ca_path=None, pin=None):
    """The context of every request: pinned and/or CA-validated, never unverified."""
    if pin:
        context = PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
        context.pin = pin
        if ca_path:
            context.load_verify_locations(cafile=ca_path)
        else:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    else:
        context = ssl.create_default_context(cafile=ca_path)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_path and hasattr(ssl, "VERIFY_X509_PARTIAL_CHAIN"):
        # The file given is the trust anchor, even the node's own (self-signed or CA-issued) certificate.
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


# -- XML ------------------------------------------------------------------------------------------

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)


def escape(value):
    """A value for an element's text or a double-quoted attribute."""
    return _sax_escape(to_text(value), {'"': "&quot;"})


def local(tag):
    """The local name of an ElementTree tag (``{ns}name`` or ``name``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element, name):
    """Direct children with local name ``name``."""
    return [c for c in list(element) if local(c.tag) == name] if element is not None else []


def child(element, name):
    """The first direct child with local name ``name``, or None."""
    found = children(element, name)
    return found[0] if found else None


def descendant(element, name):
    """The first element below ``element`` (or itself) with local name ``name``, or None."""
    if element is None:
        return None
    for found in element.iter():
        if local(found.tag) == name:
            return found
    return None


def text_of(element, name=None, default=None):
    """Stripped text of ``element`` (or of its direct child ``name``); ``default`` when absent."""
    if name is not None:
        element = child(element, name)
    if element is None or element.text is None:
        return default
    return element.text.strip()


class XmlRefused(ValueError):
    pass


def parse_xml(data):
    """The root element of a response body; XmlRefused for DOCTYPE/ENTITY declarations,
    non-UTF-8 bytes or malformed XML."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise XmlRefused("the response is not UTF-8")
    match = _DECLARATION.search(text)
    if match:
        raise XmlRefused("the response declares a %s, which is refused (no DTDs, no entities)" % match.group(1).upper())
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise XmlRefused("the response is not well-formed XML (%s)" % exc)


def soap_fault(root):
    """``{faultcode, faultstring, axlcode, axlmessage}`` of a SOAP fault, or None."""
    fault = descendant(root, "Fault")
    if fault is None:
        return None
    detail = descendant(fault, "axlError")
    axlcode = text_of(detail, "axlcode") if detail is not None else None
    return {
        "faultcode": text_of(fault, "faultcode", ""),
        "faultstring": text_of(fault, "faultstring", ""),
        "axlcode": int(axlcode) if axlcode and re.match(r"^-?\d+$", axlcode) else axlcode,
        "axlmessage": text_of(detail, "axlmessage") if detail is not None else None,
    }


def is_rate_control(fault):
    """RisPort's rate fault (cucm-phone-apis.md 3.4): ``Server.RateControl`` / "Exceeded allowed rate"."""
    return bool(fault) and (fault["faultcode"].endswith("RateControl")
                            or "exceeded allowed rate" in fault["faultstring"].lower())


def visible_text(data, limit=300):
    """What an HTML/text error body says, tags removed, for a message."""
    text = to_text(data or b"", errors="surrogate_then_replace")
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def supported_axl_versions(body):
    """Versions an HTTP 599 page lists ("Supported axl versions are 12.x, 14.0 and 15.0"), numeric
    ones only, highest first."""
    text = visible_text(body, limit=2000)
    listed = text.split("versions are", 1)[-1] if "versions are" in text.lower() else text
    versions = set(re.findall(r"\b(\d{1,2}\.\d{1,2})\b", listed))
    return sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".")), reverse=True)


# -- the client -----------------------------------------------------------------------------------

class Response(object):
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name) if self.headers is not None else None


class ApiClient(object):
    """One node's AXL and RisPort70 endpoints for one task.

    ``calls`` counts HTTP requests per API (retries included), ``throttle_waits`` the seconds
    spent waiting on throttling, ``paced`` the seconds spent keeping RisPort's rate.
    """

    def __init__(self, params, warn, clock=None):
        self.host = params["api_host"]
        self.port = params["api_port"]
        self.user = params["api_user"]
        self._password = params["api_password"]
        self.ca_path = params.get("ca_path")
        self.timeout = params["api_timeout"]
        self.retries = params["api_retries"]
        self.retry_time = params["api_retry_time"]
        self.axl_version = params["axl_version"]
        self.rate_limit = params["risport_rate_limit"]
        self.warn = warn
        self.clock = clock or CLOCK
        self.calls = {AXL: 0, RISPORT: 0}
        self.throttle_waits = 0.0
        self.paced = 0.0
        self.server_offset = None
        self._cookie = None
        self._last_risport = None
        self.pin = None
        self._warned = set()
        self._check_arguments(params)
        try:
            context = ssl_context(self.ca_path, self.pin)
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise CucmError("ca_path %s cannot be used as a CA file: %s. %s." % (
                self.ca_path, exc, HOW_TO_GET_THE_CERTIFICATE % {"host": self.host, "port": self.port}),
                reason="certificate")
        self._request = Request(timeout=self.timeout, follow_redirects="none", use_netrc=False,
                                http_agent="cucm.trust", context=context)

    def _check_arguments(self, params):
        problems = []
        for option, variable in (("api_host", "cucm_api_host"), ("api_user", "cucm_api_user"),
                                 ("api_password", "cucm_api_password")):
            if not params.get(option):
                problems.append("%s is not set: give it on the task, in module_defaults for group/cucm.trust.cucm or "
                                "as the inventory variable %s" % (option, variable))
        if not 0 < self.port < 65536:
            problems.append("api_port must be a TCP port")
        if self.timeout < 1:
            problems.append("api_timeout must be at least 1 second")
        if self.retries < 0 or self.retry_time < 0:
            problems.append("api_retries and api_retry_time must not be negative")
        if not 1 <= self.rate_limit <= 1000:
            problems.append("risport_rate_limit must be between 1 and 1000 requests per minute")
        if not re.match(r"^\d{1,2}\.\d{1,2}$", self.axl_version or ""):
            problems.append("axl_version must look like 14.0 or 12.5")
        if params.get("tomcat_fingerprint"):
            self.pin = normalize_fingerprint(params["tomcat_fingerprint"])
            if not self.pin:
                problems.append("tomcat_fingerprint must be a SHA-256 fingerprint: 32 bytes in hex, with or without "
                                "colons (openssl x509 -noout -fingerprint -sha256 prints it)")
        if problems:
            raise CucmError("; ".join(problems), reason="arguments")

    def warn_once(self, message):
        """A warning that repeated polls would otherwise give again and again."""
        if message not in self._warned:
            self._warned.add(message)
            self.warn(message)

    @property
    def api_calls(self):
        return sum(self.calls.values())

    @property
    def where(self):
        return "%s:%s" % (self.host, self.port)

    def url(self, path):
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "https://%s:%s%s" % (host, self.port, path)

    def server_time(self):
        """Now on the node's clock (controller time corrected by the last ``Date`` header seen)."""
        return self.clock.time() + (self.server_offset or 0.0)

    def error(self, api, operation, message, reason, **details):
        return CucmError("%s %s on %s: %s" % (api, operation, self.where, message), "%s %s" % (api, operation),
                         reason, api_host=self.host, **details)

    # -- one HTTP request ----------------------------------------------------------------------

    def _authorization(self):
        token = base64.b64encode(("%s:%s" % (self.user, self._password)).encode("utf-8")).decode("ascii")
        return "Basic " + token

    def _post_once(self, api, operation, path, body, soap_action, with_cookie):
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"%s"' % soap_action,
                   "Accept": "text/xml"}
        if with_cookie:
            headers["Cookie"] = "JSESSIONIDSSO=%s" % self._cookie
        else:
            headers["Authorization"] = self._authorization()
        self.calls[api] += 1
        try:
            response = self._request.open("POST", self.url(path), data=body.encode("utf-8"), headers=headers,
                                          cookies=CookieJar())
            status = response.getcode()
        except urllib.error.HTTPError as exc:
            response, status = exc, exc.code
        except urllib.error.URLError as exc:
            raise self._connection_error(api, operation, exc.reason)
        except (socket.timeout, ssl.SSLError, OSError, http.client.HTTPException, UrlsConnectionError) as exc:
            raise self._connection_error(api, operation, exc)
        try:
            data = response.read(MAX_RESPONSE_BYTES + 1) or b""
        except (socket.timeout, OSError, http.client.HTTPException) as exc:
            raise self._connection_error(api, operation, exc)
        finally:
            try:
                response.close()
            except Exception:  # pragma: no cover - closing is best effort
                pass
        if len(data) > MAX_RESPONSE_BYTES:
            raise self.error(api, operation, "the response is larger than %d bytes" % MAX_RESPONSE_BYTES, "http")
        headers = getattr(response, "headers", None)
        self._note_date(headers)
        if status == 200:
            self._note_cookie(headers)
        return Response(status, headers, data)

    def _post(self, api, operation, path, body, soap_action):
        """POST ``body``; with a session cookie first, again with Basic auth if the session expired."""
        if self._cookie:
            response = self._post_once(api, operation, path, body, soap_action, with_cookie=True)
            if response.status not in (401, 404):
                return response
            self._cookie = None  # expired session (AXL answers 404, cucm-phone-apis.md 1): log in again
        return self._post_once(api, operation, path, body, soap_action, with_cookie=False)

    def _note_cookie(self, headers):
        for value in (headers.get_all("Set-Cookie") or []) if headers is not None else []:
            match = re.match(r"\s*JSESSIONIDSSO=([^;\s]+)", value)
            if match:
                self._cookie = match.group(1)

    def _note_date(self, headers):
        value = headers.get("Date") if headers is not None else None
        if not value:
            return
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return
        if when is not None and when.tzinfo is not None:
            self.server_offset = when.timestamp() - self.clock.time()

    def _connection_error(self, api, operation, cause):
        if isinstance(cause, PinMismatch):
            return self.error(api, operation, "the node presented a certificate with SHA-256 fingerprint %s, not the "
                              "tomcat_fingerprint %s, so nothing was sent. Its Tomcat certificate changed (renewed or "
                              "regenerated?) or this is not the node. %s."
                              % (colon_hex(cause.presented) if cause.presented else "(none)", colon_hex(self.pin),
                                 HOW_TO_GET_THE_CERTIFICATE % {"host": self.host, "port": self.port}),
                              "certificate", presented_fingerprint=colon_hex(cause.presented) if cause.presented else None)
        if isinstance(cause, ssl.SSLCertVerificationError):
            against = "the CA file %s" % self.ca_path if self.ca_path else "the system's trusted CAs"
            hint = ""
            if "hostname" in to_text(cause).lower() or "ip address mismatch" in to_text(cause).lower():
                hint = " api_host must be a name (or address) the certificate lists, or pin it with tomcat_fingerprint."
            return self.error(api, operation, "the node's certificate could not be verified against %s: %s.%s %s."
                              % (against, to_text(getattr(cause, "verify_message", None) or cause).rstrip("."), hint,
                                 HOW_TO_GET_THE_CERTIFICATE % {"host": self.host, "port": self.port}), "certificate")
        if isinstance(cause, ssl.SSLError):
            return self.error(api, operation, "the TLS handshake failed (%s): is port %s CUCM's HTTPS (Tomcat) port?"
                              % (cause, self.port), "unreachable")
        if isinstance(cause, (socket.timeout, TimeoutError)):
            return self.error(api, operation, "no answer within api_timeout (%s s); the node may be down or overloaded"
                              % self.timeout, "unreachable")
        return self.error(api, operation, "cannot reach the node (%s); check api_host, api_port, that the node is up "
                          "and that the controller may open TCP %s to it" % (to_text(cause), self.port), "unreachable")

    # -- SOAP with its retries --------------------------------------------------------------------

    def _pace(self):
        """RisPort70 allows ``risport_rate_limit`` requests a minute, shared by every client."""
        interval = 60.0 / self.rate_limit
        if self._last_risport is not None:
            wait = self._last_risport + interval - self.clock.monotonic()
            if wait > 0:
                self.clock.sleep(wait)
                self.paced += wait
        self._last_risport = self.clock.monotonic()

    def _throttle_wait(self, kind, retry, response):
        wait = min(THROTTLE_MAX_WAIT, THROTTLE_FIRST_WAIT[kind] * 2 ** (retry - 1))
        retry_after = response.header("Retry-After")
        if retry_after and retry_after.strip().isdigit():
            wait = min(THROTTLE_MAX_WAIT, max(1.0, float(retry_after.strip())))
        return wait

    def soap(self, api, operation, path, build, soap_action):
        """POST the envelope ``build()`` returns; the SOAP Body's first element. Retries throttling
        within the bounds, AXL's version refusal once; raises CucmError for everything else."""
        retry = 0
        waited = 0.0
        version_retried = False
        while True:
            if api == RISPORT:
                self._pace()
            response = self._post(api, operation, path, build(), soap_action())
            status = response.status
            if status == 599 and api == AXL and not version_retried:
                versions = supported_axl_versions(response.body)
                if versions and versions[0] != self.axl_version:
                    self.warn("%s %s on %s: CUCM does not support AXL schema %s (HTTP 599: %s); using %s, the highest "
                              "it lists - set axl_version to it" % (
                                  api, operation, self.where, self.axl_version, visible_text(response.body, 200),
                                  versions[0]))
                    self.axl_version = versions[0]
                    version_retried = True
                    continue
            if status == 599:
                raise self.error(api, operation, "CUCM refused AXL schema %s (HTTP 599): %s; set axl_version to a "
                                 "version it supports" % (self.axl_version, visible_text(response.body)), "axl_version",
                                 http_status=599)
            if status == 401:
                raise self.error(api, operation, "HTTP 401 Unauthorized: wrong api_user/api_password, or user '%s' "
                                 "lacks the role for this API (%s)" % (self.user, ROLES[api]), "auth", http_status=401)
            root, fault, refused = None, None, None
            if response.body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                try:
                    root = parse_xml(response.body)
                    fault = soap_fault(root)
                except XmlRefused as exc:
                    refused = exc
            if refused is not None and status == 200:
                raise self.error(api, operation, "%s (HTTP %s)" % (refused, status), "xml", http_status=status)
            # An error page with a DOCTYPE (Tomcat's HTML pages) is not parsed: its text is quoted below.
            kind = "http_503" if status == 503 else "rate_control" if is_rate_control(fault) else None
            if kind:
                retry += 1
                wait = self._throttle_wait(kind, retry, response)
                said = fault["faultstring"] if fault else visible_text(response.body, 200) or "Service Unavailable"
                what = ("CUCM refused the request over its rate limit" if kind == "rate_control"
                        else "CUCM is throttling requests (HTTP 503)")
                if retry > self.retries or waited + wait > self.retry_time:
                    hint = ("; if it never answers otherwise, check that the %s service is activated on this node"
                            % SERVICES[api]) if kind == "http_503" else ""
                    raise self.error(api, operation, "%s (%s); gave up after %d tries and %.0f s of waiting (api_retries "
                                     "%d, api_retry_time %d s)%s" % (what, said, retry, waited, self.retries,
                                                                     self.retry_time, hint), "throttled",
                                     http_status=status, fault=fault)
                self.clock.sleep(wait)
                waited += wait
                self.throttle_waits += wait
                self.warn("%s %s on %s: %s (%s); waited %.0f s and retried (retry %d of at most %d, %.0f of at most "
                          "%d s waited for this request)" % (
                              api, operation, self.where, what, said, wait, retry, self.retries, waited,
                              self.retry_time))
                continue
            if fault:
                code = " (axlcode %s)" % fault["axlcode"] if fault["axlcode"] is not None else ""
                raise self.error(api, operation, "CUCM answered with a SOAP fault: %s%s"
                                 % (fault["faultstring"] or fault["faultcode"], code), "soap_fault",
                                 http_status=status, fault=fault)
            if status != 200:
                raise self.error(api, operation, "HTTP %s: %s" % (status, visible_text(response.body) or "(no body)"),
                                 "http", http_status=status)
            if root is None:
                raise self.error(api, operation, "the answer is not XML: %s" % visible_text(response.body), "xml")
            body = descendant(root, "Body")
            answer = list(body)[0] if body is not None and len(body) else None
            if answer is None:
                raise self.error(api, operation, "the answer has no SOAP Body", "xml")
            return answer

    def axl(self, operation, inner, attributes=""):
        """Run an AXL operation (children ``inner`` already escaped): its ``<operation>Response``."""

        def build():
            return ('<?xml version="1.0" encoding="UTF-8"?>'
                    '<soapenv:Envelope xmlns:soapenv="%s" xmlns:ns="%s"><soapenv:Header/><soapenv:Body>'
                    '<ns:%s%s>%s</ns:%s></soapenv:Body></soapenv:Envelope>'
                    % (SOAP_ENV, AXL_NS % self.axl_version, operation, attributes, inner, operation))

        return self.soap(AXL, operation, AXL_PATH, build, lambda: "CUCM:DB ver=%s %s" % (self.axl_version, operation))

    def risport(self, operation, inner):
        """Run a RisPort70 operation (children ``inner``, ``soap:``-prefixed, already escaped)."""
        envelope = ('<?xml version="1.0" encoding="UTF-8"?>'
                    '<soapenv:Envelope xmlns:soapenv="%s" xmlns:soap="%s"><soapenv:Header/><soapenv:Body>'
                    '<soap:%s>%s</soap:%s></soapenv:Body></soapenv:Envelope>'
                    % (SOAP_ENV, RIS_NS, operation, inner, operation))
        return self.soap(RISPORT, operation, RISPORT_PATH, lambda: envelope, lambda: operation)


SERVICES = {AXL: "Cisco AXL Web Service (send AXL to the publisher)", RISPORT: "Cisco RIS Data Collector"}

ROLES = {
    AXL: "AXL needs 'Standard AXL API Access' (resets) or 'Standard AXL API Users' + 'Standard AXL Read Only API "
         "Access' (reads); a read-only AXL user gets 401 on resets",
    RISPORT: "RisPort70 needs an application user with 'Standard CCM Admin Users' and a serviceability role such "
             "as 'Standard RealtimeAndTraceCollection'",
}


def client_for(module, clock=None):
    """The ApiClient of a module run: its options, warnings into ``module.warn``."""
    return ApiClient(module.params, module.warn, clock=clock)


# -- AXL listPhone --------------------------------------------------------------------------------

LIST_PHONE_TAGS = ("name", "description", "model", "product", "protocol", "devicePoolName")


def axl_pattern(pattern):
    """A name pattern with ``*`` / ``?`` wildcards as AXL's SQL-like ``%`` / ``_``."""
    return pattern.replace("*", "%").replace("?", "_")


def list_phones(client, criteria):
    """Every phone AXL ``listPhone`` returns for ``criteria`` ({searchCriteria child: value}),
    paged with ``first``/``skip``: ``[{name, description, model, product, protocol, device_pool}]``."""
    search = "".join("<%s>%s</%s>" % (key, escape(value), key) for key, value in criteria.items())
    tags = "".join("<%s/>" % tag for tag in LIST_PHONE_TAGS)
    phones = []
    for page in range(MAX_PAGES):
        inner = ("<searchCriteria>%s</searchCriteria><returnedTags>%s</returnedTags><skip>%d</skip><first>%d</first>"
                 % (search, tags, page * AXL_PAGE_SIZE, AXL_PAGE_SIZE))
        answer = client.axl("listPhone", inner)
        rows = children(child(answer, "return"), "phone")
        for row in rows:
            phones.append({
                "name": text_of(row, "name", ""),
                "description": text_of(row, "description"),
                "model": text_of(row, "model"),
                "product": text_of(row, "product"),
                "protocol": text_of(row, "protocol"),
                "device_pool": text_of(row, "devicePoolName"),
            })
        if len(rows) < AXL_PAGE_SIZE:
            break
    return phones


def find_phones(client, patterns=None, device_pools=None):
    """The phones AXL knows that match any of ``patterns`` (``*``/``?`` wildcards, case-insensitive)
    and, when given, belong to one of ``device_pools``: ``(phones sorted by name, unmatched)``
    where ``unmatched`` lists the patterns and pools that matched no phone.

    One ``listPhone`` (paged) per pool, or per pattern without pools; the patterns are checked
    again here (AXL's ``%`` / ``_`` are SQL LIKE wildcards) and the pool names compared exactly
    (case-insensitive).
    """
    patterns = list(patterns or [])
    pools = list(device_pools or [])
    if pools:
        single = axl_pattern(patterns[0]) if len(patterns) == 1 else "%"
        queries = [{"name": single, "devicePoolName": pool} for pool in pools]
    else:
        queries = [{"name": axl_pattern(p)} for p in patterns] or [{"name": "%"}]
    found = {}
    for criteria in queries:
        for phone in list_phones(client, criteria):
            if phone["name"]:
                found.setdefault(phone["name"], phone)
    selected = []
    for phone in found.values():
        if patterns and not any(fnmatch.fnmatchcase(phone["name"].upper(), p.upper()) for p in patterns):
            continue
        if pools and (phone["device_pool"] or "").lower() not in [p.lower() for p in pools]:
            continue
        selected.append(phone)
    selected.sort(key=lambda phone: phone["name"])
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(s["name"].upper(), p.upper()) for s in selected)]
    unmatched += ["device pool %s" % p for p in pools
                  if not any((s["device_pool"] or "").lower() == p.lower() for s in selected)]
    return selected, unmatched


# -- RisPort70 selectCmDeviceExt ------------------------------------------------------------------

def _int(value):
    return int(value) if value is not None and re.match(r"^-?\d+$", value) else value


def cm_device(node, device):
    """One RisPort ``CmDevice`` as a dict."""
    addresses = []
    for item in children(child(device, "IPAddress"), "item"):
        addresses.append({"ip": text_of(item, "IP"), "type": text_of(item, "IPAddrType"),
                          "attribute": text_of(item, "Attribute")})
    ipv4 = [a["ip"] for a in addresses if a["ip"] and (a["type"] or "ipv4").lower() == "ipv4"]
    ipv6 = [a["ip"] for a in addresses if a["ip"] and (a["type"] or "").lower() == "ipv6"]
    return {
        "name": text_of(device, "Name", ""),
        "status": text_of(device, "Status"),
        "status_reason": _int(text_of(device, "StatusReason")),
        "timestamp": _int(text_of(device, "TimeStamp")),
        "node": node,
        "ip_address": ipv4[0] if ipv4 else None,
        "ipv6_address": ipv6[0] if ipv6 else None,
        "model_code": _int(text_of(device, "Model")),
        "protocol": text_of(device, "Protocol"),
        "dir_number": text_of(device, "DirNumber"),
        "description": text_of(device, "Description"),
        "active_load": text_of(device, "ActiveLoadID"),
    }


def select_cm_device_ext(client, names):
    """One ``selectCmDeviceExt`` for at most 1000 explicit names: ``({name: device}, node_codes)``,
    the newest ``TimeStamp`` kept if a device appears twice; ``node_codes`` maps nodes whose
    ``ReturnCode`` is not ``Ok`` to it."""
    if len(names) > RISPORT_MAX_DEVICES:
        raise ValueError("at most %d names per RisPort70 request" % RISPORT_MAX_DEVICES)
    items = "".join("<soap:item><soap:Item>%s</soap:Item></soap:item>" % escape(name) for name in names)
    inner = ("<soap:StateInfo></soap:StateInfo><soap:CmSelectionCriteria>"
             "<soap:MaxReturnedDevices>%d</soap:MaxReturnedDevices><soap:DeviceClass>Phone</soap:DeviceClass>"
             "<soap:Model>255</soap:Model><soap:Status>Any</soap:Status><soap:NodeName></soap:NodeName>"
             "<soap:SelectBy>Name</soap:SelectBy><soap:SelectItems>%s</soap:SelectItems>"
             "<soap:Protocol>Any</soap:Protocol><soap:DownloadStatus>Any</soap:DownloadStatus>"
             "</soap:CmSelectionCriteria>" % (len(names), items))
    answer = client.risport("selectCmDeviceExt", inner)
    result = descendant(answer, "SelectCmDeviceResult")
    if result is None:
        raise client.error(RISPORT, "selectCmDeviceExt", "the answer has no SelectCmDeviceResult", "xml")
    devices, codes = {}, {}
    for node in children(child(result, "CmNodes"), "item"):
        node_name = text_of(node, "Name")
        code = text_of(node, "ReturnCode", "Ok")
        if code != "Ok":
            codes[node_name or "(unnamed node)"] = code
        for device in children(child(node, "CmDevices"), "item"):
            entry = cm_device(node_name, device)
            if not entry["name"]:
                continue
            key = entry["name"].upper()
            known = devices.get(key)
            if known is None or _newer(entry, known):
                devices[key] = entry
    return devices, codes


def _newer(entry, known):
    a, b = entry["timestamp"], known["timestamp"]
    return isinstance(a, int) and (not isinstance(b, int) or a > b)


def registration(client, names):
    """RisPort70 registration of ``names`` (explicit names, any number): ``{NAME: device}`` keyed by
    upper-case name, one ``selectCmDeviceExt`` per 1000 names, paced. Names RisPort does not know
    are absent. Nodes answering other than ``Ok`` are reported once as a warning."""
    devices, codes = {}, {}
    names = list(names)
    for start in range(0, len(names), RISPORT_MAX_DEVICES):
        found, node_codes = select_cm_device_ext(client, names[start:start + RISPORT_MAX_DEVICES])
        devices.update(found)
        codes.update(node_codes)
    for node, code in sorted(codes.items()):
        client.warn_once("RisPort70 on %s: node %s answered %s; phones registered to it may be missing"
                         % (client.where, node, code))
    return devices
