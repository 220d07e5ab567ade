// When campaigns go, on a clock the test moves: a send crossing 21:00 WITA waits until 06:00, a
// send at a time starts then, and a repeating campaign goes on the right days in WITA.
import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { campaignTick } from "../../src/campaigns/index.js";
import { queryRows } from "../../src/db/client.js";
import { campaignOutbox, startSendWorld, telegramPeople, until, type SendWorld } from "./send-world.js";

let world: SendWorld;
beforeAll(async () => {
  // A short window of queued messages, so the minute job's top-up is exercised.
  world = await startSendWorld({ env: { CAMPAIGN_QUEUE_AHEAD: "100", CAMPAIGN_QUEUE_BATCH: "100" } });
});
afterAll(async () => world?.close());
beforeEach(() => world.api.resetSending());

const wita = (local: string) => world.rt.clock.set(DateTime.fromISO(local, { zone: "Asia/Makassar" }).toJSDate());
const texts = (marker: string) => world.api.delivered.filter((d) => d.text.includes(marker));
const drained = async () => {
  const o = await campaignOutbox(world.rt);
  return o.queued === undefined && o.sending === undefined;
};

async function create(body: object): Promise<string> {
  const created = await world.call("admin", "POST", "/api/v1/campaigns", body);
  expect(created.status, created.text).toBe(201);
  const id = created.body.campaign.id as string;
  expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/submit`)).body.campaign.status).toBe("approved");
  return id;
}

describe("quiet hours", () => {
  it("a send crossing 21:00 WITA stops there and goes on at 06:00, each person once", async () => {
    const { rt, w } = world;
    const people = await telegramPeople(rt, 40, { desaCode: w.desa.p2 }, { firstChat: 750_000 });
    wita("2026-11-27T20:59");
    const id = await create({
      name: "Malam",
      textId: "Q1 Cuci tangan pakai sabun.",
      sameForBoth: true,
      segment: { desaCodes: [w.desa.p2] },
    });
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {})).body.run.recipients).toBe(40);
    while (texts("Q1 ").length < 5) await world.api.waitForDelivered(world.api.delivered.length + 1);
    // No send starts once the clock says 21:00, though the guard cleared a few rows just before:
    // the engine reads the clock again at the moment of sending.
    let startedAfterNine = 0;
    const sending = () => void startedAfterNine++;
    wita("2026-11-27T21:00");
    world.engine.events.on("sending", sending);
    await campaignTick(rt); // the minute job moves rows waiting in the outbox to 06:00
    await until(async () => (await campaignOutbox(rt)).sending === undefined, [world.engine.events]);
    world.engine.events.off("sending", sending);
    expect(startedAfterNine).toBe(0);
    const afterNine = texts("Q1 ").length;
    expect(afterNine).toBeLessThan(40);
    const waiting = await queryRows<{ at: Date | string }>(
      rt.db,
      sql`select distinct next_attempt_at as at from outbox where kind = 'campaign' and status = 'queued'`,
    );
    expect(waiting.map((r) => new Date(r.at).toISOString())).toEqual(["2026-11-27T22:00:00.000Z"]); // 06:00 WITA on the 28th
    const report = await world.call("admin", "GET", `/api/v1/campaigns/${id}/report`);
    expect(report.body.totals).toMatchObject({ recipients: 40, sent: afterNine, queued: 40 - afterNine });

    wita("2026-11-28T06:00");
    await until(drained, [world.engine.events]);
    const got = texts("Q1 ");
    expect(got).toHaveLength(people.length);
    expect(new Set(got.map((d) => d.chatId)).size).toBe(people.length);
  });

  it("a send started in quiet hours is frozen at once and goes at 06:00", async () => {
    const { rt, w } = world;
    await telegramPeople(rt, 3, { desaCode: w.desa.p2 }, { firstChat: 751_000, role: "pregnant" });
    wita("2026-11-28T23:10");
    const id = await create({
      name: "Tengah malam",
      textId: "Q2 Periksa hamil.",
      sameForBoth: true,
      segment: { desaCodes: [w.desa.p2], roles: ["pregnant"] },
    });
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {})).body.run.recipients).toBe(3);
    expect(await campaignOutbox(rt)).toMatchObject({ queued: 3 });
    await world.engine.deliver(); // a pass over what is due: nothing is
    expect(texts("Q2 ")).toHaveLength(0);
    wita("2026-11-29T06:00");
    await until(drained, [world.engine.events]);
    expect(texts("Q2 ")).toHaveLength(3);
  });
});

describe("a list longer than the queue window", () => {
  it("keeps CAMPAIGN_QUEUE_AHEAD messages in the outbox; the minute job tops up until everyone has it once", async () => {
    const { rt, w } = world;
    const people = await telegramPeople(rt, 250, { desaCode: w.desa.p2 }, { firstChat: 760_000, role: "pregnant", lang: "bjn" });
    wita("2026-11-30T10:00");
    const id = await create({
      name: "Panjang",
      textId: "L1 Gizi seimbang.",
      sameForBoth: true,
      segment: { desaCodes: [w.desa.p2], roles: ["pregnant"], langs: ["bjn"] },
    });
    const sent = await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {});
    expect(sent.body.run.recipients).toBe(250);
    const handed = await queryRows<{ n: number }>(
      rt.db,
      sql`select count(*)::int as n from campaign_recipients cr join campaign_runs r on r.id = cr.run_id where r.campaign_id = ${id} and cr.status <> 'pending'`,
    );
    expect(Number(handed[0]?.n)).toBe(100);
    let ticks = 0;
    for (;;) {
      await until(drained, [world.engine.events]);
      const report = await world.call("admin", "GET", `/api/v1/campaigns/${id}/report`);
      if (report.body.totals.pending === 0) break;
      expect(report.body.totals.pending).toBe(250 - report.body.totals.sent);
      await campaignTick(rt);
      ticks++;
    }
    expect(ticks).toBe(2);
    const got = texts("L1 ");
    expect(got).toHaveLength(people.length);
    expect(new Set(got.map((d) => d.chatId)).size).toBe(people.length);
  });
});

describe("at a time and repeating", () => {
  it("a send at a time starts when the minute job reaches it", async () => {
    const { rt, w } = world;
    await telegramPeople(rt, 2, { desaCode: w.desa.l1 }, { firstChat: 752_000, role: "pregnant" });
    wita("2026-12-01T09:00");
    const id = await create({
      name: "Nanti",
      textId: "T1 Jadwal kelas ibu.",
      sameForBoth: true,
      segment: { desaCodes: [w.desa.l1], roles: ["pregnant"] },
    });
    const at = DateTime.fromISO("2026-12-01T11:00", { zone: "Asia/Makassar" }).toISO() as string;
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, { at })).body.campaign.status).toBe("scheduled");
    wita("2026-12-01T10:59");
    expect((await campaignTick(rt)).started).toBe(0);
    wita("2026-12-01T11:00");
    expect((await campaignTick(rt)).started).toBe(1);
    await until(drained, [world.engine.events]);
    expect(texts("T1 ")).toHaveLength(2);
    expect((await campaignTick(rt)).started).toBe(0);
  });

  it("a weekly campaign goes on Mondays and Thursdays at 08:00 WITA until its last day, once a day", async () => {
    const { rt, w } = world;
    const people = await telegramPeople(rt, 3, { desaCode: w.desa.l1 }, { firstChat: 753_000, lang: "bjn" });
    wita("2026-12-05T09:00");
    const id = await create({
      name: "Mingguan",
      textId: "R1 Pesan mingguan.",
      textBjn: "R1 Pesan mingguan (bjn).",
      segment: { desaCodes: [w.desa.l1], langs: ["bjn"] },
      repeat: { every: "weekly", weekdays: [1, 4], time: "08:00", until: "2026-12-17" },
    });
    expect((await world.call("admin", "POST", `/api/v1/campaigns/${id}/send`, {})).body.campaign.status).toBe("scheduled");
    const days: string[] = [];
    for (let day = DateTime.fromISO("2026-12-06"); day <= DateTime.fromISO("2026-12-20"); day = day.plus({ days: 1 })) {
      const date = day.toISODate() as string;
      // 00:30 WITA is the day before in UTC; 07:59 is before its time: neither starts a run.
      for (const early of ["00:30", "07:59"]) {
        wita(`${date}T${early}`);
        expect((await campaignTick(rt)).started, `${date} ${early}`).toBe(0);
      }
      wita(`${date}T08:00`);
      const { started } = await campaignTick(rt);
      expect((await campaignTick(rt)).started).toBe(0); // a second tick the same day
      if (started) {
        days.push(date);
        await until(drained, [world.engine.events]);
      }
    }
    expect(days).toEqual(["2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17"]);
    const got = texts("R1 ");
    expect(got).toHaveLength(people.length * days.length);
    for (const p of people) expect(got.filter((d) => d.chatId === p.chat)).toHaveLength(days.length);
    expect(got.every((d) => d.text.startsWith("R1 Pesan mingguan (bjn)."))).toBe(true);
    const report = await world.call("admin", "GET", `/api/v1/campaigns/${id}/report`);
    expect(report.body.status).toBe("done");
    expect(report.body.runs.map((r: { occurrence: string }) => r.occurrence)).toEqual(days);
    expect(report.body.totals).toMatchObject({ recipients: 12, sent: 12 });
  });
});
