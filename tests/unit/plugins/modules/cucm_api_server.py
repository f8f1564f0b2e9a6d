"""A tiny CUCM HTTPS API stand-in for unit tests: AXL and RisPort70 on 127.0.0.1 over TLS.

Every answer is built from the XML shapes /work/shared/reference/cucm-phone-apis.md documents
(sections cited at each builder): listPhone (2.3), doDeviceReset (2.4), the AXL fault (2.7), the
HTTP 599 page (2.1), selectCmDeviceExt (3.3) and the RisPort rate fault (3.4). Element prefixes
follow the reference (``ns:`` for AXL, ``ns1:`` for RisPort answers) - the client must match by
local name.

``FakeCucm`` runs a threading HTTPS server with a throw-away CA and leaf certificate generated with
``cryptography`` (``Pki``); handler sockets time out, the server is shut down by the fixture.
``Cluster`` is the state behind it: phones (name, device pool, model, RisPort row), the resets it
received, and ``script``: canned answers to send first, per operation (503, faults, 599...).
``FakeClock`` stands in for ``cucm_api.CLOCK``: sleeps advance virtual time and are recorded.
"""

import base64
import datetime
import fnmatch
import hashlib
import ipaddress
import os
import re
import ssl
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "axl-ansible"
PASSWORD = "S3cret-Pa55w0rd!"


# -- certificates -----------------------------------------------------------------------------------

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class Pki(object):
    """A CA, a leaf for 127.0.0.1/localhost signed by it, and an unrelated self-signed leaf."""

    def __init__(self, directory):
        now = datetime.datetime.now(datetime.timezone.utc)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = (x509.CertificateBuilder().subject_name(_name("cucm-trust test CA")).issuer_name(_name("cucm-trust test CA"))
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .sign(ca_key, hashes.SHA256()))
        other_key = ec.generate_private_key(ec.SECP256R1())
        other = (x509.CertificateBuilder().subject_name(_name("someone else")).issuer_name(_name("someone else"))
                 .public_key(other_key.public_key()).serial_number(x509.random_serial_number())
                 .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
                 .sign(other_key, hashes.SHA256()))
        self.ca_path = os.path.join(directory, "ca.pem")
        self.leaf_path = os.path.join(directory, "tomcat.pem")
        self.key_path = os.path.join(directory, "tomcat.key")
        self.other_path = os.path.join(directory, "other.pem")
        for path, cert in ((self.ca_path, ca), (self.leaf_path, leaf), (self.other_path, other)):
            with open(path, "wb") as handle:
                handle.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(self.key_path, "wb") as handle:
            handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        self.fingerprint = hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).hexdigest()
        # As `openssl x509 -noout -fingerprint -sha256` prints it.
        self.fingerprint_openssl = "SHA256 Fingerprint=" + ":".join(
            self.fingerprint[i:i + 2] for i in range(0, 64, 2)).upper()


# -- the XML CUCM sends (cucm-phone-apis.md) ----------------------------------------------------------

ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
            '"http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>')


def esc(value):
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def list_phone_response(phones, version="14.0"):
    """2.3: ``listPhoneResponse/return/phone*``, ``<phone uuid>``, FK children with a uuid attribute."""
    rows = "".join(
        '<phone uuid="{%s}"><name>%s</name><description>%s</description><model>%s</model><product>%s</product>'
        '<protocol>%s</protocol><devicePoolName uuid="{%s}">%s</devicePoolName></phone>'
        % (p["uuid"], esc(p["name"]), esc(p["description"]), esc(p["model"]), esc(p["model"]), p["protocol"],
           p["pool_uuid"], esc(p["pool"])) for p in phones)
    return ENVELOPE % ('<ns:listPhoneResponse xmlns:ns="http://www.cisco.com/AXL/API/%s"><return>%s</return>'
                       '</ns:listPhoneResponse>' % (version, rows))


def do_device_reset_response(returned, version="14.0"):
    """2.4: ``doDeviceResetResponse/return`` (``true`` or ``{uuid}``)."""
    return ENVELOPE % ('<ns:doDeviceResetResponse xmlns:ns="http://www.cisco.com/AXL/API/%s"><return>%s</return>'
                       '</ns:doDeviceResetResponse>' % (version, returned))


def axl_fault(faultstring, axlcode, request, prefixed=False):
    """2.7: the SOAP fault with ``detail/axlError`` (sometimes ``ns2:axlError``)."""
    error = ('<ns2:axlError xmlns:ns2="http://www.cisco.com/AXL/API/11.5"><axlcode>%s</axlcode><axlmessage>%s'
             '</axlmessage><request>%s</request></ns2:axlError>' if prefixed else
             '<axlError><axlcode>%s</axlcode><axlmessage>%s</axlmessage><request>%s</request></axlError>')
    return ENVELOPE % ('<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>%s</faultstring><detail>%s'
                       '</detail></soapenv:Fault>' % (esc(faultstring), error % (axlcode, esc(faultstring), request)))


# 2.1: the HTML page of HTTP 599 (text seen in field reports).
VERSION_PAGE = ("<html><head><title>Error</title></head><body><h1>Incorrect axl version. Supported axl versions are "
                "12.x, 14.0 and 15.0</h1></body></html>")

# 3.4: the rate fault as seen in the field (Cisco's typo "Reatime" kept).
RATE_FAULTSTRING = ("AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime "
                    "information is 15 requests per minute.selectCmDeviceExt")


def rate_fault():
    return ENVELOPE % ('<soapenv:Fault><faultcode xmlns:ns1="http://xml.apache.org/axis/">ns1:Server.RateControl'
                       '</faultcode><faultstring>%s</faultstring><detail/></soapenv:Fault>' % RATE_FAULTSTRING)


def cm_device(row):
    """3.3: one ``CmDevice`` (children in WSDL order, those the client reads and a few more)."""
    ip = ('<ns1:IPAddress><ns1:item><ns1:IP>%s</ns1:IP><ns1:IPAddrType>ipv4</ns1:IPAddrType><ns1:Attribute>Unknown'
          '</ns1:Attribute></ns1:item></ns1:IPAddress>' % row["ip"]) if row.get("ip") else ""
    return ('<ns1:item><ns1:Name>%s</ns1:Name><ns1:DirNumber>1000-Registered</ns1:DirNumber><ns1:DeviceClass>Phone'
            '</ns1:DeviceClass><ns1:Model>%s</ns1:Model><ns1:Product>%s</ns1:Product><ns1:BoxProduct>0'
            '</ns1:BoxProduct><ns1:Httpd>Yes</ns1:Httpd><ns1:RegistrationAttempts>0</ns1:RegistrationAttempts>'
            '<ns1:IsCtiControllable>true</ns1:IsCtiControllable><ns1:LoginUserId/><ns1:Status>%s</ns1:Status>'
            '<ns1:StatusReason>%s</ns1:StatusReason><ns1:PerfMonObject>2</ns1:PerfMonObject><ns1:DChannel>0'
            '</ns1:DChannel><ns1:Description>%s</ns1:Description><ns1:H323Trunk/><ns1:TimeStamp>%s</ns1:TimeStamp>'
            '<ns1:Protocol>SIP</ns1:Protocol><ns1:NumOfLines>1</ns1:NumOfLines><ns1:LinesStatus><ns1:item>'
            '<ns1:DirectoryNumber>1000</ns1:DirectoryNumber><ns1:Status>Registered</ns1:Status></ns1:item>'
            '</ns1:LinesStatus><ns1:ActiveLoadID>sip88xx.14-2-1</ns1:ActiveLoadID><ns1:InactiveLoadID/>'
            '<ns1:DownloadStatus>Unknown</ns1:DownloadStatus><ns1:DownloadFailureReason/><ns1:DownloadServer/>%s'
            '</ns1:item>' % (esc(row["name"]), row["model_code"], row["model_code"], row["status"],
                             row["status_reason"], esc(row.get("description", "")), row["timestamp"], ip))


def select_cm_device_response(rows_by_node, node_codes=None):
    """3.3: ``selectCmDeviceResponse`` (the WSDL's element for both operations), one ``CmNodes/item`` per
    node; zero matches give ``TotalDevicesFound`` 0 and a nil ``CmNodes``."""
    total = sum(len(rows) for rows in rows_by_node.values())
    if not rows_by_node:
        nodes = '<ns1:CmNodes xsi:nil="1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    else:
        nodes = "<ns1:CmNodes>%s</ns1:CmNodes>" % "".join(
            "<ns1:item><ns1:ReturnCode>%s</ns1:ReturnCode><ns1:Name>%s</ns1:Name><ns1:NoChange>false</ns1:NoChange>"
            "<ns1:CmDevices>%s</ns1:CmDevices></ns1:item>"
            % ((node_codes or {}).get(node, "Ok"), node, "".join(cm_device(r) for r in rows))
            for node, rows in sorted(rows_by_node.items()))
    return ENVELOPE % ('<ns1:selectCmDeviceResponse xmlns:ns1="http://schemas.cisco.com/ast/soap">'
                       '<ns1:selectCmDeviceReturn><ns1:SelectCmDeviceResult><ns1:TotalDevicesFound>%d'
                       '</ns1:TotalDevicesFound>%s</ns1:SelectCmDeviceResult><ns1:StateInfo>%s</ns1:StateInfo>'
                       '</ns1:selectCmDeviceReturn></ns1:selectCmDeviceResponse>'
                       % (total, nodes, "&lt;StateInfo ClusterWide=&quot;1&quot;&gt;" if total else ""))


# -- the cluster behind the endpoints ----------------------------------------------------------------

def local(tag):
    return tag.rsplit("}", 1)[-1]


def find(element, name):
    for found in element.iter():
        if local(found.tag) == name:
            return found
    return None


def find_all(element, name):
    return [found for found in element.iter() if local(found.tag) == name]


class Request(object):
    def __init__(self, path, headers, body, clock):
        self.path = path
        self.headers = headers
        self.body = body
        self.at = clock.monotonic() if clock else time.monotonic()
        self.root = ET.fromstring(body) if body.strip() else None
        body_element = find(self.root, "Body") if self.root is not None else None
        self.operation_element = list(body_element)[0] if body_element is not None and len(body_element) else None
        self.operation = local(self.operation_element.tag) if self.operation_element is not None else None
        self.namespace = self.operation_element.tag[1:].split("}")[0] if self.operation_element is not None else None

    @property
    def api(self):
        return "axl" if self.path.startswith("/axl/") else "risport"


class Cluster(object):
    """Phones and the behaviour of AXL / RisPort70 for one test."""

    def __init__(self, phones=0, clock=None, versions=("12.5", "14.0", "15.0")):
        self.phones = {}
        self.order = []
        self.clock = clock
        self.versions = versions
        self.requests = []
        self.resets = []
        self.script = {}  # operation -> [response tuple or callable], sent before the normal answer
        self.sessions = set()
        self.expire_sessions = False
        self.risport_polls = 0
        self.rate_limit_hits = 0
        for index in range(phones):
            self.add_phone("SEP%012X" % (0x001122000000 + index), pool="DP_SITE_%s" % "AB"[index % 2],
                           model="Cisco 8845" if index % 3 else "Cisco 7841")

    def add_phone(self, name, pool="DP_SITE_A", model="Cisco 8845", status="Registered", status_reason=0,
                  node="cucm-sub1", timestamp=None, back_after_polls=1, known=True):
        self.phones[name] = {
            "name": name, "pool": pool, "model": model, "protocol": "SIP", "description": "Phone %s" % name,
            "uuid": "%08X-0000-0000-0000-%012X" % (len(self.order), len(self.order)),
            "pool_uuid": "1B1B9EB6-7803-11D3-BDF0-00108302EAD1",
            "model_code": 36670 if model == "Cisco 8845" else 36213,
            "status": status, "status_reason": status_reason, "node": node,
            "timestamp": timestamp if timestamp is not None else int(time.time()) - 86400,
            "ip": "10.1.%d.%d" % (len(self.order) // 250, len(self.order) % 250 + 1),
            # after a reset: None = never comes back, n = Registered again from the n-th RisPort poll on
            "back_after_polls": back_after_polls, "reset_at": None, "reset_poll": None,
            "known": known,  # False: RisPort has no entry for it
        }
        self.order.append(name)
        return self.phones[name]

    # what the endpoints answer ---------------------------------------------------------------------

    def answer(self, request):
        self.requests.append(request)
        auth = self.authenticate(request)
        if auth is not None:
            return auth
        scripted = self.script.get(request.operation)
        if scripted:
            item = scripted.pop(0)
            return item(request) if callable(item) else item
        if request.api == "axl":
            version = request.namespace.rsplit("/", 1)[-1]
            soap_action = request.headers.get("SOAPAction", "").strip('"')
            if version not in self.versions or soap_action != "CUCM:DB ver=%s %s" % (version, request.operation):
                return 599, {"Content-Type": "text/html"}, VERSION_PAGE
            handler = getattr(self, "axl_" + request.operation)
        else:
            handler = getattr(self, "ris_" + request.operation)
        return handler(request)

    def authenticate(self, request):
        """Basic auth, or the JSESSIONIDSSO cookie of an earlier answer (1: "Using JSESSIONIDSSO")."""
        cookie = re.search(r"JSESSIONIDSSO=([^;\s]+)", request.headers.get("Cookie", ""))
        if cookie:
            if cookie.group(1) in self.sessions and not self.expire_sessions:
                request.session = cookie.group(1)
                return None
            self.sessions.discard(cookie.group(1))
            return 404, {"Content-Type": "text/html"}, "<html><body>Not Found</body></html>"
        expected = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        if request.headers.get("Authorization") != expected:
            return 401, {"Content-Type": "text/html", "WWW-Authenticate": 'Basic realm="Cisco AXL"'}, \
                "<html><body>HTTP Status 401 - Unauthorized</body></html>"
        session = "%032X" % (len(self.sessions) + 1 + len(self.requests) * 7919)
        self.sessions.add(session)
        self.expire_sessions = False
        request.new_session = session
        return None

    def axl_listPhone(self, request):
        criteria = find(request.operation_element, "searchCriteria")
        name = find(criteria, "name")
        pool = find(criteria, "devicePoolName")
        skip = int(find(request.operation_element, "skip").text or 0)
        first = int(find(request.operation_element, "first").text or 0)

        def like(pattern, value):  # AXL's SQL LIKE: % any, _ one character, case-insensitive
            return fnmatch.fnmatchcase(value.upper(), pattern.upper().replace("%", "*").replace("_", "?"))

        selected = [self.phones[n] for n in self.order
                    if (name is None or like(name.text or "", n)) and (pool is None or like(pool.text or "", self.phones[n]["pool"]))]
        return 200, {}, list_phone_response(selected[skip:skip + first], request.namespace.rsplit("/", 1)[-1])

    def axl_doDeviceReset(self, request):
        name = find(request.operation_element, "deviceName").text
        reset_type = find(request.operation_element, "deviceResetType").text
        phone = self.phones.get(name)
        if phone is None:
            return 500, {}, axl_fault("Item not valid: The specified Device was not found", 5007, "doDeviceReset")
        self.resets.append((name, reset_type, request.at))
        phone["reset_at"] = int(time.time())
        phone["reset_poll"] = self.risport_polls
        phone["status"], phone["status_reason"], phone["timestamp"] = "UnRegistered", 9, phone["reset_at"]
        return 200, {}, do_device_reset_response("{%s}" % phone["uuid"])

    def ris_selectCmDeviceExt(self, request):
        self.risport_polls += 1
        names = [item.text for item in find_all(request.operation_element, "Item")]
        maximum = int(find(request.operation_element, "MaxReturnedDevices").text)
        assert len(names) <= 1000 and maximum <= 1000, "RisPort70 answers at most 1000 devices (3.4)"
        by_node = {}
        for name in names[:maximum]:
            phone = self.phones.get(name)
            if phone is None or not phone["known"]:
                continue
            if phone["reset_at"] is not None and phone["back_after_polls"] is not None and \
                    self.risport_polls - phone["reset_poll"] >= phone["back_after_polls"]:
                phone["status"], phone["status_reason"] = "Registered", 0
                phone["timestamp"] = phone["reset_at"] + 40
            by_node.setdefault(phone["node"], []).append(phone)
        return 200, {}, select_cm_device_response(by_node)


# -- the HTTPS server ----------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    timeout = 5  # seconds per socket operation: a stuck client cannot hold a thread
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        assert length <= 4 * 1024 * 1024
        body = self.rfile.read(length).decode("utf-8")
        request = Request(self.path, self.headers, body, self.server.cluster.clock)  # case-insensitive
        status, headers, payload = self.server.cluster.answer(request)
        payload = payload.encode("utf-8") if isinstance(payload, str) else payload
        self.send_response(status)
        headers = dict(headers)
        headers.setdefault("Content-Type", "text/xml; charset=utf-8")
        if getattr(request, "new_session", None) and status == 200:
            self.send_header("Set-Cookie", "JSESSIONIDSSO=%s; Path=/; Secure; HttpOnly" % request.new_session)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True


class FakeCucm(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pki, cluster):
        super(FakeCucm, self).__init__(("127.0.0.1", 0), _Handler)
        self.cluster = cluster
        self.handshake_failures = 0
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(pki.leaf_path, pki.key_path)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def finish_request(self, request, client_address):
        request.settimeout(5)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshake_failures += 1
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        self.handshake_failures += 1

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self.thread.join(5)


class FakeClock(object):
    """``cucm_api.CLOCK`` for tests: virtual time that only sleeps advance."""

    def __init__(self):
        self.now = 1000.0
        self.wall = time.time()
        self.sleeps = []

    def monotonic(self):
        return self.now

    def time(self):
        return self.wall + (self.now - 1000.0)

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        if seconds > 0:
            self.now += seconds


def api_params(port, **changes):
    """The API options a module receives (what the action plugin fills in), for 127.0.0.1:port."""
    values = dict(api_host="127.0.0.1", api_port=port, api_user=USER, api_password=PASSWORD, ca_path=None,
                  tomcat_fingerprint=None, api_timeout=5, api_retries=3, api_retry_time=180, axl_version="14.0",
                  risport_rate_limit=15)
    values.update(changes)
    return values


# -- fixtures (import them into a test module to use them) ---------------------------------------------

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return Pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture
def clock(monkeypatch):
    from ansible_collections.cucm.trust.plugins.module_utils import cucm_api

    fake = FakeClock()
    monkeypatch.setattr(cucm_api, "CLOCK", fake)
    return fake


@pytest.fixture
def cluster(clock):
    return Cluster(clock=clock)


@pytest.fixture
def cucm(pki, cluster):
    with FakeCucm(pki, cluster) as server:
        yield server


def run_module_main(main, args, capsys, check_mode=False):
    """Run a module's ``main()`` as Ansible would (arguments as the action plugin passes them): the
    result dict, exactly what the module printed."""
    import json

    from ansible.module_utils import _internal
    from ansible.module_utils.common import warnings
    from ansible.module_utils.testing import patch_module_args

    warnings._global_warnings.clear()  # process-wide: another run's warnings are not this one's
    # Once a test has imported controller code, module warnings would go to the display instead
    # of the result: run the module as a module.
    controller = getattr(_internal, "is_controller", False)
    _internal.is_controller = False
    try:
        with patch_module_args(dict(args, _ansible_check_mode=check_mode)):
            try:
                main()
            except SystemExit:
                pass
    finally:
        _internal.is_controller = controller
    result = json.loads(capsys.readouterr().out)
    # ansible-core 2.19 returns warnings as events; older releases as strings
    result["warnings"] = [w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", [])]
    return result
