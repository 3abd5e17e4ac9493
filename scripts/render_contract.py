"""Write docs/contract.md from the JSON Schema of `tocsin extract`'s output
(src/tocsin/schema/extraction.schema.json), so the documented contract is the checked one.
A test fails when the page is out of date: run this script after changing the schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "src" / "tocsin" / "schema" / "extraction.schema.json"
PAGE = ROOT / "docs" / "contract.md"


def _type(spec: dict[str, Any]) -> str:
    """A short human form of a property's type."""
    if "$ref" in spec:
        return f"[{spec['$ref'].rsplit('/', 1)[-1]}](#{spec['$ref'].rsplit('/', 1)[-1].lower()})"
    if "enum" in spec:
        return "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    for key in ("anyOf", "oneOf"):
        if key in spec:
            return " or ".join(_type(s) for s in spec[key])
    typ = spec.get("type", "any")
    if typ == "array":
        return f"list of {_type(spec.get('items', {}))}"
    return " or ".join(typ) if isinstance(typ, list) else str(typ)


def render(schema: dict[str, Any]) -> str:
    lines = ["# The `tocsin extract` contract", "",
             "Generated from `src/tocsin/schema/extraction.schema.json` by",
             "`scripts/render_contract.py`; the tests validate the output against the same",
             "schema. Fields may be added to any object; required fields are never renamed",
             "or dropped.", "", schema.get("description", ""), ""]
    for name, spec in schema["$defs"].items():
        lines += [f"## {name}", ""]
        if spec.get("description"):
            lines += [spec["description"], ""]
        props = spec.get("properties")
        if not props:
            lines += [f"Type: {_type(spec)}.", ""]
            continue
        required = set(spec.get("required", []))
        lines += ["| field | type | required | meaning |", "|---|---|---|---|"]
        for field, fspec in props.items():
            meaning = " ".join(str(fspec.get("description", "")).split())
            lines.append(f"| `{field}` | {_type(fspec)} | {'yes' if field in required else ''}"
                         f" | {meaning} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    PAGE.write_text(render(json.loads(SCHEMA.read_text(encoding="utf-8"))), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
