"""CLI output no seed transcribes, written in the layout cucm-cli-behaviour.md documents.

Only used where neither a seed nor the lab model gives the text; each function cites the
section of ../shared/reference/cucm-cli-behaviour.md it follows.
"""


def show_network_cluster(nodes, local):
    """"Cluster and database": one line per node ``<ip> <fqdn> <hostname> <Publisher|Subscriber>
    callmanager <DBPub|DBSub> authenticated``, remote nodes with ``using TCP since <date>``; on the
    publisher the processnode table follows. ``nodes``: [(hostname, fqdn, ip, publisher)]."""
    lines = []
    for hostname, fqdn, ip, publisher in nodes:
        role, db_role = ("Publisher", "DBPub") if publisher else ("Subscriber", "DBSub")
        line = "%s %s %s %s callmanager %s authenticated" % (ip, fqdn, hostname, role, db_role)
        if hostname != local:
            line += " using TCP since Mon Mar 09 16:59:43 2015"
        lines.append(line)
    if any(publisher and hostname == local for hostname, _f, _i, publisher in nodes):
        lines += ["", "Server Table (processnode) Entries", "----------------------------------"]
        lines += [hostname for hostname, _f, _i, _p in nodes]
    return "\r\n".join(lines) + "\r\n"


def utils_service_list(states):
    """"Services": the status lines, then one line per service (``Cisco Tftp[STARTED]``,
    ``Cisco DirSync[STOPPED]  Service Not Activated``), then ``Primary Node =true``.
    ``states``: [(name, state or None for not activated)]."""
    lines = ["Requesting service status, please wait...", "System SSH [STARTED]",
             "Service Manager is running", "Getting list of all services", ">> Return code = 0"]
    for name, state in states:
        lines.append("%s[STOPPED]  Service Not Activated" % name if state is None else "%s[%s]" % (name, state))
    lines.append("Primary Node =true")
    return "\r\n".join(lines) + "\r\n"


def utils_service_restart(name, states):
    """"Services": output lines - the old banner, ``Service Manager is running``, then
    ``<name>[<STATE>]`` lines."""
    lines = [" Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted "
             "Properly, execute the same Command Again", "Service Manager is running"]
    return lines + ["%s[%s]" % (name, state) for state in states]
