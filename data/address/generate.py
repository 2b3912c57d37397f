#!/usr/bin/env python3
"""Builds the administrative-unit data of the AdminUnits module (docs/address.md) from the official workbooks.

Sources (see MANIFEST in this directory for where each copy came from, its date and sha256):
  --gso2021  the General Statistics Office list of 6 November 2021 (.xls: province, district,
             commune with their codes)
  --nso2025  the National Statistics Office's conversion table of 1 July 2025,
             BangChuyendoiĐVHCmoi_cu_final.xlsx (sheet "Tổng hợp_không merge"): every commune in
             force on 30 June 2025 with its district and province, and the commune(s) of the
             two-level list it went into ("Nhập toàn bộ", "Nhập một phần", "Giữ nguyên", ...)

Writes Sources/AdminUnits/Data/*.swift: one raw string of tab-separated lines per list, so that
the data is compiled into the module (no file to find at run time, nothing to install):
  list 2021-11   P code name / D code province name / C code district name
  list 2025-06   the same, the units in force until 30 June 2025 (the conversion table's old side)
  list 2025-07   P code name / C code province name (two levels)
  conversion     old-commune-code new-commune-code w|p   (w: whole, p: part; an old district
                 with no commune, the island districts, has its 3-digit code)
The generator is not run by CI (it needs openpyxl and xlrd); its output is committed.

Known errors of the conversion table, corrected here and counted in the output:
  - codes typed as numbers (leading zeros lost): padded again
  - whitespace and line breaks inside names, "Thị Xã" for "Thị xã": cleaned
  - one old code given to two communes (00553 Cổ Bi / Đặng Xá, ...): the name of the 2021 list
    for that code wins; the other row is reported and dropped from the old list (its conversion
    rows are kept under the code)
  - the old province column says "Quảng Trị (44)" for Cồn Cỏ: the province of an old district is
    the one most of its rows name
"""

import argparse
import collections
import re
import sys
import unicodedata

VERSION = "2025-07-01+nso-2025-07-31"


def clean(name):
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.sub(r"\s+", " ", name).strip()
    name = re.sub(r"^Thị Xã ", "Thị xã ", name)
    return name


def fold(name):
    """Lower case, no tone marks, no spaces: for comparing two spellings of one name."""
    text = unicodedata.normalize("NFD", clean(name).lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch) and not ch.isspace())


def code(value, width):
    text = clean(value)
    if not text:
        return ""
    if not text.isdigit():
        raise SystemExit(f"not a code: {value!r}")
    return text.zfill(width)


def split_coded(text):
    """ "Quận Ba Đình (001)" -> ("Quận Ba Đình", "001") """
    m = re.match(r"^(.*?)\s*\((\d+)\)\s*$", clean(text))
    if not m:
        raise SystemExit(f"no code in {text!r}")
    return clean(m.group(1)), m.group(2)


def read_2021(path):
    import xlrd

    book = xlrd.open_workbook(path, logfile=open("/dev/null", "w"))
    sheet = book.sheet_by_index(0)
    provinces, districts, communes = {}, {}, {}
    for i in range(1, sheet.nrows):
        p, pc, d, dc, c, cc = (sheet.row_values(i)[k] for k in range(6))
        provinces[code(pc, 2)] = clean(p)
        districts[code(dc, 3)] = (code(pc, 2), clean(d))
        if cc:
            communes[code(cc, 5)] = (code(dc, 3), clean(c))
    return provinces, districts, communes


def read_2025(path, names2021):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    sheet = [s for s in book.worksheets if s.title.strip() == "Tổng hợp_không merge"][0]
    rows = list(sheet.iter_rows(values_only=True))[2:]
    # Codes the table gives to two communes (a typing error): found first, corrected below.
    names_of = collections.defaultdict(set)
    for row in rows:
        if row[2] and row[4]:
            names_of[code(row[4], 5)].add(fold(row[3]))
    conflicted = {k for k, v in names_of.items() if len(v) > 1}
    new_provinces, new_communes = {}, {}
    old_provinces, district_votes, old_districts, old_communes = {}, collections.defaultdict(collections.Counter), {}, {}
    conversion = collections.OrderedDict()
    province_names = collections.defaultdict(collections.Counter)
    report = collections.Counter()
    for row in rows:
        new_p, new_c, new_cc, old_c, old_cc, note, old_d, old_p = row[:8]
        if not new_cc:
            continue  # the province banners
        np_name, np_code = split_coded(new_p)
        new_provinces[np_code] = np_name
        ncc = code(new_cc, 5)
        if isinstance(new_cc, int) or (isinstance(old_cc, int)):
            report["code typed as a number"] += 1
        if ncc in new_communes and new_communes[ncc][1] != clean(new_c):
            report[f"new code {ncc} named twice ({new_communes[ncc][1]} / {clean(new_c)}): first kept"] += 1
        else:
            new_communes[ncc] = (np_code, clean(new_c))
        od_name, od_code = split_coded(old_d)
        op_name, op_code = split_coded(old_p)
        province_names[op_code][op_name] += 1
        district_votes[od_code][op_code] += 1
        old_districts.setdefault(od_code, od_name)
        kind = "p" if "một phần" in clean(note).lower() or "phần còn lại" in clean(note).lower() else "w"
        if not old_cc:
            # an island district that had no commune: the district itself is converted
            conversion.setdefault(od_code, {})[ncc] = kind
            report["old district with no commune"] += 1
            continue
        occ = code(old_cc, 5)
        name = clean(old_c)
        listed = names2021.get(occ)
        if occ in conflicted and listed and fold(listed[1]) != fold(name):
            # The code is another commune's in the 2021 list: take this commune's own code
            # when the 2021 list has exactly one commune of that name in that district.
            own = [k for k, (d, n) in names2021.items() if d == od_code and fold(n) == fold(name)]
            if len(own) == 1:
                report[f"old code {occ} given to {name}: its code {own[0]} (2021 list) used"] += 1
                occ = own[0]
        if occ in old_communes and old_communes[occ][1] != name:
            keep = names2021.get(occ, (None, old_communes[occ][1]))[1]
            if re.sub(r"\s", "", keep.lower()) != re.sub(r"\s", "", name.lower()):
                report[f"old code {occ} named twice ({old_communes[occ][1]} / {name})"] += 1
            old_communes[occ] = (od_code, keep)
        else:
            old_communes[occ] = (od_code, name)
        previous = conversion.setdefault(occ, {}).get(ncc)
        conversion[occ][ncc] = "p" if "p" in (kind, previous) else kind
    for pc, names in province_names.items():
        old_provinces[pc] = names.most_common(1)[0][0]
        if len(names) > 1:
            report[f"province {pc} named {len(names)} ways: {old_provinces[pc]} (most rows) kept"] += 1
    districts = {}
    for dc, votes in district_votes.items():
        (pc, _), *rest = votes.most_common()
        if rest:
            report[f"district {dc} given {len(rest) + 1} provinces: {pc} (most rows) kept"] += 1
        districts[dc] = (pc, old_districts[dc])
    # An old province named with different codes (Quảng Trị (44) for Cồn Cỏ): drop codes no district uses.
    used = {pc for pc, _ in districts.values()}
    for pc in list(old_provinces):
        if pc not in used:
            report[f"province code {pc} ({old_provinces[pc]}) named by no district: dropped"] += 1
            del old_provinces[pc]
    return (new_provinces, new_communes), (old_provinces, districts, old_communes), conversion, report


def swift_file(path, symbol, comment, lines):
    body = "\n".join(lines)
    if '"""#' in body:
        raise SystemExit("data would end the raw string")
    with open(path, "w", encoding="utf-8") as f:
        f.write("// swift-format-ignore-file\n")
        f.write("// Generated by data/address/generate.py (docs/address.md); do not edit. Sources: data/address/MANIFEST.\n")
        f.write(f"// {comment}\n")
        f.write("extension UnitData {\n")
        f.write(f"    static let {symbol} = #\"\"\"\n{body}\n\"\"\"#\n")
        f.write("}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gso2021", required=True)
    ap.add_argument("--nso2025", required=True)
    ap.add_argument("--out", default="Sources/AdminUnits/Data")
    args = ap.parse_args()

    p21, d21, c21 = read_2021(args.gso2021)
    (np_, nc), (op, od, oc), conv, report = read_2025(args.nso2025, c21)

    def three_levels(provinces, districts, communes):
        lines = [f"P\t{k}\t{v}" for k, v in sorted(provinces.items())]
        lines += [f"D\t{k}\t{p}\t{n}" for k, (p, n) in sorted(districts.items())]
        lines += [f"C\t{k}\t{d}\t{n}" for k, (d, n) in sorted(communes.items())]
        return lines

    swift_file(f"{args.out}/List2021.swift", "list2021",
               f"GSO list of 6 November 2021: {len(p21)} provinces, {len(d21)} districts, {len(c21)} communes.",
               three_levels(p21, d21, c21))
    swift_file(f"{args.out}/List202506.swift", "list202506",
               f"Units in force until 30 June 2025 (NSO conversion table): {len(op)} provinces, {len(od)} districts, {len(oc)} communes.",
               three_levels(op, od, oc))
    lines = [f"P\t{k}\t{v}" for k, v in sorted(np_.items())]
    lines += [f"C\t{k}\t{p}\t{n}" for k, (p, n) in sorted(nc.items())]
    # F old-province new-province: which current province each of the 63 former ones went into
    # (whole: the reform merged provinces whole); checked to be one for each.
    former = collections.defaultdict(set)
    for old, targets in conv.items():
        district = old if len(old) == 3 else oc[old][0]
        for new in targets:
            former[od[district][0]].add(nc[new][0])
    for old_p, news in sorted(former.items()):
        if len(news) != 1:
            raise SystemExit(f"former province {old_p} went into {sorted(news)}")
        lines.append(f"F\t{old_p}\t{next(iter(news))}")
    swift_file(f"{args.out}/List202507.swift", "list202507",
               f"Two-level list from 1 July 2025 (NSO conversion table): {len(np_)} provinces, {len(nc)} communes; F: former province -> current.", lines)
    lines = [f"{old}\t{new}\t{kind}" for old, targets in conv.items() for new, kind in targets.items()]
    swift_file(f"{args.out}/Conversion.swift", "conversion",
               f"NSO conversion table of 1 July 2025: {len(lines)} rows for {len(conv)} old units.", lines)
    with open(f"{args.out}/Version.swift", "w", encoding="utf-8") as f:
        f.write("// Generated by data/address/generate.py (docs/address.md); do not edit.\n")
        f.write(f'extension UnitData {{\n    static let version = "{VERSION}"\n}}\n')
    for line, n in sorted(report.items()):
        print(f"{n:6d}  {line}", file=sys.stderr)
    print(f"2021: {len(p21)}/{len(d21)}/{len(c21)}  2025-06: {len(op)}/{len(od)}/{len(oc)}  2025-07: {len(np_)}/{len(nc)}  conversion: {sum(len(t) for t in conv.values())} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
