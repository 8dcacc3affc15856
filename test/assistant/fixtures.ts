import type { Procedure } from "../../src/catalogue/types.ts";
import type { Confidence } from "../../src/assistant/types.ts";
import type { Retriever, SearchHit } from "../../src/search/types.ts";

type MethodInput = Procedure["methods"][number];

export function method(
  channel: MethodInput["channel"],
  time: MethodInput["time"],
  fee: MethodInput["fee"],
  description = "",
): MethodInput {
  return { channel, time, fee, description };
}

export const days = (amount: number, workingDays = true): MethodInput["time"] => ({
  amount,
  unit: "ngày",
  workingDays,
  text: `${amount} Ngày${workingDays ? " làm việc" : ""}`,
});

export function procedure(over: Partial<Procedure> & Pick<Procedure, "code" | "name">): Procedure {
  return {
    field: "Hộ tịch",
    levels: ["Cấp xã"],
    decision: "",
    agencies: ["Ủy ban nhân dân cấp xã"],
    address: "",
    audience: ["Công dân Việt Nam"],
    steps: [],
    methods: [],
    documents: [],
    documentNotes: [],
    legalBasis: [],
    conditions: "",
    result: "",
    url: `https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=${over.code}`,
    source: "dvc-ministry-tthc",
    ...over,
  };
}

/** Khai sinh: 12 documents, free online, 50.000 đồng in person, times per channel. */
export const birth = procedure({
  code: "1.001193",
  name: "Đăng ký khai sinh",
  steps: [
    "Bước 1: Người có yêu cầu nộp hồ sơ tại Bộ phận tiếp nhận và trả kết quả",
    "Bước 2: Công chức tư pháp - hộ tịch kiểm tra hồ sơ",
    "Bước 3: Trả kết quả",
  ],
  methods: [
    method("online", days(1), { text: "Miễn phí", free: true, amountVnd: 0 }, "Nộp qua Cổng DVC"),
    method("in_person", days(3), { text: "50.000 đồng", free: false, amountVnd: 50000 }),
  ],
  documents: Array.from({ length: 12 }, (_, i) => ({
    name: `Giấy tờ số ${i + 1} cho việc đăng ký khai sinh`,
    quantity: "1 bản chính",
  })),
  legalBasis: [{ number: "60/2014/QH13", title: "Luật Hộ tịch" }],
  conditions: "Không",
  result: "Giấy khai sinh",
});

/** No time, no fee information at all. */
export const noInfo = procedure({
  code: "2.000986",
  name: "Đăng ký khai sinh có yếu tố nước ngoài",
  methods: [method("in_person", null, null)],
  documents: [{ name: "Tờ khai đăng ký khai sinh" }],
});

/** Same name at three levels. */
export const marriageLevels = ["Cấp xã", "Cấp tỉnh", "Cấp bộ"].map((level, i) =>
  procedure({
    code: `1.00009${i}`,
    name: "Đăng ký kết hôn",
    levels: [level],
    methods: [method("in_person", days(5), { text: "Miễn phí", free: true })],
  }),
);

export const passport = procedure({
  code: "2.002001",
  name: "Cấp hộ chiếu phổ thông ở trong nước",
  field: "Xuất nhập cảnh",
  levels: ["Cấp tỉnh"],
  methods: [
    method("online", days(8), { text: "200.000 đồng/hộ chiếu", free: false, amountVnd: 200000 }),
    method("in_person", days(8), { text: "200.000 đồng/hộ chiếu", free: false, amountVnd: 200000 }),
  ],
});

export const catalogue: Procedure[] = [birth, noInfo, ...marriageLevels, passport];

/** A fake retriever: returns what the first matching rule says, and records the queries. */
export function fakeRetriever(
  rules: { when: RegExp; hits: SearchHit[]; confidence: Confidence }[],
): Retriever & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    search(query: string, limit = 10) {
      queries.push(query);
      const rule = rules.find((r) => r.when.test(query));
      if (!rule) return { hits: [], confidence: "not_found" };
      return { hits: rule.hits.slice(0, limit), confidence: rule.confidence };
    },
  };
}
