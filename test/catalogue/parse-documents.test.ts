import { describe, expect, it } from "vitest";
import { parseDocuments, splitNameAndForm } from "../../src/catalogue/parse-documents.ts";
import { flattened, sample } from "./flattened.ts";

const docs = (code: string) => parseDocuments(sample(flattened.documents, code));

describe("parseDocuments", () => {
  it("splits the rows of 1.001193 (khai sinh) into documents with groups and quantities", () => {
    const result = docs("1.001193");
    expect(result).toHaveLength(33);
    expect(result[0]).toEqual({
      name: "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.",
      quantity: "1 bản chính",
      group: "Giấy tờ phải nộp",
    });
    expect(result.filter((d) => d.group === "Giấy tờ phải xuất trình")).toHaveLength(6);
    const form = result.find((d) => d.name.startsWith("Tờ khai đăng ký khai sinh"));
    expect(form).toEqual({
      name: "Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính)",
      quantity: "1 bản chính",
    });
  });

  it("separates the form file from the name and reads copies", () => {
    expect(docs("1.002010")).toEqual([
      { name: "Dự thảo Điều lệ của công ty luật", quantity: "1 bản chính" },
      {
        name: "Giấy tờ chứng minh về trụ sở của tổ chức hành nghề luật sư.",
        quantity: "0 bản chính, 1 bản sao",
      },
      {
        name: "Giấy đề nghị đăng ký hoạt động theo mẫu thống nhất",
        quantity: "1 bản chính",
        form: "Mẫu TP-LS-02-sđ.docx",
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
    expect(docs("1.004681")[1]).toEqual({
      name: "Đơn đề nghị gia hạn của chủ đầu tư theo mẫu quy định",
      quantity: "1 bản chính",
      form: "1.2. Don de nghi bai bo ket noi ray.docx; 1.2. Don de nghi gia han ket noi ray.docx",
    });
    expect(docs("3.000379")[0]).toMatchObject({
      name: "Văn bản đề nghị cấp giấy phép (theo mẫu)",
      form: "12.1.PLCpgiyphpcungcpDVHKnngh.docx",
    });
  });

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

  it("returns [] for empty or malformed input", () => {
    expect(parseDocuments("")).toEqual([]);
    expect(parseDocuments("--")).toEqual([]);
    expect(parseDocuments("KQ.G04.000398")).toEqual([]);
    expect(parseDocuments("Tên giấy tờMẫu đơn, tờ khaiSố lượng")).toEqual([]);
  });
});
