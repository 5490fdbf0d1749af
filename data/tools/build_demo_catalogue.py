#!/usr/bin/env python3
"""Build the demo procedure catalogue for the `muong-sai` centre.

Dev tool only: the product and the tests never run it. It turns the sourced
research files into the project's own JSON file:

    python3 data/tools/build_demo_catalogue.py ../shared/data
    python3 data/tools/build_demo_catalogue.py ../shared/data -o /tmp/procedures.json

Inputs (in the directory given on the command line):
    procedures-commune.csv    code,name,field,level,processing_days,fee_vnd,online_level,source
    procedure-components.csv  code,component_code,component_name,original,copy,e_form,source

Output: data/demo/muong-sai/procedures.json (UTF-8, 2-space indent).
See data/demo/muong-sai/SOURCES.md for where each value comes from.

Values that are not in the CSV files (a few processing times, one fee, the
results, legal bases, some components) come from the tables below. Each one
names the legal document it rests on, and the generator writes that into the
procedure's `notes`. Only documents and rules known with confidence are
listed; everything else stays empty (`null`, `""`, `[]`).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

CENTER = "muong-sai"
COMMUNE_PC = "Ủy ban nhân dân xã Mường Sại"
COMMUNE_POLICE = "Công an xã Mường Sại"
CENTRE_NAME = "Trung tâm Phục vụ hành chính công xã Mường Sại"

TOP_SOURCE = (
    "Danh mục thủ tục hành chính cấp xã xuất từ Cổng Dịch vụ công quốc gia "
    "(dieuhanhcongviecxanuicam/ubnd-ttpvhcc-qr@5adbcb8f, data/tthc.json) và danh mục "
    "thủ tục lĩnh vực Công an thực hiện tại cấp xã tỉnh Phú Thọ "
    "(vi-phuong-158/bandocapt@082986db, data/tthc-phutho-xa-review.csv); "
    "một số giá trị bổ sung theo văn bản pháp luật, xem data/demo/muong-sai/SOURCES.md"
)

CODE_RE = re.compile(r"^\d\.\d{6}(\.[A-Z0-9]{1,10})?$")
SAMPLE_PREFIX = "9.9000"  # local sample codes 9.900001, 9.900002, ... (source B has no code)

# --------------------------------------------------------------------------
# Legal documents (only ones known with confidence)
# --------------------------------------------------------------------------
L_HOTICH = "Luật Hộ tịch số 60/2014/QH13"
ND_123_2015 = "Nghị định số 123/2015/NĐ-CP"
TT_04_2020_BTP = "Thông tư số 04/2020/TT-BTP"
ND_120_2025 = "Nghị định số 120/2025/NĐ-CP"
L_HNGD = "Luật Hôn nhân và gia đình số 52/2014/QH13"
ND_23_2015 = "Nghị định số 23/2015/NĐ-CP"
TT_01_2020_BTP = "Thông tư số 01/2020/TT-BTP"
TT_226_2016_BTC = "Thông tư số 226/2016/TT-BTC"
L_DATDAI = "Luật Đất đai số 31/2024/QH15"
ND_101_2024 = "Nghị định số 101/2024/NĐ-CP"
ND_151_2025 = "Nghị định số 151/2025/NĐ-CP"
ND_168_2025 = "Nghị định số 168/2025/NĐ-CP"
TT_68_2025_BTC = "Thông tư số 68/2025/TT-BTC"
ND_20_2021 = "Nghị định số 20/2021/NĐ-CP"
L_NKT = "Luật Người khuyết tật số 51/2010/QH12"
L_BHXH = "Luật Bảo hiểm xã hội số 41/2024/QH15"
PL_NCC = "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14"
ND_131_2021 = "Nghị định số 131/2021/NĐ-CP"
L_HOAGIAI = "Luật Hòa giải ở cơ sở số 35/2013/QH13"
ND_15_2014 = "Nghị định số 15/2014/NĐ-CP"
NQLT_01_2014 = "Nghị quyết liên tịch số 01/2014/NQLT-CP-UBTƯMTTQVN"
L_NUOICONNUOI = "Luật Nuôi con nuôi số 52/2010/QH12"
ND_19_2011 = "Nghị định số 19/2011/NĐ-CP"
ND_114_2016 = "Nghị định số 114/2016/NĐ-CP"
L_BTNN = "Luật Trách nhiệm bồi thường của Nhà nước số 10/2017/QH14"
ND_99_2022 = "Nghị định số 99/2022/NĐ-CP"
ND_110_2018 = "Nghị định số 110/2018/NĐ-CP"
L_PCBLGD = "Luật Phòng, chống bạo lực gia đình số 13/2022/QH15"
QD_24_2021 = "Quyết định số 24/2021/QĐ-TTg"
L_CUTRU = "Luật Cư trú số 68/2020/QH14"
L_CANCUOC = "Luật Căn cước số 26/2023/QH15"
ND_69_2024 = "Nghị định số 69/2024/NĐ-CP"
L_XNC = "Luật Xuất cảnh, nhập cảnh của công dân Việt Nam số 49/2019/QH14"
L_KHIEUNAI = "Luật Khiếu nại số 02/2011/QH13"
L_TOCAO = "Luật Tố cáo số 25/2018/QH14"
L_VUKHI = "Luật Quản lý, sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ số 42/2024/QH15"
ND_96_2016 = "Nghị định số 96/2016/NĐ-CP"

LB_HOTICH = [L_HOTICH, ND_123_2015, TT_04_2020_BTP, ND_120_2025]
LB_CHUNGTHUC = [ND_23_2015, TT_01_2020_BTP]
LB_CHUNGTHUC_FEE = [ND_23_2015, TT_01_2020_BTP, TT_226_2016_BTC]
LB_DATDAI = [L_DATDAI, ND_151_2025]
LB_DATDAI_DK = [L_DATDAI, ND_101_2024, ND_151_2025]
LB_HKD = [ND_168_2025, TT_68_2025_BTC]
LB_NCC = [PL_NCC, ND_131_2021]
LB_HOAGIAI = [L_HOAGIAI, ND_15_2014, NQLT_01_2014]

# Fields handled specially.
F_HOTICH = "Hộ tịch"
F_CHUNGTHUC = "Chứng thực"
F_DATDAI = "Đất đai"
F_HKD = "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"
F_BTXH = "Bảo trợ xã hội"
F_NCC = "Người có công"
F_UNCLASSIFIED = "Chưa phân loại"

# Records the source files "Chưa phân loại" although their content clearly
# belongs to a field with generic steps (field name itself is kept).
DOMAIN_OVERRIDE = {
    "1.000689": F_HOTICH,
    "1.010803": F_NCC,
    "1.010802": F_NCC,
    "1.010812": F_NCC,
    "1.010814": F_NCC,
}

# --------------------------------------------------------------------------
# Processing time filled from the legal basis (CSV blank). code -> (days, note)
# --------------------------------------------------------------------------
DAYS_FROM_LAW = {
    "1.001193": (0, "Luật Hộ tịch 2014, Điều 16 khoản 2: giải quyết ngay sau khi nhận đủ giấy tờ (tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo)"),
    "1.000894": (0, "Luật Hộ tịch 2014, Điều 18 khoản 2: giải quyết ngay sau khi nhận đủ giấy tờ; trường hợp cần xác minh thì không quá 05 ngày làm việc"),
    "1.000656": (0, "Luật Hộ tịch 2014, Điều 34 khoản 2: giải quyết ngay sau khi nhận giấy tờ; trường hợp cần xác minh thì không quá 03 ngày làm việc"),
    "2.000815": (0, "Nghị định 23/2015/NĐ-CP, Điều 7: trong ngày tiếp nhận (sau 15 giờ thì trong ngày làm việc tiếp theo); có thể kéo dài thêm không quá 02 ngày làm việc khi nhiều giấy tờ, nhiều trang"),
    "2.000884": (0, "Nghị định 23/2015/NĐ-CP, Điều 7: chứng thực chữ ký trong ngày tiếp nhận (sau 15 giờ thì trong ngày làm việc tiếp theo)"),
    "2.000992": (0, "Nghị định 23/2015/NĐ-CP, Điều 7: chứng thực chữ ký người dịch trong ngày tiếp nhận (sau 15 giờ thì trong ngày làm việc tiếp theo)"),
    "2.001008": (0, "Nghị định 23/2015/NĐ-CP, Điều 7: chứng thực chữ ký người dịch trong ngày tiếp nhận (sau 15 giờ thì trong ngày làm việc tiếp theo); có thể kéo dài theo thỏa thuận bằng văn bản"),
}
_GIAODICH_NOTE = ("Nghị định 23/2015/NĐ-CP, Điều 7: chứng thực hợp đồng, giao dịch không quá 02 ngày làm việc "
                  "kể từ ngày nhận đủ hồ sơ (có thể kéo dài theo thỏa thuận bằng văn bản); ghi mức tối đa 2")
for _c in ("2.001035", "2.001406", "2.001016", "2.001019", "2.000913", "2.000927"):
    DAYS_FROM_LAW[_c] = (2, _GIAODICH_NOTE)

# Notes about CSV values (from PROCEDURES-SOURCES.md), not fills.
DAYS_SOURCE_NOTES = {
    "1.013792": "Nguồn ghi “15 ngày”, không ghi rõ là ngày làm việc; giữ nguyên số.",
    "1.013239": "Nguồn ghi “35 ngày”, không ghi rõ là ngày làm việc; giữ nguyên số.",
    "1.014111": "Nguồn ghi “190 ngày”, không ghi rõ là ngày làm việc; giữ nguyên số.",
    "1.011441": "Nguồn ghi “3 ngày làm việc”; mô tả nói giải quyết trong ngày, kéo dài không quá 03 ngày: ghi mức tối đa.",
    "1.012812": "Thời hạn theo hình thức nộp trực tiếp (40 ngày); qua bưu chính 30 ngày.",
    "1.013978": "Thời hạn theo hình thức nộp trực tiếp (27 ngày làm việc); trực tuyến 17, bưu chính 20.",
}

# --------------------------------------------------------------------------
# Fees
# --------------------------------------------------------------------------
FEE_NOTE_HDND = "Mức thu do Hội đồng nhân dân tỉnh quyết định"
FEE_NOTE_HOTICH = ("Mức thu do Hội đồng nhân dân tỉnh quyết định; miễn lệ phí cho người thuộc gia đình có công "
                   "với cách mạng, người thuộc hộ nghèo, người khuyết tật (Điều 11 Luật Hộ tịch)")
FEE_NOTE_LAW = "Theo quy định của pháp luật về phí và lệ phí; nguồn không ghi mức cụ thể"
FEE_NOTE_PAGES = "Phí tính theo số trang, theo biểu phí tại Thông tư 226/2016/TT-BTC"
FEE_NOTE_UNKNOWN = "Chưa có thông tin"

# Blank fee_vnd: reason stated in PROCEDURES-SOURCES.md for that case.
FEE_BLANK_NOTES = {
    "1.011441": FEE_NOTE_HDND,
    "1.013227": FEE_NOTE_HDND,  # giấy phép xây dựng
    "1.013228": FEE_NOTE_HDND,  # giấy phép xây dựng
    "2.000815": "Phí tính theo số trang (nguồn ghi 2.000 đồng/trang…), theo biểu phí tại Thông tư 226/2016/TT-BTC",
    "2.000942": FEE_NOTE_PAGES,
    "1.004845": ("Nguồn ghi 0 VNĐ kèm diện miễn lệ phí cho người có công, hộ nghèo, người khuyết tật; "
                 "mức thu đối với trường hợp khác chưa có thông tin"),
}

# Non-blank fee_vnd: extra note (from PROCEDURES-SOURCES.md).
FEE_VALUE_NOTES = {
    "1.005040": "Miễn thu đến hết ngày 31/12/2026 theo Thông tư 64/2025/TT-BTC (theo nguồn)",
    "1.000894": "Miễn lệ phí đăng ký kết hôn của công dân Việt Nam cư trú ở trong nước (Điều 11 Luật Hộ tịch)",
    "1.001193": "Miễn lệ phí đăng ký khai sinh đúng hạn (Điều 11 Luật Hộ tịch)",
    "1.013965": "Nguồn ghi “Phí: 0 VNĐ (Không quy định)”",
    "1.013979": "Nguồn ghi “Phí: 0 VNĐ (Không quy định)”",
    "1.014275": "Nguồn ghi “Phí: 0 VNĐ (Không quy định)”",
    "1.014319": "Nguồn ghi “Phí: 0 VNĐ (Không quy định)”",
    "2.001035": "Mức chung; một số đối tượng được miễn theo nguồn",
    "2.001263": "Mức chung; một số đối tượng được miễn theo nguồn",
    "2.002516": "Mức chung; một số đối tượng được miễn theo nguồn",
    "2.000884": "10.000 đồng/trường hợp tại Ủy ban nhân dân xã (nguồn ghi thêm mức 10 USD tại cơ quan đại diện ở nước ngoài)",
    "2.001827": "Nguồn ghi “700 VNĐ” nhưng chú thích 700.000 đồng/cơ sở; ghi 700000",
}

# Fee filled although fee_vnd is blank. code -> (fees, fee_note, note, from_law)
FEE_FILLS = {
    "1.000656": (
        [{"name": "Lệ phí", "amount_vnd": 0}],
        "Miễn lệ phí khi đăng ký khai tử đúng hạn (Điều 11 Luật Hộ tịch); trường hợp khác mức thu do Hội đồng nhân dân tỉnh quyết định",
        "Lệ phí 0 đồng (đăng ký khai tử đúng hạn) lấy theo Điều 11 khoản 1 điểm b Luật Hộ tịch số 60/2014/QH13",
        True,
    ),
    "2.002228": (
        [{"name": "Lệ phí", "amount_vnd": 0}],
        "Không thu lệ phí (theo nguồn)",
        "Cột fee_vnd trống nhưng PROCEDURES-SOURCES.md ghi nguồn nêu rõ không thu lệ phí: ghi 0",
        False,
    ),
}

# Label of the fee ("Phí" or "Lệ phí"); default "Lệ phí".
FEE_LABEL_PHI = {
    "2.000635", "2.002516", "2.001827", "1.013965", "1.013979", "1.014275", "1.014319",
}
FEE_LABEL_PHI_FIELDS = {F_CHUNGTHUC, "Quản lý ngành nghề kinh doanh có điều kiện"}

# --------------------------------------------------------------------------
# Agencies other than the commune People's Committee
# --------------------------------------------------------------------------
AGENCY_OVERRIDE = {
    "1.006468": ("Chi cục Hải quan", "Cơ quan thực hiện theo nguồn là Chi cục Hải quan (nguồn vẫn xếp vào cấp xã)."),
    "1.002372": ("Cảng vụ hàng hải", "Cơ quan thực hiện theo nguồn là Cảng vụ (nguồn vẫn xếp vào cấp xã)."),
}

# --------------------------------------------------------------------------
# Results and legal bases known with confidence
# --------------------------------------------------------------------------
GKS = "Giấy khai sinh"
GCNKH = "Giấy chứng nhận kết hôn"
TLKT = "Trích lục khai tử"
GCN_DAT = "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"

RESULTS = {
    # Hộ tịch
    "1.001193": GKS, "1.003583": GKS, "1.004772": GKS, "1.004884": GKS, "2.000528": GKS,
    "1.000110": GKS, "1.000893": GKS, "2.000522": GKS,
    "1.000689": "Giấy khai sinh và Trích lục đăng ký nhận cha, mẹ, con",
    "1.001695": "Giấy khai sinh và Trích lục đăng ký nhận cha, mẹ, con",
    "1.000894": GCNKH, "1.000593": GCNKH, "2.000806": GCNKH, "1.000094": GCNKH,
    "1.004746": GCNKH, "2.000513": GCNKH,
    "1.000656": TLKT, "1.000419": TLKT, "1.001766": TLKT, "1.004827": TLKT, "1.005461": TLKT, "2.000497": TLKT,
    "1.004837": "Trích lục đăng ký giám hộ", "1.001669": "Trích lục đăng ký giám hộ",
    "1.004845": "Trích lục đăng ký chấm dứt giám hộ", "2.000756": "Trích lục đăng ký chấm dứt giám hộ",
    "1.001022": "Trích lục đăng ký nhận cha, mẹ, con", "2.000779": "Trích lục đăng ký nhận cha, mẹ, con",
    "1.000080": "Trích lục đăng ký nhận cha, mẹ, con",
    "1.004873": "Giấy xác nhận tình trạng hôn nhân",
    "2.000635": "Bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
    "2.002189": "Trích lục ghi chú kết hôn",
    "2.000554": "Trích lục ghi chú ly hôn",
    # Chứng thực
    "2.000815": "Bản sao được chứng thực từ bản chính",
    "2.000884": "Giấy tờ, văn bản được chứng thực chữ ký",
    "2.000992": "Bản dịch được chứng thực chữ ký người dịch",
    "2.001008": "Bản dịch được chứng thực chữ ký người dịch",
    "2.000908": "Bản sao được cấp từ sổ gốc",
    "2.001035": "Hợp đồng, giao dịch được chứng thực",
    "2.001016": "Văn bản từ chối nhận di sản được chứng thực",
    "2.001019": "Di chúc được chứng thực",
    "2.001406": "Văn bản thỏa thuận phân chia di sản được chứng thực",
    "2.000913": "Văn bản sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch được chứng thực",
    "2.000942": "Bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
    # Đất đai
    "1.013978": GCN_DAT, "1.012753": GCN_DAT,
    "1.012812": "Biên bản hòa giải (thành hoặc không thành)",
    "1.013967": "Quyết định giải quyết tranh chấp đất đai",
    # Hộ kinh doanh
    "1.001612": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "2.000720": "Giấy chứng nhận đăng ký hộ kinh doanh",
    "2.000575": "Giấy chứng nhận đăng ký hộ kinh doanh",
    # Bảo trợ xã hội
    "1.001653": "Giấy xác nhận khuyết tật",
    "1.001699": "Giấy xác nhận khuyết tật",
    # Người có công
    "1.010772": "Bằng “Tổ quốc ghi công”",
    "1.010777": "Bằng “Tổ quốc ghi công”",
    # Hòa giải ở cơ sở
    "1.002211": "Quyết định công nhận hòa giải viên",
    "2.000950": "Quyết định công nhận tổ trưởng tổ hòa giải",
    "2.000930": "Quyết định thôi làm hòa giải viên",
    # Nuôi con nuôi
    "2.001263": "Giấy chứng nhận nuôi con nuôi",
}

LEGAL_BY_CODE = {
    "1.000894": LB_HOTICH + [L_HNGD],
    "1.000593": LB_HOTICH + [L_HNGD],
    "3.000322": [],  # giám sát việc giám hộ: không chắc căn cứ, để trống
    "3.000323": [],
    "1.000689": LB_HOTICH,
    "1.010803": LB_NCC, "1.010802": LB_NCC, "1.010812": LB_NCC, "1.010814": LB_NCC,
    # Đất đai: registration / certificate procedures also rest on NĐ 101/2024
    "1.013978": LB_DATDAI_DK, "1.012753": LB_DATDAI_DK, "1.012796": LB_DATDAI_DK,
    "1.012817": LB_DATDAI_DK, "1.012818": LB_DATDAI_DK, "1.012766": LB_DATDAI_DK,
    # Bảo trợ xã hội
    "1.001653": [L_NKT], "1.001699": [L_NKT],
    "1.001731": [ND_20_2021], "1.001776": [ND_20_2021],
    "1.014027": [L_BHXH],
    # Nuôi con nuôi
    "2.001263": [L_NUOICONNUOI, ND_19_2011, ND_114_2016],
    # Others
    "2.002165": [L_BTNN],
    "1.011441": [ND_99_2022],
    "1.003622": [ND_110_2018], "1.013791": [ND_110_2018],
    "1.012084": [L_PCBLGD], "1.012085": [L_PCBLGD],
    "1.011607": [QD_24_2021], "1.011608": [QD_24_2021],
}

LEGAL_BY_FIELD = {
    F_HOTICH: LB_HOTICH,
    F_CHUNGTHUC: LB_CHUNGTHUC,
    F_DATDAI: LB_DATDAI,
    F_HKD: LB_HKD,
    F_NCC: LB_NCC,
    "Hòa giải ở cơ sở": LB_HOAGIAI,
    "Nuôi con nuôi": [L_NUOICONNUOI, ND_19_2011],
    "Lĩnh vực đăng ký, quản lý cư trú": [L_CUTRU],
    "Cấp, quản lý căn cước": [L_CANCUOC],
    "Định danh và xác thực điện tử": [ND_69_2024],
    "Quản lý xuất nhập cảnh": [L_XNC],
    "Quản lý vũ khí, vật liệu nổ, công cụ hỗ trợ và pháo": [L_VUKHI],
    "Quản lý ngành nghề kinh doanh có điều kiện": [ND_96_2016],
}

CONDITIONS = {
    "1.000894": ("Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên; việc kết hôn do nam và nữ tự nguyện quyết định; "
                 "không bị mất năng lực hành vi dân sự; không thuộc trường hợp cấm kết hôn "
                 "(Điều 8 Luật Hôn nhân và gia đình số 52/2014/QH13)"),
}
CONDITIONS["1.000593"] = CONDITIONS["1.000894"]


def police_result(name: str) -> str:
    n = name.lower()
    if "thẻ căn cước" in n and n.startswith("cấp"):
        return "Thẻ căn cước"
    if "giấy chứng nhận căn cước" in n and n.startswith("cấp"):
        return "Giấy chứng nhận căn cước"
    if "giấy chứng nhận đủ điều kiện về an ninh, trật tự" in n:
        return "Giấy chứng nhận đủ điều kiện về an ninh, trật tự"
    return ""


def police_legal(name: str, field: str) -> list[str]:
    if field == "Khiếu nại, tố cáo":
        return [L_KHIEUNAI] if "khiếu nại" in name.lower() else [L_TOCAO]
    return list(LEGAL_BY_FIELD.get(field, []))


# --------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------
# Rows flagged as documents that are really headings or guidance.
GUIDANCE_PREFIXES = (
    "Giá trị sử dụng của giấy tờ chứng minh tình trạng hôn nhân",
    "Trường hợp người yêu cầu bồi thường trực tiếp nộp hồ sơ thì các giấy tờ",
    "Trường hợp bên bảo đảm hoặc bên nhận bảo đảm gồm nhiều người thì phải có đầy đủ chữ ký",
)

# Template titles that the rules below cannot derive (keyed by code and the
# start of the cleaned component name).
TEMPLATE_OVERRIDES = {
    ("1.002211", "Biên bản kiểm phiếu"): ("Biên bản kiểm phiếu / biên bản kết quả biểu quyết bầu hòa giải viên "
                                          "(Mẫu số 01, 02, 03, Nghị quyết liên tịch 01/2014/NQLT-CP-UBTƯMTTQVN)"),
    ("2.000547", "Tờ khai ghi vào Sổ hộ tịch việc khai sinh/"): "Tờ khai ghi vào Sổ hộ tịch (theo từng việc hộ tịch)",
    ("1.013997", "Đơn đề nghị hỗ trợ"): "Đơn đề nghị hỗ trợ (Mẫu số 2a, 2b, Nghị định 116/2025/NĐ-CP)",
    ("1.011441", "Phiếu yêu cầu theo Mẫu số 01a"): "Phiếu yêu cầu đăng ký (Mẫu số 01a, Nghị định 99/2022/NĐ-CP)",
}
NO_TEMPLATE_PREFIXES = ("Bản sao phiếu gửi hồ sơ theo mẫu do doanh nghiệp",)

TITLE_CUTS = (
    " theo mẫu", " theo Mẫu", " (Mẫu số", " (theo mẫu", " (nếu", " (do người", ", có đủ thông tin",
    ", trong đó có cam đoan", " do chủ hộ kinh doanh ký", ". Tờ khai phải", " (01 bản",
)
DOC_RE = re.compile(r"(Thông tư|Nghị định|Quyết định|Nghị quyết liên tịch|Nghị quyết)(?: số)? "
                    r"(\d+[\d.]*/\d{4}/[A-Za-zĐđƯư0-9\-]+)")
MAU_RE = re.compile(r"[Mm]ẫu số (\d+[a-z]?)(?:,? (?:tại )?(Phụ lục [IVX]+[A-Z]?))?")


def clean_component_name(raw: str) -> str:
    s = re.sub(r"\s+", " ", raw).strip()
    s = re.sub(r"^[-+*]\s*", "", s)
    s = s.rstrip(" ;.")
    s = re.sub(r"\);\)$", ")", s)  # source typo "…bưu chính););"
    return s


def template_for(code: str, name: str) -> str:
    for (c, prefix), title in TEMPLATE_OVERRIDES.items():
        if c == code and name.startswith(prefix):
            return title
    if name.startswith(NO_TEMPLATE_PREFIXES):
        return ""
    low = name.lower()
    is_form = ("theo mẫu" in low or "mẫu số" in low or name.startswith("Tờ khai")
               or name.startswith(("Mẫu hộ tịch điện tử", "Mẫu điện tử tương tác", "Biểu mẫu điện tử")))
    if not is_form:
        return ""
    cut = len(name)
    for marker in TITLE_CUTS:
        i = name.find(marker)
        if 0 < i < cut:
            cut = i
    title = name[:cut].strip(" ,;.")
    title = re.sub(r"^\((?:i{1,3}|iv|\d+)\)\s*", "", title)  # "(i) Giấy đề nghị…" -> "Giấy đề nghị…"
    m = MAU_RE.search(name)
    if m:
        ref = f"Mẫu số {m.group(1)}"
        if m.group(2):
            ref += f", {m.group(2)}"
        d = DOC_RE.search(name[m.end():m.end() + 160])
        if d:
            ref += f", {d.group(1)} {d.group(2)}"
        title = f"{title} ({ref})"
    return title


# Components added where the procedure has no component rows and the legal
# basis names the form with certainty. code -> list of (name, template, basis)
_TK_KS = ("Tờ khai đăng ký khai sinh theo mẫu", "Tờ khai đăng ký khai sinh")
_TK_NCMC = ("Tờ khai đăng ký nhận cha, mẹ, con theo mẫu", "Tờ khai đăng ký nhận cha, mẹ, con")
_TK_KH = ("Tờ khai đăng ký kết hôn theo mẫu", "Tờ khai đăng ký kết hôn")
_TK_KT = ("Tờ khai đăng ký khai tử theo mẫu", "Tờ khai đăng ký khai tử")
_TK_GH = ("Tờ khai đăng ký giám hộ theo mẫu", "Tờ khai đăng ký giám hộ")
ADDED_COMPONENTS = {
    "1.001022": ([_TK_NCMC], "Luật Hộ tịch 2014, Điều 25 khoản 1"),
    "1.000080": ([_TK_NCMC], "Luật Hộ tịch 2014 và Nghị định 123/2015/NĐ-CP (tờ khai theo mẫu)"),
    "1.000593": ([_TK_KH], "Luật Hộ tịch 2014, Điều 18 khoản 1"),
    "1.000094": ([_TK_KH], "Luật Hộ tịch 2014 và Nghị định 123/2015/NĐ-CP (tờ khai theo mẫu)"),
    "1.000419": ([_TK_KT], "Luật Hộ tịch 2014, Điều 34 khoản 1"),
    "1.000110": ([_TK_KS], "Luật Hộ tịch 2014 và Nghị định 123/2015/NĐ-CP (tờ khai theo mẫu)"),
    "1.000893": ([_TK_KS], "Luật Hộ tịch 2014, Điều 36 (tờ khai theo mẫu)"),
    "1.001669": ([_TK_GH], "Luật Hộ tịch 2014, Điều 20 khoản 1 (tờ khai theo mẫu)"),
    "1.000689": ([_TK_KS, _TK_NCMC], "Nghị định 123/2015/NĐ-CP, Điều 15 (tờ khai đăng ký khai sinh và tờ khai đăng ký nhận cha, mẹ, con)"),
    "1.001695": ([_TK_KS, _TK_NCMC], "Nghị định 123/2015/NĐ-CP, Điều 15 (tờ khai đăng ký khai sinh và tờ khai đăng ký nhận cha, mẹ, con)"),
}


def load_components(path: Path):
    """Return {code: (components, merged_duplicates, skipped_guidance)}."""
    out: dict[str, list] = collections.OrderedDict()
    stats: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            out.setdefault(code, [])
            if row["original"] == "0" and row["copy"] == "0":
                continue  # guidance note, not a document
            name = clean_component_name(row["component_name"])
            if not name or name.endswith(":") or name.startswith(GUIDANCE_PREFIXES):
                stats[code][1] += 1
                continue
            comp = {
                "name": name,
                "originals": 1 if row["original"] == "1" else 0,
                "copies": 1 if row["copy"] == "1" else 0,
                "required": True,
                "template": template_for(code, name),
            }
            key = (comp["name"], comp["originals"], comp["copies"])
            if any((c["name"], c["originals"], c["copies"]) == key for c in out[code]):
                stats[code][0] += 1
                continue
            out[code].append(comp)
    return out, stats


# --------------------------------------------------------------------------
# Steps (generic, factual)
# --------------------------------------------------------------------------
S_RECEIVE = ("Cán bộ Trung tâm tiếp nhận, kiểm tra tính đầy đủ, hợp lệ của hồ sơ; hồ sơ chưa đầy đủ thì "
             "hướng dẫn bổ sung, hoàn thiện; hồ sơ đầy đủ thì viết phiếu hẹn trả kết quả.")
S_RETURN = "Trả kết quả tại Trung tâm Phục vụ hành chính công xã hoặc theo hình thức người yêu cầu đã đăng ký."


def steps_for(domain: str, code: str, name: str) -> list[str]:
    low = name.lower()
    if domain == F_HOTICH:
        steps = [
            "Người yêu cầu nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã, qua bưu chính hoặc trực tuyến "
            "trên Cổng Dịch vụ công quốc gia (nếu thủ tục cho phép).",
            S_RECEIVE,
            "Công chức tư pháp - hộ tịch thẩm tra hồ sơ, xác minh khi cần và trình Lãnh đạo Ủy ban nhân dân xã ký kết quả.",
        ]
        if "kết hôn" in low and "đăng ký" in low and "ghi vào sổ" not in low and "đăng ký lại" not in low:
            steps.append("Hai bên nam, nữ có mặt, cùng ký vào Sổ hộ tịch và Giấy chứng nhận kết hôn.")
        steps.append(S_RETURN)
        return steps
    if domain == F_CHUNGTHUC:
        steps = [
            "Người yêu cầu nộp hồ sơ, xuất trình giấy tờ tại Trung tâm Phục vụ hành chính công xã.",
            "Cán bộ tiếp nhận kiểm tra giấy tờ, hồ sơ yêu cầu.",
        ]
        if code == "2.000908":
            steps.append("Ủy ban nhân dân xã (nơi quản lý sổ gốc) đối chiếu sổ gốc và cấp bản sao.")
        else:
            if code == "2.000884":
                steps.append("Người yêu cầu chứng thực ký trước mặt người thực hiện chứng thực.")
            elif code in ("2.001035", "2.001016", "2.001019", "2.001406", "2.000913"):
                steps.append("Người yêu cầu chứng thực ký trước mặt người thực hiện chứng thực.")
            steps.append("Chủ tịch hoặc Phó Chủ tịch Ủy ban nhân dân xã ký chứng thực; ghi vào sổ chứng thực.")
        steps.append("Trả kết quả và thu phí (nếu có) tại Trung tâm Phục vụ hành chính công xã.")
        return steps
    if domain == F_DATDAI:
        if code == "1.012812":
            return [
                "Nộp đơn yêu cầu hòa giải tranh chấp đất đai tại Trung tâm Phục vụ hành chính công xã.",
                S_RECEIVE,
                "Ủy ban nhân dân xã thẩm tra, xác minh và tổ chức cuộc họp hòa giải có các bên tranh chấp tham gia.",
                "Lập biên bản hòa giải thành hoặc không thành và gửi cho các bên.",
            ]
        if code == "1.013967":
            return [
                "Nộp đơn yêu cầu giải quyết tranh chấp đất đai tại Trung tâm Phục vụ hành chính công xã.",
                S_RECEIVE,
                "Cơ quan chuyên môn thẩm tra, xác minh, làm việc với các bên và báo cáo, đề xuất.",
                "Chủ tịch Ủy ban nhân dân xã ban hành quyết định giải quyết tranh chấp và gửi cho các bên.",
            ]
        return [
            "Nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã hoặc trực tuyến (nếu thủ tục cho phép).",
            S_RECEIVE,
            "Cơ quan chuyên môn về đất đai kiểm tra hồ sơ, xác minh thực địa khi cần và trình cấp có thẩm quyền xem xét, quyết định.",
            "Người sử dụng đất thực hiện nghĩa vụ tài chính (nếu có).",
            S_RETURN,
        ]
    if domain == F_HKD:
        return [
            "Nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã, qua bưu chính hoặc trực tuyến.",
            "Cơ quan đăng ký kinh doanh cấp xã tiếp nhận hồ sơ và trao giấy biên nhận.",
            "Xem xét tính hợp lệ của hồ sơ; hồ sơ chưa hợp lệ thì thông báo bằng văn bản nội dung cần sửa đổi, bổ sung.",
            "Trả kết quả cho người nộp hồ sơ.",
        ]
    if domain == F_BTXH:
        return [
            "Nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã.",
            S_RECEIVE,
            "Công chức phụ trách lĩnh vực xã hội xem xét, xác minh hồ sơ; trình Chủ tịch Ủy ban nhân dân xã "
            "quyết định hoặc chuyển cơ quan có thẩm quyền giải quyết.",
            "Trả kết quả cho người đề nghị.",
        ]
    if domain == F_NCC:
        return [
            "Nộp hồ sơ tại Trung tâm Phục vụ hành chính công xã.",
            S_RECEIVE,
            "Ủy ban nhân dân xã xem xét, xác nhận hồ sơ; giải quyết theo thẩm quyền hoặc chuyển cơ quan có thẩm quyền xem xét, giải quyết.",
            "Trả kết quả cho người đề nghị.",
        ]
    return []


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------
def slugify(text: str) -> str:
    s = text.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.lower()
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def parse_days(value: str):
    value = value.strip()
    if not value:
        return None
    num = float(value)
    return int(num) if num == int(num) else num


def fee_label(code: str, field: str) -> str:
    if code in FEE_LABEL_PHI or field in FEE_LABEL_PHI_FIELDS:
        return "Phí"
    return "Lệ phí"


def blank_fee_note(code: str, field: str, domain: str) -> str:
    if code in FEE_BLANK_NOTES:
        return FEE_BLANK_NOTES[code]
    if domain == F_HOTICH:
        return FEE_NOTE_HOTICH
    if field == F_HKD:
        return FEE_NOTE_HDND
    if field == F_DATDAI:
        return FEE_NOTE_LAW
    return FEE_NOTE_UNKNOWN


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------
def build(shared: Path) -> tuple[dict, dict]:
    comps, comp_stats = load_components(shared / "procedure-components.csv")
    procedures = []
    counters = collections.Counter()
    sample_n = 0

    with (shared / "procedures-commune.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))

    for row in rows:
        code = row["code"].strip()
        name = row["name"]
        field = row["field"].strip()
        notes: list[str] = []
        sample = False
        if code:
            agency = COMMUNE_PC
        else:
            sample_n += 1
            code = f"{SAMPLE_PREFIX}{sample_n:02d}"
            sample = True
            agency = COMMUNE_POLICE
            notes.append("Mã mẫu nội bộ của bản demo (nguồn B không ghi mã TTHC quốc gia).")
        domain = DOMAIN_OVERRIDE.get(code, field)

        if code in AGENCY_OVERRIDE:
            agency, note = AGENCY_OVERRIDE[code]
            notes.append(note)

        # processing time
        days = parse_days(row["processing_days"])
        if days is None and code in DAYS_FROM_LAW:
            days, why = DAYS_FROM_LAW[code]
            notes.append(f"Thời hạn giải quyết điền theo căn cứ pháp lý: {why}.")
            counters["days_from_law"] += 1
        if code in DAYS_SOURCE_NOTES:
            notes.append(DAYS_SOURCE_NOTES[code])

        # fees
        fee_raw = row["fee_vnd"].strip()
        if fee_raw:
            fees = [{"name": fee_label(code, field), "amount_vnd": int(fee_raw)}]
            fee_note = FEE_VALUE_NOTES.get(code, "")
        elif code in FEE_FILLS:
            fees, fee_note, note, from_law = FEE_FILLS[code]
            fees = [dict(f) for f in fees]
            notes.append(note + ".")
            counters["fees_from_law" if from_law else "fees_from_sources_doc"] += 1
        else:
            fees = []
            fee_note = blank_fee_note(code, field, domain)

        # components
        components = [dict(c) for c in comps.get(row["code"].strip(), [])] if not sample else []
        merged, skipped = comp_stats.get(code, (0, 0)) if not sample else (0, 0)
        if merged:
            notes.append(f"Thành phần hồ sơ: gộp {merged} mục trùng tên sau khi làm sạch (nguồn tách theo trường hợp).")
        if skipped:
            notes.append(f"Thành phần hồ sơ: bỏ {skipped} mục là tiêu đề hoặc hướng dẫn, không phải giấy tờ.")
        if not components and code in ADDED_COMPONENTS:
            added, basis = ADDED_COMPONENTS[code]
            for cname, tmpl in added:
                components.append({"name": cname, "originals": 1, "copies": 0, "required": True, "template": tmpl})
            notes.append(f"Thành phần hồ sơ bổ sung theo căn cứ pháp lý ({basis}); nguồn không có danh sách thành phần.")
            counters["components_from_law"] += 1

        # result / legal basis / conditions
        if sample:
            result = police_result(name)
            legal = police_legal(name, field)
        else:
            result = RESULTS.get(code, "")
            if code in LEGAL_BY_CODE:
                legal = list(LEGAL_BY_CODE[code])
            else:
                legal = list(LEGAL_BY_FIELD.get(domain, []))
            if domain == F_CHUNGTHUC and fees and fees[0]["amount_vnd"] > 0 and TT_226_2016_BTC not in legal:
                legal.append(TT_226_2016_BTC)
            if code in FEE_BLANK_NOTES and "226/2016" in FEE_BLANK_NOTES[code] and TT_226_2016_BTC not in legal:
                legal.append(TT_226_2016_BTC)
        if result:
            counters["with_result"] += 1
        if legal:
            counters["with_legal_basis"] += 1
        if result or legal:
            what = " và ".join(x for x, v in (("Kết quả", result), ("căn cứ pháp lý", legal)) if v)
            notes.append(f"{what} điền theo văn bản pháp luật (CSV nguồn không có các cột này).")
        steps = steps_for(domain, code, name)
        if steps:
            notes.append("Các bước là mô tả chung của lĩnh vực, không chép từ nguồn.")
        conditions = CONDITIONS.get(code, "")
        if conditions:
            notes.append("Điều kiện ghi theo Điều 8 Luật Hôn nhân và gia đình 2014.")

        online = {"Toàn trình": "full", "Một phần": "partial"}.get(row["online_level"].strip(), "")

        procedures.append({
            "code": code,
            "sample_code": sample,
            "name": name,
            "field": {"code": slugify(field), "name": field},
            "level": "commune",
            "agency": agency,
            "processing_days": days,
            "fees": fees,
            "fee_note": fee_note,
            "components": components,
            "steps": steps,
            "result": result,
            "legal_basis": legal,
            "conditions": conditions,
            "online_level": online,
            "source": row["source"].strip(),
            "notes": " ".join(notes),
        })
        if sample:
            counters["sample_codes"] += 1

    catalogue = {"center": CENTER, "source": TOP_SOURCE, "procedures": procedures}
    return catalogue, counters


def validate(cat: dict) -> list[str]:
    errors = []
    procs = cat["procedures"]
    codes = [p["code"] for p in procs]
    dup = [c for c, n in collections.Counter(codes).items() if n > 1]
    if dup:
        errors.append(f"duplicate codes: {dup}")
    for p in procs:
        c = p["code"]
        if not CODE_RE.match(c):
            errors.append(f"bad code {c!r}")
        if p["sample_code"] != c.startswith(SAMPLE_PREFIX):
            errors.append(f"{c}: sample_code flag does not match code")
        d = p["processing_days"]
        if d is not None:
            if isinstance(d, bool) or not isinstance(d, (int, float)) or d < 0 or (d * 2) != int(d * 2):
                errors.append(f"{c}: bad processing_days {d!r}")
        for f in p["fees"]:
            a = f["amount_vnd"]
            if isinstance(a, bool) or not isinstance(a, int) or a < 0:
                errors.append(f"{c}: bad fee amount {a!r}")
            if f["name"] not in ("Phí", "Lệ phí"):
                errors.append(f"{c}: bad fee name {f['name']!r}")
        if not p["fees"] and not p["fee_note"]:
            errors.append(f"{c}: empty fees without fee_note")
        if p["field"]["code"] != slugify(p["field"]["name"]) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p["field"]["code"]):
            errors.append(f"{c}: bad field code {p['field']['code']!r}")
        if p["online_level"] not in ("", "full", "partial"):
            errors.append(f"{c}: bad online_level")
        if p["steps"] and not 3 <= len(p["steps"]) <= 5:
            errors.append(f"{c}: {len(p['steps'])} steps")
        for comp in p["components"]:
            if comp["originals"] == 0 and comp["copies"] == 0:
                errors.append(f"{c}: component without original or copy: {comp['name'][:40]}")
            if re.match(r"^[-+]\s", comp["name"]) or comp["name"].endswith((";", ".")):
                errors.append(f"{c}: component name not cleaned: {comp['name'][:40]}")
        if p["name"] != p["name"].strip() or not p["name"]:
            errors.append(f"{c}: bad name")
    names_by_code: dict[str, set] = collections.defaultdict(set)
    for p in procs:
        names_by_code[p["field"]["code"]].add(p["field"]["name"])
    for fc, names in names_by_code.items():
        if len(names) > 1:
            errors.append(f"field code {fc} used for several names: {names}")
    if len(procs) < 100:
        errors.append(f"only {len(procs)} procedures")
    if len(names_by_code) < 10:
        errors.append(f"only {len(names_by_code)} fields")
    ks = [p for p in procs if p["code"] == "1.001193"]
    if not ks or ks[0]["name"] != "Thủ tục đăng ký khai sinh":
        errors.append("1.001193 Thủ tục đăng ký khai sinh missing")
    return errors


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared_data", type=Path, help="directory holding procedures-commune.csv and procedure-components.csv")
    ap.add_argument("-o", "--output", type=Path, default=here.parent / "demo" / CENTER / "procedures.json")
    args = ap.parse_args(argv)

    catalogue, counters = build(args.shared_data)
    errors = validate(catalogue)
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        return 1

    text = json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")

    procs = catalogue["procedures"]
    fields = collections.Counter(p["field"]["name"] for p in procs)
    print(f"wrote {args.output} ({len(text.encode('utf-8'))} bytes)")
    print(f"procedures: {len(procs)} ({len(procs) - counters['sample_codes']} with national code, "
          f"{counters['sample_codes']} with sample code)")
    print(f"fields: {len(fields)}")
    for fname, n in fields.most_common():
        print(f"  {n:3d}  {fname}")
    print(f"processing_days known: {sum(p['processing_days'] is not None for p in procs)}, "
          f"filled from legal basis: {counters['days_from_law']}")
    print(f"fees known: {sum(bool(p['fees']) for p in procs)}, filled from legal basis: {counters['fees_from_law']}, "
          f"from PROCEDURES-SOURCES.md note: {counters['fees_from_sources_doc']}")
    print(f"with components: {sum(bool(p['components']) for p in procs)} "
          f"(added from legal basis: {counters['components_from_law']}), "
          f"component rows: {sum(len(p['components']) for p in procs)}")
    print(f"with steps: {sum(bool(p['steps']) for p in procs)}, with result: {counters['with_result']}, "
          f"with legal_basis: {counters['with_legal_basis']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
