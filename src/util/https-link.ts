/** The only links an attachment may carry to staff: https, no white space, not huge. */
export const isHttpsLink = (value: unknown): value is string =>
  typeof value === "string" && /^https:\/\/\S{1,2000}$/.test(value);
