import { describe, expect, it } from "vitest";
import {
  parseDocuments,
  parseDocumentSection,
  splitNameAndForm,
} from "../../src/catalogue/parse-documents.ts";
import { classifyRow, sameDocument } from "../../src/catalogue/document-items.ts";
import { bqpRawSchema, mapBqpRecord } from "../../src/catalogue/source-bqp.ts";
import { flattened, sample } from "./flattened.ts";

const docs = (code: string) => parseDocuments(sample(flattened.documents, code));
const section = (code: string) => parseDocumentSection(sample(flattened.documents, code));

/** A flattened table as the portal gives it: "<heading>Tên giấy tờMẫu đơn, tờ khaiSố lượng<rows>". */
const HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
const table = (heading: string, ...rows: string[]) => `${heading}${HEADER}${rows.join("")}`;

describe("parseDocuments", () => {
  it("splits the rows of 1.001193 (khai sinh) into documents, and its notes apart", () => {
    const { documents, notes } = section("1.001193");
    expect(documents).toHaveLength(8);
    expect(notes).toHaveLength(25);
    // A conditional document with a quantity of its own stays a document.
    expect(documents[0]).toEqual({
      name: "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.",
      quantity: "1 bản chính",
      group: "Giấy tờ phải nộp",
    });
    expect(documents.filter((d) => d.group === "Giấy tờ phải xuất trình")).toHaveLength(2);
    expect(documents.some((d) => d.group === "Lưu ý")).toBe(false);
    expect(
      documents.some((d) => /^Người tiếp nhận|^Trường hợp giấy tờ tùy thân/u.test(d.name)),
    ).toBe(false);
    expect(notes).toContain(
      "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng thực các giấy tờ phải xuất trình nêu trên.",
    );
    // The application form leads its (headingless) group, ahead of the online form.
    expect(documents.at(-2)?.name).toMatch(/^Tờ khai đăng ký khai sinh theo mẫu/);
    expect(documents.at(-1)?.name).toMatch(/^Mẫu hộ tịch điện tử tương tác/);
  });

  it("separates the form file from the name, reads copies, and puts the application form first", () => {
    expect(docs("1.002010")).toEqual([
      {
        name: "Giấy đề nghị đăng ký hoạt động theo mẫu thống nhất",
        quantity: "1 bản chính",
        form: "Mẫu TP-LS-02-sđ.docx",
      },
      { name: "Dự thảo Điều lệ của công ty luật", quantity: "1 bản chính" },
      {
        name: "Giấy tờ chứng minh về trụ sở của tổ chức hành nghề luật sư.",
        quantity: "0 bản chính, 1 bản sao",
      },
    ]);
  });

  it("gives digits glued to the end of a name back to the name", () => {
    // "…ngày 24/07/20231 bản chính" and "…theo mẫu BM.NCC.20.031 bản chính"
    expect(docs("1.014980")[0]?.name).toMatch(/ngày 24\/07\/2023$/);
    expect(docs("1.014980")[0]?.quantity).toBe("1 bản chính");
    expect(docs("3.000246")[0]?.name).toMatch(/theo mẫu BM\.NCC\.20\.03$/);
  });

  it("does not split at a quantity written inside a name", () => {
    const first = docs("1.007742")[0];
    expect(first?.name).toContain(
      "nộp cho cơ quan hải quan 02 bản chính đối với trường hợp khai trên tờ khai hải quan giấy",
    );
    expect(first?.quantity).toBe("1 bản chính");
    // "(01 bản chính)" in brackets is part of the name, not a row's end (1.011423).
    expect(
      parseDocuments(
        table(
          "--",
          "Phiếu yêu cầu theo Mẫu số 01b tại Phụ lục (01 bản chính) (khoản 1 Điều 39 Nghị định số 99/2022/NĐ-CP).Mau so 01b_Dang ky BPBD tau bay.docx1 bản chính",
          "Hợp đồng bảo đảm (01 bản chính hoặc 01 bản sao có chứng thực) (khoản 1 Điều 39 Nghị định số 99/2022/NĐ-CP).1 bản chính,1 bản sao",
        ),
      ).map((d) => d.name),
    ).toEqual([
      "Phiếu yêu cầu theo Mẫu số 01b tại Phụ lục (01 bản chính) (khoản 1 Điều 39 Nghị định số 99/2022/NĐ-CP).",
      "Hợp đồng bảo đảm (01 bản chính hoặc 01 bản sao có chứng thực) (khoản 1 Điều 39 Nghị định số 99/2022/NĐ-CP).",
    ]);
  });

  it("keeps group headings that sit between tables", () => {
    expect(docs("2.002799").map((d) => d.group)).toEqual([
      "Đối với trường hợp tạm ứng chi phí định giá tài sản",
      "Đối với trường hợp tạm ứng chi phí định giá tài sản",
      "Đối với trường hợp thanh toán chi phí định giá tài sản",
      "Đối với trường hợp thanh toán chi phí định giá tài sản",
    ]);
  });

  it("lists several forms of one row", () => {
    expect(docs("1.004681")[0]).toEqual({
      name: "Đơn đề nghị gia hạn của chủ đầu tư theo mẫu quy định",
      quantity: "1 bản chính",
      form: "1.2. Don de nghi bai bo ket noi ray.docx; 1.2. Don de nghi gia han ket noi ray.docx",
    });
    expect(docs("3.000379")[0]).toMatchObject({
      name: "Văn bản đề nghị cấp giấy phép (theo mẫu)",
      form: "12.1.PLCpgiyphpcungcpDVHKnngh.docx",
    });
  });

  it("returns nothing for empty or malformed input", () => {
    expect(parseDocuments("")).toEqual([]);
    expect(parseDocuments("--")).toEqual([]);
    expect(parseDocuments("KQ.G04.000398")).toEqual([]);
    expect(parseDocumentSection("Tên giấy tờMẫu đơn, tờ khaiSố lượng")).toEqual({
      documents: [],
      notes: [],
    });
  });
});

describe("notes of the documents section", () => {
  // Shaped on 1.000894 (đăng ký kết hôn).
  const ketHon = [
    table(
      "* Giấy tờ phải xuất trình:",
      "- Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước hoặc các giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp.1 bản chính",
      "Trường hợp giấy tờ tùy thân sử dụng là: Hộ chiếu, Thẻ căn cước thì người có yêu cầu đăng ký hộ tịch chỉ cần cung cấp thông tin số định danh cá nhân.0 bản chính",
      "- Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng thực các giấy tờ phải xuất trình nêu trên.0 bản chính",
    ),
    table(
      "* Lưu ý :",
      "+ Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ đăng ký hộ tịch .0 bản chính",
      "- Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp phải được hợp pháp hóa lãnh sự theo quy định của pháp luật.1 bản chính,1 bản sao",
      "+ Đối với giấy tờ xuất trình khi đăng ký hộ tịch, người tiếp nhận có trách nhiệm kiểm tra, đối chiếu với thông tin trong tờ khai.0 bản chính",
      "- Đối với giấy tờ gửi kèm theo nếu người yêu cầu nộp hồ sơ theo hình thức trực tuyến:0 bản chính",
    ),
    table(
      "--",
      "- Mẫu hộ tịch điện tử tương tác đăng ký kết hôn (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tuyến)1 bản chính",
      "- Người có yêu cầu đăng ký kết hôn thực hiện việc nộp/xuất trình (theo hình thức trực tiếp) hoặc tải lên (theo hình thức trực tuyến) các giấy tờ sau:0 bản chính",
      "- Tờ khai đăng ký kết hôn theo mẫu, có đủ thông tin của hai bên nam, nữ;1 bản chính",
    ),
  ].join("");

  it("moves notes out of the documents and puts the tờ khai first (1.000894)", () => {
    const { documents, notes } = parseDocumentSection(ketHon);
    expect(documents).toEqual([
      {
        name: "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước hoặc các giấy tờ khác có dán ảnh và thông tin cá nhân do cơ quan có thẩm quyền cấp.",
        quantity: "1 bản chính",
        group: "Giấy tờ phải xuất trình",
      },
      {
        name: "Tờ khai đăng ký kết hôn theo mẫu, có đủ thông tin của hai bên nam, nữ",
        quantity: "1 bản chính",
      },
      {
        name: "Mẫu hộ tịch điện tử tương tác đăng ký kết hôn (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tuyến)",
        quantity: "1 bản chính",
      },
    ]);
    expect(notes).toHaveLength(7);
    expect(notes[0]).toMatch(/^Trường hợp giấy tờ tùy thân sử dụng là/);
    // Every row of the "Lưu ý" table is a note, even one with a quantity that reads as a rule.
    expect(notes).toContain(
      "Giấy tờ do cơ quan có thẩm quyền của nước ngoài cấp phải được hợp pháp hóa lãnh sự theo quy định của pháp luật.",
    );
    expect(notes.at(-1)).toMatch(/^Người có yêu cầu đăng ký kết hôn thực hiện việc nộp/);
  });

  it("keeps a document that states no original, without the meaningless quantity", () => {
    const { documents, notes } = parseDocumentSection(
      table(
        "Đối với xăng dầu tái xuất",
        "Hóa đơn thương mại: 01 bản chụp0 bản chính",
        "Bản sao hợp đồng mua bán0 bản chính,1 bản sao",
        "Trong thời hạn 15 ngày kể từ ngày nhận hồ sơ, cơ quan hải quan có trách nhiệm trả lời.0 bản chính",
      ),
    );
    expect(documents).toEqual([
      { name: "Hóa đơn thương mại: 01 bản chụp", group: "Đối với xăng dầu tái xuất" },
      {
        name: "Bản sao hợp đồng mua bán",
        quantity: "0 bản chính, 1 bản sao",
        group: "Đối với xăng dầu tái xuất",
      },
    ]);
    expect(notes).toEqual([
      "Trong thời hạn 15 ngày kể từ ngày nhận hồ sơ, cơ quan hải quan có trách nhiệm trả lời.",
    ]);
  });

  it("treats a row labelled 'Lưu ý:' as a note whatever its quantity", () => {
    const { documents, notes } = parseDocumentSection(
      table(
        "--",
        "Tờ khai đề nghị xác nhận theo mẫu1 bản chính",
        "Lưu ý: Trường hợp không khai thác được thông tin trên cơ sở dữ liệu quốc gia về dân cư thì cán bộ yêu cầu bổ sung.1 bản chính",
      ),
    );
    expect(documents.map((d) => d.name)).toEqual(["Tờ khai đề nghị xác nhận theo mẫu"]);
    expect(notes).toEqual([
      "Trường hợp không khai thác được thông tin trên cơ sở dữ liệu quốc gia về dân cư thì cán bộ yêu cầu bổ sung.",
    ]);
  });

  it("moves dossier counts to the notes", () => {
    const { documents, notes } = parseDocumentSection(
      table(
        "1/ Thành phần hồ sơ, bao gồm:",
        "a) Đơn đề nghị cấp Giấy chứng nhận đăng ký hành nghề kiểm toán1 bản chính",
        "2/ Số lượng hồ sơ: 01 (bộ)0 bản chính",
        "Số lượng hồ sơ: 01 (một) bộ.1 bản chính",
      ),
    );
    expect(documents.map((d) => d.name)).toEqual([
      "a) Đơn đề nghị cấp Giấy chứng nhận đăng ký hành nghề kiểm toán",
    ]);
    expect(notes).toEqual(["2/ Số lượng hồ sơ: 01 (bộ)", "Số lượng hồ sơ: 01 (một) bộ."]);
  });

  it("gives no documents when the portal says none are required", () => {
    expect(parseDocumentSection(table("Thành phần hồ sơ", "\tkhông quy định0 bản chính"))).toEqual({
      documents: [],
      notes: ["không quy định"],
    });
  });

  it("keeps only the last '* …' paragraph before a table as its heading (1.014565)", () => {
    const { documents, notes } = parseDocumentSection(
      table(
        "* Trường hợp chưa thực hiện việc kết nối thì hồ sơ phải kèm theo bản sao Giấy chứng nhận đăng ký. * Trường hợp người được ủy quyền không có số định danh cá nhân thì kèm theo hồ sơ phải có:",
        "(i) Bản sao hộ chiếu của người được ủy quyền thực hiện thủ tục.0 bản chính,1 bản sao",
      ),
    );
    expect(documents[0]?.group).toBe(
      "Trường hợp người được ủy quyền không có số định danh cá nhân thì kèm theo hồ sơ phải có",
    );
    expect(notes).toEqual([
      "Trường hợp chưa thực hiện việc kết nối thì hồ sơ phải kèm theo bản sao Giấy chứng nhận đăng ký.",
    ]);
  });

  it("decides from general signals, not from one record's text", () => {
    expect(
      classifyRow("Trường hợp nộp hồ sơ trực tuyến thì không phải nộp bản giấy.", "0 bản chính"),
    ).toBe("note");
    expect(
      classifyRow(
        "Cơ quan đăng ký hộ tịch tra cứu thông tin về tình trạng hôn nhân.",
        "0 bản chính",
      ),
    ).toBe("note");
    // A sentence that names no document and states no quantity.
    expect(
      classifyRow("Thời gian nộp phải trước ngày 15 hằng tháng thì mới được tiếp nhận.", undefined),
    ).toBe("note");
    expect(
      classifyRow("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", "0 bản chính,1 bản sao"),
    ).toBe("document");
    expect(
      classifyRow(
        "Trường hợp 1: Hồ sơ đề nghị bổ sung phạm vi hành nghề",
        "Bản chính: 0 - Bản sao: 0",
      ),
    ).toBe("document");
    expect(classifyRow("Giấy tờ phải xuất trình:", "0 bản chính")).toBe("label");
    // A rule about rows listed above (1.013327), though it begins with "Tài liệu".
    expect(
      classifyRow(
        "c) Tài liệu quy định tại điểm i Mục 1.3.1.1 phải được nộp trước khi kiểm tra",
        undefined,
      ),
    ).toBe("note");
    expect(classifyRow("Sổ BHXH", "1 bản chính", "Ghi chú")).toBe("document");
  });
});

describe("groups of documents", () => {
  it("keeps the heading on every item of a single group (1.009487)", () => {
    const result = parseDocuments(
      table(
        " - Văn bản chấp thuận việc nhà đầu tư đề xuất dự án gồm các nội dung sau:",
        "+ Thời hạn, địa điểm nộp hồ sơ đề xuất dự án;1 bản chính",
        "+ Tên nhà đầu tư lập hồ sơ đề xuất dự án;1 bản chính",
        "+ Các nội dung khác có liên quan.1 bản chính",
      ),
    );
    expect(result).toHaveLength(3);
    for (const d of result) {
      expect(d.group).toBe("Văn bản chấp thuận việc nhà đầu tư đề xuất dự án gồm các nội dung sau");
    }
  });

  it("drops a heading that repeats one of its own rows (1.000084)", () => {
    const result = parseDocuments(
      table(
        "- Tờ trình của chủ rừng theo Mẫu số 14 Phụ lục IB ban hành kèm theo Nghị định số 42/2026/NĐ-CP",
        "- Đề án du lịch sinh thái, nghỉ dưỡng, giải trí trong rừng đặc dụng (bản chính)..1 bản chính",
        "- Tờ trình của chủ rừng theo Mẫu số 14 Phụ lục IB ban hành kèm theo Nghị định số 42/2026/NĐ-CP;Mẫu số 14.docx1 bản chính",
      ),
    );
    expect(result).toEqual([
      {
        name: "Tờ trình của chủ rừng theo Mẫu số 14 Phụ lục IB ban hành kèm theo Nghị định số 42/2026/NĐ-CP",
        quantity: "1 bản chính",
        form: "Mẫu số 14.docx",
      },
      {
        name: "Đề án du lịch sinh thái, nghỉ dưỡng, giải trí trong rừng đặc dụng (bản chính).",
        quantity: "1 bản chính",
      },
    ]);
  });

  it("turns a row announcing a list into the group of the rows after it", () => {
    // Shaped on 1.000080 and 1.005103: "- Chứng cứ … gồm:" heads the "+" rows after it.
    const result = parseDocuments(
      table(
        "* Giấy tờ phải nộp:",
        "- Tờ khai đăng ký nhận cha, mẹ, con theo mẫu1 bản chính",
        "- Chứng cứ chứng minh quan hệ cha, con hoặc quan hệ mẹ, con gồm:0 bản chính",
        "+ Văn bản của cơ quan y tế xác nhận quan hệ cha con, quan hệ mẹ con.1 bản chính",
        "+ Trường hợp không có văn bản nêu trên thì các bên lập văn bản cam đoan về mối quan hệ cha, mẹ, con.1 bản chính",
        "- Văn bản ủy quyền theo quy định của pháp luật1 bản chính",
      ),
    );
    // The parent group's rows come together, then the sub-list under its announcing row.
    expect(result.map((d) => [d.name.slice(0, 30), d.group])).toEqual([
      ["Tờ khai đăng ký nhận cha, mẹ, ", "Giấy tờ phải nộp"],
      ["Văn bản ủy quyền theo quy định", "Giấy tờ phải nộp"],
      [
        "Văn bản của cơ quan y tế xác n",
        "Giấy tờ phải nộp — Chứng cứ chứng minh quan hệ cha, con hoặc quan hệ mẹ, con gồm",
      ],
      [
        "Trường hợp không có văn bản nê",
        "Giấy tờ phải nộp — Chứng cứ chứng minh quan hệ cha, con hoặc quan hệ mẹ, con gồm",
      ],
    ]);
  });

  it("brings together the rows of a heading the portal repeats over two tables", () => {
    const result = parseDocuments(
      table("Trường hợp A", "Bản sao giấy phép1 bản sao") +
        table("Trường hợp B", "Bản khai kinh nghiệm1 bản chính") +
        table("Trường hợp A", "Đơn đề nghị cấp lại giấy phép1 bản chính"),
    );
    expect(result.map((d) => `${d.group}: ${d.name}`)).toEqual([
      "Trường hợp A: Đơn đề nghị cấp lại giấy phép",
      "Trường hợp A: Bản sao giấy phép",
      "Trường hợp B: Bản khai kinh nghiệm",
    ]);
  });

  it("does not move a form the source numbers", () => {
    const result = parseDocuments(
      table("--", "a) Bản sao giấy phép1 bản sao", "b) Đơn đề nghị cấp lại1 bản chính"),
    );
    expect(result.map((d) => d.name)).toEqual(["a) Bản sao giấy phép", "b) Đơn đề nghị cấp lại"]);
  });
});

describe("duplicates", () => {
  it("drops a row repeated in one group with other spacing and punctuation (1.014062)", () => {
    const result = parseDocuments(
      table(
        "--",
        "Phiếu CC01 được tạo lập khi trích xuất thông tin của công dân trong Cơ sở dữ liệu quốc gia về dân cư để công dân kiểm tra và ký xác nhận. Trường hợp công dân chưa có thông tin thì hồ sơ còn có: Phiếu thu thập thông tin dân cư (Mẫu DC01). Giấy tờ, tài liệu chứng minh thông tin công dân.1 bản chính",
        "Giấy tờ, tài liệu có giá trị pháp lý chứng minh là người đại diện hợp pháp của người dưới 14 tuổi1 bản chính",
        "Phiếu CC01 được tạo lập khi trích xuất thông tin của công dân trong Cơ sở dữ liệu quốc gia về dân cư để công dân kiểm tra và ký xác nhận.Trường hợp công dân chưa có thông tin thì hồ sơ còn có Phiếu thu thập thông tin dân cư (Mẫu DC01); Giấy tờ pháp lý chứa thông tin công dân.1 bản chính",
        "- Giấy đề nghị cấp giấy phép theo mẫu.1 bản chính",
        "Giấy  đề nghị cấp giấy phép theo mẫu1 bản chính",
      ),
    );
    expect(result.map((d) => d.name.slice(0, 40))).toEqual([
      "Giấy đề nghị cấp giấy phép theo mẫu.",
      "Phiếu CC01 được tạo lập khi trích xuất t",
      "Giấy tờ, tài liệu có giá trị pháp lý chứ",
    ]);
  });

  it("drops a list the source gives twice, numbered then unnumbered (1.013542)", () => {
    const result = parseDocuments(
      table(
        "--",
        "1. Bản sao Giấy chứng nhận đủ điều kiện về an ninh, trật tự0 bản chính,1 bản sao",
        "2. Phương án nổ mìn được lãnh đạo doanh nghiệp ký duyệt1 bản chính",
        "Bản sao Giấy chứng nhận đủ điều kiện về an ninh, trật tự.0 bản chính,1 bản sao",
        "Phương án nổ mìn được lãnh đạo doanh nghiệp ký duyệt. Trường hợp nổ mìn trong khu vực dân cư thì phải có phương án riêng.1 bản chính",
      ),
    );
    expect(result.map((d) => d.name)).toEqual([
      "1. Bản sao Giấy chứng nhận đủ điều kiện về an ninh, trật tự",
      "2. Phương án nổ mìn được lãnh đạo doanh nghiệp ký duyệt",
    ]);
  });

  it("keeps rows that differ in what they name, or sit in different groups", () => {
    expect(
      sameDocument(
        "Bản sao có chứng thực hoặc bản sao điện tử được chứng thực từ bản chính Giấy chứng nhận dung tích tàu biển",
        "Bản sao có chứng thực hoặc bản sao điện tử được chứng thực từ bản chính Giấy chứng nhận phân cấp tàu biển",
      ),
    ).toBe(false);
    expect(
      sameDocument("3. Hóa đơn, chứng từ mua phương tiện", "8. Hóa đơn, chứng từ mua phương tiện"),
    ).toBe(false);
    const result = parseDocuments(
      table("Đối với xe công vụ", "Bản sao giấy đăng ký xe1 bản sao") +
        table("Đối với phương tiện thương mại", "Bản sao giấy đăng ký xe1 bản sao"),
    );
    expect(result).toHaveLength(2);
  });
});

describe("splitNameAndForm", () => {
  it("finds where a form starts from the glue between cells", () => {
    expect(splitNameAndForm("Đơn xin thường trú theo mẫu;Mẫu-NA12.docx")).toEqual({
      name: "Đơn xin thường trú theo mẫu",
      form: "Mẫu-NA12.docx",
    });
    expect(
      splitNameAndForm(
        "Đơn theo Phụ lục II ban hành kèm theo Nghị định số 38/2026/NĐ-CPPhụ lục II.docx",
      ),
    ).toEqual({
      name: "Đơn theo Phụ lục II ban hành kèm theo Nghị định số 38/2026/NĐ-CP",
      form: "Phụ lục II.docx",
    });
    expect(splitNameAndForm("Bản sao hộ chiếu")).toEqual({ name: "Bản sao hộ chiếu" });
  });

  it("keeps a template's code after 'Mẫu số NN.' in the name", () => {
    expect(
      splitNameAndForm(
        "1. Văn bản đề nghị theo Mẫu số 02.DT tại Phụ lục II ban hành kèm theo Thông tư số 09/2025/TT-BNNMT;Mẫu số 02.DT.docx",
      ),
    ).toEqual({
      name: "1. Văn bản đề nghị theo Mẫu số 02.DT tại Phụ lục II ban hành kèm theo Thông tư số 09/2025/TT-BNNMT",
      form: "Mẫu số 02.DT.docx",
    });
    expect(
      splitNameAndForm(
        "Đơn đăng ký theo Mẫu số 09.QLT Phụ lục IA ban hành kèm theo Nghị định số 32/2026/NĐ-CP;Mẫu số 09.QLT. Buôn bán.docx",
      ).name,
    ).toBe(
      "Đơn đăng ký theo Mẫu số 09.QLT Phụ lục IA ban hành kèm theo Nghị định số 32/2026/NĐ-CP",
    );
  });

  it("takes the file name out of the name at weaker seams", () => {
    const cut = (row: string) => splitNameAndForm(row);
    expect(cut("Đơn đề nghị theo mẫu quy địnhvăn bản đề nghị (thay đổi về nội dung).docx")).toEqual(
      {
        name: "Đơn đề nghị theo mẫu quy định",
        form: "văn bản đề nghị (thay đổi về nội dung).docx",
      },
    );
    expect(
      cut("Đơn theo Mẫu số 31 ban hành kèm theo Nghị định 58/2017/NĐ-CPmẫu đơn đề nghị_6 (1).docx")
        .form,
    ).toBe("mẫu đơn đề nghị_6 (1).docx");
    expect(
      cut("Tờ khai lệ phí theo mẫu số 01/LP ban hành kèm theo Thông tư số 80/2021/TT-BTC01-LP.docx")
        .form,
    ).toBe("01-LP.docx");
    expect(
      cut(
        "Thuyết minh theo Mẫu số 13 ban hành kèm theo Thông tư số 94/2025/TT-BNNMTThuyết minh.docx",
      ),
    ).toEqual({
      name: "Thuyết minh theo Mẫu số 13 ban hành kèm theo Thông tư số 94/2025/TT-BNNMT",
      form: "Thuyết minh.docx",
    });
    expect(
      cut(
        "Báo cáo theo Phụ lục 01 Thông tư số 62/2024/TT-NHNN (đã được sửa đổi, bổ sung),PL 01 TT 62.docx",
      ).form,
    ).toBe("PL 01 TT 62.docx");
    // A stray "." left by the previous row is no seam.
    expect(
      cut(
        ".Văn bản đề nghị theo Phụ lục I ban hành kèm theo Thông tư số 53/2025/TT-NHNN;;Phụ lục I.docx",
      ),
    ).toEqual({
      name: "Văn bản đề nghị theo Phụ lục I ban hành kèm theo Thông tư số 53/2025/TT-NHNN",
      form: "Phụ lục I.docx",
    });
  });

  it("strips stray punctuation and bullets left at the start of a name", () => {
    const result = parseDocuments(
      table(
        "--",
        ". Phương án kinh doanh dự kiến trong 03 năm đầu1 bản chính",
        "*) Tờ khai đăng ký tàu biển theo mẫu quy định1 bản chính,1 bản sao",
        "; Hợp đồng mua bán hàng hóa: 01 bản chụp1 bản chính",
      ),
    );
    expect(result.map((d) => d.name)).toEqual([
      "Tờ khai đăng ký tàu biển theo mẫu quy định",
      "Phương án kinh doanh dự kiến trong 03 năm đầu",
      "Hợp đồng mua bán hàng hóa: 01 bản chụp",
    ]);
  });
});

describe("BQP documents (table rows)", () => {
  it("cleans the rows like the portal's and puts notes in documentNotes", () => {
    const raw = bqpRawSchema.parse({
      metadata: { mã_thủ_tục: "1.013124", tên_thủ_tục: "Thủ tục thử" },
      content: {},
      tables: {
        thanh_phan_ho_so: [
          {
            ten_giay_to: "- Bản sao quyết định xuất ngũ",
            so_luong: "",
            ghi_chu: "Bản chính: 0\nBản sao: 1",
          },
          {
            ten_giay_to: "Đơn đề nghị theo mẫu",
            so_luong: "5-PHLCII.doc",
            ghi_chu: "Bản chính: 1\nBản sao: 0",
          },
          {
            ten_giay_to:
              "Trường hợp nộp hồ sơ qua dịch vụ bưu chính thì phải gửi kèm bản sao có chứng thực.",
            so_luong: "",
            ghi_chu: "Bản chính: 0\nBản sao: 0",
          },
          {
            ten_giay_to: "Bản sao quyết định xuất ngũ.",
            so_luong: "",
            ghi_chu: "Bản chính: 0\nBản sao: 1",
          },
          {
            ten_giay_to: "Dự thảo văn bản quyết định thành lập trung tâm",
            so_luong: "",
            ghi_chu: "Bản chính: 0\nBản sao: 0",
          },
        ],
      },
    });
    const { procedure } = mapBqpRecord(raw);
    expect(procedure.documents).toEqual([
      { name: "Đơn đề nghị theo mẫu", quantity: "Bản chính: 1 - Bản sao: 0", form: "5-PHLCII.doc" },
      { name: "Bản sao quyết định xuất ngũ", quantity: "Bản chính: 0 - Bản sao: 1" },
      { name: "Dự thảo văn bản quyết định thành lập trung tâm" },
    ]);
    expect(procedure.documentNotes).toEqual([
      "Trường hợp nộp hồ sơ qua dịch vụ bưu chính thì phải gửi kèm bản sao có chứng thực.",
    ]);
  });
});
