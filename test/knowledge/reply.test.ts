import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.js";
import { buildFaqIndex, loadFaqTopics, matchQuestion, renderFaqReply } from "../../src/knowledge/index.js";

const i18n = await createI18n();
const index = buildFaqIndex(loadFaqTopics());

describe("renderFaqReply", () => {
  it("answers in Banjar when asked in Banjar, with title, answer and source", () => {
    const m = matchQuestion(index, "hintalu bulih kah gasan bayi 6 bulan, ulun takutan alergi");
    const reply = renderFaqReply(i18n, index, m, "id");
    expect(m.kind).toBe("answer");
    expect(reply.text).toContain(i18n.t("bjn", "faq:mpasi-protein-hewani.answer"));
    expect(reply.text).toContain("Sumbernya:");
  });

  it("starts danger answers with the go-now line", () => {
    const m = matchQuestion(index, "saya hamil 7 bulan keluar darah dari jalan lahir");
    const reply = renderFaqReply(i18n, index, m, "id");
    expect(reply.text.startsWith(i18n.t("id", "knowledge:danger.prefix"))).toBe(true);
  });

  it("numbers the choices with their titles", () => {
    const reply = renderFaqReply(i18n, index, { kind: "choices", topicIds: ["imd", "kolostrum"], lang: null, ranked: [] }, "id");
    expect(reply.choices).toEqual(["imd", "kolostrum"]);
    expect(reply.text).toContain(`1. ${i18n.t("id", "faq:imd.title")}`);
    expect(reply.text).toContain(`2. ${i18n.t("id", "faq:kolostrum.title")}`);
  });

  it("uses the user's language for greetings without language markers", () => {
    const reply = renderFaqReply(i18n, index, matchQuestion(index, "halo"), "bjn");
    expect(reply.text).toBe(i18n.t("bjn", "knowledge:none.greeting"));
  });

  it("offers 'selengkapnya' only when the topic has a longer text", () => {
    const withMore = renderFaqReply(i18n, index, { kind: "answer", topicId: "anc-jadwal", score: 1, danger: false, lang: "id", ranked: [] }, "id");
    expect(withMore.moreTopicId).toBe("anc-jadwal");
    const without = renderFaqReply(i18n, index, { kind: "answer", topicId: "skm", score: 1, danger: false, lang: "id", ranked: [] }, "id");
    expect(without.moreTopicId).toBeUndefined();
  });
});
