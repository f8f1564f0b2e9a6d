# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one exception every parser raises on output it cannot read."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ParserError(ValueError):
    """CLI output that does not have the expected shape.

    ``line`` is the offending line as printed (None when the problem is the output as a whole,
    e.g. nothing recognisable at all) and ``line_number`` its 1-based position in the text.
    """

    def __init__(self, reason, line=None, line_number=None):
        self.reason = reason
        self.line = line
        self.line_number = line_number
        if line is None:
            message = reason
        else:
            message = "%s at line %s: %r" % (reason, line_number, line)
        super(ParserError, self).__init__(message)
