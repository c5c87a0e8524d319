"""A compiled pass/fail check of one footprint against our PACT schema for its version.

jsonschema builds its full error list at about 1,500 footprints a second; most footprints
have no error.  fastjsonschema compiles the same schema to Python code once and answers
"valid or not" about 10x faster, so `validate.py` asks it first and builds jsonschema's error
list only for the footprints it fails: the findings are exactly jsonschema's.

That holds only if the compiled check never passes what jsonschema fails.  Our schemas use
draft-07 keywords only (type, properties, required, enum, pattern, format, minLength,
minItems, uniqueItems, minimum, maximum, items), which fastjsonschema implements with the
same meaning, and the formats are checked by jsonschema's own format checker.  Where
fastjsonschema is stricter (an integer written as 1.0), the footprint just goes to the full
check.  tests/test_pact_fast_check.py compares the two on mutated footprints.  Without
fastjsonschema installed, every footprint gets the full check: slower, same findings.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

from carbonaudit.schemas import load_schema, validator


@cache
def compiled(major: int) -> Callable[[object], bool] | None:
    """`passes(footprint)` for PACT v`major`, or None when fastjsonschema is not installed."""
    try:
        import fastjsonschema
    except ImportError:
        return None
    name = f"pact-v{major}"
    schema = dict(load_schema(name))
    # Same keywords, same meaning; fastjsonschema knows drafts 4, 6 and 7 by name only.
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    checker = validator(name).format_checker
    formats = {f: _format_check(checker, f) for f in _formats(schema)}
    check = fastjsonschema.compile(schema, formats=formats)

    def passes(fp: object) -> bool:
        try:
            check(fp)
        except Exception:  # a failure of any kind: let jsonschema say what is wrong
            return False
        return True

    return passes


def _format_check(checker, name: str) -> Callable[[object], bool]:
    # Documents repeat the same dates (created, reference period) thousands of times, and
    # an RFC 3339 check costs about 7 us: remember the answers (same checker, same answer).
    @lru_cache(maxsize=65_536)
    def known(text: str) -> bool:
        return checker.conforms(text, name)

    return lambda value: known(value) if isinstance(value, str) else checker.conforms(value,
                                                                                      name)


def _formats(node: object) -> set[str]:
    """Every `format` name used in the schema."""
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(_formats(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_formats(v) for v in node))
    return set()
