"""What the accounting standards share: the region a row without one is accounted in."""

from __future__ import annotations

from carbonaudit.findings import Finding, info


def assume_region(df, live, tables, region: str, why: str) -> list[Finding]:
    """Give live rows without a region `region`, with one info finding per sheet that says
    so (`why` is the sentence after the row count)."""
    from carbonaudit.inventory.activity import row_location

    findings = []
    blank = live & df["region"].eq("")
    for _, group in df.loc[blank].groupby(["_file", "_sheet"], sort=False, observed=True):
        findings.append(info(
            "region-assumed", why.format(rows=len(group)),
            row_location(df, group.index[0], tables, "region", "item")))
    df.loc[blank, "region"] = region
    return findings
