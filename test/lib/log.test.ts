import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, safeError } from "../../src/lib/log.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger("info", stream), output: () => lines.join("") };
}

describe("logging", () => {
  it("redacts personal data even when an object carrying it is logged whole", () => {
    const { log, output } = capture();
    log.info({ contact: { phone: "6281234567890", name: "Siti Aminah", nik: "6311010101010001" }, text: "anak saya demam" }, "x");
    log.info({ req: { headers: { authorization: "Bearer secret-token", cookie: "sid=abc" } } }, "y");
    const out = output();
    for (const secret of ["6281234567890", "Siti Aminah", "6311010101010001", "anak saya demam", "secret-token", "sid=abc"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("[redacted]");
  });

  it("reduces database errors to codes, without the query's parameters", () => {
    const driver = Object.assign(new Error("Failed query: insert into contacts values ($1)\nparams: 6281234567890"), { code: "23505" });
    const wrapped = new Error("handling an inbound web message", { cause: driver });
    const safe = safeError(wrapped);
    expect(JSON.stringify(safe)).not.toContain("6281234567890");
    expect(safe).toEqual({ type: "Error", message: "Error: handling an inbound web message <- Error: (query)", code: "23505" });
  });
});
