import { describe, expect, it } from "vitest";
import { ZaloApiError, ZaloOutsideWindowError } from "../src/channels/zalo-api.ts";
import { DataFileError, issueProblems, MotcuaError } from "../src/errors.ts";
import { CaseNotFoundError, PermanentDeliveryError } from "../src/feedback/index.ts";

describe("errors", () => {
  it("a bad data file names the file and lists every problem", () => {
    const one = new DataFileError("data/holidays.json", ["days.0.date: must be a date"]);
    expect(one).toBeInstanceOf(MotcuaError);
    expect(one).toMatchObject({ name: "DataFileError", code: "data_file_invalid" });
    expect(one.message).toBe("Invalid data file data/holidays.json: days.0.date: must be a date");
    const two = new DataFileError("x.json", ["a: wrong", "b: missing"]);
    expect(two.message).toBe("Invalid data file x.json:\n  a: wrong\n  b: missing");
  });

  it("zod-style issues become problem lines", () => {
    expect(
      issueProblems([
        { path: ["days", 0, "to"], message: "is before date" },
        { path: [], message: "expected object" },
      ]),
    ).toEqual(["days.0.to: is before date", "(file): expected object"]);
  });

  it("every error carries its class name and a stable code", () => {
    expect(new CaseNotFoundError("PAKN-1")).toMatchObject({
      name: "CaseNotFoundError",
      code: "case_not_found",
    });
    const api = new ZaloApiError(-201, "message/cs", "refused", false);
    expect(api).toMatchObject({ name: "ZaloApiError", code: "zalo_api_failed", apiCode: -201 });
    const window = new ZaloOutsideWindowError(-230, "message/cs");
    expect(window).toBeInstanceOf(PermanentDeliveryError);
    expect(window).toMatchObject({ name: "ZaloOutsideWindowError", code: "zalo_outside_window" });
    expect(new PermanentDeliveryError("blocked").code).toBe("permanent_delivery_failure");
  });
});
