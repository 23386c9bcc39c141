"""Print the documentation page of one lint rule: ``sendmailcfg rule MC014``.

The rule is named by its id (``MC014``) or its name (``mc-map-spec``); the
page is the one in docs/lint-rules.md (``lint --explain ID`` prints the same).
Exit status: 0, or 2 when no rule has that id or name.
"""

from __future__ import annotations

import argparse
import sys

NAME = "rule"
HELP = "print the documentation of one lint rule (by id or name)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="ID", help="rule id (MC014) or name (mc-map-spec)")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"id", "name", "severity", "kinds", "scope", "fix", "doc"}',
    )


def explain(name: str, *, as_json: bool = False) -> int:
    """Print the page of the rule ``name`` (id or name); 2 when there is none."""
    from sendmailcfg.lint.docgen import page
    from sendmailcfg.lint.rules import registry, rule_by_id

    wanted = name.strip()
    for rule_id, rule_name, _module in registry():
        if wanted.upper() == rule_id or wanted.lower() == rule_name:
            rule = rule_by_id(rule_id)
            if as_json:
                import json

                out = {
                    "id": rule.id,
                    "name": rule.name,
                    "severity": rule.severity,
                    "kinds": list(rule.kinds),
                    "scope": rule.scope,
                    "fix": rule.fix,
                    "doc": rule.doc,
                }
                print(json.dumps(out, ensure_ascii=False))
                return 0
            sys.stdout.write(page(rule))
            return 0
    print(f"rule: no rule {wanted!r} (see docs/lint-rules.md)", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    return explain(args.rule, as_json=args.json)
