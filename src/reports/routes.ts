// Admin API for the Pokja's figures: prevalence per area with coverage and last year's round,
// the monthly trend, and SKDN per posyandu. Every figure is limited to the caller's area in the
// query; the regency line beside it is an aggregate only.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { LOKUS_FILTERS, type LokusFilter, type Viewer } from "./scope.js";
import { principalOf } from "../admin/accounts.js";
import { badField } from "../platform/errors.js";
import { requireRole, requireStaff } from "../platform/http/auth.js";
import type { AdminRouteOptions } from "../admin/plugin.js";
import { recordAudit } from "../platform/audit.js";
import { actorOf } from "../platform/http/auth.js";
import { desaCode, errorSchema, uuid } from "../platform/http/validation.js";
import { csvStream, exportSource, tableCsv, tableXlsx, xlsxStream, type ExportFilter } from "./export.js";
import { publicationHeader, publicationLines, recapHeader, recapLines, type ReportText } from "./recap.js";
import { areas } from "../areas/areas.sql.js";
import { LEVELS, prevalenceReport, skdnReport, trendReport, type Level } from "./figures.js";
import { followUpReport, monthsBefore } from "./follow-up.js";
import { pregnancyReport } from "./pregnancy.js";
import { reachReport } from "./reach.js";
import { changeLokus, listLokus } from "./lokus.js";
import { importEppgbm } from "./import.js";
import { localDateOf } from "../reminders/dates.js";
import { monthsBetween, periodOf } from "./stats.js";

const lokus = { type: "string", enum: LOKUS_FILTERS, description: "only: the desa lokus alone; others: every other desa" } as const;

/** The caller's area and the request's desa lokus choice. */
function viewerOf(request: FastifyRequest): Viewer {
  const staff = requireStaff(request);
  const choice = (request.query as { lokus?: LokusFilter } | undefined)?.lokus;
  return choice ? { ...principalOf(staff), lokus: choice } : principalOf(staff);
}

const month = {
  type: "string",
  pattern: "^\\d{4}-(0[1-9]|1[0-2])$",
  description: "YYYY-MM (February and August are the weighing rounds)",
} as const;
const IMPORT_TYPES = [
  "text/csv",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-excel",
  "application/octet-stream",
];
/** A posyandu's or puskesmas's history is a few MB; a whole regency's file fits too. */
const IMPORT_MAX_BYTES = 30 * 1024 * 1024;
/** A trend of more than five years is not a dashboard figure. */
const TREND_MONTHS_MAX = 60;

export const reportRoutes =
  ({ rt }: AdminRouteOptions): FastifyPluginAsync =>
  async (app) => {
    /** Exports and import answers are for the health office: in Indonesian. */
    const t: ReportText = (key, vars) => rt.i18n.t("id", `reports-staff:${key}`, vars);
    app.get(
      "/api/v1/reports/lokus",
      {
        schema: {
          tags: ["reports"],
          summary: "The desa lokus (focus villages named by the Bupati's decree) that figures can be limited to with lokus=only|others",
        },
      },
      async (request) => {
        requireStaff(request);
        return { items: await listLokus(rt.db) };
      },
    );

    app.put<{ Body: { desaCodes: string[]; year: number; decree?: string } }>(
      "/api/v1/reports/lokus",
      {
        schema: {
          tags: ["reports"],
          summary: "Replace the desa lokus list (Pokja admin), e.g. when a new decree is out; recorded in the audit log",
          body: {
            type: "object",
            additionalProperties: false,
            required: ["desaCodes", "year"],
            properties: {
              desaCodes: { type: "array", maxItems: 200, items: desaCode },
              year: { type: "integer", minimum: 2018, maximum: 2100 },
              decree: { type: "string", minLength: 1, maxLength: 200 },
            },
          },
          response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
        },
      },
      async (request) => {
        const staff = requireRole(request, "pokja_admin");
        const { desaCodes, year, decree } = request.body;
        await changeLokus(rt, { actor: actorOf(staff), accountId: staff.id }, { desaCodes, year, decree: decree ?? null });
        return { items: await listLokus(rt.db) };
      },
    );

    app.get<{ Querystring: { month: string; level?: Level; within?: string; lokus?: LokusFilter } }>(
      "/api/v1/reports/prevalence",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Stunting, wasting, underweight and overweight prevalence per area for a month: n / measured, 95% interval, coverage (measured / registered), last year's same month; small numbers marked and unranked",
          querystring: {
            type: "object",
            required: ["month"],
            additionalProperties: false,
            properties: {
              month,
              level: { type: "string", enum: LEVELS, default: "kecamatan" },
              within: {
                type: "string",
                minLength: 2,
                maxLength: 40,
                description: "Only areas inside this code (a kecamatan code for its desa) or this puskesmas id",
              },
              lokus,
            },
          },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const { month: m, level = "kecamatan", within } = request.query;
        return prevalenceReport(rt.db, viewer, m, level, within);
      },
    );

    app.get<{ Querystring: { from: string; to: string; lokus?: LokusFilter } }>(
      "/api/v1/reports/trend",
      {
        schema: {
          tags: ["reports"],
          summary: "Month by month prevalence for my area beside the regency average",
          querystring: {
            type: "object",
            required: ["from", "to"],
            additionalProperties: false,
            properties: { from: month, to: month, lokus },
          },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const { from, to } = request.query;
        if (!periodOf(from) || !periodOf(to) || from > to) throw badField("query.to", "must not be before from");
        const months = monthsBetween(from, to, TREND_MONTHS_MAX + 1);
        if (months.length > TREND_MONTHS_MAX) throw badField("query.from", `spans more than ${TREND_MONTHS_MAX} months`);
        return { months: await trendReport(rt.db, viewer, months) };
      },
    );

    app.get<{ Querystring: { month: string; posyanduId?: string; lokus?: LokusFilter } }>(
      "/api/v1/reports/skdn",
      {
        schema: {
          tags: ["reports"],
          summary: "SKDN per posyandu for a month (S, K, D, N, T, O, B, 2T, BGM, D/S, N/D, K/S) by age group 0–12, 13–36, 37–59 months",
          querystring: { type: "object", required: ["month"], additionalProperties: false, properties: { month, posyanduId: uuid, lokus } },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        return skdnReport(rt.db, viewer, request.query.month, request.query.posyanduId);
      },
    );

    app.get<{ Querystring: { month: string; lokus?: LokusFilter } }>(
      "/api/v1/reports/pregnancy",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Pregnant women followed at the end of a month per trimester, KEK (LiLA < 23.5 cm) and anaemia (Hb < 11 g/dL) among those measured, ANC K1–K6 confirmed; per kecamatan and in total",
          querystring: { type: "object", required: ["month"], additionalProperties: false, properties: { month, lokus } },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request) => pregnancyReport(rt.db, viewerOf(request), request.query.month),
    );

    app.get<{ Querystring: { from: string; to: string; lokus?: LokusFilter } }>(
      "/api/v1/reports/reach",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Programme reach: reminders sent and confirmed per kind, opt-outs with reasons, people registered by role, channel and language (counts only)",
          querystring: {
            type: "object",
            required: ["from", "to"],
            additionalProperties: false,
            properties: { from: { type: "string", format: "date" }, to: { type: "string", format: "date" }, lokus },
          },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const { from, to } = request.query;
        if (from > to) throw badField("query.to", "must not be before from");
        return reachReport(rt.db, viewer, from, to);
      },
    );

    app.get<{ Querystring: { asOf?: string; from?: string; notMeasuredMonths?: number; limit?: number; lokus?: LokusFilter } }>(
      "/api/v1/reports/follow-up",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Follow-up lists: open referrals (urgent first), days to acknowledgement and to outcome and the loop-closed rate per kecamatan, children whose last measurement needs a referral that nobody made (must be empty), children not measured for N months",
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              asOf: { type: "string", format: "date", description: "Day the lists are for (default today, WITA)" },
              from: {
                type: "string",
                format: "date",
                description: "Referrals made from this day count in the loop figures (default 12 months before asOf)",
              },
              notMeasuredMonths: { type: "integer", minimum: 1, maximum: 24, default: 2 },
              limit: { type: "integer", minimum: 1, maximum: 1000, default: 200, description: "Items per list (totals count all)" },
              lokus,
            },
          },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request) => {
        const viewer = viewerOf(request);
        const now = rt.clock.now();
        const asOf = request.query.asOf ?? localDateOf(now);
        const from = request.query.from ?? monthsBefore(asOf, 12);
        if (from > asOf) throw badField("query.from", "must not be after asOf");
        return followUpReport(rt.db, viewer, {
          asOf,
          from,
          notMeasuredMonths: request.query.notMeasuredMonths ?? 2,
          limit: request.query.limit ?? 200,
          now,
        });
      },
    );

    /** Sends a small table as CSV or XLSX and audits the export once it has gone out. */
    async function sendTable(
      request: FastifyRequest,
      reply: FastifyReply,
      t: {
        action: string;
        file: string;
        sheet: string;
        header: string[];
        lines: string[][];
        format: "csv" | "xlsx";
        filter: Record<string, unknown>;
      },
    ) {
      const staff = requireStaff(request);
      const counter = { rows: 0 };
      const stream = t.format === "xlsx" ? tableXlsx(t.sheet, t.header, t.lines, counter) : tableCsv(t.header, t.lines, counter);
      stream.once("end", () => {
        recordAudit(rt.db, {
          actor: actorOf(staff),
          action: t.action,
          entity: "export",
          entityId: t.file,
          after: { format: t.format, filter: t.filter, rows: counter.rows },
          at: rt.clock.now(),
        }).catch((err: unknown) => request.log.error({ err }, "export audit failed"));
      });
      return reply
        .header("content-disposition", `attachment; filename="${t.file}.${t.format}"`)
        .type(t.format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")
        .send(stream);
    }
    const format = { type: "string", enum: ["csv", "xlsx"], default: "csv" } as const;

    app.get<{ Querystring: { month: string; by?: "posyandu" | "puskesmas"; format?: "csv" | "xlsx"; lokus?: LokusFilter } }>(
      "/api/v1/reports/exports/recap",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Monthly recap per posyandu (F1 gizi: SKDN and TB/U, BB/U, BB/TB status counts) or per puskesmas (kabupaten recap), with a total line, as CSV or XLSX; audited",
          querystring: {
            type: "object",
            required: ["month"],
            additionalProperties: false,
            properties: { month, by: { type: "string", enum: ["posyandu", "puskesmas"], default: "posyandu" }, format, lokus },
          },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request, reply) => {
        const viewer = viewerOf(request);
        const { month: m, by = "posyandu", format: f = "csv" } = request.query;
        const names = new Map((await rt.db.select({ code: areas.code, name: areas.name }).from(areas)).map((a) => [a.code, a.name]));
        const lines = await recapLines(rt.db, viewer, m, by, (code) => names.get(code) ?? code, t);
        return sendTable(request, reply, {
          action: "export.recap",
          file: `rekap-${by}-${m}`,
          sheet: t("recap.sheet", { month: m }),
          header: recapHeader(by, t),
          lines,
          format: f,
          filter: { ...request.query },
        });
      },
    );

    app.get<{ Querystring: { month: string; format?: "csv" | "xlsx"; lokus?: LokusFilter } }>(
      "/api/v1/reports/exports/publication",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Publication table: stunting per kecamatan this month against the same month last year (naik / turun), the regency last; small numbers marked",
          querystring: { type: "object", required: ["month"], additionalProperties: false, properties: { month, format, lokus } },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request, reply) => {
        const viewer = viewerOf(request);
        const { month: m, format: f = "csv" } = request.query;
        const lines = await publicationLines(rt.db, viewer, m, t);
        return sendTable(request, reply, {
          action: "export.publication",
          file: `publikasi-stunting-${m}`,
          sheet: t("publication.sheet", { month: m }),
          header: publicationHeader(t),
          lines,
          format: f,
          filter: { ...request.query },
        });
      },
    );

    // The import takes the file itself as the body (no multipart): these content types cannot be
    // sent cross-site without a CORS preflight, so they keep the admin API's CSRF guarantee.
    app.addContentTypeParser(IMPORT_TYPES, { parseAs: "buffer", bodyLimit: IMPORT_MAX_BYTES }, (_request, body, done) => done(null, body));
    app.post<{ Querystring: { dryRun?: boolean }; Body: Buffer }>(
      "/api/v1/reports/imports/eppgbm",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Import children and measurements from an e-PPGBM file (XLSX, CSV, or the HTML table e-PPGBM saves as .xls; sent as the body). dryRun=true (the default) reports what would change; dryRun=false writes all rows or none (422 import_rejected with the problems). Each problem names its row, column, a stable code and the reason in Indonesian. Z-scores are computed by the service.",
          querystring: { type: "object", additionalProperties: false, properties: { dryRun: { type: "boolean", default: true } } },
          response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireRole(request, "pokja_admin", "puskesmas", "bidan");
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw badField("body", `send the file as the body (${IMPORT_TYPES.join(", ")})`);
        const dryRun = request.query.dryRun !== false;
        const { plan, applied } = await importEppgbm(rt, { viewer: principalOf(staff), actor: actorOf(staff) }, request.body, !dryRun);
        // Each problem keeps its code (for programs) and gets its reason in words (for people).
        const answer = { ...plan, problems: plan.problems.map((p) => ({ ...p, reason: t(`import.reason.${p.code}`, p.params) })) };
        if (applied || dryRun) return { applied, ...answer };
        return reply
          .code(422)
          .send({ error: "import_rejected", message: t("import.rejected", { count: plan.problems.length }), applied: false, ...answer });
      },
    );

    app.get<{ Querystring: ExportFilter & { format: "csv" | "xlsx"; lokus?: LokusFilter } }>(
      "/api/v1/reports/exports/eppgbm",
      {
        schema: {
          tags: ["reports"],
          summary:
            "Measurements in my area in the e-PPGBM entry-by-name layout (38 columns), as CSV or XLSX, streamed; every export is audited",
          querystring: {
            type: "object",
            required: ["from", "to"],
            additionalProperties: false,
            properties: {
              from: { type: "string", format: "date" },
              to: { type: "string", format: "date" },
              format: { type: "string", enum: ["csv", "xlsx"], default: "csv" },
              desaCode,
              posyanduId: uuid,
              lokus,
            },
          },
          response: { 400: errorSchema, 401: errorSchema },
        },
      },
      async (request, reply) => {
        const staff = requireStaff(request);
        const { format, ...filter } = request.query;
        if (filter.from > filter.to) throw badField("query.to", "must not be before from");
        const counter = { rows: 0 };
        const rows = exportSource(rt.db, rt.i18n, rt.nik, viewerOf(request), filter);
        const stream = format === "xlsx" ? xlsxStream(rows, counter) : csvStream(rows, counter);
        // Who exported what and how many rows: written once the file has been sent.
        stream.once("end", () => {
          recordAudit(rt.db, {
            actor: actorOf(staff),
            action: "export.eppgbm",
            entity: "export",
            entityId: `${filter.from}..${filter.to}`,
            after: { format, filter, rows: counter.rows },
            at: rt.clock.now(),
          }).catch((err: unknown) => request.log.error({ err }, "export audit failed"));
        });
        const name = `eppgbm-${filter.from}-${filter.to}.${format}`;
        return reply
          .header("content-disposition", `attachment; filename="${name}"`)
          .type(format === "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8")
          .send(stream);
      },
    );
  };
