#!/usr/bin/env python3
"""Builds the card simulator's FICTIONAL citizen profiles and their synthetic face images.

Writes Sources/CardSimulator/Profiles/<name>.json and face-<name>.jpg. Every person here is
invented; the ID numbers follow the CCCD layout (3-digit province code, sex/century digit,
2-digit birth year, 6 random digits) and the TD1 MRZ is computed with ICAO 9303-3 check
digits (docs/design.md §4: document number = last 9 digits of the ID, optional data = the ID,
`<<`, the ID's check digit). The faces are flat cartoon drawings with noise, tuned to
15-20 KB at 360x480 like real DG2 portraits, and stamped SPECIMEN.

Usage: pip install pillow; python3 scripts/make_profiles.py
"""
import io
import json
import os
import random
import unicodedata

from PIL import Image, ImageDraw, ImageFilter

OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "CardSimulator", "Profiles")


def check_digit(text):
    weights = [7, 3, 1]
    total = 0
    for i, c in enumerate(text):
        if c.isdigit():
            v = int(c)
        elif c == "<":
            v = 0
        else:
            v = ord(c) - 55
        total += v * weights[i % 3]
    return str(total % 10)


def mrz_name(full_name):
    """'Trần Minh Khoa' -> 'TRAN<<MINH<KHOA' padded to 30 (family name first)."""
    ascii_name = unicodedata.normalize("NFD", full_name.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(c for c in ascii_name if unicodedata.category(c) != "Mn").upper()
    words = ascii_name.split()
    line = words[0] + "<<" + "<".join(words[1:])
    return (line + "<" * 30)[:30]


def td1(id_number, birth, sex, expiry, name):
    doc = id_number[3:]
    line1 = "IDVNM" + doc + check_digit(doc) + id_number + "<<" + check_digit(id_number)
    body = birth + check_digit(birth) + sex + expiry + check_digit(expiry) + "VNM" + "<" * 11
    composite = line1[5:30] + body[0:7] + body[8:15] + body[18:29]
    line2 = body + check_digit(composite)
    assert len(line1) == 30 and len(line2) == 30
    return [line1, line2, mrz_name(name)]


def yymmdd(ddmmyyyy):
    d, m, y = ddmmyyyy.split("/")
    return y[2:] + m + d


PEOPLE = [
    dict(name="tran-minh-khoa", province="001", sexDigit="0", sex="Nam",
         fullName="Trần Minh Khoa", dateOfBirth="12/08/1990", ethnicity="Kinh", religion="Không",
         placeOfOrigin="Xã Vạn Phúc, Thanh Trì, Hà Nội",
         placeOfResidence="Số 18 ngõ 52 Tô Ngọc Vân, Quảng An, Tây Hồ, Hà Nội",
         identifyingMarks="Sẹo chấm C:1cm dưới sau cánh mũi phải",
         dateOfIssue="10/09/2021", dateOfExpiry="12/08/2030",
         fatherName="Trần Văn Hùng", motherName="Vũ Thị Thu", parentsNesting="nested",
         spouseName=None, oldIdNumber="013456782", field16=None,
         note="Unmarried man from Hà Nội with an old 9-digit CMND; spouse field empty."),
    dict(name="le-thi-hong-nhung", province="048", sexDigit="1", sex="Nữ",
         fullName="Lê Thị Hồng Nhung", dateOfBirth="03/11/1988", ethnicity="Kinh", religion="Phật giáo",
         placeOfOrigin="Phường Hòa Hải, Ngũ Hành Sơn, Đà Nẵng",
         placeOfResidence="Tổ 7, Phường Hòa Minh, Liên Chiểu, Đà Nẵng",
         identifyingMarks="Nốt ruồi C:2cm trên trước đầu lông mày trái",
         dateOfIssue="15/04/2022", dateOfExpiry="03/11/2028",
         fatherName="Lê Văn Tâm", motherName="Huỳnh Thị Mai", parentsNesting="flat",
         spouseName="Phạm Quốc Huy", oldIdNumber=None, field16=None,
         note="Married woman from Đà Nẵng; field 13 holds the parents as two strings directly."),
    dict(name="hoang-van-thach", province="040", sexDigit="0", sex="Nam",
         fullName="Hoàng Văn Thạch", dateOfBirth="21/06/1962", ethnicity="Kinh", religion="Công giáo",
         placeOfOrigin="Xã Nghi Phong, Nghi Lộc, Nghệ An",
         placeOfResidence="Khối 5, Phường Hưng Bình, Vinh, Nghệ An",
         identifyingMarks="Sẹo chấm C:3cm trên sau mép trái",
         dateOfIssue="05/01/2021", dateOfExpiry="Không thời hạn",
         fatherName="Hoàng Văn Lộc", motherName="Nguyễn Thị Nhàn", parentsNesting="nested",
         spouseName="Nguyễn Thị Lan", oldIdNumber="186123457", field16=None,
         note="Issued at 58, within 2 years of 60: never expires (MRZ 991231, DG13 'Không thời hạn')."),
    dict(name="dang-ngoc-mai", province="079", sexDigit="3", sex="Nữ",
         fullName="Đặng Ngọc Mai", dateOfBirth="17/02/2003", ethnicity="Hoa", religion="Không",
         placeOfOrigin="Phường 11, Quận 5, Thành phố Hồ Chí Minh",
         placeOfResidence="88/12 Trần Hưng Đạo, Phường 7, Quận 5, Thành phố Hồ Chí Minh",
         identifyingMarks="Nốt ruồi C:1,5cm dưới trước cằm",
         dateOfIssue="20/03/2021", dateOfExpiry="17/02/2028",
         fatherName="Đặng Minh Phát", motherName="Lý Tú Anh", parentsNesting="nested",
         spouseName=None, oldIdNumber=None, field16="C4A8E1B0F27D9365",
         note="Young woman from TP Hồ Chí Minh, born in the 2000s (century digit 3); carries field 16."),
]


def face(seed, skin, hair, shirt, female):
    rnd = random.Random(seed)
    w, h = 360, 480
    img = Image.new("RGB", (w, h), (226, 232, 240))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, h], fill=(205, 220, 238))
    d.ellipse([40, 360, 320, 620], fill=shirt)                         # shoulders
    d.rectangle([150, 300, 210, 380], fill=skin)                        # neck
    if female:
        d.ellipse([70, 60, 290, 420], fill=hair)                        # long hair
    d.ellipse([95, 90, 265, 330], fill=skin)                            # face
    d.chord([90, 70, 270, 230], 180, 360, fill=hair)                    # fringe
    for x in (140, 220):
        d.ellipse([x - 14, 190, x + 14, 208], fill=(250, 250, 250))
        d.ellipse([x - 6, 192, x + 6, 206], fill=(40, 30, 25))
        d.line([x - 18, 176, x + 16, 172], fill=hair, width=5)          # brows
    d.line([180, 205, 172, 250, 186, 252], fill=(150, 100, 80), width=3)  # nose
    d.arc([145, 255, 215, 295], 20, 160, fill=(160, 60, 60), width=4)   # mouth
    d.text((122, 440), "SPECIMEN - MAU", fill=(120, 20, 20))
    # Noise so the JPEG has texture and lands in the size of a real DG2 portrait.
    px = img.load()
    for y in range(h):
        for x in range(w):
            r, g, b = px[x, y]
            n = rnd.randint(-9, 9)
            px[x, y] = (max(0, min(255, r + n)), max(0, min(255, g + n)), max(0, min(255, b + n)))
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    best = None
    for q in range(95, 10, -2):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q, optimize=True)
        size = buf.tell()
        if size <= 20000:
            best = buf.getvalue()
            break
    assert best is not None and 15000 <= len(best) <= 20000, len(best)
    return best


STYLES = [
    ((236, 196, 160), (30, 25, 20), (40, 70, 140), False),
    ((240, 205, 175), (20, 15, 15), (180, 60, 90), True),
    ((214, 170, 130), (150, 150, 150), (70, 90, 60), False),
    ((245, 212, 185), (45, 30, 20), (230, 180, 40), True),
]


def main():
    rnd = random.Random(9303)
    for i, p in enumerate(PEOPLE):
        yy = p["dateOfBirth"][-2:]
        id_number = p["province"] + p["sexDigit"] + yy + "".join(str(rnd.randint(0, 9)) for _ in range(6))
        birth = yymmdd(p["dateOfBirth"])
        expiry = "991231" if p["dateOfExpiry"] == "Không thời hạn" else yymmdd(p["dateOfExpiry"])
        mrz = td1(id_number, birth, "M" if p["sex"] == "Nam" else "F", expiry, p["fullName"])
        image = "face-" + p["name"] + ".jpg"
        with open(os.path.join(OUT, image), "wb") as f:
            f.write(face(i, *STYLES[i]))
        dg13 = {k: p[k] for k in ["fullName", "dateOfBirth", "sex", "ethnicity", "religion", "placeOfOrigin",
                                  "placeOfResidence", "identifyingMarks", "dateOfIssue", "dateOfExpiry",
                                  "fatherName", "motherName", "parentsNesting", "spouseName", "oldIdNumber",
                                  "field16"]}
        dg13 = {"idNumber": id_number, "nationality": "Việt Nam", **dg13}
        profile = {
            "name": p["name"],
            "note": "FICTIONAL citizen for the card simulator. " + p["note"],
            "mrz": mrz,
            "dg13": dg13,
            "faceImage": image,
            "faceWidth": 360,
            "faceHeight": 480,
        }
        with open(os.path.join(OUT, p["name"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(profile, f, ensure_ascii=False, indent=2)
            f.write("\n")
        print(p["name"], id_number, mrz)


if __name__ == "__main__":
    main()
