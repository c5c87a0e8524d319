"""Specific embedded emissions (SEE) over the installation's precursor graph (DOMAIN.md §1.6).

Nodes are the production processes (P1…) followed by the purchased precursors (PP1…), as in
the template's hidden InputOutput sheet.  A[i][j] = mass of node j consumed per unit of node
i's total production; SEE = (I - A)^-1 · SE, evaluated for the direct channel, the indirect
channel, the part of the indirect channel the regime counts, and electricity (MWh).

Cycles make I - A singular, so they are found by a graph search first and reported as an
error naming the cycle; a node on a cycle, without production, or with a purchased precursor
lacking its SEE gets no SEE, and neither does anything that consumes it (directly or not).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from carbonaudit.cbam import reference
from carbonaudit.cbam.attribution import _tolerance, ef_source_findings, is_number
from carbonaudit.cbam.model import SEE_SOURCES, Precursor, Process
from carbonaudit.cbam.results import PrecursorResult, PrecursorUse, ProcessResult
from carbonaudit.findings import Finding, Location, error, info, warning

DEFINITIVE = "definitive"
TRANSITIONAL = "transitional"
REGIMES = (DEFINITIVE, TRANSITIONAL)


def indirect_counted(good: reference.Good | None, regime: str) -> bool:
    """Whether indirect emissions arising in the production of `good` count.

    Definitive period: only goods outside Annex II of Reg. 2023/956 (cement, fertilisers,
    sintered ore).  Transitional period: every good except electricity.
    """
    if good is None:
        return False
    if regime == TRANSITIONAL:
        return good.sector != "electricity"
    return good.indirect_counted_definitive


def counted_rule(good: reference.Good | None, regime: str, counted: float) -> str:
    """The rule behind `see_counted`, in words a reader of the communication can check."""
    if regime == TRANSITIONAL:
        if good is not None and good.sector == "electricity":
            return "transitional period: direct only (electricity)"
        return "transitional period: direct + indirect (IR (EU) 2023/1773)"
    name = good.category if good else "this good"
    if good is not None and good.indirect_counted_definitive:
        return (f"definitive period: direct + indirect ({name} is not in Annex II of Reg. (EU) "
                "2023/956, Art. 7(1))")
    rule = f"definitive period: direct only ({name} is in Annex II of Reg. (EU) 2023/956)"
    if counted > 1e-12:
        rule += (", plus the indirect emissions of its precursors outside Annex II (IR (EU) "
                 "2025/2547 Annex I 3.1)")
    return rule


def _v(value: float | None) -> float:
    return float(value) if is_number(value) else 0.0


# ------------------------------------------------------------------------ purchased precursors


def precursor_result(pp: Precursor, regime: str) -> tuple[PrecursorResult, list[Finding]]:
    """Balance, SEE used and checks of one purchased precursor (E_PurchPrec)."""
    label = f"Purchased precursor {pp.id} ({pp.name})"
    good = reference.find_good(pp.good)
    values = [v for v in pp.purchased.values() if is_number(v)]
    total = float(sum(values)) if values else None
    consumed = sum(_v(v) for v in pp.consumed_in.values())
    see_ind = (pp.specific_electricity * pp.electricity_ef
               if is_number(pp.specific_electricity) and is_number(pp.electricity_ef)
               else None)
    r = PrecursorResult(
        id=pp.id, name=pp.name, good=good.category if good else pp.good, country=pp.country,
        total_purchased=total, consumed=consumed, other_uses=pp.other_uses,
        mass_balance_control=None if total is None else total - consumed - _v(pp.other_uses),
        see_direct=pp.see_direct, see_direct_source=pp.see_direct_source,
        specific_electricity_mwh_per_t=pp.specific_electricity,
        electricity_ef=pp.electricity_ef, electricity_ef_source=pp.electricity_ef_source,
        see_indirect=see_ind, justification=pp.justification,
        indirect_counted=indirect_counted(good, regime),
    )
    findings = _precursor_checks(pp, r, good, label)
    country = reference.find_country(pp.country)
    if regime == DEFINITIVE and country and (country.eu_member or country.annex_iii):
        r.counted_as_zero = True
        r.see_direct, r.see_indirect = 0.0, 0.0
        why = "an EU member state" if country.eu_member else "a country in Annex III"
        findings.append(info("cbam-precursor-counted-zero",
                             f"{label} comes from {country.name}, {why} of Reg. 2023/956; its "
                             "embedded emissions count as zero in the definitive period.",
                             pp.where.of("country")))
        # Missing SEE does not matter for a precursor that counts as zero.
        findings = [f for f in findings if f.code not in _SEE_CODES]
    return r, findings


_SEE_CODES = {"cbam-precursor-see-missing", "cbam-precursor-see-source-missing",
              "cbam-precursor-electricity-source-missing", "cbam-precursor-indirect-missing"}


def _precursor_checks(pp: Precursor, r: PrecursorResult, good: reference.Good | None,
                      label: str) -> list[Finding]:
    out: list[Finding] = []
    if good is None:
        out.append(error("cbam-unknown-good",
                         f"{label}: goods category {pp.good!r} is not a CBAM category.",
                         pp.where.of("good")))
    if pp.country is None:
        # An error, as the template's "Incomplete!": without the country neither the
        # default value nor the EU / Annex III zero rule can be decided.
        out.append(error("cbam-precursor-country-missing",
                         f"{label}: no country of production (the template shows "
                         "'Incomplete!'); it decides the default values and whether the "
                         "precursor counts as zero. Enter it.", pp.where.of("country")))
    elif reference.find_country(pp.country) is None:
        out.append(error("cbam-country-unknown",
                         f"{label}: country {pp.country!r} is not an ISO 3166 alpha-2 code.",
                         pp.where.of("country")))
    out.extend(_balance_checks(pp, r, label))
    out.extend(_see_checks(pp, r, label))
    return out


def _balance_checks(pp: Precursor, r: PrecursorResult, label: str) -> list[Finding]:
    out = []
    negatives = {k: v for k, v in ({**{f"purchased[{k}]": v for k, v in pp.purchased.items()},
                                    **{f"consumed_in[{k}]": v for k, v in pp.consumed_in.items()},
                                    "other_uses": pp.other_uses}).items()
                 if is_number(v) and v < 0}
    out.extend(error("cbam-negative-value", f"{label}: {k} is negative ({v:g}).",
                     pp.where.of(k.split("[")[0])) for k, v in negatives.items())
    control = r.mass_balance_control
    if control is None and r.consumed > 0:
        out.append(warning("cbam-precursor-mass-balance",
                           f"{label}: consumed {r.consumed:g} t but no purchased amount; "
                           "enter the total purchased.", pp.where.of("purchased")))
    elif control is not None and abs(control) > _tolerance(r.total_purchased):
        out.append(warning("cbam-precursor-mass-balance",
                           f"{label}: purchased {r.total_purchased:g} does not equal consumed "
                           f"in processes + other uses (difference {control:g}); the "
                           "template's control must be 0.", pp.where.of("other_uses")))
    return out


_SOURCE_ASKED = {
    "see_direct_source": ("cbam-precursor-see-source-missing", "SEE"),
    "specific_electricity_source": ("cbam-precursor-electricity-source-missing",
                                    "specific electricity consumption"),
}


def _see_checks(pp: Precursor, r: PrecursorResult, label: str) -> list[Finding]:
    out = []
    if not is_number(pp.see_direct):
        out.append(error("cbam-precursor-see-missing",
                         f"{label}: no specific embedded emissions (direct); the SEE of every "
                         "process using it cannot be computed. Enter the supplier's value or "
                         "the default value.", pp.where.of("see_direct")))
    elif pp.see_direct < 0:
        out.append(error("cbam-negative-value",
                         f"{label}: SEE (direct) is negative ({pp.see_direct:g}).",
                         pp.where.of("see_direct")))
    sources = {"see_direct_source": pp.see_direct_source,
               "specific_electricity_source": pp.specific_electricity_source}
    # Both are asked of every precursor: the template's "Incomplete!" at E_PurchPrec U49 /
    # U50.  The share of default values of every product using it depends on them.
    for key, (code, what) in _SOURCE_ASKED.items():
        if sources[key] is None:
            out.append(error(code, f"{label}: the source of its {what} (Measured / Default / "
                             "Unknown) is not given (the template shows 'Incomplete!'), so "
                             "the share of default values cannot be stated.",
                             pp.where.of(key)))
    for key, value in sources.items():
        if value is not None and value not in SEE_SOURCES:
            out.append(error("cbam-precursor-see-source-invalid",
                             f"{label}: source {value!r} is not one of "
                             f"{', '.join(SEE_SOURCES)}.", pp.where.of(key)))
    if "Default" in sources.values() and not (pp.justification or "").strip():
        out.append(warning("cbam-precursor-default-justification-missing",
                           f"{label} uses default values but gives no justification; state "
                           "why (unreasonable costs, data gaps, other).",
                           pp.where.of("justification")))
    if is_number(pp.specific_electricity) and not is_number(pp.electricity_ef):
        out.append(error("cbam-electricity-ef-missing",
                         f"{label}: electricity consumption given without its emission "
                         "factor; enter the t CO2/MWh factor.", pp.where.of("electricity_ef")))
    elif r.see_indirect is None:
        out.append(warning("cbam-precursor-indirect-missing",
                           f"{label}: no specific electricity consumption and emission factor; "
                           "its indirect SEE is taken as 0.",
                           pp.where.of("specific_electricity")))
    out.extend(ef_source_findings(pp.electricity_ef_source, _v(pp.specific_electricity) > 0,
                                  label, pp.where.of("electricity_ef_source")))
    return out


# ------------------------------------------------------------------------------------- graph


@dataclass
class Graph:
    """Nodes (processes then purchased precursors) and consumption between them."""

    names: list[str]
    kinds: list[str]                       # "process" | "purchased"
    n_processes: int
    # consumption[i][j] = t of node j consumed by process i (input order kept)
    consumption: list[dict[int, float]] = field(default_factory=list)


def build_graph(processes: list[Process],
                precursors: list[Precursor]) -> tuple[Graph, list[Finding]]:
    names = [p.name for p in processes] + [pp.name for pp in precursors]
    kinds = ["process"] * len(processes) + ["purchased"] * len(precursors)
    graph = Graph(names, kinds, len(processes), [{} for _ in processes])
    index = {p.name: i for i, p in enumerate(processes)}
    findings = _duplicate_names(processes, precursors)
    suppliers = [(i, p.consumed_in, p.where) for i, p in enumerate(processes)]
    suppliers += [(len(processes) + k, pp.consumed_in, pp.where)
                  for k, pp in enumerate(precursors)]
    for j, consumed_in, where in suppliers:
        for consumer, mass in consumed_in.items():
            if consumer not in index:
                if mass:  # a named but unused row is harmless; a used one is not
                    findings.append(error(
                        "cbam-unknown-process",
                        f"{names[j]} is consumed in {consumer!r}, which is not a production "
                        "process of this installation; use a process name from section 4(b).",
                        where.of("consumed_in")))
                continue
            if is_number(mass) and mass > 0:
                row = graph.consumption[index[consumer]]
                row[j] = row.get(j, 0.0) + float(mass)
    return graph, findings


def _duplicate_names(processes: list[Process], precursors: list[Precursor]) -> list[Finding]:
    seen: dict[str, str] = {}
    out = []
    for obj in [*processes, *precursors]:
        if obj.name in seen:
            out.append(error("cbam-duplicate-name",
                             f"{obj.id} has the same name {obj.name!r} as {seen[obj.name]}; "
                             "processes and precursors are linked by name, so names must be "
                             "unique.", obj.where.of("name")))
        else:
            seen[obj.name] = obj.id
    return out


def find_cycles(graph: Graph) -> list[list[int]]:
    """Every elementary cycle reachable by depth-first search, each once, as a node path in
    the direction material flows (supplier → consumer → … → supplier)."""
    # supplies[j] = processes that consume j; only processes can be on a cycle.
    supplies: list[list[int]] = [[] for _ in range(graph.n_processes)]
    for i, row in enumerate(graph.consumption):
        for j in row:
            if j < graph.n_processes:
                supplies[j].append(i)
    state = [0] * graph.n_processes          # 0 new, 1 on the stack, 2 done
    stack: list[int] = []
    cycles: dict[tuple[int, ...], list[int]] = {}

    def visit(j: int) -> None:
        state[j] = 1
        stack.append(j)
        for i in supplies[j]:
            if state[i] == 1:
                cycle = stack[stack.index(i):]
                start = cycle.index(min(cycle))
                canonical = tuple(cycle[start:] + cycle[:start])
                cycles.setdefault(canonical, [*canonical, canonical[0]])
            elif state[i] == 0:
                visit(i)
        stack.pop()
        state[j] = 2

    for j in range(graph.n_processes):
        if state[j] == 0:
            visit(j)
    return list(cycles.values())


def cycle_findings(graph: Graph, cycles: list[list[int]],
                   processes: list[Process]) -> list[Finding]:
    out = []
    for cycle in cycles:
        path = " → ".join(graph.names[i] for i in cycle)
        out.append(error("cbam-precursor-cycle",
                         f"Circular precursor chain {path}: a process cannot (indirectly) "
                         "consume its own product, and no SEE can be computed for it. Correct "
                         "the 'consumed in other processes' amounts.",
                         processes[cycle[0]].where.of("consumed_in")))
    return out


def tainted(graph: Graph, bad: set[int]) -> set[int]:
    """Bad nodes and every process that consumes one of them, directly or not."""
    consumers: dict[int, list[int]] = {}
    for i, row in enumerate(graph.consumption):
        for j in row:
            consumers.setdefault(j, []).append(i)
    out, todo = set(bad), list(bad)
    while todo:
        for i in consumers.get(todo.pop(), []):
            if i not in out:
                out.add(i)
                todo.append(i)
    return out


# --------------------------------------------------------------------------------------- SEE


@dataclass
class Channels:
    """Specific values per node (per unit of the node's output)."""

    direct: np.ndarray
    indirect: np.ndarray
    counted: np.ndarray        # indirect masked by the regime
    electricity: np.ndarray
    default_direct: np.ndarray  # direct SE of purchased precursors whose SEE is a default


def solve(processes: list[Process], proc_results: list[ProcessResult],
          precursors: list[Precursor], pre_results: list[PrecursorResult],
          regime: str) -> list[Finding]:
    """Fill the SE/SEE fields of `proc_results` in place; return the graph's findings."""
    graph, findings = build_graph(processes, precursors)
    cycles = find_cycles(graph)
    findings += cycle_findings(graph, cycles, processes)
    bad = {i for c in cycles for i in c}
    bad |= {i for i, r in enumerate(proc_results) if not r.total_production}
    n = graph.n_processes
    bad |= {n + k for k, r in enumerate(pre_results)
            if not is_number(r.see_direct) or r.see_direct < 0}
    clean = [i for i in range(len(graph.names)) if i not in tainted(graph, bad)]
    ch = _channels(graph, proc_results, pre_results, regime)
    see = _see(graph, proc_results, clean, ch)
    _fill(graph, proc_results, pre_results, ch, see, regime)
    return findings


def _channels(graph: Graph, procs: list[ProcessResult], pres: list[PrecursorResult],
              regime: str) -> Channels:
    size = len(graph.names)
    ch = Channels(*(np.zeros(size) for _ in range(5)))
    for i, r in enumerate(procs):
        if r.total_production:
            ch.direct[i] = _v(r.attributed_direct) / r.total_production
            ch.indirect[i] = _v(r.attributed_indirect) / r.total_production
            ch.electricity[i] = _v(r.electricity_consumed_mwh) / r.total_production
        r.indirect_counted = indirect_counted(reference.find_good(r.good), regime)
        ch.counted[i] = ch.indirect[i] if r.indirect_counted else 0.0
    for k, r in enumerate(pres):
        i = graph.n_processes + k
        ch.direct[i] = _v(r.see_direct)
        ch.indirect[i] = _v(r.see_indirect)
        ch.electricity[i] = _v(r.specific_electricity_mwh_per_t)
        ch.counted[i] = ch.indirect[i] if r.indirect_counted else 0.0
        if r.see_direct_source == "Default" and not r.counted_as_zero:
            ch.default_direct[i] = ch.direct[i]
    return ch


def _see(graph: Graph, procs: list[ProcessResult], clean: list[int],
         ch: Channels) -> dict[str, dict[int, float]]:
    """SEE = (I - A)^-1 · SE over the clean nodes (no cycles there, so I - A is invertible:
    ordered topologically A is strictly triangular)."""
    pos = {node: p for p, node in enumerate(clean)}
    a = np.zeros((len(clean), len(clean)))
    for i in clean:
        if i >= graph.n_processes:
            continue  # purchased precursors have no inputs inside the installation
        for j, mass in graph.consumption[i].items():
            a[pos[i], pos[j]] = mass / procs[i].total_production
    inverse = np.linalg.inv(np.eye(len(clean)) - a)
    out = {}
    for key in ("direct", "indirect", "counted", "electricity", "default_direct"):
        values = inverse @ getattr(ch, key)[clean]
        out[key] = {node: float(values[pos[node]]) for node in clean}
    return out


def _fill(graph: Graph, procs: list[ProcessResult], pres: list[PrecursorResult],
          ch: Channels, see: dict[str, dict[int, float]], regime: str) -> None:
    for i, r in enumerate(procs):
        if r.total_production:
            r.se_direct, r.se_indirect = float(ch.direct[i]), float(ch.indirect[i])
        if i in see["direct"]:
            r.see_direct = see["direct"][i]
            r.see_indirect = see["indirect"][i]
            r.see_indirect_counted = see["counted"][i]
            # One meaning per name: the total is direct + indirect (the Regulation's and the
            # template's); what the regime counts is its own field, with its rule.
            r.see_total = r.see_direct + r.see_indirect
            r.see_counted = r.see_direct + r.see_indirect_counted
            r.see_counted_rule = counted_rule(reference.find_good(r.good), regime,
                                              r.see_indirect_counted)
            r.embedded_electricity_mwh_per_t = see["electricity"][i]
            default = see["default_direct"][i]
            # As the template (Summary_Processes H164): share of SEE (direct) that comes
            # from purchased precursors whose SEE is a default value.
            r.share_default_pct = 100.0 * default / r.see_direct if r.see_direct else 0.0
        r.precursors = [_use(graph, procs, pres, see, i, j, mass)
                        for j, mass in graph.consumption[i].items()]


def _use(graph: Graph, procs: list[ProcessResult], pres: list[PrecursorResult],
         see: dict[str, dict[int, float]], i: int, j: int, mass: float) -> PrecursorUse:
    total = procs[i].total_production
    return PrecursorUse(name=graph.names[j], kind=graph.kinds[j], mass_t=mass,
                        per_t=mass / total if total else None,
                        see_direct=see["direct"].get(j), see_indirect=see["indirect"].get(j))


def regime_findings(goods: list[str | None], regime: str) -> list[Finding]:
    """One info finding per good where the Commission template's indirect-emissions flag
    disagrees with the Regulation (Ammonia); we follow the Regulation."""
    if regime != DEFINITIVE:
        return []
    out, seen = [], set()
    for name in goods:
        good = reference.find_good(name)
        if good is None or good.category in seen:
            continue
        seen.add(good.category)
        if good.template_indirect_flag != good.indirect_counted_definitive:
            counted = "count" if good.indirect_counted_definitive else "do not count"
            out.append(info("cbam-indirect-rule-differs-from-template",
                            f"{good.category}: indirect emissions {counted} in the definitive "
                            "period under Annex II of Reg. (EU) 2023/956; the Commission "
                            "template v2.1.1 flags it otherwise. carbonaudit follows the "
                            "Regulation.", Location()))
    return out
