"""Validates SARIF files against the published SARIF 2.1.0 JSON schema.

    /usr/bin/python3 sarif_schema_check.py SCHEMA FILE...

Exit 0: every file conforms. 1: a file does not (each violation printed with
its JSON path). 2: the check itself broke. 3: no validator (Debian's python3-jsonschema and
python3-rfc3987, which checks the schema's uri formats) or no schema.
"""
import json
import sys

UNAVAILABLE = 3


def main(schema_path, files):
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed (Debian package; scripts/setup installs it)")
        return UNAVAILABLE
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    if "uri" not in checker.checkers:
        print("python3-rfc3987 is not installed, so the schema's uri formats would go unchecked "
              "(Debian package; scripts/setup installs it)")
        return UNAVAILABLE
    try:
        with open(schema_path) as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"no SARIF schema at {schema_path} ({e}); scripts/fetch-sarif-schema fetches it")
        return UNAVAILABLE
    if "SARIF" not in schema.get("title", "") or "2.1.0" not in schema.get("title", ""):
        print(f"{schema_path} is not the SARIF 2.1.0 schema: {schema.get('title')!r}")
        return UNAVAILABLE
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema, format_checker=checker)
    bad = 0
    for path in files:
        try:
            with open(path) as f:
                doc = json.load(f)
        except ValueError as e:
            bad += 1
            print(f"{path}: not JSON: {e}")
            continue
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            bad += 1
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: /{where}: {e.message}")
    return 1 if bad else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2:]))
    except Exception as e:  # a broken schema or an unreadable file is no verdict on the SARIF
        print(f"sarif_schema_check.py: {type(e).__name__}: {e}")
        sys.exit(2)
