"""The AXL subset the collection uses, at `https://<node>:<port>/axl/` (cucm-phone-apis.md 2).

Operations: `listPhone` (2.3), `doDeviceReset`, `resetPhone` / `restartPhone` / `applyPhone`,
`resetDevicePool` / `restartDevicePool` (2.4), `getCCMVersion` (S3's example). A reset reaches the
phones of the cluster (phones.py): they go UnRegistered with StatusReason 9 (reset) / 15
(restart), download, decide, register again.

Versions (2.1): SOAPAction `"CUCM:DB ver=<ver> <op>"` and the request namespace
`http://www.cisco.com/AXL/API/<ver>` must agree; an unsupported version answers HTTP 599 with
"Incorrect axl version. Supported axl versions are ..." ([F] S23, S24). Without a SOAPAction the
namespace decides; namespace 1.0 selects the oldest supported schema ([D] S3). GUESSED: a header
saying ver=1.0 defers to the namespace (a field client sends it with namespace 10.0, [F] S41).
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from . import soap
from .soap import element, escape, quoteattr

AXL_NS = "http://www.cisco.com/AXL/API/"

# The release's schema version, and the schema versions it keeps ([D] S3: "old schemas kept for
# N-2 majors; 13.x skipped"). GUESSED: the exact lists (the 599 sample of 15: "12.x, 14.0 and 15.0").
SCHEMA = {"10.5": "10.5", "11.5": "11.5", "12.5": "12.5", "14": "14.0", "15": "15.0"}
SUPPORTED = {
    "10.5": ("8.0", "8.5", "9.0", "9.1", "10.0", "10.5"),
    "11.5": ("9.0", "9.1", "10.0", "10.5", "11.0", "11.5"),
    "12.5": ("10.0", "10.5", "11.0", "11.5", "12.0", "12.5"),
    "14": ("11.0", "11.5", "12.0", "12.5", "14.0"),
    "15": ("12.0", "12.5", "14.0", "15.0"),
}
_SOAP_ACTION = re.compile(r'^"?\s*CUCM:DB\s+ver=([0-9.]+)(?:\s+(\w+))?\s*"?$')
_BOOLEANS = {"t": True, "true": True, "1": True, "f": False, "false": False, "0": False}  # [S] S1

# XReset values (2.4 [S]): 11.5/12.5, and 14.0+ adds two that do not reboot the phone.
RESET_TYPES = {"Reset": "reset", "Restart": "restart", "Apply Configuration": "apply"}
RESET_TYPES_14 = {"Generate PRT": None, "Extended Config Pull": None}

# LPhone children the lab answers (2.3 [S]); values for what the lab does not model are GUESSED.
DEFAULT_TAGS = ("name", "description", "product", "model", "class", "protocol", "protocolSide",
                "devicePoolName", "callingSearchSpaceName", "locationName", "securityProfileName",
                "isActive")
SEARCH_FIELDS = ("name", "description", "protocol", "callingSearchSpaceName", "devicePoolName",
                 "securityProfileName")


class AxlReply(Exception):
    """Stop and answer: (HTTP status, body, content type)."""

    def __init__(self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8"):
        super().__init__(status)
        self.status, self.body, self.content_type = status, body, content_type


def supported_text(versions) -> str:
    """The version list of the 599 page: majors with several schemas as `N.x` ([F] S23/S24:
    "12.x, 14.0 and 15.0")."""
    majors: Dict[str, List[str]] = {}
    for version in versions:
        majors.setdefault(version.split(".")[0], []).append(version)
    items = [found[0] if len(found) == 1 else "%s.x" % major for major, found in majors.items()]
    return items[0] if len(items) == 1 else "%s and %s" % (", ".join(items[:-1]), items[-1])


def axl_fault(code: int, message: str, request: str) -> AxlReply:
    """2.7: HTTP 500, soapenv:Server fault with axlError{axlcode, axlmessage, request}."""
    detail = "<axlError><axlcode>%d</axlcode><axlmessage>%s</axlmessage><request>%s</request></axlError>" % (
        code, escape(message), escape(request))
    return AxlReply(500, soap.fault("soapenv:Server", message, detail))


def client_fault(message: str) -> AxlReply:
    return AxlReply(500, soap.fault("soapenv:Client", message))


def negotiate(release_key: str, soap_action: Optional[str], op_namespace: str, operation: str, texts) -> str:
    """The schema version the request speaks, or AxlReply (599, a mismatch fault)."""
    supported = SUPPORTED[release_key]
    version_599 = AxlReply(599, texts("axl_version_599", versions=supported_text(supported)).encode("utf-8"),
                           "text/html; charset=utf-8")
    ns_version = op_namespace[len(AXL_NS):] if op_namespace.startswith(AXL_NS) else None
    if ns_version is None:
        raise client_fault(texts("axl_bad_namespace", namespace=op_namespace or "(none)"))
    if soap_action and soap_action.strip().strip('"'):
        match = _SOAP_ACTION.match(soap_action.strip())
        if not match:
            raise client_fault(texts("axl_bad_soap_action", soap_action=soap_action))
        header_version, header_operation = match.group(1), match.group(2)
        if header_operation and header_operation != operation:
            raise client_fault(texts("axl_operation_mismatch", header=header_operation, operation=operation))
        if header_version == "1.0":  # GUESSED: defer to the namespace
            header_version = ns_version
        if header_version not in supported:
            raise version_599
        if ns_version != header_version:
            raise client_fault(texts("axl_version_mismatch", header=header_version, namespace=ns_version))
        return header_version
    if ns_version == "1.0":
        return supported[0]
    if ns_version not in supported:
        raise version_599
    return ns_version


def handle(cluster, body: bytes, soap_action: Optional[str], settings) -> Tuple[int, bytes, str, str]:
    """Answer one AXL request: (status, body, content type, operation)."""
    operation = "?"
    try:
        try:
            op, unused_envelope = soap.parse_request(body)
        except soap.SoapError as exc:
            raise client_fault(str(exc))
        operation = soap.local(op.tag)
        version = negotiate(cluster.release.key, soap_action, soap.namespace(op.tag), operation, settings.text)
        handler = OPERATIONS.get(operation)
        if handler is None:
            raise client_fault(settings.text("axl_unknown_operation", operation=operation))
        inner = handler(_Request(cluster, op, version, settings))
        sequence = op.get("sequence")
        attrs = ' xmlns:ns=%s' % quoteattr(AXL_NS + version)
        if sequence is not None:
            attrs += " sequence=%s" % quoteattr(sequence)
        xml = soap.envelope("<ns:%sResponse%s>%s</ns:%sResponse>" % (operation, attrs, inner, operation))
        return 200, xml, "text/xml; charset=utf-8", operation
    except AxlReply as reply:
        return reply.status, reply.body, reply.content_type, operation


def version_tuple(version: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class _Request:
    def __init__(self, cluster, op, version, settings):
        self.cluster = cluster
        self.op = op
        self.version = version
        self.settings = settings
        self.name = soap.local(op.tag)
        self.population = cluster.phones


# -- listPhone --------------------------------------------------------------------------------
_LIKE_CACHE: Dict[str, "re.Pattern"] = {}


def like(pattern: str) -> "re.Pattern":
    """SQL LIKE as AXL search criteria use it: `%` any run, `_` one character ([F] S19, S21).
    GUESSED: case-insensitive."""
    found = _LIKE_CACHE.get(pattern)
    if found is None:
        regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
        if len(_LIKE_CACHE) > 256:
            _LIKE_CACHE.clear()
        found = _LIKE_CACHE[pattern] = re.compile(regex, re.I | re.S)
    return found


def _phone_fields(population, phone) -> Dict[str, Tuple[str, Optional[str]]]:
    """LPhone values: tag -> (text, uuid of the referenced object for FK tags, else None)."""
    security = "%s - Standard SIP Non-Secure Profile" % phone.model
    return {
        "name": (phone.name, None),
        "description": (phone.description, None),
        "product": (phone.model, None),
        "model": (phone.model, None),
        "class": ("Phone", None),
        "protocol": ("SIP", None),
        "protocolSide": ("User", None),
        "devicePoolName": (phone.pool, population.pool_uuids[phone.pool]),
        "callingSearchSpaceName": ("", ""),
        "locationName": ("Hub_None", "{29C5C1C4-8871-4D1E-8394-0B9181E8C54D}"),
        "securityProfileName": (security, None),
        "isActive": ("true", None),
        "ownerUserName": ("", ""),
        "loadInformation": ("", None),
        "deviceTrustMode": ("Not Trusted", None),
        "certificateStatus": ("None", None),
    }


def list_phone(request: _Request) -> str:
    population = request.population
    criteria = soap.child(request.op, "searchCriteria")
    if criteria is None or len(criteria) == 0:
        raise axl_fault(5003, request.settings.text("axl_search_criteria"), request.name)
    filters = []
    for item in criteria:
        field = soap.local(item.tag)
        if field not in SEARCH_FIELDS:
            raise client_fault(request.settings.text("axl_unknown_element", element=field))
        filters.append((field, like(soap.text(item) or "")))
    tags_element = soap.child(request.op, "returnedTags")
    tags = [soap.local(tag.tag) for tag in tags_element] if tags_element is not None else []
    tags = tags or list(DEFAULT_TAGS)  # GUESSED: no returnedTags, the usual columns
    first = _unsigned(request, "first")
    skip = _unsigned(request, "skip") if first is not None else None  # [S]: skip only with first
    matched = []
    for phone in population.phones:
        values = _phone_fields(population, phone)
        if all(regex.fullmatch(values[field][0]) for field, regex in filters):
            matched.append((phone, values))
    matched.sort(key=lambda pair: pair[0].name)
    total = len(matched)
    if first is not None:
        start = skip or 0
        matched = matched[start:start + first]
    rows = []
    for phone, values in matched:
        parts = []
        for tag in tags:
            value, fk = values.get(tag, ("", None))
            attrs = " uuid=%s" % quoteattr(fk) if fk is not None else ""
            parts.append(element(tag, value, attrs))
        rows.append('<phone uuid=%s>%s</phone>' % (quoteattr(phone.uuid), "".join(parts)))
    inner = "<return>%s</return>" % "".join(rows) if rows else "<return/>"
    limit = request.settings.axl_max_response_bytes
    if limit and len(inner) > limit:
        # [D] S3: lists over 8 MB fail; page with first/skip.
        suggest = max(1, int(len(matched) * limit / len(inner)))
        raise axl_fault(-1, request.settings.text("axl_too_large", rows=total, suggest=suggest), request.name)
    return inner


def _unsigned(request, name) -> Optional[int]:
    value = soap.text(request.op, name)
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise client_fault(request.settings.text("axl_bad_value", element=name, value=value))
    return int(value)


# -- resets ----------------------------------------------------------------------------------
def _reset_answer(request, uuid: str) -> str:
    # 2.4: StandardResponse `return` is true | false | {UUID}; which one a reset gives is
    # unconfirmed: setting axl_reset_return ("uuid" default, or "true").
    return "<return>%s</return>" % ("true" if request.settings.axl_reset_return == "true" else escape(uuid))


def _find_phone(request, name: Optional[str], uuid: Optional[str]):
    """The phone named `name` (GUESSED: any case) or with `uuid`; axlcode 5007 when none."""
    population = request.population
    phone = None
    if name:
        phone = population.by_name.get(name.upper())
    elif uuid:
        wanted = uuid.strip().upper()
        wanted = wanted if wanted.startswith("{") else "{%s}" % wanted
        phone = next((p for p in population.phones if p.uuid == wanted), None)
    if phone is None:
        # 2.7 [F] S29: "Item not valid: The specified ... was not found"; the device wording is
        # unconfirmed (GUESSED text axl_device_not_found).
        raise axl_fault(5007, request.settings.text("axl_device_not_found"), request.name)
    return phone


def do_device_reset(request: _Request) -> str:
    op = request.op
    if op.get("isMGCP", "false").lower() in ("true", "t", "1"):
        raise axl_fault(5007, request.settings.text("axl_device_not_found"), request.name)  # lab: phones only
    target = soap.child(op, "deviceName")  # XFkType: the name as text, or a uuid attribute
    phone = _find_phone(request, soap.text(target), target.get("uuid") if target is not None else None)
    hard = soap.text(op, "isHardReset")
    reset_type = soap.text(op, "deviceResetType")
    if (hard is None) == (reset_type is None):
        # [S]: isHardReset and deviceResetType are an xsd:choice, exactly one.
        raise client_fault(request.settings.text("axl_reset_choice"))
    if hard is not None:
        if hard.lower() not in _BOOLEANS:
            raise client_fault(request.settings.text("axl_bad_value", element="isHardReset", value=hard))
        kind = "reset" if _BOOLEANS[hard.lower()] else "restart"  # [S]: true = hard reset
    else:
        allowed = dict(RESET_TYPES)
        if version_tuple(request.version) >= (14, 0):
            allowed.update(RESET_TYPES_14)
        if reset_type not in allowed:
            raise client_fault(request.settings.text("axl_bad_value", element="deviceResetType", value=reset_type))
        kind = allowed[reset_type]
    if kind is not None:
        request.population.reset([phone], kind)
    return _reset_answer(request, phone.uuid)


def _name_or_uuid_phone(kind):
    """resetPhone / restartPhone / applyPhone: NameAndGUIDRequest, a choice of name | uuid [S]."""
    def operation(request: _Request) -> str:
        phone = _find_phone(request, soap.text(request.op, "name"), soap.text(request.op, "uuid"))
        request.population.reset([phone], kind)
        return _reset_answer(request, phone.uuid)
    return operation


def _pool_operation(kind):
    def operation(request: _Request) -> str:
        population = request.population
        name = soap.text(request.op, "name")
        uuid = soap.text(request.op, "uuid")
        pool = None
        if name:
            pool = next((p for p in population.pools if p.lower() == name.lower()), None)
        elif uuid:
            wanted = uuid.upper() if uuid.startswith("{") else "{%s}" % uuid.upper()
            pool = next((p for p, u in population.pool_uuids.items() if u == wanted), None)
        if pool is None:
            raise axl_fault(5007, request.settings.text("axl_pool_not_found"), request.name)
        population.reset(population.select(pool=pool), kind)
        return _reset_answer(request, population.pool_uuids[pool])
    return operation


def get_ccm_version(request: _Request) -> str:
    return "<return><componentVersion>%s</componentVersion></return>" % element(
        "version", request.cluster.release.version)


OPERATIONS = {
    "listPhone": list_phone,
    "doDeviceReset": do_device_reset,
    "resetPhone": _name_or_uuid_phone("reset"),
    "restartPhone": _name_or_uuid_phone("restart"),
    "applyPhone": _name_or_uuid_phone("apply"),
    "resetDevicePool": _pool_operation("reset"),
    "restartDevicePool": _pool_operation("restart"),
    "getCCMVersion": get_ccm_version,
}
