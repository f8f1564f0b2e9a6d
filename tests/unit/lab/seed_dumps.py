"""Read the `show itl` / `show ctl` rows of the verbatim seed fixtures (tests/unit/fixtures/seeds).

The lab tests compare what the lab builds with what real clusters printed. The fixtures are
web copies (markdown tables, collapsed whitespace, values wrapped onto the next line); this
reads just enough of them: the rows `<tag> <NAME> <LENGTH> [VALUE]` of the header and of
each record, and the plain lines between them.
"""

import os
import re

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "seeds")

_ROW = re.compile(r"^(\d+)\s+([A-Z][A-Z ]*[A-Z])\s+(\d+)(?:\s+(.*?))?\s*$")
_RECORD = re.compile(r"Record #:(\d+)")


class SeedDump:
    def __init__(self, header, records, text):
        self.header = header  # [(tag, name, length, value)]
        self.records = records  # [[(tag, name, length, value)], ...] in printed order
        self.text = text

    def header_row(self, tag):
        return next(row for row in self.header if row[0] == tag)

    def number(self, pattern):
        """The integer after a fixed label, e.g. number("HeaderLength:")."""
        return int(re.search(re.escape(pattern) + r"\s*(\d+)", self.text).group(1))


def fixture_text(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def seed_dump(name):
    return parse_dump(fixture_text(name))


def parse_dump(text):
    """The rows of a `show itl` / `show ctl` text (a seed's or the lab's)."""
    header, records = [], []
    rows = header
    pending_function = None  # a FUNCTION row whose value sits on the next line
    for raw in text.splitlines():
        line = _untable(raw).strip()
        if not line:
            continue
        match = _RECORD.search(line)
        if match:
            records.append([])
            rows = records[-1]
            continue
        row = _ROW.match(line)
        if row:
            entry = (int(row.group(1)), row.group(2), int(row.group(3)), row.group(4) or "")
            rows.append(entry)
            pending_function = len(rows) - 1 if entry[1] == "FUNCTION" and not entry[3] else None
        elif pending_function is not None:
            rows[pending_function] = rows[pending_function][:3] + (line,)
            pending_function = None
    return SeedDump(header, records, text)


def _untable(line):
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        return " ".join(cell.strip() for cell in stripped[1:-1].split("|"))
    return line
