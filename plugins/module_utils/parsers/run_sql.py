# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``run sql <statement>``: the rows of a query as dicts.

A SELECT prints the column names, a run of ``=`` under each column, then one line per row with
space-padded cells and ``NULL`` for nulls::

    paramname           paramvalue
    =================== ==========
    ClusterSecurityMode 0

Column boundaries come from the ``=`` runs, so values may contain spaces. Returns a list of
``{column name: value}`` (value a string, None for NULL). DML statements print only
``Rows: <n>``; that gives ``[]``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .errors import ParserError
from .lines import output_lines

_RULE = re.compile(r"^=+(?:\s+=+)*$")
_RUN = re.compile(r"=+")
_ROW_COUNT = re.compile(r"^Rows:\s*\d+$")


def _cells_at(line, starts):
    """Cut a row at the column starts; None if a cut would split a word."""
    for start in starts[1:]:
        if 0 < start < len(line) and not line[start - 1].isspace() and not line[start].isspace():
            return None
    bounds = list(starts[1:]) + [None]
    return [line[start:end].strip() for start, end in zip(starts, bounds)]


def _cells(line, starts, number):
    cells = _cells_at(line, starts)
    if cells is None:
        # Web copies shorten the '=' runs (seed 002 prints "=====  =====" over a 19-character
        # name); when the runs no longer line up, whitespace still separates the cells if
        # there is exactly one word per column.
        cells = line.split()
        if len(cells) != len(starts):
            raise ParserError("row does not fit the %d columns" % len(starts), line, number)
    return cells


def parse_run_sql(text):
    """``run sql`` output -> list of row dicts; raises ParserError."""
    lines = [(number, line.rstrip()) for number, line in output_lines(text) if line.strip()]
    if not lines:
        raise ParserError("no run sql output")
    if len(lines) == 1 and _ROW_COUNT.match(lines[0][1].strip()):
        return []
    if len(lines) < 2 or not _RULE.match(lines[1][1].strip()):
        number, line = lines[1] if len(lines) > 1 else lines[0]
        raise ParserError("expected a header row and a row of '=' runs", line, number)
    header_number, header = lines[0]
    starts = [match.start() for match in _RUN.finditer(lines[1][1])]
    names = header.split()  # column names hold no spaces
    if len(names) != len(starts):
        raise ParserError("%d column names for %d '=' runs" % (len(names), len(starts)), header, header_number)
    rows = []
    for number, line in lines[2:]:
        if _ROW_COUNT.match(line.strip()):
            continue  # GUESSED: tolerated after a SELECT too; only DML is documented to print it
        cells = _cells(line, starts, number)
        rows.append(dict((name, None if cell == "NULL" else cell) for name, cell in zip(names, cells)))
    return rows
