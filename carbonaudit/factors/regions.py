"""Region names people write, and the utilities that name a grid, as region codes.

Codes are those of the factor sets: ISO 3166-2 province codes for Mainland China (`CN-GD`),
the MEE regional grids (`CN-South`), `HK` and the two Hong Kong utilities (`HK-CLP`,
`HK-HKE`).  A name not listed here is kept as written (upper-cased), so codes such as `GB`
or `US` pass through and an unknown name still reaches the factor match, which names the
regions that do have factors.
"""

from __future__ import annotations

from carbonaudit.factors.vocab import fold

# code: names (Simplified, Traditional, English); province suffixes are added below.
PROVINCES: dict[str, tuple[str, ...]] = {
    "CN-BJ": ("北京", "Beijing"), "CN-TJ": ("天津", "Tianjin"), "CN-HE": ("河北", "Hebei"),
    "CN-SX": ("山西", "Shanxi"), "CN-NM": ("内蒙古", "內蒙古", "Inner Mongolia", "Nei Mongol"),
    "CN-LN": ("辽宁", "遼寧", "Liaoning"), "CN-JL": ("吉林", "Jilin"),
    "CN-HL": ("黑龙江", "黑龍江", "Heilongjiang"), "CN-SH": ("上海", "Shanghai"),
    "CN-JS": ("江苏", "江蘇", "Jiangsu"), "CN-ZJ": ("浙江", "Zhejiang"),
    "CN-AH": ("安徽", "Anhui"), "CN-FJ": ("福建", "Fujian"), "CN-JX": ("江西", "Jiangxi"),
    "CN-SD": ("山东", "山東", "Shandong"), "CN-HA": ("河南", "Henan"),
    "CN-HB": ("湖北", "Hubei"), "CN-HN": ("湖南", "Hunan"),
    "CN-GD": ("广东", "廣東", "Guangdong", "Kwangtung"),
    "CN-GX": ("广西", "廣西", "Guangxi"), "CN-HI": ("海南", "Hainan"),
    "CN-CQ": ("重庆", "重慶", "Chongqing"), "CN-SC": ("四川", "Sichuan"),
    "CN-GZ": ("贵州", "貴州", "Guizhou"), "CN-YN": ("云南", "雲南", "Yunnan"),
    "CN-XZ": ("西藏", "Tibet", "Xizang"), "CN-SN": ("陕西", "陝西", "Shaanxi"),
    "CN-GS": ("甘肃", "甘肅", "Gansu"), "CN-QH": ("青海", "Qinghai"),
    "CN-NX": ("宁夏", "寧夏", "Ningxia"), "CN-XJ": ("新疆", "Xinjiang"),
}
_SUFFIXES = ("省", "市", "自治区", "自治區", "壮族自治区", "壯族自治區", "回族自治区",
             "回族自治區", "维吾尔自治区", "維吾爾自治區", " province", " municipality")

# Prefecture-level cities of the Greater Bay Area and the main industrial cities, for sheets
# whose region column names the city (the factor is the province's).
CITIES: dict[str, tuple[str, ...]] = {
    "CN-GD": ("广州", "廣州", "Guangzhou", "深圳", "Shenzhen", "东莞", "東莞", "Dongguan",
              "佛山", "Foshan", "珠海", "Zhuhai", "惠州", "Huizhou", "中山", "Zhongshan",
              "江门", "江門", "Jiangmen", "肇庆", "肇慶", "Zhaoqing", "汕头", "汕頭", "Shantou",
              "湛江", "Zhanjiang", "清远", "清遠", "Qingyuan", "韶关", "韶關", "揭阳", "揭陽",
              "茂名", "梅州", "潮州", "汕尾", "河源", "阳江", "陽江", "云浮", "雲浮"),
    "CN-JS": ("南京", "Nanjing", "苏州", "蘇州", "Suzhou", "无锡", "無錫", "Wuxi", "常州",
              "Changzhou", "南通", "Nantong"),
    "CN-ZJ": ("杭州", "Hangzhou", "宁波", "寧波", "Ningbo", "温州", "溫州", "Wenzhou",
              "嘉兴", "嘉興", "绍兴", "紹興", "金华", "金華", "台州"),
    "CN-FJ": ("福州", "Fuzhou", "厦门", "廈門", "Xiamen", "泉州", "Quanzhou"),
    "CN-SD": ("济南", "濟南", "Jinan", "青岛", "青島", "Qingdao", "烟台", "煙台"),
    "CN-HB": ("武汉", "武漢", "Wuhan"), "CN-HN": ("长沙", "長沙", "Changsha"),
    "CN-SC": ("成都", "Chengdu"), "CN-HA": ("郑州", "鄭州", "Zhengzhou"),
    "CN-SN": ("西安", "Xi'an", "Xian"), "CN-LN": ("沈阳", "瀋陽", "Shenyang", "大连", "大連",
                                                  "Dalian"),
    "CN-GX": ("南宁", "南寧", "Nanning"), "CN-AH": ("合肥", "Hefei"),
    "CN-JX": ("南昌", "Nanchang"), "CN-YN": ("昆明", "Kunming"), "CN-GZ": ("贵阳", "貴陽"),
    "CN-HE": ("石家庄", "石家莊", "唐山"), "CN-HI": ("海口", "Haikou", "三亚", "三亞"),
}

# The MEE regional grids (the factor tables' regions) and the country as a whole.
GRIDS: dict[str, tuple[str, ...]] = {
    "CN-North": ("华北", "華北", "华北电网", "華北電網", "华北区域电网", "North China grid"),
    "CN-Northeast": ("东北", "東北", "东北电网", "東北電網", "东北区域电网"),
    "CN-East": ("华东", "華東", "华东电网", "華東電網", "华东区域电网", "East China grid"),
    "CN-Central": ("华中", "華中", "华中电网", "華中電網", "华中区域电网"),
    "CN-Northwest": ("西北", "西北电网", "西北電網", "西北区域电网"),
    "CN-South": ("南方", "南方电网", "南方電網", "南方区域电网", "南网", "南網",
                 "China Southern Power Grid", "CSG"),
    "CN-Southwest": ("西南", "西南电网", "西南電網", "西南区域电网"),
    "CN": ("中国", "中國", "全国", "全國", "中国大陆", "中國大陸", "内地", "內地", "大陆",
           "大陸", "China", "Mainland China", "PRC", "全国电网", "全國電網"),
}

# Hong Kong, its two electricity utilities, and Macao.
HONG_KONG: dict[str, tuple[str, ...]] = {
    "HK": ("香港", "Hong Kong", "HKSAR", "香港特别行政区", "香港特別行政區", "HK SAR"),
    "HK-CLP": ("中電", "中电", "CLP", "CLP Power", "CLP Power Hong Kong", "中華電力",
               "中华电力", "中華電力有限公司", "中华电力有限公司", "中電集團"),
    "HK-HKE": ("港燈", "港灯", "HK Electric", "HKElectric", "Hong Kong Electric",
               "香港電燈", "香港电灯", "香港電燈有限公司", "香港电灯有限公司", "HEC"),
    "MO": ("澳门", "澳門", "Macao", "Macau"),
}

# Grid companies that name a province's grid (a supplier column on a Mainland bill).
UTILITIES: dict[str, tuple[str, ...]] = {
    "CN-GD": ("广东电网", "廣東電網", "广东电网有限责任公司", "广东电网公司",
              "深圳供电局", "深圳供電局", "Guangdong Power Grid"),
    "CN-GX": ("广西电网", "廣西電網"), "CN-YN": ("云南电网", "雲南電網"),
    "CN-GZ": ("贵州电网", "貴州電網"), "CN-HI": ("海南电网", "海南電網"),
}


def _build() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    for code, spellings in PROVINCES.items():
        for name in spellings:
            names[fold(name)] = code
            for suffix in _SUFFIXES:
                names.setdefault(fold(name + suffix), code)
    for table in (CITIES, GRIDS, HONG_KONG):
        for code, spellings in table.items():
            for name in spellings:
                names.setdefault(fold(name), code)
                names.setdefault(fold(name + "市"), code)
    utilities = {fold(n): c for c, spellings in UTILITIES.items() for n in spellings}
    utilities.update({k: v for k, v in names.items() if v.startswith("HK")})
    utilities.update({fold(n): c for c, spellings in GRIDS.items() for n in spellings
                      if c != "CN"})
    names.update({k: v for k, v in utilities.items() if k not in names})
    return names, utilities


_NAMES, _UTILITIES = _build()


def region_code(text: str) -> str:
    """The region code for a name as written (`广东省` -> `CN-GD`); unknown text upper-cased."""
    if not text:
        return ""
    # upper case like the factor tables' regions (the library upper-cases them on load)
    return (_NAMES.get(fold(text)) or text.strip()).upper()


def utility_region(supplier: str) -> str | None:
    """The grid region a supplier's name identifies (`中電` -> `HK-CLP`), or None."""
    code = _UTILITIES.get(fold(supplier)) if supplier else None
    return code.upper() if code else None
