"""Provenance bundles: manifest.json beside an assess or verify output, and its re-check.

The manifest names the tool version, the run's options, every input (activity files,
claims, evidence, config, own factor files) and output with its SHA-256, the factor sets
and GWP set, the folder the run's relative paths start from, and the time it was written.
`check_bundle` re-hashes the inputs and outputs, re-runs the command into a temporary
folder from the same starting folder, and compares: every file that was altered since the
bundle, or that the re-run writes differently, is named.  A verify run records its options
in verification.json; an assess run's options are given to `write_bundle`, which re-runs
them once so that a manifest never records options that do not reproduce the output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from carbonaudit import __version__
from carbonaudit.errors import InputUnreadable, UsageError

MANIFEST = "manifest.json"
ASSESS_OUTPUTS = ("results.csv", "inventory.json", "findings.json")


@dataclass
class Check:
    """What a check found: each problem names one file."""

    problems: list[dict] = field(default_factory=list)  # {"file", "role", "problem"}
    rerun_ok: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, file: str, role: str, problem: str) -> None:
        self.problems.append({"file": file, "role": role, "problem": problem})


def _sha256(path: Path) -> str:
    from carbonaudit.ingest.tables import file_sha256

    return file_sha256(path)


@contextlib.contextmanager
def _inside(folder: Path):
    """Run with `folder` as the working directory: the run's paths are relative to it."""
    here = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def _kind(folder: Path) -> str:
    if (folder / "verification.json").is_file():
        return "verify"
    if (folder / "inventory.json").is_file():
        return "assess"
    raise UsageError(f"{folder} holds neither verification.json nor inventory.json: "
                     "bundle the output folder of an assess or verify run")


def write_bundle(folder: str | Path, assess_run: dict | None = None) -> Path:
    """Write manifest.json into `folder` (an assess or verify output) and return its path.

    `assess_run` (files, config, gwp, factors, sheet, encoding, decimal_comma) is needed for
    an assess output only; it is checked by re-running before it is recorded.
    """
    from carbonaudit.outputs import atomic_write

    folder = Path(folder)
    kind = _kind(folder)
    if kind == "verify":
        doc = _read_json(folder / "verification.json")
        run = doc["options"]
        outputs = _verify_outputs(run, folder)
    else:
        doc = _read_json(folder / "inventory.json")
        run = _assess_run(assess_run or {}, doc)
        outputs = {n.split(".")[0]: folder / n for n in ASSESS_OUTPUTS}
    manifest = {
        "manifest_version": "1.0", "tool_version": __version__, "kind": kind,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "working_directory": os.path.relpath(Path.cwd(), folder.resolve()),
        "run": run, "gwp_set": doc["gwp_set"],
        "inputs": _inputs(kind, run, doc),
        "factor_sets": [{"name": s["name"], "edition": s.get("edition"), "sha256": s["sha256"],
                         "user": s.get("user", False)} for s in doc["factor_sets"]],
        "outputs": [{"name": name, "path": p.name, "sha256": _sha256(p),
                     "bytes": p.stat().st_size} for name, p in outputs.items()],
    }
    if kind == "assess":
        check = _compare_rerun(manifest, folder, Check())
        if not check.ok:
            named = "; ".join(f"{p['file']}: {p['problem']}" for p in check.problems)
            raise UsageError(f"these options do not reproduce {folder} ({named}); give the "
                             "files and options the assess run was given")
    path = folder / MANIFEST
    atomic_write(path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
    return path


def check_bundle(folder: str | Path) -> Check:
    """Re-hash and re-run a bundle; every altered or differing file becomes a problem."""
    folder = Path(folder)
    manifest = _read_json(folder / MANIFEST)
    check = Check()
    base = (folder / manifest["working_directory"]).resolve()
    for item in manifest["inputs"]:
        path = base / item["path"]
        if not path.is_file():
            check.add(item["path"], item["role"], "missing")
        elif _sha256(path) != item["sha256"]:
            check.add(item["path"], item["role"], "altered since the bundle (SHA-256 differs)")
    for item in manifest["outputs"]:
        path = folder / item["path"]
        if not path.is_file():
            check.add(item["path"], "output", "missing")
        elif _sha256(path) != item["sha256"]:
            check.add(item["path"], "output", "altered since the bundle (SHA-256 differs)")
    return _compare_rerun(manifest, folder, check)


def _compare_rerun(manifest: dict, folder: Path, check: Check) -> Check:
    """Re-run into a temporary folder and compare each output's bytes with the manifest."""
    from carbonaudit.errors import CarbonAuditError

    base = (folder / manifest["working_directory"]).resolve()
    with tempfile.TemporaryDirectory(prefix="carbonaudit-check-") as tmp, _inside(base):
        try:
            written, sets = _rerun(manifest, Path(tmp))
        except CarbonAuditError as exc:
            check.rerun_ok = False
            check.add("(re-run)", "run", f"the run could not be repeated: {exc}")
            return check
        for item in manifest["outputs"]:
            again = written.get(item["name"])
            if again is None or not again.is_file():
                check.add(item["path"], "output", "not written by the re-run")
            elif _sha256(again) != item["sha256"]:
                check.add(item["path"], "output", "differs on re-run")
    recorded = {s["name"]: s["sha256"] for s in manifest["factor_sets"]}
    for name, digest in sets.items():
        if recorded.get(name) != digest:
            check.add(name, "factor set", "differs from the bundle's (SHA-256)")
    for name in recorded.keys() - sets.keys():
        check.add(name, "factor set", "not loaded by the re-run")
    return check


def _rerun(manifest: dict, out: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """Repeat the recorded run with outputs in `out`: the files written by name, and the
    factor sets' hashes."""
    from carbonaudit.project import Config, load_config

    run = manifest["run"]
    cfg = load_config(Path(run["config"])) if run.get("config") else Config.default()
    if manifest["kind"] == "verify":
        from carbonaudit.audit.verify import VerifyOptions, verify, write_outputs

        options = VerifyOptions(
            claimed=run["claimed"], materiality_pct=run["materiality_pct"],
            performance_pct=run["performance_pct"], confidence_pct=run["confidence_pct"],
            seed=run["seed"], seed_given=run["seed_given"], regimes=frozenset(run["regimes"]),
            per_scope=run["per_scope"], evidence=run["evidence"], lang=run["lang"],
            gwp=run["gwp"], sheet=run["sheet"], encoding=run["encoding"],
            decimal_comma=run["decimal_comma"], factor_files=tuple(run["factors"]),
            config=run["config"], cbam=run.get("cbam"),
            uncertainty_draws=run.get("uncertainty_draws"))
        v = verify(run["activity"], cfg, options)
        written = write_outputs(v, out)
        return written, {s["name"]: s["sha256"] for s in v.document["factor_sets"]}
    from carbonaudit.inventory.document import build_document
    from carbonaudit.inventory.engine import AssessOptions, assess
    from carbonaudit.outputs import write_assessment

    opts = AssessOptions(gwp=run["gwp"] or cfg.gwp, decimal_comma=run["decimal_comma"],
                         sheet=run["sheet"], encoding=run["encoding"],
                         factor_files=tuple(Path(f) for f in run["factors"]))
    a = assess(run["activity"], cfg, opts)
    doc = build_document(a)
    written = write_assessment(a, doc, out)
    return written, {s["name"]: s["sha256"] for s in doc["factor_sets"]}


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputUnreadable(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputUnreadable(str(path), f"not a readable JSON document ({exc})") from None


def _verify_outputs(run: dict, folder: Path) -> dict[str, Path]:
    from carbonaudit.audit.verify import VerifyOptions, output_paths

    options = VerifyOptions(claimed=run["claimed"], evidence=run["evidence"], lang=run["lang"])
    return output_paths(options, run["activity"], folder)


def _assess_run(given: dict, doc: dict) -> dict:
    files = [str(f) for f in given.get("files") or ()] or [i["path"] for i in doc["inputs"]]
    return {"activity": files, "config": given.get("config"), "gwp": given.get("gwp"),
            "factors": [str(f) for f in given.get("factors") or ()],
            "sheet": given.get("sheet"), "encoding": given.get("encoding"),
            "decimal_comma": bool(given.get("decimal_comma"))}


def _inputs(kind: str, run: dict, doc: dict) -> list[dict]:
    files = [("activity", p) for p in run["activity"]]
    if kind == "verify":
        files.append(("claims", run["claimed"]))
        if run.get("evidence"):
            files.append(("evidence", run["evidence"]))
        if run.get("cbam"):
            files.append(("cbam", run["cbam"]))
    if run.get("config"):
        files.append(("config", run["config"]))
    files += [("factors", f) for f in run.get("factors") or ()]
    out = []
    for role, p in files:
        path = Path(p)
        if not path.is_file():
            raise UsageError(f"the run's {role} file {p} is not there any more; bundle where "
                             "the run was made")
        out.append({"role": role, "path": str(p), "sha256": _sha256(path),
                    "bytes": path.stat().st_size})
    return out
