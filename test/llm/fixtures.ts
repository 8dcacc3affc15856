import { days, method, procedure } from "../assistant/fixtures.ts";

/** Khai sinh with real-looking documents: free online, 8.000 đồng in person. */
export const birth = procedure({
  code: "1.001193",
  name: "Thủ tục đăng ký khai sinh",
  agencies: ["Ủy ban nhân dân cấp xã"],
  steps: ["Bước 1: Nộp hồ sơ tại Bộ phận một cửa; nếu tiếp nhận sau 15 giờ thì hẹn ngày hôm sau"],
  methods: [
    method("online", days(1), { text: "Miễn phí", free: true, amountVnd: 0 }, "Nộp qua Cổng DVC"),
    method("in_person", days(3), { text: "8.000 Đồng (Lệ phí)", free: false, amountVnd: 8000 }),
  ],
  documents: [
    { name: "Tờ khai đăng ký khai sinh theo mẫu", quantity: "1 bản chính" },
    { name: "Giấy chứng sinh do cơ sở y tế cấp", quantity: "1 bản chính" },
    { name: "Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền" },
  ],
  legalBasis: [{ number: "60/2014/QH13", title: "Luật Hộ tịch năm 2014" }],
  conditions: "Không",
  result: "Giấy khai sinh (bản chính)",
});

/** Hộ chiếu: 200.000 đồng, 8 working days. */
export const passport = procedure({
  code: "2.002001",
  name: "Cấp hộ chiếu phổ thông ở trong nước",
  field: "Xuất nhập cảnh",
  levels: ["Cấp tỉnh"],
  agencies: ["Phòng Quản lý xuất nhập cảnh Công an tỉnh"],
  methods: [
    method("online", days(8), { text: "200.000 đồng/hộ chiếu", free: false, amountVnd: 200000 }),
    method("in_person", days(8), { text: "200.000 đồng/hộ chiếu", free: false, amountVnd: 200000 }),
  ],
  documents: [
    { name: "Tờ khai đề nghị cấp hộ chiếu phổ thông (mẫu TK01)" },
    { name: "02 ảnh chân dung cỡ 4cm x 6cm" },
  ],
});

/** Kết hôn: 24 hours, free. */
export const marriage = procedure({
  code: "1.000894",
  name: "Đăng ký kết hôn",
  methods: [
    method(
      "in_person",
      { amount: 24, unit: "giờ", workingDays: false, text: "24 Giờ" },
      { text: "Miễn phí", free: true },
    ),
  ],
  documents: [{ name: "Tờ khai đăng ký kết hôn" }],
});

export const catalogue = [birth, passport, marriage];
