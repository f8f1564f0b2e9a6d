"""A plain standard-library client for the lab's HTTPS APIs (AXL, RisPort70), for its tests.

No zeep, nothing from the collection: urllib with the lab CA, SOAP bodies as text, answers
parsed with ElementTree by local name.
"""

import base64
import ssl
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

AXL_PATH = "/axl/"
RISPORT_PATH = "/realtimeservice2/services/RISService70"


def local(tag):
    return tag.rsplit("}", 1)[-1]


def find_all(root, name):
    """Every element with local name `name`, document order."""
    return [element for element in root.iter() if local(element.tag) == name]


def find(root, name):
    found = find_all(root, name)
    return found[0] if found else None


class Answer:
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def xml(self):
        return ET.fromstring(self.body)

    def texts(self, name):
        return [element.text or "" for element in find_all(self.xml, name)]

    def text(self, name):
        element = find(self.xml, name)
        return None if element is None else (element.text or "")


class ApiClient:
    def __init__(self, lab, hostname=None, user=None, password=None, verify=True, cluster=None):
        description = lab.lab_json
        if cluster:
            description = next(c for c in description["clusters"] if c["cluster"] == cluster)
        self.lab = lab
        self.hostname = hostname or next(n["hostname"] for n in description["nodes"] if n["publisher"])
        self.user = description["axl_user"] if user is None else user
        self.password = description["axl_password"] if password is None else password
        self.version = description["axl_version"]
        self.context = ssl.create_default_context(cafile=lab.ca_file) if verify else ssl.create_default_context()

    def post(self, path, body, headers=None, auth=True):
        headers = dict(headers or {})
        headers.setdefault("Content-Type", "text/xml; charset=utf-8")
        if auth:
            token = base64.b64encode(("%s:%s" % (self.user, self.password)).encode("utf-8")).decode("ascii")
            headers["Authorization"] = "Basic " + token
        data = body.encode("utf-8") if isinstance(body, str) else body
        request = urllib.request.Request(self.lab.https_url(self.hostname, path), data=data, method="POST",
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                return Answer(response.status, response.read().decode("utf-8"), response.headers)
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode("utf-8", "replace"), error.headers)

    # -- AXL ----------------------------------------------------------------------------------
    def axl(self, operation, inner, version=None, soap_action=None, namespace_version=None, **options):
        version = version or self.version
        namespace = namespace_version or version
        body = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                'xmlns:ns="http://www.cisco.com/AXL/API/%s"><soapenv:Header/><soapenv:Body>'
                "<ns:%s>%s</ns:%s></soapenv:Body></soapenv:Envelope>" % (namespace, operation, inner, operation))
        headers = dict(options.pop("headers", {}))
        if soap_action is not False:
            headers["SOAPAction"] = soap_action or '"CUCM:DB ver=%s %s"' % (version, operation)
        return self.post(AXL_PATH, body, headers, **options)

    def list_phone(self, criteria, tags=("name",), skip=None, first=None):
        inner = "<searchCriteria>%s</searchCriteria><returnedTags>%s</returnedTags>" % (
            "".join("<%s>%s</%s>" % (k, v, k) for k, v in criteria.items()), "".join("<%s/>" % t for t in tags))
        if skip is not None:
            inner += "<skip>%d</skip>" % skip
        if first is not None:
            inner += "<first>%d</first>" % first
        return self.axl("listPhone", inner)

    def reset(self, name, hard=True, reset_type=None):
        choice = ("<deviceResetType>%s</deviceResetType>" % reset_type if reset_type
                  else "<isHardReset>%s</isHardReset>" % ("true" if hard else "false"))
        return self.axl("doDeviceReset", "<deviceName>%s</deviceName>%s" % (name, choice))

    # -- RisPort70 ----------------------------------------------------------------------------
    def ris(self, items=("*",), status="Any", max_devices=1000, state_info="", node_name="", select_by="Name",
            operation="selectCmDeviceExt", **options):
        selected = "".join("<soap:item><soap:Item>%s</soap:Item></soap:item>" % item for item in items)
        body = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
                'xmlns:soap="http://schemas.cisco.com/ast/soap"><soapenv:Header/><soapenv:Body>'
                "<soap:%s><soap:StateInfo>%s</soap:StateInfo><soap:CmSelectionCriteria>"
                "<soap:MaxReturnedDevices>%d</soap:MaxReturnedDevices><soap:DeviceClass>Phone</soap:DeviceClass>"
                "<soap:Model>255</soap:Model><soap:Status>%s</soap:Status><soap:NodeName>%s</soap:NodeName>"
                "<soap:SelectBy>%s</soap:SelectBy><soap:SelectItems>%s</soap:SelectItems>"
                "<soap:Protocol>Any</soap:Protocol><soap:DownloadStatus>Any</soap:DownloadStatus>"
                "</soap:CmSelectionCriteria></soap:%s></soapenv:Body></soapenv:Envelope>"
                % (operation, state_info, max_devices, status, node_name, select_by, selected, operation))
        return self.post(RISPORT_PATH, body, {"SOAPAction": operation}, **options)


def devices(answer):
    """{name: {child: text}} of a RisPort answer's CmDevices items."""
    found = {}
    for node in find_all(answer.xml, "CmNodes"):
        for node_item in [e for e in node if local(e.tag) == "item"]:
            node_name = find(node_item, "Name").text
            for cm_devices in [e for e in node_item if local(e.tag) == "CmDevices"]:
                for item in [e for e in cm_devices if local(e.tag) == "item"]:
                    values = {local(child.tag): (child.text or "") for child in item}
                    values["node"] = node_name
                    found[values["Name"]] = values
    return found
