"""What the lab prints for read commands, produced in-process from a lab cluster model.

The lab (tests/lab/cucm_lab) answers ``run sql`` from an SQLite copy of the cluster
(``commands.sql``) and renders ``show ctl`` from the CTL bytes a node holds (``render``). The
same functions are called here without SSH, so module tests read exactly the lab's output.
"""

from cucm_lab import bootstrap, render
from cucm_lab.commands import sql
from cucm_lab.model import CTL_FILE


def lab_cluster(name, release, nodes=2, security_mode=0):
    """A lab cluster; nodes are named ``<name>-pub``, ``<name>-sub1``, ..."""
    return bootstrap.create_cluster(name, release, nodes, key_size=1024, security_mode=security_mode)


def run_sql(cluster, command):
    """The lab's answer to ``run sql <select>`` (``command`` includes ``run sql``)."""
    statement = command[len("run sql "):]
    db = sql.build_database(cluster)
    try:
        cursor = db.execute(statement)
        columns = [description[0].lower() for description in cursor.description]
        return sql.format_rows(columns, cursor.fetchall())
    finally:
        db.close()


def show_ctl(cluster, node=None):
    """The lab's ``show ctl`` on ``node`` (default: the publisher)."""
    node = node or cluster.publisher
    return render.render_show_ctl(node.tftp_files.get(CTL_FILE))
