"""RisPort70 `selectCmDevice` / `selectCmDeviceExt` at
`https://<node>:<port>/realtimeservice2/services/RISService70` (cucm-phone-apis.md 3).

The answer is the live state of the cluster's phones (phones.py): Status, StatusReason,
TimeStamp of the last status change, the node each phone registered to. Both operations answer
one entry per device under the node it registered to last (the Ext consolidation of 3.6; the
lab keeps no stale entries on other nodes, so selectCmDevice answers the same).

Limits (3.4): at most `risport_max_devices` (1000) devices per reply, more matches truncated
(TotalDevicesFound is the number returned); `risport_rate_per_minute` (15) requests per window
(`risport_rate_window_seconds`, 60 lab seconds), counted per cluster (GUESSED: or per node), the
RateControl fault text of [F] S16 beyond it, with HTTP `risport_rate_status` (GUESSED 500).
StateInfo (3.5) is an opaque token of per-node change counters: a node whose devices did not
change since the StateInfo sent says NoChange true and lists no devices.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Dict, List, Optional, Tuple

from . import soap
from .soap import escape

RIS_NS = "http://schemas.cisco.com/ast/soap"
OPERATIONS = ("selectCmDevice", "selectCmDeviceExt")
STATE_PREFIX = "cucm-lab:"

_DEVICE = (
    "<ns1:item><ns1:Name>%(name)s</ns1:Name><ns1:DirNumber>%(dn)s-%(status)s</ns1:DirNumber>"
    "<ns1:DeviceClass>Phone</ns1:DeviceClass><ns1:Model>%(model)d</ns1:Model><ns1:Product>%(model)d</ns1:Product>"
    "<ns1:BoxProduct>0</ns1:BoxProduct><ns1:Httpd>Yes</ns1:Httpd><ns1:RegistrationAttempts>0</ns1:RegistrationAttempts>"
    "<ns1:IsCtiControllable>true</ns1:IsCtiControllable><ns1:LoginUserId/><ns1:Status>%(status)s</ns1:Status>"
    "<ns1:StatusReason>%(reason)d</ns1:StatusReason><ns1:PerfMonObject>2</ns1:PerfMonObject>"
    "<ns1:DChannel>0</ns1:DChannel><ns1:Description>%(description)s</ns1:Description><ns1:H323Trunk/>"
    "<ns1:TimeStamp>%(timestamp)d</ns1:TimeStamp><ns1:Protocol>SIP</ns1:Protocol><ns1:NumOfLines>1</ns1:NumOfLines>"
    "<ns1:LinesStatus><ns1:item><ns1:DirectoryNumber>%(dn)s</ns1:DirectoryNumber><ns1:Status>%(status)s</ns1:Status>"
    "</ns1:item></ns1:LinesStatus><ns1:ActiveLoadID>%(load)s</ns1:ActiveLoadID><ns1:InactiveLoadID/>"
    "<ns1:DownloadStatus>Unknown</ns1:DownloadStatus><ns1:DownloadFailureReason/><ns1:DownloadServer/>"
    "<ns1:IPAddress><ns1:item><ns1:IP>%(ip)s</ns1:IP><ns1:IPAddrType>ipv4</ns1:IPAddrType>"
    "<ns1:Attribute>Unknown</ns1:Attribute></ns1:item></ns1:IPAddress></ns1:item>"
)
# GUESSED: "DirNumber" as "<dn>-<status>" (field captures); DownloadStatus "Unknown".


class RisReply(Exception):
    def __init__(self, status: int, body: bytes):
        super().__init__(status)
        self.status, self.body = status, body


def client_fault(message: str) -> RisReply:
    return RisReply(500, soap.fault("soapenv:Client", message))


def rate_fault(api, soap_action: Optional[str]) -> RisReply:
    """3.4 [F] S16: faultcode ns1:Server.RateControl, the AxisFault text (Cisco's "Reatime")."""
    settings = api.settings
    text = settings.text("risport_rate", rate=settings.risport_rate_per_minute,
                         soap_action=(soap_action or "").strip().strip('"'))
    return RisReply(settings.risport_rate_status,
                    soap.fault("ns1:Server.RateControl", text, code_namespace=("ns1", RIS_NS)))


def handle(cluster, node, body: bytes, soap_action: Optional[str], api) -> Tuple[int, bytes, str]:
    """(status, body, operation) of one RisPort70 request."""
    operation = "?"
    try:
        try:
            op, unused_envelope = soap.parse_request(body)
        except soap.SoapError as exc:
            raise client_fault(str(exc))
        operation = soap.local(op.tag)
        if operation not in OPERATIONS:
            raise client_fault(api.settings.text("risport_unknown_operation", operation=operation))
        # 3.1: SOAPAction is not checked (clients send several forms; whether CUCM checks it is
        # unconfirmed). The rate limit counts every request that reaches an operation.
        if not api.risport_allow(node):
            raise rate_fault(api, soap_action)
        return 200, _select(cluster, op, api.settings), operation
    except RisReply as reply:
        return reply.status, reply.body, operation


def _select(cluster, op, settings) -> bytes:
    population = cluster.phones
    criteria = soap.child(op, "CmSelectionCriteria")
    requested = _int(soap.text(criteria, "MaxReturnedDevices"))
    cap = settings.risport_max_devices
    limit = cap if not requested else min(requested, cap)  # GUESSED: 0/missing means the cap
    phones = _matching(population, criteria, settings)
    phones.sort(key=lambda p: p.name)
    phones = phones[:limit]
    seen = _parse_state(soap.text(op, "StateInfo") or "")
    current = {hostname: population.node_seq.get(hostname, 0) for hostname in population.node_seq}
    by_node: Dict[str, List] = {}
    for phone in phones:
        by_node.setdefault(phone.node, []).append(phone)
    items = []
    returned = 0
    for node in cluster.nodes:  # nodes in cluster order; only those with matching devices (GUESSED)
        found = by_node.get(node.hostname)
        if not found:
            continue
        unchanged = seen.get(node.hostname) == current.get(node.hostname)
        devices = "" if unchanged else "".join(_device(p) for p in found)
        returned += 0 if unchanged else len(found)
        items.append("<ns1:item><ns1:ReturnCode>Ok</ns1:ReturnCode><ns1:Name>%s</ns1:Name>"
                     "<ns1:NoChange>%s</ns1:NoChange><ns1:CmDevices>%s</ns1:CmDevices></ns1:item>"
                     % (escape(node.hostname), "true" if unchanged else "false", devices))
    if items:
        nodes_xml = "<ns1:CmNodes>%s</ns1:CmNodes>" % "".join(items)
        state = STATE_PREFIX + ",".join("%s=%d" % pair for pair in sorted(current.items()))
    else:
        # [F] S33: no match: TotalDevicesFound 0, CmNodes nil, empty StateInfo.
        nodes_xml = '<ns1:CmNodes xsi:nil="1"/>'
        state = ""
    response = settings.risport_ext_response if soap.local(op.tag) == "selectCmDeviceExt" else "selectCmDeviceResponse"
    inner = ("<ns1:%s xmlns:ns1=\"%s\"><ns1:selectCmDeviceReturn><ns1:SelectCmDeviceResult>"
             "<ns1:TotalDevicesFound>%d</ns1:TotalDevicesFound>%s</ns1:SelectCmDeviceResult>"
             "<ns1:StateInfo>%s</ns1:StateInfo></ns1:selectCmDeviceReturn></ns1:%s>"
             % (response, RIS_NS, returned, nodes_xml, escape(state), response))
    return soap.envelope(inner, namespaces=(("xsi", soap.XSI), ("xsd", soap.XSD)))


def _device(phone) -> str:
    return _DEVICE % {"name": phone.name, "dn": phone.dn, "status": phone.status, "model": phone.model_number,
                      "reason": phone.reason, "description": escape(phone.description),
                      "timestamp": phone.timestamp, "load": phone.load, "ip": phone.ip}


def _matching(population, criteria, settings) -> List:
    """The phones the CmSelectionCriteria select (3.2)."""
    device_class = (soap.text(criteria, "DeviceClass") or "Any").lower()
    if device_class not in ("any", "phone"):
        return []
    status = (soap.text(criteria, "Status") or "Any").lower()
    model = _int(soap.text(criteria, "Model"))
    node_name = (soap.text(criteria, "NodeName") or "").lower()
    protocol = (soap.text(criteria, "Protocol") or "Any").lower()
    download = (soap.text(criteria, "DownloadStatus") or "Any").lower()
    if protocol not in ("any", "sip") or download not in ("any", "unknown"):
        return []
    select_by = soap.text(criteria, "SelectBy") or "Name"
    items = [soap.text(item, "Item") or "" for item in soap.children(soap.child(criteria, "SelectItems"), "item")]
    items = [item for item in items if item]
    candidates = _by_items(population, select_by, items, settings)
    chosen = []
    for phone in candidates:
        if status != "any" and phone.status.lower() != status:
            continue
        if model not in (None, 255) and phone.model_number != model:
            continue
        if node_name and phone.node.lower() != node_name:
            continue
        chosen.append(phone)
    return chosen


_FIELDS = {"name": "name", "ipv4address": "ip", "dirnumber": "dn", "description": "description"}


def _by_items(population, select_by: str, items: List[str], settings) -> List:
    attribute = _FIELDS.get(select_by.lower())
    if attribute is None:  # IPV6Address and anything else: the lab's phones have none
        return []
    if not items:
        # GUESSED (setting risport_empty_select_items): no SelectItems selects every device.
        return list(population.phones) if settings.risport_empty_select_items == "all" else []
    exact = {item.upper() for item in items if "*" not in item and "?" not in item}
    patterns = [re.compile(fnmatch.translate(item), re.I) for item in items if "*" in item or "?" in item]
    if attribute == "name" and not patterns:
        return [population.by_name[name] for name in exact if name in population.by_name]
    # [D] S9, S10: Item accepts `*` wildcards (GUESSED: any case).
    chosen = []
    for phone in population.phones:
        value = getattr(phone, attribute)
        if value.upper() in exact or any(p.match(value) for p in patterns):
            chosen.append(phone)
    return chosen


def _parse_state(text: str) -> Dict[str, int]:
    if not text.startswith(STATE_PREFIX):
        return {}
    seen = {}
    for part in text[len(STATE_PREFIX):].split(","):
        name, unused, value = part.partition("=")
        if value.isdigit():
            seen[name] = int(value)
    return seen


def _int(value: Optional[str]) -> Optional[int]:
    return int(value) if value and value.strip().isdigit() else None
