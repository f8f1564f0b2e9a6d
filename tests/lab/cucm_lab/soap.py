"""SOAP 1.1 for the lab's AXL and RisPort70 endpoints: safe parsing, envelopes, faults.

cucm-phone-apis.md section 1: SOAP 1.1 envelopes, faults as HTTP 500, elements matched by local
name (prefixes differ between releases and clients). Requests are parsed with the standard
library after refusing any DOCTYPE or ENTITY declaration (no external or expanding entities).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterable, List, Optional, Tuple
from xml.sax.saxutils import escape, quoteattr

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
MAX_BODY = 1 << 20
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


class SoapError(ValueError):
    """A request the server cannot read (answered with a Client fault)."""


def local(tag: str) -> str:
    """`{ns}name` or `prefix:name` -> `name`."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def parse_request(body: bytes) -> Tuple[ET.Element, ET.Element]:
    """(operation element, envelope) of a SOAP request; SoapError when it is not one."""
    if len(body) > MAX_BODY:
        raise SoapError("request too large")
    if _DECLARATION.search(body):
        raise SoapError("DOCTYPE and ENTITY declarations are not allowed")
    try:
        envelope = ET.fromstring(body)
    except ET.ParseError as exc:
        raise SoapError("malformed XML: %s" % exc)
    if local(envelope.tag) != "Envelope":
        raise SoapError("not a SOAP envelope")
    soap_body = child(envelope, "Body")
    if soap_body is None or len(soap_body) == 0:
        raise SoapError("SOAP Body is empty")
    return soap_body[0], envelope


def child(element: Optional[ET.Element], name: str) -> Optional[ET.Element]:
    """The first child with local name `name`."""
    if element is None:
        return None
    for item in element:
        if local(item.tag) == name:
            return item
    return None


def children(element: Optional[ET.Element], name: str) -> List[ET.Element]:
    return [item for item in (element if element is not None else []) if local(item.tag) == name]


def text(element: Optional[ET.Element], name: Optional[str] = None, default: Optional[str] = None) -> Optional[str]:
    """Stripped text of `element` (or of its child `name`); `default` when missing or nil."""
    target = element if name is None else child(element, name)
    if target is None or target.get("{%s}nil" % XSI) in ("true", "1"):
        return default
    return (target.text or "").strip()


def envelope(body_xml: str, namespaces: Iterable[Tuple[str, str]] = ()) -> bytes:
    """A SOAP envelope around `body_xml` (already serialised)."""
    declared = "".join(" xmlns:%s=%s" % (prefix, quoteattr(uri)) for prefix, uri in namespaces)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<soapenv:Envelope xmlns:soapenv="%s"%s><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>'
            % (SOAP_ENV, declared, body_xml)).encode("utf-8")


def fault(code: str, message: str, detail_xml: str = "", code_namespace: Optional[Tuple[str, str]] = None) -> bytes:
    """A SOAP 1.1 Fault envelope (sent with HTTP 500)."""
    declare = ""
    if code_namespace:
        declare = " xmlns:%s=%s" % (code_namespace[0], quoteattr(code_namespace[1]))
    detail = "<detail>%s</detail>" % detail_xml if detail_xml else ""
    return envelope("<soapenv:Fault><faultcode%s>%s</faultcode><faultstring>%s</faultstring>%s</soapenv:Fault>"
                    % (declare, escape(code), escape(message), detail))


def element(name: str, value, attrs: str = "") -> str:
    """`<name attrs>value</name>` with the value escaped (None: an empty element)."""
    if value is None or value == "":
        return "<%s%s/>" % (name, attrs)
    return "<%s%s>%s</%s>" % (name, attrs, escape(str(value)), name)


__all__ = ["SOAP_ENV", "SoapError", "child", "children", "element", "envelope", "escape", "fault", "local",
           "namespace", "parse_request", "quoteattr", "text"]
