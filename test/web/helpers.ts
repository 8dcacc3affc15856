import { Writable } from "node:stream";
import type { AddressInfo } from "node:net";
import type http from "node:http";
import type { AskResult, ProcedureRef } from "../../src/assistant/types.ts";
import { createLogger, type Logger } from "../../src/logger.ts";

export const PASSPORT_CHOICES: ProcedureRef[] = [
  {
    code: "2.001562",
    name: "Cấp hộ chiếu phổ thông ở trong nước",
    level: "Cấp tỉnh",
    url: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.001562",
    score: 0.8,
  },
  {
    code: "2.002123",
    name: "Cấp hộ chiếu phổ thông ở nước ngoài",
    level: "Cấp bộ",
    url: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.002123",
    score: 0.78,
  },
];

export const XSS = "<img src=x onerror=alert(1)>";

/** A stand-in for the assistant: the answer depends on words in the question. */
export function fakeAsk(question: string): AskResult {
  const base: AskResult = {
    question,
    intent: "procedure",
    aspect: "overview",
    confidence: "sure",
    answer: `Bạn hỏi: ${question}`,
    procedures: [],
    choices: [],
  };
  if (question.includes("boom")) throw new Error("assistant exploded at /secret/path.ts:42");
  if (question.includes("xss")) return { ...base, answer: `Trả lời: ${XSS}\nDòng hai` };
  if (question.endsWith(`(mã ${PASSPORT_CHOICES[0]!.code})`)) {
    return {
      ...base,
      answer: `Thủ tục: ${PASSPORT_CHOICES[0]!.name}\nXem chi tiết: ${PASSPORT_CHOICES[0]!.url}.\nKhông phải link: javascript:alert(1)`,
      procedures: [PASSPORT_CHOICES[0]!],
    };
  }
  if (question.includes("hộ chiếu")) {
    return {
      ...base,
      confidence: "ambiguous",
      answer: "Bạn muốn hỏi thủ tục nào?",
      procedures: PASSPORT_CHOICES,
      choices: PASSPORT_CHOICES,
    };
  }
  return {
    ...base,
    procedures: [{ ...PASSPORT_CHOICES[0]!, code: "1.001193", name: "Đăng ký khai sinh" }],
  };
}

/** A logger whose JSON lines are kept in memory. */
export function memoryLogger(): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination: stream });
  const text = () => chunks.join("");
  const lines = () =>
    text()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, text };
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
