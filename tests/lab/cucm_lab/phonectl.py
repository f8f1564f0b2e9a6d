"""Control API routes for the phones (phones.py) and the HTTPS APIs (webapi.py).

::

    GET    /phones?cluster=&name=&pool=&summary=1   ground truth: summary + every phone's state
    GET    /phones/settings?cluster=                 phones.PhoneSettings
    POST   /phones/settings    {"cluster"?, <setting>: value, ...}
    POST   /phones/reset       {"cluster"?, "phones"?: [names], "pool"?, "type"?: reset|restart|apply,
                                "force"?: bool}      (as CUCM resets them; force: power-cycle)
    POST   /phones/faults      {"cluster"?, "fault": offline|never_back|slow, "phones"? | "share"?,
                                "seed"?, "seconds"? (slow)}
    DELETE /phones/faults?cluster=                   disarm faults, end slowness
    POST   /phones/online      {"cluster"?, "phones"?}  offline phones come back (reset themselves)
    POST   /phones/erase-trust {"cluster"?, "phones"?, "which"?: both|itl|ctl}  (the phone's menu)
    GET    /api?cluster=                             settings, faults, stats, history, ports, users
    POST   /api/settings       {"cluster"?, <setting>: value, ...}
    POST   /api/faults         {"cluster"?, "node"?: HOST|"*", "fault": axl_throttle|api_down,
                                "count"?: N, "params"?: {"mode": 503|close, "api": all|axl|risport,
                                "retry_after": s}}
    DELETE /api/faults?cluster=
    POST   /api/reset          {"cluster"?}          zero stats, empty the RisPort rate window, drop sessions
"""

from __future__ import annotations

from http import HTTPStatus


def dispatch(control, method: str, path: str, query: dict, body: dict):
    """Answer a /phones or /api route; None when the path is not one of them."""
    from .control import ApiError  # control imports this module

    if path == "/phones" or path.startswith("/phones/"):
        handler = _PHONE_ROUTES.get((method, path))
    elif path == "/api" or path.startswith("/api/"):
        handler = _API_ROUTES.get((method, path))
    else:
        return None
    if handler is None:
        raise ApiError(HTTPStatus.NOT_FOUND, "no route %s %s" % (method, path))
    source = query if method in ("GET", "DELETE") else body
    cluster = control._cluster(source)
    try:
        with cluster.lock:
            return handler(cluster, query if method in ("GET", "DELETE") else body)
    except KeyError as exc:
        raise ApiError(HTTPStatus.NOT_FOUND, "unknown %s" % (exc.args[0] if exc.args else exc))
    except (ValueError, TypeError) as exc:
        raise ApiError(HTTPStatus.BAD_REQUEST, str(exc))


def _population(cluster):
    if cluster.phones is None:
        raise ValueError("cluster %s has no phone population" % cluster.name)
    return cluster.phones


def _chosen(population, body):
    names = body.get("phones")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise ValueError("phones must be a list of device names")
    pool = body.get("pool")
    return population.select(names, pool)


# -- phones ------------------------------------------------------------------------------------
def _get_phones(cluster, query):
    population = _population(cluster)
    names = [n for n in query.get("name", "").split(",") if n] or None
    chosen = population.select(names, query.get("pool") or None)
    summary_only = query.get("summary") in ("1", "true", "yes")
    answer = population.to_json(chosen, with_phones=not summary_only)
    return answer


def _get_settings(cluster, query):
    return _population(cluster).settings.to_json()


def _post_settings(cluster, body):
    changes = {k: v for k, v in body.items() if k not in ("cluster", "node")}
    return _population(cluster).update_settings(changes)


def _reset(cluster, body):
    population = _population(cluster)
    kind = body.get("type", "reset")
    if kind not in ("reset", "restart", "apply"):
        raise ValueError("type must be reset, restart or apply")
    force = body.get("force", False)
    if not isinstance(force, bool):
        raise ValueError("force must be true or false")
    chosen = _chosen(population, body)
    done = population.reset(chosen, kind, force=force)
    return {"reset": len(done), "phones": done, "skipped": len(chosen) - len(done)}


def _faults(cluster, body):
    population = _population(cluster)
    if "share" in body:
        if "phones" in body:
            raise ValueError("give phones or share, not both")
        seed = body.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError("seed must be an integer")
        chosen = population.share(body["share"], seed)
    else:
        chosen = _chosen(population, body)
    names = population.set_fault(body.get("fault"), chosen, body.get("seconds", 0.0))
    return {"fault": body.get("fault"), "phones": names}


def _clear_faults(cluster, query):
    return {"cleared": _population(cluster).clear_faults()}


def _online(cluster, body):
    population = _population(cluster)
    return population.bring_online(_chosen(population, body))


def _erase(cluster, body):
    population = _population(cluster)
    return {"erased": population.erase_trust(_chosen(population, body), body.get("which", "both"))}


_PHONE_ROUTES = {
    ("GET", "/phones"): _get_phones,
    ("GET", "/phones/settings"): _get_settings,
    ("POST", "/phones/settings"): _post_settings,
    ("POST", "/phones/reset"): _reset,
    ("POST", "/phones/faults"): _faults,
    ("DELETE", "/phones/faults"): _clear_faults,
    ("POST", "/phones/online"): _online,
    ("POST", "/phones/erase-trust"): _erase,
}


# -- APIs --------------------------------------------------------------------------------------
def _api(cluster):
    if cluster.api is None:
        raise ValueError("cluster %s serves no HTTPS APIs" % cluster.name)
    return cluster.api


def _get_api(cluster, query):
    return _api(cluster).to_json()


def _post_api_settings(cluster, body):
    api = _api(cluster)
    api.settings.update({k: v for k, v in body.items() if k not in ("cluster", "node")})
    return api.settings.to_json()


def _post_api_fault(cluster, body):
    return _api(cluster).add_fault(body.get("fault"), body.get("node", "*"), body.get("count"), body.get("params"))


def _delete_api_faults(cluster, query):
    return {"removed": _api(cluster).clear_faults()}


def _api_reset(cluster, body):
    api = _api(cluster)
    api.reset_stats()
    api.sessions.clear()
    return {"ok": True}


_API_ROUTES = {
    ("GET", "/api"): _get_api,
    ("POST", "/api/settings"): _post_api_settings,
    ("POST", "/api/faults"): _post_api_fault,
    ("DELETE", "/api/faults"): _delete_api_faults,
    ("POST", "/api/reset"): _api_reset,
}
