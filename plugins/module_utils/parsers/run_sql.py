# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``run sql <statement>``: the rows of a query as dicts.

A SELECT prints the column names, a run of ``=`` under each column, then one line per row with
space-padded cells and ``NULL`` for nulls (cucm-cli-behaviour.md, seed 002)::

    paramname           paramvalue
    =================== ==========
    ClusterSecurityMode 0

DML statements print only ``Rows: <n>``. Returns ``{rows, row_count, unparsed}``: ``rows`` a
list of ``{column name: value}`` (value a string, None for NULL; ``[]`` for DML), ``row_count``
the ``<n>`` of a ``Rows: <n>`` line (None when there is none).

Columns come from the ``=`` runs: a row is cut where each run starts, so values may contain
spaces. Cells are left-justified: each one is empty or starts exactly where its run starts,
after a space; a line that is cut inside a word, or has a cell that starts elsewhere, is not a
row (``WARNING: DNS unreachable`` under ``node        service`` is not ``WARNING: DNS`` /
``unreachable``). Web copies shorten the runs (seed 002 prints ``=====  =====`` over a
19-character name); when the header itself does not line up with the runs, each row must
instead be exactly one word per column.

Accepted: blank lines, pager residue (``unpaged_lines``), ``Rows: <n>`` (documented for DML;
GUESSED after a SELECT). ``unparsed`` lists, stripped and in order: the lines before the header
(notices, progress lines; the header is the line right above the first ``=`` row), the lines
after the last row that are not rows, and for DML every line but ``Rows: <n>``.

A line after the header that is not a row but has rows after it is an error, not a notice (a
row would be lost). Limitation: a line after the last row that happens to fit the columns (e.g.
a one-word line under a one-column answer) cannot be told from a row and is read as one.

ParserError when: the answer is a database error, printed bare as Informix prints it
(`` -206: The specified table (nowhere) is not in the database.``, `` -201: A syntax error has
occurred.``: ``-<number>: <message>``) anywhere in the output; ``Executed command
unsuccessfully``; the header has not one name per ``=`` run; a line among the rows is not a row;
there is neither an ``=`` row nor a ``Rows: <n>`` line; the output ends at the pager or was
paged out of order; nothing was printed at all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import FAILURE_TRAILER, unpaged_lines

_WHAT = "run sql"

_RULE = re.compile(r"^=+(?:\s+=+)*$")
_RUN = re.compile(r"=+")
_ROW_COUNT = re.compile(r"^Rows:\s*(?P<count>\d+)$")
_DB_ERROR = re.compile(r"^-\d+:\s*\S")


def _cut(line, starts):
    """Cells of ``line`` cut at the column starts; None unless every cell is empty or starts
    right where its column does, after a space (cells are left-justified and padded)."""
    bounds = list(starts[1:]) + [None]
    cells = []
    for start, end in zip(starts, bounds):
        cell = line[start:end]
        if cell.strip() and (cell[0].isspace() or (start > 0 and not line[start - 1].isspace())):
            return None
        cells.append(cell.strip())
    return cells


def _split(line, starts):
    """Cells of ``line`` as one word per column (web copies); None if the count differs."""
    cells = line.split()
    return cells if len(cells) == len(starts) else None


def _checked(lines):
    """Raise on a database error or the failure trailer, wherever it stands."""
    for number, line in lines:
        stripped = line.strip()
        if _DB_ERROR.match(stripped):
            raise ParserError("run sql answered with a database error", line, number)
        if FAILURE_TRAILER.match(stripped):
            raise ParserError("run sql failed", line, number)


def _dml(lines):
    row_count = None
    unparsed = []
    for number, line in lines:
        match = _ROW_COUNT.match(line.strip())
        if match and row_count is None:
            row_count = int(match.group("count"))
        else:
            unparsed.append(line.strip())
    if row_count is None:
        number, line = lines[0]
        raise ParserError("expected a header row and a row of '=' runs, or 'Rows: <n>'", line, number)
    return {"rows": [], "row_count": row_count, "unparsed": unparsed}


def parse_run_sql(text):
    """``run sql`` output -> ``{rows, row_count, unparsed}``; raises ParserError."""
    lines = [(number, line.rstrip()) for number, line in unpaged_lines(text, _WHAT) if line.strip()]
    if not lines:
        raise ParserError("no run sql output")
    _checked(lines)
    rule = next((index for index, (unused, line) in enumerate(lines) if _RULE.match(line.strip())), None)
    if rule is None:
        return _dml(lines)
    if rule == 0:
        number, line = lines[0]
        raise ParserError("expected a header row above the row of '=' runs", line, number)
    unparsed = [line.strip() for unused, line in lines[:rule - 1]]
    header_number, header = lines[rule - 1]
    starts = [match.start() for match in _RUN.finditer(lines[rule][1])]
    names = header.split()  # column names hold no spaces
    if len(names) != len(starts):
        raise ParserError("%d column names for %d '=' runs" % (len(names), len(starts)), header, header_number)
    cells_of = _cut if _cut(header, starts) == names else _split
    rows = []
    row_count = None
    after = []  # lines since the last row that are not rows
    for number, line in lines[rule + 1:]:
        count = _ROW_COUNT.match(line.strip())
        if count:
            row_count = int(count.group("count"))
            continue
        cells = cells_of(line, starts)
        if cells is None:
            after.append((number, line))
            continue
        if after:
            number, line = after[0]
            raise ParserError("row does not fit the %d columns" % len(starts), line, number)
        rows.append(dict((name, None if cell == "NULL" else cell) for name, cell in zip(names, cells)))
    if after and cells_of is _split:
        # Web copy: one word per column is all there is to go on; a line that is not a row
        # cannot be told from a row that lost its layout.
        number, line = after[0]
        raise ParserError("row does not fit the %d columns" % len(starts), line, number)
    unparsed += [line.strip() for unused, line in after]
    return {"rows": rows, "row_count": row_count, "unparsed": unparsed}
