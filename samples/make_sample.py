"""Regenerate samples/plan_scan.pdf: a short plan, laid out per Decree 30/2020, rendered as a 300-dpi scan.

The text is written for this sample (a generic digital-transformation plan of a provincial department);
run `.venv/bin/python samples/make_sample.py` to rebuild it.
"""

from pathlib import Path

from planparse.devtools.synth import SynthDoc, degrade, render, to_pdf

DOC = SynthDoc(
    header_left=["UBND TỈNH TUYÊN QUANG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 87/KH-SKHCN"],
    header_right=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "Tuyên Quang, ngày 14 tháng 3 năm 2026"],
    title=["KẾ HOẠCH", "Triển khai chuyển đổi số và cải cách thủ tục hành chính năm 2026"],
    body=[
        "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình "
        "Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030; Nghị quyết số 57-NQ/TW ngày 22/12/2024 "
        "của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia; "
        "Sở Khoa học và Công nghệ ban hành Kế hoạch triển khai năm 2026 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Nâng cao nhận thức của cán bộ, công chức, viên chức và người lao động về vai trò của chuyển đổi số "
        "trong hoạt động của cơ quan nhà nước.",
        "- Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình, giảm thời gian và chi phí thực hiện thủ tục "
        "hành chính cho người dân, doanh nghiệp.",
        "2. Yêu cầu",
        "- Các phòng, đơn vị thuộc Sở chủ động xây dựng kế hoạch chi tiết, bảo đảm tiến độ và chất lượng.",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
        "1. Hoàn thiện thể chế, cơ chế, chính sách về chuyển đổi số theo Thông tư số 18/2024/TT-BKHCN ngày "
        "25/10/2024 của Bộ Khoa học và Công nghệ.",
        "2. Phát triển hạ tầng số, bảo đảm an toàn thông tin mạng cho các hệ thống thông tin của Sở.",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Văn phòng Sở chủ trì, phối hợp với các phòng chuyên môn theo dõi, đôn đốc, tổng hợp kết quả "
        "thực hiện, báo cáo Giám đốc Sở trước ngày 15/12/2026.",
        "2. Các phòng, đơn vị thuộc Sở căn cứ nhiệm vụ được giao tổ chức triển khai thực hiện Kế hoạch này.",
    ],
    recipients=["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lãnh đạo Sở;", "- Lưu: VT, VP."],
    signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Minh"],
    table=[
        ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành", "Sản phẩm"],
        ["1", "Rà soát, cập nhật danh mục thủ tục hành chính", "Văn phòng Sở", "Các phòng chuyên môn", "Quý II/2026", "Quyết định công bố"],
        ["2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Phòng Quản lý công nghệ", "Văn phòng Sở", "Trước ngày 30/9/2026", "Cơ sở dữ liệu"],
        ["3", "Tập huấn kỹ năng số cho công chức, viên chức", "Trung tâm Thông tin", "Các phòng, đơn vị", "Năm 2026", "Báo cáo kết quả"],
    ],
    table_widths=[0.5, 3.2, 1.6, 1.6, 1.4, 1.5],
)


def main() -> None:
    pages = render(DOC, dpi=300)
    scans = [degrade(p, seed=i, skew=0.5 - 0.4 * i, noise=5.0, blur=0.5) for i, p in enumerate(pages)]
    out = to_pdf(scans, Path(__file__).with_name("plan_scan.pdf"), dpi=300, quality=55)
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(scans)} pages")


if __name__ == "__main__":
    main()
