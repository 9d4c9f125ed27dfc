"""Run the DfE CIN census rules (csc-validator-be-cin) on one file and print the result as JSON.

This script runs under the validator's own interpreter (`var/cin-validator-venv`, made by
scripts/ensure-cin-validator.sh), never in the app's: the validator pins pandas<2 and needs
numpy<2 and pytest. It imports nothing from the project. `returns.validator` calls it:

    var/cin-validator-venv/bin/python returns/validator_runner.py FILE.xml 2027

It uses the Python API, as RETURNS.md says, because the CLI prints only child-level issues and
counts a rule that crashed as passed. Output (stdout, one JSON object):
    ruleset, rules_run, rules_passed,
    issues: child-level rows (child_id, rule_code, rule_type, description, table, column,
            row_id, value),
    return_issues: return- and header-level (rule_code, rule_type, description),
    crashes: rules that raised (rule_code, message).
"""

import contextlib
import io
import json
import re
import sys
import warnings
import xml.etree.ElementTree as ET


def _text(value) -> str:
    text = "" if value is None else str(value)
    return "" if text in ("nan", "NaT", "None", "<NA>") else text


def validate(path: str, year: str) -> dict:
    from cin_validator import cin_validator
    from cin_validator.rules.ruleset_utils import get_year_ruleset

    registry = get_year_ruleset(year)
    types = {str(code): rule.rule_type.value.upper() for code, rule in registry.items()}
    root = ET.parse(path).getroot()  # noqa: S314 (the file our own builder wrote)
    printed = io.StringIO()
    # The validator prints "Error with rule X: ..." for a rule that raised, and nothing else
    # we need; keep its prints off our stdout, which carries the JSON.
    with contextlib.redirect_stdout(printed):
        tables = cin_validator.convert_data(root)
        data = cin_validator.process_data(tables)
        result = cin_validator.CinValidator(data, registry, selected_rules=None)

    issues = []
    report = result.user_report
    if len(report):
        for row in report.to_dict("records"):
            child_id = _text(row.get("LAchildID"))
            if not child_id or _text(row.get("tables_affected")) == "Header":
                continue
            code = _text(row.get("rule_code"))
            issues.append(
                {
                    "child_id": child_id,
                    "rule_code": code,
                    "rule_type": types.get(code, "QUERY" if code.endswith("Q") else "ERROR"),
                    "description": _text(row.get("rule_description")),
                    "table": _text(row.get("tables_affected")),
                    "column": _text(row.get("columns_affected")),
                    "row_id": _text(row.get("ROW_ID")),
                    "value": _text(row.get("value_flagged")),
                }
            )
    return_issues = []
    seen = set()
    for row in result.multichild_issues.to_dict("records"):
        code = _text(row.get("rule_code"))
        if code in seen:
            continue
        seen.add(code)
        return_issues.append(
            {
                "rule_code": code,
                "rule_type": types.get(code, "QUERY" if code.endswith("Q") else "ERROR"),
                "description": _text(row.get("rule_description")),
            }
        )
    crashes = [
        {"rule_code": m.group(1), "message": m.group(2)}
        for m in re.finditer(r"^Error with rule (\S+): (.*)$", printed.getvalue(), re.MULTILINE)
    ]
    return {
        "ruleset": f"cin{int(year) - 1}_{year[2:4]}",
        "rules_run": len(registry),
        "rules_passed": [str(c) for c in result.rules_passed],
        "issues": issues,
        "return_issues": return_issues,
        "crashes": crashes,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: validator_runner.py FILE.xml YEAR", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")
    json.dump(validate(argv[1], argv[2]), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
