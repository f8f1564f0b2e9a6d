"""The HTTPS API handlers in-process (webapi.handle without sockets): version rules per release,
settings, texts and faults that the over-TLS tests (test_webapi.py) do not go through."""

import base64

import pytest

from cucm_lab import axl, bootstrap, phones, webapi
from cucm_lab.webapi import Request


def cluster_with_apis(release="12.5", nodes=1, count=3):
    cluster = bootstrap.create_cluster("w" + release.replace(".", ""), release, nodes, key_size=1024)
    population = phones.populate(cluster, count)
    webapi.provision(cluster, population.timer)
    return cluster


def call(cluster, path, body, soap_action=None, user=None, password=None, node=None):
    user = user or webapi.API_USER
    password = password or cluster.api_users[user]["password"]
    headers = {"authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}
    if soap_action is not None:
        headers["soapaction"] = soap_action
    return webapi.handle(cluster, node or cluster.publisher, Request("POST", path, "", headers, body.encode()))


def axl_body(operation, inner, version):
    return ('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
            '<a:%s xmlns:a="http://www.cisco.com/AXL/API/%s">%s</a:%s></e:Body></e:Envelope>'
            % (operation, version, inner, operation))


def ris_body(items=("*",), operation="selectCmDeviceExt", extra=""):
    selected = "".join("<item><Item>%s</Item></item>" % item for item in items)
    return ('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
            '<%s xmlns="http://schemas.cisco.com/ast/soap"><StateInfo/><CmSelectionCriteria>%s'
            "<SelectBy>Name</SelectBy><SelectItems>%s</SelectItems></CmSelectionCriteria></%s></e:Body></e:Envelope>"
            % (operation, extra, selected, operation))


@pytest.mark.parametrize("release, listed", [
    ("10.5", "8.x, 9.x and 10.x"), ("11.5", "9.x, 10.x and 11.x"), ("12.5", "10.x, 11.x and 12.x"),
    ("14", "11.x, 12.x and 14.0"), ("15", "12.x, 14.0 and 15.0"),
])
def test_each_release_keeps_its_schemas_and_names_them_in_the_599_page(release, listed):
    cluster = cluster_with_apis(release)
    own = axl.SCHEMA[release]
    good = call(cluster, "/axl/", axl_body("getCCMVersion", "", own), '"CUCM:DB ver=%s getCCMVersion"' % own)
    assert good.status == 200 and cluster.release.version.encode() in good.body
    oldest = axl.SUPPORTED[release][0]
    assert call(cluster, "/axl/", axl_body("getCCMVersion", "", oldest),
                "CUCM:DB ver=%s getCCMVersion" % oldest).status == 200  # quotes optional
    wrong = call(cluster, "/axl/", axl_body("getCCMVersion", "", "7.0"), '"CUCM:DB ver=7.0 getCCMVersion"')
    assert wrong.status == 599 and wrong.content_type.startswith("text/html")
    assert ("Supported axl versions are %s<" % listed).encode() in wrong.body


def test_soap_action_rules():
    cluster = cluster_with_apis("12.5")
    body = axl_body("getCCMVersion", "", "12.5")
    assert call(cluster, "/axl/", body, '"CUCM:DB ver=12.5 listPhone"').status == 500  # other operation
    assert call(cluster, "/axl/", body, "nonsense").status == 500
    assert call(cluster, "/axl/", body, '"CUCM:DB ver=1.0 getCCMVersion"').status == 200  # defers (GUESSED)
    assert call(cluster, "/axl/", body).status == 200  # no SOAPAction: the namespace decides
    other = axl_body("getCCMVersion", "", "12.0").replace("API/12.0", "API/9.9")
    assert call(cluster, "/axl/", other).status == 599
    foreign = body.replace("http://www.cisco.com/AXL/API/12.5", "urn:other")
    assert call(cluster, "/axl/", foreign).status == 500
    unknown = call(cluster, "/axl/", axl_body("addPhone", "", "12.5"), '"CUCM:DB ver=12.5 addPhone"')
    assert unknown.status == 500 and b"not supported by the lab" in unknown.body


def test_like_patterns():
    assert axl.like("SEP%").fullmatch("sep001122334455")
    assert axl.like("DP_a_1").fullmatch("DP_a_1") and axl.like("DP_a_1").fullmatch("DPxaz1")
    assert not axl.like("SEP%5").fullmatch("SEP1234")
    assert axl.like("a.b").fullmatch("a.b") and not axl.like("a.b").fullmatch("axb")


def test_reset_return_pool_by_uuid_and_phone_operations():
    cluster = cluster_with_apis("12.5", count=8)
    population = cluster.phones
    pool = population.pools[0]
    uuid = population.pool_uuids[pool]
    answer = call(cluster, "/axl/", axl_body("resetDevicePool", "<uuid>%s</uuid>" % uuid.strip("{}").lower(), "12.5"))
    assert answer.status == 200 and uuid.encode() in answer.body
    assert {p.reason for p in population.select(pool=pool)} == {9}
    phone = population.phones[1]
    assert call(cluster, "/axl/", axl_body("restartPhone", "<name>%s</name>" % phone.name.lower(), "12.5")).status == 200
    assert (phone.status, phone.reason) == ("UnRegistered", 15)
    cluster.api.settings.update({"axl_reset_return": "true"})
    other = population.phones[2]
    answer = call(cluster, "/axl/", axl_body("doDeviceReset", '<deviceName uuid="%s"/><isHardReset>f</isHardReset>'
                                             % other.uuid, "12.5"))
    assert b"<return>true</return>" in answer.body and other.reason == 15
    pre14 = call(cluster, "/axl/", axl_body("doDeviceReset", "<deviceName>%s</deviceName><deviceResetType>"
                                            "Generate PRT</deviceResetType>" % population.phones[3].name, "12.5"))
    assert pre14.status == 500  # Generate PRT is a 14.0 value


def test_list_phone_needs_criteria_and_answers_the_size_fault():
    cluster = cluster_with_apis("12.5", count=30)
    empty = call(cluster, "/axl/", axl_body("listPhone", "<searchCriteria/><returnedTags><name/></returnedTags>",
                                            "12.5"))
    assert empty.status == 500 and b"<axlcode>5003</axlcode>" in empty.body
    cluster.api.settings.update({"axl_max_response_bytes": 500})
    big = call(cluster, "/axl/", axl_body("listPhone", "<searchCriteria><name>%</name></searchCriteria>"
                                          "<returnedTags><name/></returnedTags>", "12.5"))
    assert big.status == 500 and b"Total rows matched: 30 rows" in big.body
    assert b"<axlcode>-1</axlcode>" in big.body
    paged = call(cluster, "/axl/", axl_body("listPhone", "<searchCriteria><name>%</name></searchCriteria>"
                                            "<returnedTags><name/></returnedTags><first>3</first>", "12.5"))
    assert paged.status == 200


def test_risport_rate_per_node_scope_texts_and_empty_items():
    cluster = cluster_with_apis("12.5", nodes=2, count=4)
    pub, sub = cluster.nodes
    settings = cluster.api.settings
    settings.update({"risport_rate_per_minute": 2, "risport_rate_scope": "node", "risport_rate_status": 503,
                     "texts": {"risport_rate": "slow down ({rate})"}})
    assert [call(cluster, webapi.RISPORT_PATH, ris_body()).status for unused in range(2)] == [200, 200]
    refused = call(cluster, webapi.RISPORT_PATH, ris_body())
    assert refused.status == 503 and b"slow down (2)" in refused.body
    assert call(cluster, webapi.RISPORT_PATH, ris_body(), node=sub).status == 200  # its own window
    cluster.clock.advance(60)  # the window passes with the lab clock too
    assert call(cluster, webapi.RISPORT_PATH, ris_body()).status == 200
    settings.update({"risport_rate_per_minute": 1000, "risport_empty_select_items": "none"})
    none = call(cluster, webapi.RISPORT_PATH, ris_body(items=()))
    assert b"<ns1:TotalDevicesFound>0<" in none.body
    settings.update({"risport_ext_response": "selectCmDeviceExtResponse"})
    assert b"selectCmDeviceExtResponse" in call(cluster, webapi.RISPORT_PATH, ris_body()).body
    assert b"selectCmDeviceResponse" in call(cluster, webapi.RISPORT_PATH, ris_body(operation="selectCmDevice")).body
    assert call(cluster, webapi.RISPORT_PATH, ris_body(operation="selectCtiItem")).status == 500


def test_risport_filters_status_model_and_class():
    cluster = cluster_with_apis("12.5", count=10)
    population = cluster.phones
    population.reset(population.phones[:3])
    unregistered = call(cluster, webapi.RISPORT_PATH, ris_body(extra="<Status>UnRegistered</Status>"))
    assert b"<ns1:TotalDevicesFound>3<" in unregistered.body
    assert unregistered.body.count(b"<ns1:StatusReason>9</ns1:StatusReason>") == 3
    model = population.phones[0].model_number
    by_model = call(cluster, webapi.RISPORT_PATH, ris_body(extra="<Model>%d</Model>" % model))
    assert by_model.body.count(b"<ns1:Model>%d</ns1:Model>" % model) == 2
    assert b"<ns1:TotalDevicesFound>2<" in by_model.body
    gateways = call(cluster, webapi.RISPORT_PATH, ris_body(extra="<DeviceClass>Gateway</DeviceClass>"))
    assert b"<ns1:TotalDevicesFound>0<" in gateways.body
    capped = call(cluster, webapi.RISPORT_PATH, ris_body(extra="<MaxReturnedDevices>4</MaxReturnedDevices>"))
    assert b"<ns1:TotalDevicesFound>4<" in capped.body


def test_users_roles_and_the_ccm_administrator():
    cluster = cluster_with_apis("12.5")
    body = axl_body("getCCMVersion", "", "12.5")
    assert call(cluster, "/axl/", body, user=cluster.app_admin_user).status == 200  # super user
    assert call(cluster, "/axl/", body, user=webapi.NOAXL_USER).status == 401
    assert call(cluster, "/axl/", body, user="nobody", password="x").status == 401
    assert webapi.handle(cluster, cluster.publisher, Request("POST", "/axl/", "", {}, body.encode())).status == 401
    assert webapi.handle(cluster, cluster.publisher, Request("GET", "/nowhere", "", {}, b"")).status == 404
    credentials = "%s:%s" % (webapi.API_USER, cluster.api_users[webapi.API_USER]["password"])
    get = webapi.handle(cluster, cluster.publisher, Request("GET", "/axl/", "", {
        "authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}, b""))
    assert get.status == 200


def test_api_settings_and_faults_are_validated():
    cluster = cluster_with_apis("12.5")
    settings = cluster.api.settings
    for bad in ({"axl_reset_return": "maybe"}, {"risport_rate_per_minute": 0}, {"risport_rate_status": 200},
                {"texts": {"nope": "x"}}, {"unknown": 1}, {"risport_rate_window_seconds": 0}):
        with pytest.raises(ValueError):
            settings.update(bad)
    with pytest.raises(ValueError):
        cluster.api.add_fault("meltdown")
    with pytest.raises(ValueError):
        cluster.api.add_fault("axl_throttle", count=0)
    with pytest.raises(KeyError):
        cluster.api.add_fault("api_down", node="nosuchnode")
    fault = cluster.api.add_fault("api_down", node=cluster.publisher.hostname, count=1, params={"mode": "close"})
    assert fault["params"] == {"mode": "close", "api": "all"}
    closed = call(cluster, "/axl/", axl_body("getCCMVersion", "", "12.5"))
    assert closed is webapi.CLOSE and cluster.api.faults == []
