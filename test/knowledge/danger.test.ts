// The danger-sign table (src/knowledge/danger-signs.ts) read the way parents write: Indonesian,
// chat spelling and Banjar Hulu. Each phrasing must reach the Buku KIA list that answers it;
// everyday questions that only share a word must not.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.js";
import { buildFaqIndex, findDangerSign, loadFaqTopics, matchQuestion } from "../../src/knowledge/index.js";

const P = "tanda-bahaya-kehamilan";
const N = "tanda-bahaya-nifas";
const B = "tanda-bahaya-bbl";
const A = "tanda-bahaya-anak";

type Style = "id" | "chat" | "bjn";

const DANGER: readonly (readonly [string, Style, string])[] = [
  // pregnancy: bleeding, water, movements
  ["hamil 7 bulan keluar darah dari jalan lahir", "id", P],
  ["ibu hamil mengalami perdarahan", "id", P],
  ["bumil kluar flek darah gmn", "chat", P],
  ["hamil muda pendarahan dikit2", "chat", P],
  ["ulun batianan kaluar darah", "bjn", P],
  ["batianan badarah matan bawah", "bjn", P],
  ["kaluar darah", "bjn", P],
  ["air ketuban saya rembes padahal baru 8 bulan", "id", P],
  ["ketuban pecah tapi belum mules", "id", P],
  ["hamil 36 mgg ketuban rembes", "chat", P],
  ["banyu katuban kaluar, ulun batianan 8 bulan", "bjn", P],
  ["gerakan janin berkurang sejak kemarin", "id", P],
  ["bayi dalam kandungan tidak bergerak sejak pagi", "id", P],
  ["dedek bayi di perut jarang gerak skrg", "chat", P],
  ["bayi di parut kada bagarak pina lawas", "bjn", P],
  // pre-eclampsia signs, with or without swelling
  ["sakit kepala hebat", "id", P],
  ["saya hamil 8 bulan, sakit kepala hebat", "id", P],
  ["hamil 32 minggu pandangan kabur", "id", P],
  ["kepala rasanya mau pecah, saya hamil", "id", P],
  ["bumil pusing bgt pandangan berkunang2", "chat", P],
  ["hamil 8 bln sakit kepala parah", "chat", P],
  ["kaki bengkak dan pusing hebat saat hamil", "id", P],
  ["wajah dan tangan bengkak waktu hamil", "id", P],
  ["batis bangkak wan sakit kapala", "bjn", P],
  ["ulun batianan, kapala sakit banar", "bjn", P],
  ["ulun hamil 8 bulan, mata kabur", "bjn", P],
  ["ibu hamil kejang", "id", P],
  ["bumil kejang2 tadi pagi", "chat", P],
  ["urang batianan kajang", "bjn", P],
  // pregnancy: other signs
  ["nyeri perut hebat", "id", P],
  ["hamil 6 bulan perut sakit sekali", "id", P],
  ["hamil muntah terus tidak bisa makan minum", "id", P],
  ["sy bumil muntah2 trs ga bs makan minum", "chat", P],
  ["bumil demam tinggi", "chat", P],
  ["ulun batianan parut sakit banar", "bjn", P],
  ["batianan muak tarus kada kawa makan", "bjn", P],
  ["ibu hamil sesak napas", "id", P],
  ["ibu hamil lemas sekali dan hampir pingsan", "id", P],
  // nifas
  ["habis melahirkan darah nifas banyak sekali", "id", N],
  ["perdarahan banyak seminggu setelah melahirkan", "id", N],
  ["darah nifas berbau busuk", "id", N],
  ["demam setelah melahirkan", "id", N],
  ["saya baru melahirkan 5 hari lalu sekarang demam", "id", N],
  ["payudara merah bengkak dan demam setelah melahirkan", "id", N],
  ["payudara saya merah dan nyeri sekali", "id", N],
  ["sakit kepala hebat setelah melahirkan", "id", N],
  ["pandangan kabur habis melahirkan", "id", N],
  ["kejang setelah persalinan", "id", N],
  ["betis kiri bengkak merah dan nyeri setelah melahirkan", "id", N],
  ["sesak napas setelah operasi sesar", "id", N],
  ["setelah melahirkan saya sedih terus dan sering menangis", "id", N],
  ["habis melahirkan saya cemas terus tidak bisa tidur", "id", N],
  ["kadang saya ingin menyakiti bayi saya", "id", N],
  ["rasanya ingin bunuh diri sejak punya bayi", "id", N],
  ["apakah ini baby blues", "id", N],
  ["abis lahiran demam menggigil", "chat", N],
  ["darah nifas bau bgt normal gk", "chat", N],
  ["bufas pusing hebat", "chat", N],
  ["stlh lahiran sedih trs pgn nangis", "chat", N],
  ["abis sesar perut sakit bgt", "chat", N],
  ["imbah baranak ulun demam", "bjn", N],
  ["darah nifas babau", "bjn", N],
  ["darah nifas ulun babau busuk", "bjn", N],
  ["ulun hanyar baranak badarah banyak banar", "bjn", N],
  ["imbah baranak susu ulun habang wan sakit", "bjn", N],
  ["imbah baranak kapala sakit banar", "bjn", N],
  ["imbah baranak ulun sadih tarus, rancak manangis", "bjn", N],
  ["imbah baranak batis ulun bangkak wan sakit", "bjn", N],
  // newborn
  ["napas bayi cepat", "id", B],
  ["bayi badannya dingin", "id", B],
  ["bayi merintih", "id", B],
  ["pusar bayi merah bengkak", "id", B],
  ["tali pusat bayi bernanah dan berbau", "id", B],
  ["bayi baru lahir tidak mau menyusu", "id", B],
  ["bayi saya umur 5 hari badannya kuning sampai telapak kaki", "id", B],
  ["kulit bayi kuning", "id", B],
  ["bayi baru lahir demam", "id", B],
  ["bayi 3 hari kejang", "id", B],
  ["bayi lemas sulit dibangunkan", "id", B],
  ["bayi 10 hari muntah terus", "id", B],
  ["dada bayi tertarik ke dalam waktu bernapas", "id", B],
  ["bayi br lahir napasnya cepet bgt", "chat", B],
  ["dedek bayi ga mau nyusu dr pagi", "chat", B],
  ["baby sy kuning smp kaki", "chat", B],
  ["pusar bayi bau busuk", "chat", B],
  ["bayi tdk mau netek lemes", "chat", B],
  ["bayi kada hakun manyusu", "bjn", B],
  ["pusat bayi habang", "bjn", B],
  ["bayi ulun awaknya panas", "bjn", B],
  ["bayi hanyar lahir awaknya panas", "bjn", B],
  ["bayi hanyar lahir bahinak cepat banar", "bjn", B],
  ["bayi ulun marintih", "bjn", B],
  ["awak bayi dingin", "bjn", B],
  ["tali pusat bayi babau wan habang", "bjn", B],
  ["bayi ulun kuning sampai talapak tangan", "bjn", B],
  // sick child
  ["anak saya bab berdarah", "id", A],
  ["bab berdarah", "id", A],
  ["anak diare bercampur darah", "id", A],
  ["anak kejang waktu demam", "id", A],
  ["anak 2 tahun sesak napas dadanya cekung", "id", A],
  ["anak lemas tidak mau bangun", "id", A],
  ["anak muntah terus setiap kali minum", "id", A],
  ["balita tidak bisa minum sama sekali", "id", A],
  ["anak demam tinggi", "id", A],
  ["anak diare matanya cekung", "id", A],
  ["bayi 8 bulan napasnya cepat", "id", A],
  ["ank sy berak darah", "chat", A],
  ["ank step td malem", "chat", A],
  ["anak pup ada darahnya", "chat", A],
  ["ank tdk sadar abis demam", "chat", A],
  ["anak ulun bahira badarah", "bjn", A],
  ["anak ulun kajang", "bjn", A],
  ["anak ulun kada kawa nginum, muak tarus", "bjn", A],
  ["anak bahinak sasak", "bjn", A],
  ["anak lamah banar kada hakun bangun", "bjn", A],
  // asking for a list
  ["apa saja tanda bahaya setelah melahirkan", "id", N],
  ["apa haja tanda bahaya imbah baranak", "bjn", N],
  ["tanda2 bahaya pd bayi baru lahir apa aja", "chat", B],
];

const NOT_DANGER: readonly (readonly [string, Style])[] = [
  // An animal is no family member: its signs are not the Buku KIA's.
  ["kucing saya muntah terus dari pagi", "id"],
  ["sapi ulun kada hakun makan, muntah tarus", "bjn"],
  ["tablet tambah darah diminum kapan", "id"],
  ["tekanan darah ibu hamil normal berapa", "id"],
  ["ASI pertama warnanya kuning", "id"],
  ["bolehkah bayi makan kuning telur", "id"],
  ["ank sy demam 3 hr gk turun2", "chat"],
  ["anak demam 38 derajat kapan ke puskesmas", "id"],
  ["imbah disuntik di posyandu anak ulun panas awaknya", "bjn"],
  ["pusar bayi berdarah sedikit waktu lepas", "id"],
  ["kaki bengkak waktu hamil tua normal?", "id"],
  ["ibu hamil sering pusing dan pucat", "id"],
  ["kapan boleh hamil lagi setelah melahirkan", "id"],
  ["bayi 3 bulan diberi air putih karena cuaca panas", "id"],
  ["anak panas dingin tangan kakinya", "id"],
  ["payudara bengkak waktu menyusui normal?", "id"],
  ["ASI perah berbau asam apakah masih boleh", "id"],
  ["hamil 41 minggu belum mules", "id"],
  ["daftar makanan mpasi 6 bulan", "id"],
  ["anak ulun kada hakun makan sayur", "bjn"],
];

describe("danger signs table", () => {
  it("has at least 100 danger phrasings in Indonesian, chat spelling and Banjar", () => {
    expect(DANGER.length).toBeGreaterThanOrEqual(100);
    for (const style of ["id", "chat", "bjn"] as const) expect(DANGER.filter((d) => d[1] === style).length).toBeGreaterThanOrEqual(20);
    for (const topic of [P, N, B, A]) expect(DANGER.filter((d) => d[2] === topic).length).toBeGreaterThanOrEqual(15);
  });

  it.each(DANGER)("%s (%s) -> %s", (text, _style, topic) => {
    expect(findDangerSign(text)?.topicId).toBe(topic);
  });

  it.each(NOT_DANGER)("%s (%s) is not a danger sign", (text) => {
    expect(findDangerSign(text)).toBeNull();
  });
});

describe("danger signs in the FAQ answer", () => {
  const index = buildFaqIndex(loadFaqTopics());

  it.each(DANGER.filter((_, i) => i % 5 === 0))("answers %s with the danger list first", (text, _style, topic) => {
    expect(matchQuestion(index, text)).toMatchObject({ kind: "answer", topicId: topic, danger: true });
  });

  it("falls back to the best danger topic when the Pokja disabled the listed one", () => {
    const withoutNifas = buildFaqIndex(loadFaqTopics().filter((t) => t.id !== N));
    const m = matchQuestion(withoutNifas, "darah nifas berbau busuk");
    expect(m).toMatchObject({ kind: "answer", danger: true });
  });
});

describe("post-term pregnancy questions", () => {
  const index = buildFaqIndex(loadFaqTopics());
  it.each([
    "sudah lewat HPL tapi bayi belum lahir",
    "kehamilan saya sudah 41 minggu belum ada tanda melahirkan",
    "belum melahirkan padahal sudah lewat perkiraan lahir",
    "hpl udh lewat seminggu blm lahiran",
    "lewat hpl belum lahir gimana",
    "HPL hudah liwat, bayi balum lahir",
    "ulun batianan 42 minggu balum baranak",
  ])("%s -> kehamilan-lewat-waktu", (text) => {
    expect(matchQuestion(index, text)).toMatchObject({ kind: "answer", topicId: "kehamilan-lewat-waktu" });
  });
});

describe("nifas danger signs in the KF reminders", () => {
  it("lists them in the KF1 message and names the main ones in KF2–KF4, in both languages", async () => {
    const i18n = await createI18n();
    const vars = { until: "2 Januari 2027", visit: "KF2", fromDay: 3, toDay: 7 };
    const first = { id: i18n.t("id", "reminders:kf.first", vars), bjn: i18n.t("bjn", "reminders:kf.first", vars) };
    for (const word of [
      "perdarahan",
      "berbau",
      "demam",
      "payudara",
      "sakit kepala hebat",
      "pandangan kabur",
      "kejang",
      "betis",
      "sesak",
      "sedih",
      "menyakiti",
    ]) {
      expect(first.id).toContain(word);
    }
    for (const word of [
      "badarah",
      "babau",
      "panas",
      "susu habang",
      "kapala sakit banar",
      "mata kabur",
      "kajang",
      "betis",
      "sasak",
      "sadih",
      "manyakiti",
    ]) {
      expect(first.bjn).toContain(word);
    }
    expect(i18n.t("id", "reminders:kf.visit", vars)).toMatch(/perdarahan banyak, demam, darah nifas berbau.*SEGERA ke bidan/);
    expect(i18n.t("bjn", "reminders:kf.visit", vars)).toMatch(/badarah banyak, awak panas, darah nifas babau.*LAKASI ka bidan/);
  });
});
