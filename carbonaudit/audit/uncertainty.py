"""How sure is this number: IPCC 2006 Vol 1 Ch 3 Approaches 1 and 2 over an inventory.

A *source* is one line of the IPCC Table 3.2 layout: the rows of one scope, activity, item
and emission factor.  Its emission factor is one quantity (every row of the factor moves
together); its activity data are one quantity per site (one meter or account: its months
move together), independent between sites.  So, for a source with sites j and rows i:

* EF uncertainty  F = sum_i(U_ef,i |E_i|) / |E|           (fully correlated: linear sum)
* AD uncertainty  E = sqrt(sum_j (sum_{i in j} U_ad,i |E_i|)^2) / |E|   (sum rule, Eq 3.2)
* combined        G = sqrt(E^2 + F^2)                      (product rule, Eq 3.1)
* contribution to the variance of the total  H = (G x D)^2 / (sum D)^2, D = kg CO2e

and scope and total uncertainties follow from the sum rule over sources.  Lower and upper
uncertainties are propagated separately.  Approach 2 (montecarlo.py) draws the same model.
Scope 2 is location-based: the market-based figure mixes contractual factors whose
uncertainty the rows do not state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from carbonaudit.audit.uncertainty_inputs import (
    ORIGIN_COLUMN,
    OVERRIDE_COLUMNS,
    defaults,
    row_parameters,
)
from carbonaudit.factors.vocab import ACTIVITIES
from carbonaudit.findings import Finding, Location, info, warning

DEFAULT_DRAWS = 10_000
MIN_DRAWS, MAX_DRAWS = 100, 1_000_000
DEFAULT_SEED = 2006  # the IPCC Guidelines' year; fixed so the same inventory gives the same run
LIMIT_PCT = 30.0
# An input is "strongly" asymmetric when one side is at least twice the other and the wider
# side reaches 10 %: below that the shape hardly moves the 95 % range (our threshold).
ASYMMETRY = 2.0
ASYMMETRY_FLOOR = 0.10
SCOPES = {1: "scope_1", 2: "scope_2_location", 3: "scope_3"}
# GHG Protocol uncertainty tool ranking; the bands are as recalled in VERIFICATION.md 2.4.
RANK_BANDS = (("High", 5.0), ("Good", 15.0), ("Fair", 30.0))
RANK_SOURCE = ("GHG Protocol uncertainty tool: High / Good / Fair / Poor; bands <= 5, <= 15, "
               "<= 30, > 30 % as recalled in VERIFICATION.md section 2.4 (unverified)")
LAYOUT = {"A": "category", "B": "gas", "C": "base_year_kgco2e (see `carbonaudit compare`)",
          "D": "kgco2e", "E": "ad_uncertainty_pct", "F": "ef_uncertainty_pct",
          "G": "combined_uncertainty_pct", "H": "contribution_to_variance"}


@dataclass
class Uncertainty:
    """The `uncertainty` section of inventory.json and the findings that go with it."""

    section: dict
    findings: list[Finding] = field(default_factory=list)


def rank(pct: float | None) -> str | None:
    """The GHG Protocol qualitative rank of a ± % figure."""
    if pct is None or not math.isfinite(pct):
        return None
    return next((name for name, limit in RANK_BANDS if pct <= limit), "Poor")


def uncertainty_part(assessment, draws: int = DEFAULT_DRAWS, progress=None) -> dict:
    """`{"uncertainty": section}` for an Assessment; its findings join the assessment's own,
    so the document built next counts them (assess --uncertainty)."""
    if progress is not None:
        progress("estimating uncertainty")
    result = assess_uncertainty(assessment.results, draws=draws)
    assessment.findings.extend(result.findings)
    return {"uncertainty": result.section}


def assess_uncertainty(results, *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                       monte_carlo: bool = True) -> Uncertainty:
    """Approach 1 and (unless `monte_carlo` is False) Approach 2 for an assessment's rows.

    `results` is Assessment.results; only assessed rows count.  Cells of the optional
    `ad_uncertainty_pct`, `ef_uncertainty_pct` and `data_origin` columns that cannot be read
    are reported by the data-quality checks of assess(); here such rows keep the default.
    """
    if not MIN_DRAWS <= draws <= MAX_DRAWS:
        from carbonaudit.errors import UsageError

        raise UsageError(f"--draws {draws}: use {MIN_DRAWS:,} to {MAX_DRAWS:,} draws (fewer "
                         "cannot place 2.5/97.5 percentiles; more would not fit in memory)")
    blocks, inputs = _blocks(results)
    sources = _sources(blocks)
    section = {
        "basis": "Scope 2 location-based; assessed rows only; kg CO2e of the inventory's GWP set",
        "confidence_pct": 95,
        "model": ("rows of one emission factor share one factor draw; rows of one site, "
                  "activity, item and factor share one activity-data draw; sites and factors "
                  "are otherwise independent"),
        "inputs": inputs,
        "rank_bands": {"High": 5.0, "Good": 15.0, "Fair": 30.0, "source": RANK_SOURCE},
        "approach_1": _approach_1(sources),
    }
    findings = _approach_1_findings(sources, section["approach_1"]["sources"])
    if monte_carlo and len(blocks):
        section["approach_2"], more = _approach_2(blocks, sources, draws, seed)
        findings += more
    findings += _default_findings(inputs)
    return Uncertainty(section, findings)


def _blocks(results):
    """Rows summed into blocks of one source, site and parameter set; and the input summary.

    Everything per row is integer codes and numpy sums; text is looked at per block only.
    """
    import numpy as np
    import pandas as pd

    from carbonaudit.audit.distributions import DISTRIBUTIONS
    from carbonaudit.audit.frames import assessed, codes, combine, first_positions

    wanted = ("scope", "activity", "item", "factor_id_used", "site", "co2e_kg", ORIGIN_COLUMN,
              *OVERRIDE_COLUMNS.values())
    mask = assessed(results) & results["scope"].notna().to_numpy()
    ok = results.loc[mask, [c for c in wanted if c in results.columns]]
    parts = [codes(ok[c]) if c in ok.columns else (np.zeros(len(ok), dtype=np.int64), [""])
             for c in ("activity", "item", "factor_id_used", "site")]
    p = row_parameters(ok, keys=parts[:2])
    kg = ok["co2e_kg"].to_numpy(dtype=float)
    kg = np.where(np.isfinite(kg), kg, 0.0)
    absolute = np.abs(kg)
    scope = ok["scope"].to_numpy(dtype="int64")
    inputs = _inputs_summary(p, absolute)
    if not len(ok):
        return pd.DataFrame(columns=[*_BLOCK_TEXT, *_BLOCK_NUMBERS, "source", "factor",
                                     "series"]), inputs
    block = combine(scope, *(c for c, _ in parts), p.parameter_set)
    n = int(block.max()) + 1
    first = first_positions(block, n)

    def total(weights):
        return np.bincount(block, weights=weights, minlength=n)

    names = np.asarray(DISTRIBUTIONS, dtype=object)
    blocks = pd.DataFrame({
        "scope": scope[first],
        **{col: np.asarray(uniques, dtype=object)[c[first]]
           for col, (c, uniques) in zip(_BLOCK_TEXT, parts, strict=True)},
        "ad_lower": p.ad_lower[first], "ad_upper": p.ad_upper[first],
        "ad_dist": names[p.ad_dist[first]], "ef_lower": p.ef_lower[first],
        "ef_upper": p.ef_upper[first], "ef_dist": names[p.ef_dist[first]],
        "kg": total(kg), "abs_kg": total(absolute), "rows": np.bincount(block, minlength=n),
        # |E| x U, summed linearly (correlated within a block)
        "ad_wlo": total(p.ad_lower * absolute), "ad_whi": total(p.ad_upper * absolute),
        "ef_wlo": total(p.ef_lower * absolute), "ef_whi": total(p.ef_upper * absolute),
    })
    # a fixed order by text, so sources are listed and drawn the same way on every run
    blocks = blocks.sort_values(["scope", *_BLOCK_TEXT, "ad_lower", "ad_upper", "ad_dist",
                                 "ef_lower", "ef_upper", "ef_dist"], kind="stable",
                                ignore_index=True)
    blocks["source"] = blocks.groupby(["scope", "activity", "item", "factor_id"],
                                      sort=True).ngroup()
    blocks["factor"] = blocks.groupby("factor_id", sort=True).ngroup()
    blocks["series"] = blocks.groupby(["source", "site"], sort=True).ngroup()
    return blocks, inputs


_BLOCK_TEXT = ("activity", "item", "factor_id", "site")
_BLOCK_NUMBERS = ("scope", "ad_lower", "ad_upper", "ad_dist", "ef_lower", "ef_upper",
                  "ef_dist", "kg", "abs_kg", "rows", "ad_wlo", "ad_whi", "ef_wlo", "ef_whi")


def _inputs_summary(p, absolute) -> dict:
    import numpy as np

    used = []
    table = defaults()
    whole = float(absolute.sum())
    k = len(p.source_ids)
    for codes, parameter in ((p.ad_source, "activity_data"), (p.ef_source, "emission_factor")):
        rows = np.bincount(codes, minlength=k)
        weight = np.bincount(codes, weights=absolute, minlength=k)
        for i in sorted(np.flatnonzero(rows), key=lambda i: p.source_ids[i]):
            sid = p.source_ids[i]
            d = table.get(sid)
            entry = {"parameter": parameter, "id": sid, "rows": int(rows[i]),
                     "share_of_emissions": _share(weight[i], whole)}
            if d is not None:
                entry.update(lower_pct=100 * d.lower, upper_pct=100 * d.upper,
                             distribution=d.distribution, source=d.source, status=d.status)
            else:
                entry.update(source="the row's own cell", status="row")
            used.append(entry)
    return {"rows": int(len(absolute)), "defaults_used": used}


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole else 0.0


def _sources(blocks):
    """One line per source with its lower/upper AD, EF and combined uncertainty (fractions)."""
    import numpy as np

    if not len(blocks):
        return blocks.iloc[0:0]
    series = blocks.groupby(["source", "series"], sort=True).agg(
        ad_wlo=("ad_wlo", "sum"), ad_whi=("ad_whi", "sum")).reset_index()
    series["ad_wlo2"] = series["ad_wlo"] ** 2
    series["ad_whi2"] = series["ad_whi"] ** 2
    ad = series.groupby("source").agg(ad2_lo=("ad_wlo2", "sum"), ad2_hi=("ad_whi2", "sum"),
                                      sites=("series", "nunique"))
    src = blocks.groupby("source", sort=True).agg(
        scope=("scope", "first"), activity=("activity", "first"), item=("item", "first"),
        factor_id=("factor_id", "first"), kg=("kg", "sum"), rows=("rows", "sum"),
        ef_wlo=("ef_wlo", "sum"), ef_whi=("ef_whi", "sum"),
        ad_in_lo=("ad_lower", "min"), ad_in_hi=("ad_upper", "max"),
        ef_in_lo=("ef_lower", "min"), ef_in_hi=("ef_upper", "max")).join(ad)
    denom = np.abs(src["kg"].to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        for side in ("lo", "hi"):
            src[f"ad_{side}"] = np.where(denom > 0, np.sqrt(src[f"ad2_{side}"]) / denom, np.nan)
            src[f"ef_{side}"] = np.where(denom > 0, src[f"ef_w{side}"] / denom, np.nan)
            src[f"g_{side}"] = np.hypot(src[f"ad_{side}"], src[f"ef_{side}"])
    return src


def _pair(lo: float, hi: float) -> dict:
    def pct(x):
        return None if x is None or not math.isfinite(x) else float(100.0 * x)

    return {"lower": pct(lo), "upper": pct(hi)}


def _level(src) -> dict:
    """Sum rule over independent sources, both sides."""
    import numpy as np

    total = float(src["kg"].sum())
    out = {"kgco2e": total, "sources": int(len(src))}
    for side in ("lo", "hi"):
        var = float(np.nansum((src[f"g_{side}"].to_numpy() * src["kg"].to_numpy()) ** 2))
        out[side] = math.sqrt(var) / abs(total) if total else float("nan")
    pair = _pair(out.pop("lo"), out.pop("hi"))
    out["uncertainty_pct"] = pair
    out["rank"] = rank(max(v for v in pair.values() if v is not None)) if any(
        v is not None for v in pair.values()) else None
    out["above_30_pct"] = any(v is not None and v > LIMIT_PCT for v in pair.values())
    return out


def _approach_1(src) -> dict:
    import numpy as np

    grand = float(src["kg"].sum()) if len(src) else 0.0
    g_mid = ((src["g_lo"] + src["g_hi"]) / 2).to_numpy() if len(src) else np.array([])
    h = (g_mid * src["kg"].to_numpy()) ** 2 / grand ** 2 if grand else np.zeros(len(src))
    h_total = float(np.nansum(h))
    lines = []
    for (_, r), contrib in zip(src.iterrows(), h, strict=True):
        act = ACTIVITIES.get(r["activity"])
        combined = _pair(r["g_lo"], r["g_hi"])
        lines.append({
            "category": act.label if act else r["activity"], "gas": "CO2e",
            "scope": int(r["scope"]), "activity": r["activity"], "item": r["item"],
            "factor_id": r["factor_id"], "rows": int(r["rows"]), "sites": int(r["sites"]),
            "kgco2e": float(r["kg"]),
            "ad_uncertainty_pct": _pair(r["ad_lo"], r["ad_hi"]),
            "ef_uncertainty_pct": _pair(r["ef_lo"], r["ef_hi"]),
            "combined_uncertainty_pct": combined,
            "contribution_to_variance": float(contrib) if math.isfinite(contrib) else None,
            "share_of_variance": float(contrib / h_total) if h_total and math.isfinite(
                contrib) else None,
            "rank": rank(max((v for v in combined.values() if v is not None), default=None)),
        })
    order = sorted(range(len(lines)), key=lambda k: (-(lines[k]["contribution_to_variance"]
                                                       or 0.0), k))
    for place, k in enumerate(order, start=1):
        lines[k]["variance_rank"] = place
    return {
        "method": "IPCC 2006 Vol 1 Ch 3 Approach 1 (Eq 3.1 product rule, Eq 3.2 sum rule), "
                  "Table 3.2 layout (level; trend columns I-M need a base year)",
        "layout": LAYOUT,
        "sources": lines,
        "by_scope": [{"scope": name, **_level(src[src["scope"] == s])}
                     for s, name in SCOPES.items() if len(src) and (src["scope"] == s).any()],
        "total": _level(src) if len(src) else None,
    }


def _approach_1_findings(src, lines) -> list[Finding]:
    out: list[Finding] = []
    for k, line in enumerate(lines):
        where = Location(pointer=f"/uncertainty/approach_1/sources/{k}")
        g = line["combined_uncertainty_pct"]
        name = f"{line['activity']} {line['item']} ({line['factor_id']})"
        worst = max((v for v in g.values() if v is not None), default=None)
        if worst is not None and worst > LIMIT_PCT:
            out.append(warning(
                "uncertainty-above-30-percent",
                f"The combined uncertainty of {name} is {worst:.1f} %, above the 30 % up to "
                "which Approach 1's error propagation holds; rely on the Monte Carlo "
                "(Approach 2) range for it, or narrow its inputs.", where))
        r = src.iloc[k]
        for side, lo, hi in (("activity data", r["ad_in_lo"], r["ad_in_hi"]),
                             ("emission factor", r["ef_in_lo"], r["ef_in_hi"])):
            if max(lo, hi) >= ASYMMETRY_FLOOR and max(lo, hi) >= ASYMMETRY * min(lo, hi):
                out.append(warning(
                    "uncertainty-strongly-asymmetric",
                    f"The {side} range of {name} is strongly asymmetric (-{100 * lo:.1f} % / "
                    f"+{100 * hi:.1f} %); Approach 1 handles that poorly, so read the Monte "
                    "Carlo (Approach 2) range.", where))
                break
    return out


def _approach_2(blocks, src, draws: int, seed: int):
    from carbonaudit.audit.montecarlo import simulate, summary

    sim = simulate(blocks, draws, seed)
    out: dict = {
        "method": "IPCC 2006 Vol 1 Ch 3 Approach 2 (Monte Carlo), numpy default_rng",
        "draws": draws, "seed": seed, "rows_approximated_by_normal": sim.rows_approximated,
        "by_scope": [],
    }
    findings: list[Finding] = []
    totals = None
    for s, name in SCOPES.items():
        if s not in sim.by_scope:
            continue
        arr = sim.by_scope[s]
        point = float(src.loc[src["scope"] == s, "kg"].sum())
        out["by_scope"].append({"scope": name, "kgco2e": point, **_mc(summary(arr, point))})
        totals = arr.copy() if totals is None else totals + arr
    point = float(src["kg"].sum())
    out["total"] = {"kgco2e": point, **_mc(summary(totals, point))}
    var_sum = sum(v for _, v in sim.by_source.values())
    out["share_of_variance_by_source"] = [
        {"source_index": int(k), "mean_kgco2e": m,
         "share": float(v / var_sum) if var_sum else 0.0}
        for k, (m, v) in sorted(sim.by_source.items())]
    for k, entry in enumerate([*out["by_scope"], out["total"]]):
        if not entry["convergence"]["converged"]:
            where = f"/uncertainty/approach_2/by_scope/{k}" if k < len(out["by_scope"]) else \
                "/uncertainty/approach_2/total"
            findings.append(warning(
                "uncertainty-not-converged",
                f"The Monte Carlo percentiles of {entry.get('scope', 'the total')} still moved "
                f"by {100 * entry['convergence']['max_relative_change']:.2f} % over the last "
                f"tenth of {draws:,} draws (limit 1 %); run again with more draws (--draws).",
                Location(pointer=where)))
    return out, findings


def _mc(s: dict) -> dict:
    s["uncertainty_pct"] = {"lower": s.pop("lower_pct"), "upper": s.pop("upper_pct")}
    values = [v for v in s["uncertainty_pct"].values() if v is not None]
    s["rank"] = rank(max(values)) if values else None
    return s


def _default_findings(inputs: dict) -> list[Finding]:
    unverified = {}
    for d in inputs["defaults_used"]:
        if d["status"] == "unverified":
            unverified[d["parameter"]] = unverified.get(d["parameter"], 0.0) + \
                d["share_of_emissions"]
    out = []
    for parameter, share in sorted(unverified.items()):
        if share > 0:
            out.append(info(
                "uncertainty-unverified-defaults",
                f"{100 * share:.1f} % of the emissions take their {parameter.replace('_', ' ')} "
                "uncertainty from an unverified default (a recalled value or a placeholder; "
                "see /uncertainty/inputs/defaults_used); give the rows' own "
                f"{'ad' if parameter == 'activity_data' else 'ef'}_uncertainty_pct to replace it.",
                Location(pointer="/uncertainty/inputs/defaults_used")))
    return out
