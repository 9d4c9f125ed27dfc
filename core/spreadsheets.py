"""Cells safe to open in a spreadsheet (every export and statutory return writes through this).

A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a leading tab or carriage
return, which some programs strip before looking) is written as text with a leading
apostrophe: a referrer's name typed as `=HYPERLINK(...)` must not run when a manager opens the
file (OWASP "CSV injection"). Numbers stay numbers and dates stay dates.
"""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, or for text a spreadsheet would run as a formula, the text after an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
