"""Plans written for bench_realpages.py (commune, district, province, ministry issuers), split into a tuning
set (looked at while developing) and a held-out set (read only for the headline figures).

The text is written for this bench; it copies no sample, seed or corpus document. The tuning set also lays out the
restore stage's tuning plans (bench/tuning/t*.txt, themselves tuning material) as signed, stamped plans, four of them
with an annex table, so that it holds several thousand words per class.
"""

from pathlib import Path

from planparse.devtools.synth import SynthDoc

RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

COMMUNE = SynthDoc(
    header_left=["UBND HUYỆN ĐỨC TRỌNG", "ỦY BAN NHÂN DÂN XÃ TÂN HỘI", "Số: 56/KH-UBND"],
    header_right=RIGHT + ["Tân Hội, ngày 05 tháng 4 năm 2026"],
    title=["KẾ HOẠCH", "Phòng, chống dịch bệnh truyền nhiễm trên địa bàn xã năm 2026"],
    body=[
        "Căn cứ Luật Phòng, chống bệnh truyền nhiễm năm 2007; căn cứ tình hình thực tế của địa phương, "
        "Ủy ban nhân dân xã xây dựng Kế hoạch phòng, chống dịch bệnh năm 2026 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Chủ động phát hiện sớm, khoanh vùng và xử lý kịp thời các ổ dịch, không để dịch bệnh lây lan "
        "trong cộng đồng, hạn chế thấp nhất số ca mắc và tử vong.",
        "2. Nâng cao nhận thức của người dân về vệ sinh môi trường, an toàn thực phẩm và phòng bệnh; "
        "huy động sự tham gia của các tổ chức đoàn thể và các thôn, tổ dân phố.",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
        "1. Trạm Y tế xã tổ chức giám sát chặt chẽ tình hình dịch bệnh, báo cáo khẩn cấp khi có ca bệnh "
        "nghi ngờ; chuẩn bị đủ thuốc, hóa chất, trang thiết bị để sẵn sàng đáp ứng.",
        "2. Đẩy mạnh truyền thông trên hệ thống loa truyền thanh, hướng dẫn người dân diệt lăng quăng, "
        "bọ gậy, phun thuốc khử khuẩn tại các khu vực có nguy cơ cao.",
        "3. Kiểm tra việc bảo đảm vệ sinh tại trường học, chợ, cơ sở sản xuất, kinh doanh thực phẩm; xử lý "
        "nghiêm các trường hợp vi phạm theo quy định của pháp luật.",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Trạm Y tế xã là cơ quan thường trực, theo dõi, đôn đốc và tổng hợp kết quả triển khai, "
        "đề nghị Ủy ban nhân dân xã chỉ đạo kịp thời những vấn đề phát sinh.",
        "2. Trưởng các thôn có trách nhiệm tuyên truyền, vận động nhân dân thực hiện tốt Kế hoạch này.",
    ],
    recipients=["Nơi nhận:", "- Trung tâm Y tế huyện;", "- Thường trực Đảng ủy xã;", "- Lưu: VT."],
    signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Văn Sáu"],
)

MINISTRY = SynthDoc(
    header_left=["BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Số: 1208/KH-BNNMT"],
    header_right=RIGHT + ["Hà Nội, ngày 18 tháng 6 năm 2026"],
    title=["KẾ HOẠCH", "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức năm 2026"],
    body=[
        "Thực hiện Nghị định số 101/2017/NĐ-CP ngày 01/9/2017 của Chính phủ về đào tạo, bồi dưỡng cán bộ, "
        "công chức, viên chức, Bộ ban hành Kế hoạch đào tạo, bồi dưỡng năm 2026 với các nội dung sau:",
        "I. MỤC TIÊU",
        "Trang bị kiến thức, kỹ năng quản lý nhà nước, chuyên môn nghiệp vụ cho đội ngũ công chức; phấn đấu "
        "100% công chức lãnh đạo được bồi dưỡng theo tiêu chuẩn chức danh trước khi bổ nhiệm.",
        "II. NỘI DUNG",
        "1. Bồi dưỡng lý luận chính trị, quản lý nhà nước theo tiêu chuẩn ngạch chuyên viên chính và "
        "chuyên viên cao cấp; bồi dưỡng kỹ năng sử dụng ngoại ngữ, tin học.",
        "2. Tổ chức các lớp tập huấn chuyên sâu về quản lý tài nguyên nước, khí tượng thủy văn, biến đổi "
        "khí hậu và kiểm soát ô nhiễm môi trường.",
        "III. KINH PHÍ",
        "Kinh phí thực hiện từ nguồn ngân sách nhà nước giao trong dự toán năm 2026 của các đơn vị và các "
        "nguồn hợp pháp khác theo quy định.",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Vụ Tổ chức cán bộ chủ trì, phối hợp với các đơn vị thuộc Bộ triển khai Kế hoạch; định kỳ sáu tháng "
        "báo cáo Bộ trưởng kết quả thực hiện (phụ lục kèm theo).",
    ],
    recipients=["Nơi nhận:", "- Bộ trưởng (để b/c);", "- Các Thứ trưởng;", "- Lưu: VT, TCCB."],
    signer=["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Phạm Quang Hiếu"],
    table=[
        ["TT", "Nội dung", "Đơn vị chủ trì", "Đối tượng", "Thời gian", "Kinh phí"],
        ["1", "Bồi dưỡng chuyên viên chính", "Trường Cán bộ quản lý", "Công chức", "Quý III/2026", "Ngân sách"],
        ["2", "Tập huấn quản lý tài nguyên nước", "Cục Quản lý tài nguyên nước", "Viên chức", "Tháng 8/2026", "Ngân sách"],
        ["3", "Bồi dưỡng kỹ năng số", "Trung tâm Chuyển đổi số", "Công chức, viên chức", "Năm 2026", "Nguồn hợp pháp"],
    ],
    table_widths=[0.5, 3.0, 2.0, 1.6, 1.3, 1.3],
)

DISTRICT = SynthDoc(
    header_left=["UBND TỈNH NGHỆ AN", "ỦY BAN NHÂN DÂN HUYỆN YÊN THÀNH", "Số: 214/KH-UBND"],
    header_right=RIGHT + ["Yên Thành, ngày 22 tháng 2 năm 2026"],
    title=["KẾ HOẠCH", "Kiểm tra công tác văn thư, lưu trữ tại các cơ quan, đơn vị năm 2026"],
    body=[
        "Thực hiện Luật Lưu trữ năm 2024 và Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công "
        "tác văn thư, Ủy ban nhân dân huyện ban hành Kế hoạch kiểm tra năm 2026 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Đánh giá đúng thực trạng công tác soạn thảo, ban hành, quản lý văn bản và lập hồ sơ; chấn chỉnh "
        "kịp thời những sai sót, bảo đảm thể thức văn bản đúng quy định.",
        "2. Việc kiểm tra phải khách quan, đúng trọng tâm, không gây khó khăn cho hoạt động của đơn vị.",
        "II. NỘI DUNG KIỂM TRA",
        "1. Việc ban hành văn bản chỉ đạo, hướng dẫn; bố trí nhân sự làm công tác văn thư, lưu trữ.",
        "2. Quản lý văn bản đi, văn bản đến; sử dụng chữ ký số và con dấu; lập hồ sơ điện tử và nộp lưu "
        "hồ sơ vào lưu trữ cơ quan.",
        "3. Bảo quản tài liệu, trang thiết bị kho lưu trữ, công tác phòng cháy, chữa cháy và phòng chống ẩm mốc.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Phòng Nội vụ chủ trì, phối hợp với Văn phòng HĐND và UBND huyện thành lập đoàn kiểm tra, thông báo "
        "lịch kiểm tra trước bảy ngày và tổng hợp kết quả, báo cáo Chủ tịch UBND huyện trước ngày 30/11/2026.",
    ],
    recipients=["Nơi nhận:", "- Sở Nội vụ;", "- TT Huyện ủy;", "- Lưu: VT, NV."],
    signer=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hồ Sỹ Nghĩa"],
    table=[
        ["TT", "Đơn vị được kiểm tra", "Thời gian", "Thành phần đoàn", "Ghi chú"],
        ["1", "Ủy ban nhân dân thị trấn Yên Thành", "Tháng 4/2026", "Phòng Nội vụ", "Trực tiếp"],
        ["2", "Phòng Tài chính - Kế hoạch", "Tháng 5/2026", "Phòng Nội vụ, Văn phòng", "Trực tiếp"],
        ["3", "Trường Trung học cơ sở Lý Nhật Quang", "Tháng 9/2026", "Phòng Giáo dục và Đào tạo", "Qua hồ sơ"],
    ],
    table_widths=[0.5, 3.2, 1.4, 2.4, 1.2],
)

PROVINCE = SynthDoc(
    header_left=["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ", "Số: 77/KH-UBND"],
    header_right=RIGHT + ["Quảng Trị, ngày 10 tháng 5 năm 2026"],
    title=["KẾ HOẠCH", "Ứng phó với thiên tai và tìm kiếm cứu nạn mùa mưa bão năm 2026"],
    body=[
        "Căn cứ Luật Phòng, chống thiên tai; dự báo của cơ quan khí tượng về khả năng xuất hiện nhiều cơn "
        "bão và lũ lớn trong năm, Ủy ban nhân dân tỉnh ban hành Kế hoạch ứng phó như sau:",
        "I. MỤC TIÊU",
        "Chủ động phòng ngừa, ứng phó kịp thời, hiệu quả với các tình huống thiên tai; giảm thiểu thiệt hại "
        "về người và tài sản, nhất là tại các khu vực ven biển, vùng trũng thấp và miền núi.",
        "II. NHIỆM VỤ CỤ THỂ",
        "1. Rà soát, cập nhật phương án sơ tán dân; kiểm tra hệ thống đê điều, hồ chứa nước, công trình "
        "thủy lợi xung yếu trước mùa mưa lũ.",
        "2. Dự trữ lương thực, nước uống, thuốc chữa bệnh và phương tiện cứu hộ theo phương châm bốn tại chỗ; "
        "bảo đảm thông tin liên lạc thông suốt trong mọi tình huống.",
        "3. Tổ chức diễn tập ứng phó bão, lũ quét, sạt lở đất ở cấp huyện và cấp xã; hướng dẫn kỹ năng "
        "an toàn cho học sinh và người dân.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Sở Nông nghiệp và Môi trường là cơ quan thường trực, hướng dẫn, đôn đốc các sở, ngành và địa phương "
        "thực hiện; Bộ Chỉ huy Quân sự tỉnh chủ trì công tác tìm kiếm cứu nạn.",
    ],
    recipients=["Nơi nhận:", "- Ban Chỉ đạo quốc gia;", "- Thường trực Tỉnh ủy;", "- Lưu: VT, KT."],
    signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Võ Văn Hưng"],
)


def _laid_out(path: Path, number: str, place: str, signer: list[str], table: list[list[str]],
              widths: list[float]) -> SynthDoc:
    """A bench/tuning plan (issuer, KẾ HOẠCH, title, body) laid out as a Decree 30 plan with a signer block."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    k = lines.index("KẾ HOẠCH")
    return SynthDoc(header_left=lines[:k] + [f"Số: {number}"], header_right=RIGHT + [place], title=lines[k:k + 2],
                    body=lines[k + 2:], recipients=["Nơi nhận:", "- Như trên;", "- Lưu: VT."], signer=signer,
                    table=table, table_widths=widths)


_TUNING_PLANS = Path(__file__).resolve().parent / "tuning"
_CHAIR = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
_VICE = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
PLANS = {
    "t1": ("t1_phong_chong_lu_bao.txt", "31/KH-UBND", "Tân Thuận, ngày 12 tháng 3 năm 2026", _CHAIR + ["Nguyễn Thành Lộc"],
           [["TT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian"],
            ["1", "Kiện toàn Ban Chỉ huy xã", "Văn phòng UBND xã", "Tháng 3/2026"],
            ["2", "Gia cố đê bao, bờ kè", "Ban Chỉ huy các ấp", "Tháng 5/2026"],
            ["3", "Diễn tập cứu nạn trên sông", "Ban Chỉ huy Quân sự xã", "Tháng 7/2026"]], [0.5, 3.4, 2.6, 1.6]),
    "t2": ("t2_chan_nuoi_trong_trot.txt", "18/KH-UBND", "Đồng Lạc, ngày 02 tháng 11 năm 2026", _VICE + ["Trần Thị Hoa"],
           [], []),
    "t3": ("t3_thuy_loi_nuoc_sach.txt", "95/KH-UBND", "Trần Đề, ngày 20 tháng 12 năm 2026", _VICE + ["Lâm Văn Phước"],
           [["TT", "Tuyến kênh", "Chiều dài", "Địa điểm", "Kinh phí"],
            ["1", "Kênh Ba Tiêu", "2,5 km", "Xã Trung Bình", "Ngân sách huyện"],
            ["2", "Kênh Xóm Đáy", "1,8 km", "Xã Lịch Hội Thượng", "Ngân sách xã"],
            ["3", "Kênh Đại Ân", "3,2 km", "Xã Đại Ân", "Vốn lồng ghép"]], [0.5, 2.4, 1.4, 2.4, 2.0]),
    "t4": ("t4_y_te_giao_duc.txt", "42/KH-UBND", "Mường Khương, ngày 09 tháng 1 năm 2026", _CHAIR + ["Giàng Seo Phử"],
           [], []),
    "t5": ("t5_bien_gioi_dan_toc.txt", "27/KH-UBND", "Ia Dom, ngày 16 tháng 4 năm 2026", _CHAIR + ["Ksor Y Phăng"],
           [["TT", "Nội dung", "Chủ trì", "Phối hợp"],
            ["1", "Tuần tra đường biên, cột mốc", "Đồn Biên phòng", "Dân quân xã"],
            ["2", "Tuyên truyền pháp luật biên giới", "Công an xã", "Trưởng các buôn"],
            ["3", "Xây dựng buôn làng văn hóa", "Mặt trận Tổ quốc xã", "Các đoàn thể"]], [0.5, 3.2, 2.0, 2.0]),
    "t6": ("t6_sat_lo_mien_nui.txt", "63/KH-UBND", "Bản Liền, ngày 25 tháng 5 năm 2026", _VICE + ["Vàng A Chính"], [], []),
    "t7": ("t7_nong_thon_moi_ap.txt", "11/KH-UBND", "Vĩnh Hậu, ngày 08 tháng 2 năm 2026", _CHAIR + ["Huỳnh Văn Tâm"],
           [["TT", "Tiêu chí", "Hiện trạng", "Chỉ tiêu 2027"],
            ["1", "Đường giao thông ấp", "Đạt 80%", "Đạt 100%"],
            ["2", "Hộ dùng nước sạch", "Đạt 72%", "Đạt 95%"],
            ["3", "Hộ nghèo đa chiều", "4,1%", "Dưới 2%"]], [0.5, 3.0, 2.0, 2.0]),
}
"""Layout of the restore tuning plans: file, number, place and date, signer, annex table and its column widths."""

TUNING = {"commune": COMMUNE, "ministry": MINISTRY} | {
    name: _laid_out(_TUNING_PLANS / f, n, place, sig, table, widths) for name, (f, n, place, sig, table, widths) in PLANS.items()}
HELDOUT = {"district": DISTRICT, "province": PROVINCE}
