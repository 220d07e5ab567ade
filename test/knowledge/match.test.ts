import { describe, expect, it } from "vitest";
import { buildFaqIndex, hasDangerWords, isQuestionLike, loadFaqTopics, matchQuestion } from "../../src/knowledge/index.js";
import type { FaqMatch, FaqTopic } from "../../src/knowledge/index.js";
import { withinOneEdit } from "../../src/knowledge/question.js";

// The real content (all sections present on disk), built once like the service does at start.
const topics = loadFaqTopics();
const index = buildFaqIndex(topics);
const best = (m: FaqMatch) => (m.kind === "answer" ? m.topicId : m.kind === "choices" ? m.topicIds[0] : null);

describe("matchQuestion on the FAQ content", () => {
  // Questions written for this test only (not copied from examples or the evaluation set).
  it.each([
    ["plain", "Apa yang dimaksud dengan stunting pada balita?", "stunting-definisi"],
    ["plain", "Berapa jumlah minimal tablet tambah darah selama kehamilan?", "ttd-ibu-hamil"],
    ["plain", "Apakah ASI perah boleh disimpan di lemari es?", "asip-penyimpanan"],
    ["plain", "Pada usia berapa bayi mulai diberi makanan pendamping?", "mpasi-mulai"],
    ["chat", "bumil lila 22cm itu kek ya bu?", "kek-lila"],
    ["chat", "bayi 7bln udh boleh mkn telor blm", "mpasi-protein-hewani"],
    ["chat", "sufor lbh bagus dr asi gk sih", "susu-formula"],
    ["chat", "asi prtama yg kuning kental itu dibuang aja?", "kolostrum"],
    ["banjar", "amun batianan bulih kah makan iwak wan hintalu, kata urang pamali", "mitos-pantangan"],
    ["banjar", "anak ulun 1 tahun makan barapa kali saari", "mpasi-frekuensi"],
    ["banjar", "kanapa kakanakan kawa stunting, apa sababnya", "stunting-penyebab"],
    ["mixed", "ulun mau tanya, mpasi pertama bagusnya apa?", "mpasi-mulai"],
  ])("%s: %s", (_style, question, expected) => {
    const m = matchQuestion(index, question);
    expect(m.kind).not.toBe("none");
    expect(best(m)).toBe(expected);
  });

  it.each([
    ["halo bu", "greeting"],
    ["Assalamualaikum bu bidan", "greeting"],
    ["p", "greeting"],
    ["makasih banyak bu 🙏", "thanks"],
    ["tarima kasih banyak lah", "thanks"],
    ["kapan pasar malam buka", "offtopic"],
    ["berapa harga telur di pasar sekarang", "offtopic"],
    ["cara urus KTP yang hilang", "offtopic"],
    ["bansos PKH kapan cair", "offtopic"],
    ["siapa pemenang pertandingan bola tadi malam", "offtopic"],
    ["ulun handak manukar mutur bekas", "offtopic"],
    ["🙏🙏", "offtopic"],
  ])("declines %s (%s)", (question, reason) => {
    const m = matchQuestion(index, question);
    expect(m).toMatchObject({ kind: "none", reason });
  });

  it("puts danger-sign topics first even when other topics share the words", () => {
    // "makan" and "ibu hamil" pull towards the diet topic; the bleeding must win.
    const m = matchQuestion(index, "ibu hamil makan apa, tapi sekarang keluar darah dari jalan lahir");
    expect(m).toMatchObject({ kind: "answer", topicId: "tanda-bahaya-kehamilan", danger: true });
    const banjar = matchQuestion(index, "ulun batianan 8 bulan, banyu katuban kaluar");
    expect(banjar).toMatchObject({ kind: "answer", danger: true });
  });

  it.each(["bayi baru lahir tidak mau menyusu sejak pagi", "anak saya demam tinggi lalu kejang", "badan bayi kuning sampai telapak kaki"])(
    "answers a danger topic for: %s",
    (question) => {
      const m = matchQuestion(index, question);
      expect(m.kind).toBe("answer");
      if (m.kind === "answer") {
        expect(m.danger).toBe(true);
        expect(index.topics.get(m.topicId)?.danger).toBe(true);
      }
    },
  );

  it("still reads a person's danger sign when an animal is named too", () => {
    expect(matchQuestion(index, "anak saya digigit anjing lalu kejang")).toMatchObject({
      kind: "answer",
      topicId: "tanda-bahaya-anak",
      danger: true,
    });
  });

  // Written for this test (not copied from the question sets): a greeting or a story before the
  // question, and situations that do not name the topic.
  it.each([
    ["Pagi bu, mau nanya, anak sy kan baru 6 bln, kata ipar boleh langsung dikasih nasi tim. Mulai makannya gimana bu?", "mpasi-mulai"],
    [
      "Assalamualaikum bu bidan, maaf ganggu. Saya sudah 3 bulan tidak ke posyandu karena sibuk panen. Imunisasi anak saya yang terlewat bagaimana?",
      "imunisasi-kejar",
    ],
    ["Halo kak, aku tiap pagi muntah-muntah kecil, baru tau hamil 6 minggu. Wajar ya?", "mual-muntah-hamil"],
    ["Salamat sore bu, ulun handak batakun. Laki ulun marukuk di dalam rumah, ulun batianan. Bahaya kah?", "rokok"],
  ])("answers a story-style question directly: %s", (question, expected) => {
    expect(matchQuestion(index, question)).toMatchObject({ kind: "answer", topicId: expected });
  });

  it("answers 'apa itu stunting?' directly, without a menu", () => {
    for (const q of ["apa itu stunting?", "stunting itu apa", "Pagi bu, stunting tu apa sih?"]) {
      expect(matchQuestion(index, q)).toMatchObject({ kind: "answer", topicId: "stunting-definisi" });
    }
  });

  it("tells questions from dialogue answers, so a dialogue answers only questions aside", () => {
    for (const q of [
      "kapan mulai mpasi",
      "bumil boleh makan nanas",
      "asi ulun sadikit, kayapa?",
      "anak ulun kada hakun makan nasi handak jajan",
    ]) {
      expect(isQuestionLike(q), q).toBe(true);
    }
    for (const a of ["Tebing Tinggi", "ibu hamil", "lahir 3 bulan tadi", "anak ke 2", "tidak tahu"])
      expect(isQuestionLike(a), a).toBe(false);
  });

  it("gives every decision a confidence between 0 and 1", () => {
    for (const q of ["apa itu stunting?", "anak stunting", "harga beras", "halo"]) {
      const m = matchQuestion(index, q);
      expect(m.confidence).toBeGreaterThanOrEqual(0);
      expect(m.confidence).toBeLessThanOrEqual(1);
    }
  });

  it("reports the language of the question", () => {
    expect(matchQuestion(index, "anak ulun kada hakun makan").lang).toBe("bjn");
    expect(matchQuestion(index, "anak saya tidak mau makan").lang).toBe("id");
  });

  it("offers 2–3 choices, never one, when unsure", () => {
    for (const q of ["anak stunting", "hamil bulan", "asi bayi"]) {
      const m = matchQuestion(index, q);
      if (m.kind === "choices") {
        expect(m.topicIds.length).toBeGreaterThanOrEqual(2);
        expect(m.topicIds.length).toBeLessThanOrEqual(3);
      }
    }
  });
});

describe("danger wording", () => {
  it.each([
    ["hamil keluar darah", true],
    ["bumil flek", true],
    ["bayi tidak mau nyusu", true],
    ["anak step", true],
    ["ASI pertama warnanya kuning", false],
    ["tablet tambah darah diminum kapan", false],
    ["tekanan darah ibu hamil", false],
  ])("%s -> %s", (text, expected) => {
    expect(hasDangerWords(text)).toBe(expected);
  });
});

describe("buildFaqIndex with other topic sources", () => {
  const topic = (id: string, examples: string[], danger = false): FaqTopic => ({
    id,
    section: "A",
    danger,
    source: "test",
    keywords: { id: [], bjn: [] },
    examples: { id: examples, bjn: [] },
  });

  it("works for a database-style topic list without titles", () => {
    const small = buildFaqIndex([
      topic("telur", ["telur untuk bayi", "bayi makan telur"]),
      topic("madu", ["madu untuk bayi", "bayi minum madu"]),
    ]);
    expect(matchQuestion(small, "bolehkah bayi diberi madu")).toMatchObject({ kind: "answer", topicId: "madu" });
  });

  it("rejects duplicate topic ids", () => {
    expect(() => buildFaqIndex([topic("x", ["a b"]), topic("x", ["c d"])])).toThrow(/duplicate/);
  });
});

describe("withinOneEdit", () => {
  it.each([
    ["stunting", "stuntng", true],
    ["imunisasi", "imunisasih", true],
    ["kuning", "pusing", false],
    ["telur", "telor", true],
    ["ikan", "ikan", true],
  ])("%s ~ %s = %s", (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
  });
});
