"""The words of the verification statement draft, in English, Traditional and Simplified
Chinese.  Every language has the same keys (a test checks it): a missing text is a bug,
never an English fallback.  Placeholders are `{name}`.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Verification statement — draft",
        "draft_note": "Draft prepared by carbonaudit {version} from verification.json. It is "
                      "not an opinion: the verifier completes, changes and signs it.",
        "h.statement": "GHG statement covered",
        "organisation": "Organisation", "period": "Reporting period",
        "claims_file": "Claimed figures", "activity_files": "Activity data",
        "h.criteria": "Criteria",
        "criteria": "GHG Protocol Corporate Standard (Scope 1, Scope 2 location- and "
                    "market-based, Scope 3) and ISO 14064-1:2018; GWP set {gwp}; emission "
                    "factor sets: {sets}.",
        "h.assurance": "Level of assurance",
        "assurance": "To be stated by the verifier (reasonable or limited assurance).",
        "h.materiality": "Materiality",
        "materiality_rule": "{rule}: {pct} % of {base} ({scope}); {ref}.",
        "materiality_amounts": "Materiality {m} t CO2e; performance materiality {pm} t CO2e "
                               "({perf} %); clearly trivial {ct} t CO2e.",
        "h.work": "Summary of work performed",
        "work.recalc": "Recalculated {read} activity rows ({assessed} assessed, {rejected} "
                       "rejected) from the activity data with the factor sets and GWP set "
                       "above, independently of the client's own spreadsheet.",
        "work.reconcile": "Reconciled {n} claimed figures with the recalculation.",
        "work.sample": "Selected {n} rows by emissions-weighted (monetary-unit) sampling: "
                       "{certainty} with certainty (|emissions| ≥ J) and {systematic} "
                       "systematically; confidence {conf} %, R = {r}, tolerable misstatement "
                       "{tm} t CO2e, interval J = {j} t CO2e, seed {seed}; the sample covers "
                       "{coverage} % of emissions.",
        "work.evidence.none": "The sample has not yet been agreed to evidence.",
        "work.evidence": "Evidence: {tested} sample rows tested, {exceptions} exceptions, "
                         "{open} rows open; projected misstatement {projected} t CO2e.",
        "h.totals": "Recalculated totals",
        "scope_1": "Scope 1", "scope_2_location": "Scope 2 (location-based)",
        "scope_2_market": "Scope 2 (market-based)", "scope_3": "Scope 3",
        "col.item": "Item", "col.claimed": "Claimed t CO2e",
        "col.recalculated": "Recalculated t CO2e", "col.difference": "Difference t CO2e",
        "col.pct": "% of claimed", "col.t": "t CO2e",
        "h.reconciliation": "Claimed and recalculated",
        "h.misstatements": "Misstatements and non-conformities found",
        "col.id": "ID", "col.kind": "Kind", "col.basis": "Basis", "col.delta": "Delta t CO2e",
        "col.tests": "Counted in",
        "none": "None.",
        "h.tests": "Materiality tests (the tool's evaluation, for the verifier's judgement)",
        "col.test": "Test", "col.materiality": "Materiality", "col.aggregate": "Aggregate",
        "col.verdict": "Evaluation",
        "uncertainty": "GHG quantification is subject to inherent uncertainty, from incomplete "
                       "scientific knowledge of emission factors and global warming "
                       "potentials as well as from measurement.",
        "h.opinion": "Opinion (to be completed by the verifier)",
        "f.opinion": "Opinion", "f.basis": "Basis for the opinion",
        "f.verifier": "Verification body", "f.accreditation": "Accreditation",
        "f.lead": "Lead verifier", "f.reviewer": "Independent reviewer",
        "f.date": "Date", "f.place": "Place", "f.signature": "Signature",
        "footer": "Draft — not signed · verification.json SHA-256 {hash}",
        "page": "Page {page}",
        "v.not material": "not material", "v.material misstatement": "material misstatement",
        "v.scope limitation": "scope limitation",
        "k.misstatement": "misstatement", "k.non_conformity": "non-conformity",
        "b.factual": "factual", "b.judgmental": "judgmental", "b.projected": "projected",
    },
    "zh-Hant": {
        "title": "核查聲明（草稿）",
        "draft_note": "由 carbonaudit {version} 根據 verification.json 擬備的草稿。此草稿並非意見："
                      "須由核查人員補充、修改及簽署。",
        "h.statement": "所涵蓋的溫室氣體聲明",
        "organisation": "機構", "period": "報告期間",
        "claims_file": "申報數據", "activity_files": "活動數據",
        "h.criteria": "準則",
        "criteria": "《溫室氣體盤查議定書》企業標準（範疇一、範疇二按地點及按市場、範疇三）及 "
                    "ISO 14064-1:2018；全球暖化潛勢 {gwp}；排放因子集：{sets}。",
        "h.assurance": "保證程度",
        "assurance": "由核查人員填寫（合理保證或有限保證）。",
        "h.materiality": "重要性",
        "materiality_rule": "{rule}：{base}的 {pct}%（{scope}）；{ref}。",
        "materiality_amounts": "重要性 {m} 噸二氧化碳當量；"
                               "執行重要性 {pm} 噸二氧化碳當量（{perf}%）；"
                               "明顯微小 {ct} 噸二氧化碳當量。",
        "h.work": "已執行工作摘要",
        "work.recalc": "已根據活動數據，以上述排放因子集及全球暖化潛勢，獨立於客戶自身試算表，"
                       "重新計算 {read} 行活動數據（已評估 {assessed} 行，拒收 {rejected} 行）。",
        "work.reconcile": "已將 {n} 項申報數字與重新計算結果核對。",
        "work.sample": "以排放量加權（貨幣單位）抽樣選取 {n} 行："
                       "{certainty} 行必選（|排放量| ≥ J），"
                       "{systematic} 行系統抽選；信賴水準 {conf}%，R = {r}，可容忍錯報 {tm} "
                       "噸二氧化碳當量，抽樣間距 J = {j} 噸二氧化碳當量，種子 {seed}；樣本涵蓋"
                       "排放量的 {coverage}%。",
        "work.evidence.none": "樣本尚未與證據核對。",
        "work.evidence": "證據：已測試 {tested} 行樣本，例外 {exceptions} 行，未完成 {open} 行；"
                         "推估錯報 {projected} 噸二氧化碳當量。",
        "h.totals": "重新計算的總量",
        "scope_1": "範疇一", "scope_2_location": "範疇二（按地點）",
        "scope_2_market": "範疇二（按市場）", "scope_3": "範疇三",
        "col.item": "項目", "col.claimed": "申報（噸二氧化碳當量）",
        "col.recalculated": "重新計算（噸二氧化碳當量）",
        "col.difference": "差異（噸二氧化碳當量）",
        "col.pct": "佔申報 %", "col.t": "噸二氧化碳當量",
        "h.reconciliation": "申報與重新計算",
        "h.misstatements": "發現的錯報及不符合事項",
        "col.id": "編號", "col.kind": "類別", "col.basis": "性質", "col.delta": "差額（噸）",
        "col.tests": "計入測試",
        "none": "無。",
        "h.tests": "重要性測試（工具的評估，供核查人員判斷）",
        "col.test": "測試", "col.materiality": "重要性", "col.aggregate": "累計錯報",
        "col.verdict": "評估",
        "uncertainty": "溫室氣體量化存在固有不確定性，源於排放因子及全球暖化潛勢的科學認知不完整，"
                       "以及量測本身。",
        "h.opinion": "意見（由核查人員填寫）",
        "f.opinion": "意見", "f.basis": "意見的基礎",
        "f.verifier": "核查機構", "f.accreditation": "認可資格",
        "f.lead": "主任核查員", "f.reviewer": "獨立複核人員",
        "f.date": "日期", "f.place": "地點", "f.signature": "簽署",
        "footer": "草稿 — 未簽署 · verification.json SHA-256 {hash}",
        "page": "第 {page} 頁",
        "v.not material": "不重大", "v.material misstatement": "重大錯報",
        "v.scope limitation": "範圍受限",
        "k.misstatement": "錯報", "k.non_conformity": "不符合事項",
        "b.factual": "事實性", "b.judgmental": "判斷性", "b.projected": "推估",
    },
    "zh-Hans": {
        "title": "核查声明（草稿）",
        "draft_note": "由 carbonaudit {version} 根据 verification.json 拟备的草稿。此草稿并非意见："
                      "须由核查人员补充、修改及签署。",
        "h.statement": "所涵盖的温室气体声明",
        "organisation": "机构", "period": "报告期间",
        "claims_file": "申报数据", "activity_files": "活动数据",
        "h.criteria": "准则",
        "criteria": "《温室气体核算体系》企业标准（范畴一、范畴二基于位置及基于市场、范畴三）及 "
                    "ISO 14064-1:2018；全球变暖潜势 {gwp}；排放因子集：{sets}。",
        "h.assurance": "保证程度",
        "assurance": "由核查人员填写（合理保证或有限保证）。",
        "h.materiality": "重要性",
        "materiality_rule": "{rule}：{base}的 {pct}%（{scope}）；{ref}。",
        "materiality_amounts": "重要性 {m} 吨二氧化碳当量；"
                               "执行重要性 {pm} 吨二氧化碳当量（{perf}%）；"
                               "明显微小 {ct} 吨二氧化碳当量。",
        "h.work": "已执行工作摘要",
        "work.recalc": "已根据活动数据，以上述排放因子集及全球变暖潜势，独立于客户自身电子表格，"
                       "重新计算 {read} 行活动数据（已评估 {assessed} 行，拒收 {rejected} 行）。",
        "work.reconcile": "已将 {n} 项申报数字与重新计算结果核对。",
        "work.sample": "以排放量加权（货币单位）抽样选取 {n} 行："
                       "{certainty} 行必选（|排放量| ≥ J），"
                       "{systematic} 行系统抽选；置信水平 {conf}%，R = {r}，可容忍错报 {tm} "
                       "吨二氧化碳当量，抽样间距 J = {j} 吨二氧化碳当量，种子 {seed}；样本覆盖"
                       "排放量的 {coverage}%。",
        "work.evidence.none": "样本尚未与证据核对。",
        "work.evidence": "证据：已测试 {tested} 行样本，例外 {exceptions} 行，未完成 {open} 行；"
                         "推估错报 {projected} 吨二氧化碳当量。",
        "h.totals": "重新计算的总量",
        "scope_1": "范畴一", "scope_2_location": "范畴二（基于位置）",
        "scope_2_market": "范畴二（基于市场）", "scope_3": "范畴三",
        "col.item": "项目", "col.claimed": "申报（吨二氧化碳当量）",
        "col.recalculated": "重新计算（吨二氧化碳当量）",
        "col.difference": "差异（吨二氧化碳当量）",
        "col.pct": "占申报 %", "col.t": "吨二氧化碳当量",
        "h.reconciliation": "申报与重新计算",
        "h.misstatements": "发现的错报及不符合项",
        "col.id": "编号", "col.kind": "类别", "col.basis": "性质", "col.delta": "差额（吨）",
        "col.tests": "计入测试",
        "none": "无。",
        "h.tests": "重要性测试（工具的评估，供核查人员判断）",
        "col.test": "测试", "col.materiality": "重要性", "col.aggregate": "累计错报",
        "col.verdict": "评估",
        "uncertainty": "温室气体量化存在固有不确定性，源于排放因子及全球变暖潜势的科学认知不完整，"
                       "以及测量本身。",
        "h.opinion": "意见（由核查人员填写）",
        "f.opinion": "意见", "f.basis": "意见的基础",
        "f.verifier": "核查机构", "f.accreditation": "认可资格",
        "f.lead": "主任核查员", "f.reviewer": "独立复核人员",
        "f.date": "日期", "f.place": "地点", "f.signature": "签署",
        "footer": "草稿 — 未签署 · verification.json SHA-256 {hash}",
        "page": "第 {page} 页",
        "v.not material": "不重大", "v.material misstatement": "重大错报",
        "v.scope limitation": "范围受限",
        "k.misstatement": "错报", "k.non_conformity": "不符合项",
        "b.factual": "事实性", "b.judgmental": "判断性", "b.projected": "推估",
    },
}
OPINION_FIELDS = ("f.opinion", "f.basis", "f.verifier", "f.accreditation", "f.lead",
                  "f.reviewer", "f.date", "f.place", "f.signature")
