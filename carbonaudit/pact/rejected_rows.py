"""Which footprints an inventory's rejected rows affect, for `pact export`.

An inventory's totals hold only the activity rows that were assessed: a rejected row's
emissions are in no site total, so a footprint allocated from that site may be understated.
inventory.json counts rejected rows (`rows.rejected`).  Their sites come from
`by_site[].rejected` when the document has that count, else from the results.csv written
beside it by the same run; that file is used only when its row counts match the document's
(a results.csv left by another run is not evidence).  Without either, every footprint gets
the warning, since any of them may be short.  Finding code: `pact-rejected-rows`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from carbonaudit.findings import Finding, warning
from carbonaudit.pact.products import ProductRow, ProductSheet

NO_SITE = ""  # the site cell results.csv writes for a row without one


def rejected_findings(doc: dict, source: str | None, sheet: ProductSheet,
                      exported: list[ProductRow]) -> list[Finding]:
    """A warning on each exported product whose site may miss rejected rows' emissions."""
    total = (doc.get("rows") or {}).get("rejected") or 0
    if not total or not exported:
        return []
    by_site = _from_document(doc)
    if by_site is None and source is not None:
        by_site = _from_results_csv(Path(source).with_name("results.csv"), doc)
    out = []
    for row in exported:
        site = row.get("site")
        if by_site is None:
            text = (f"The inventory has {_rows(total)} rejected and does not say at which "
                    "sites (inventory.json has no count by site and no results.csv of the same "
                    "run is beside it), so this footprint may leave some of their emissions "
                    "out.")
        elif by_site.get(site, 0):
            siteless = by_site.get(NO_SITE, 0)
            text = (f"{_rows(by_site[site])} of site '{site}' rejected by the assessment: "
                    "their emissions are in no total, so this footprint leaves them out."
                    + (f" {_rows(siteless)} without a site also rejected." if siteless else ""))
        elif by_site.get(NO_SITE, 0):
            text = (f"{_rows(by_site[NO_SITE])} without a site rejected by the assessment; if "
                    f"any belongs to '{site}', this footprint leaves its emissions out.")
        else:
            continue
        out.append(warning("pact-rejected-rows", f"{text} Fix the rows findings.json lists "
                           "and re-run assess before sending the footprint.",
                           sheet.loc(row, "site")))
    return out


def _rows(n: int) -> str:
    return f"{n} activity row{'' if n == 1 else 's'}"


def _from_document(doc: dict) -> dict[str, int] | None:
    sites = doc.get("by_site") or []
    if not sites or any("rejected" not in s for s in sites):
        return None
    # The document's count covers assessed sites only; the rest have no assessed row.
    counted = {s["site"]: int(s["rejected"]) for s in sites}
    rest = int((doc.get("rows") or {}).get("rejected") or 0) - sum(counted.values())
    return {**counted, NO_SITE: max(rest, 0)} if rest > 0 else counted


def _from_results_csv(path: Path, doc: dict) -> dict[str, int] | None:
    """Rejected rows by site, when results.csv matches the document's row counts."""
    rows = doc.get("rows") or {}
    counts: dict[str, int] = {}
    read = 0
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh):
                read += 1
                if record.get("status") == "rejected":
                    site = record.get("site") or NO_SITE
                    counts[site] = counts.get(site, 0) + 1
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if read != rows.get("read") or sum(counts.values()) != rows.get("rejected"):
        return None
    return counts
