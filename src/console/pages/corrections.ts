// Correcting a child's record or a measurement from the child's page, always with a reason:
// PATCH /api/v1/children/:id and /api/v1/measurements/:id (audited; a corrected measurement is
// replaced by a re-assessed one and both are kept). Only the fields that changed are sent.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { callApi } from "../api.js";
import { errorCode, errorField, redirectBack, type ConsoleDeps } from "../context.js";
import { formatNumber } from "../format.js";
import { html, type Html } from "../html.js";
import { csrfField, type PageContext } from "../layout.js";

export interface CorrectableChild {
  id: string;
  name: string;
  sex: string;
  birthDate: string;
  motherName: string | null;
}

export interface CorrectableMeasurement {
  id: string;
  weightKg: number | null;
  lengthCm: number | null;
}

/** The API's reason length (src/growth/children-routes.ts correctionBody). */
const REASON = { min: 3, max: 500 };

const reasonField = (ctx: PageContext, id: string) =>
  html`<label for="${id}">${ctx.t("console:correct.reason")}</label><input id="${id}" name="reason" required minlength="${REASON.min}" maxlength="${REASON.max}">`;

export function childCorrectionForm(ctx: PageContext, c: CorrectableChild): Html {
  const t = ctx.t;
  return html`<details class="card"><summary>${t("console:correct.child")}</summary>
<form method="post" action="/konsol/anak/${c.id}/koreksi" id="correct-child">
  ${csrfField(ctx)}
  <label for="cc-name">${t("console:fields.name")}</label><input id="cc-name" name="name" value="${c.name}" required maxlength="120">
  <label for="cc-sex">${t("console:fields.sex")}</label><select id="cc-sex" name="sex">${["L", "P"].map((s) => html`<option value="${s}"${s === c.sex ? html` selected` : ""}>${t(`console:sex.${s}`)}</option>`)}</select>
  <label for="cc-birth">${t("console:fields.birthDate")}</label><input type="date" id="cc-birth" name="birthDate" value="${c.birthDate}" required>
  <label for="cc-mother">${t("console:fields.motherName")}</label><input id="cc-mother" name="motherName" value="${c.motherName ?? ""}" maxlength="120">
  ${reasonField(ctx, "cc-reason")}
  <button type="submit" data-busy="${t("console:busy")}">${t("console:correct.save")}</button>
</form></details>`;
}

export function measurementCorrectionForm(ctx: PageContext, m: CorrectableMeasurement, childId: string): Html {
  const t = ctx.t;
  const id = (name: string) => `cm-${m.id}-${name}`;
  return html`<details><summary>${t("console:correct.measurement")}</summary>
<form method="post" action="/konsol/pengukuran/${m.id}/koreksi" class="correct-measurement">
  ${csrfField(ctx)}<input type="hidden" name="anak" value="${childId}">
  <label for="${id("w")}">${t("console:fields.weightKg")}</label><input id="${id("w")}" name="weightKg" inputmode="decimal" value="${formatNumber(m.weightKg).replace("–", "")}">
  <label for="${id("l")}">${t("console:fields.lengthCm")}</label><input id="${id("l")}" name="lengthCm" inputmode="decimal" value="${formatNumber(m.lengthCm).replace("–", "")}">
  ${reasonField(ctx, id("r"))}
  <button type="submit" data-busy="${t("console:busy")}">${t("console:correct.save")}</button>
</form></details>`;
}

const UUID = /^[0-9a-f-]{36}$/i;
const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** "8,2" or "8.2" → 8.2; empty → undefined; anything else → NaN (the API will name the field). */
function decimal(v: unknown): number | undefined {
  const s = text(v).replace(",", ".");
  if (!s) return undefined;
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

type Form = Record<string, unknown>;

async function send(
  deps: ConsoleDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  back: string,
  url: string,
  patch: Record<string, unknown>,
  done: string,
) {
  if (Object.keys(patch).length === 1) return redirectBack(reply, back, { galat: "nothing_changed" });
  const res = await callApi(deps.app, request, "PATCH", url, patch);
  if (res.status === 401) return reply.redirect("/konsol/masuk", 303);
  return redirectBack(reply, back, res.ok ? { ok: done } : { galat: errorCode(res.body), kolom: errorField(res.body) });
}

export function correctionRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.post<{ Params: { id: string }; Body: Form }>(
    "/anak/:id/koreksi",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      if (!UUID.test(request.params.id)) return reply.callNotFound();
      const back = `/konsol/anak/${request.params.id}`;
      const current = await callApi<{ child: CorrectableChild }>(deps.app, request, "GET", `/api/v1/children/${request.params.id}`);
      if (current.status === 401) return reply.redirect("/konsol/masuk", 303);
      if (!current.ok) return reply.callNotFound();
      const c = current.body.child;
      const f = request.body ?? {};
      const patch: Record<string, unknown> = { reason: text(f.reason) };
      if (text(f.name) !== c.name) patch.name = text(f.name);
      if (text(f.sex) && text(f.sex) !== c.sex) patch.sex = text(f.sex);
      if (text(f.birthDate) !== c.birthDate) patch.birthDate = text(f.birthDate);
      if (text(f.motherName) !== (c.motherName ?? "")) patch.motherName = text(f.motherName) || null;
      return send(deps, request, reply, back, `/api/v1/children/${c.id}`, patch, "childCorrected");
    },
  );

  app.post<{ Params: { id: string }; Body: Form }>(
    "/pengukuran/:id/koreksi",
    { preValidation: app.csrfProtection.bind(app) },
    async (request, reply) => {
      const childId = text(request.body?.anak);
      if (!UUID.test(request.params.id) || !UUID.test(childId)) return reply.callNotFound();
      const back = `/konsol/anak/${childId}`;
      const current = await callApi<{ measurements: CorrectableMeasurement[] }>(deps.app, request, "GET", `/api/v1/children/${childId}`);
      if (current.status === 401) return reply.redirect("/konsol/masuk", 303);
      const m = current.ok ? current.body.measurements.find((x) => x.id === request.params.id) : undefined;
      if (!m) return reply.callNotFound();
      const patch: Record<string, unknown> = { reason: text(request.body?.reason) };
      const weight = decimal(request.body?.weightKg);
      const length = decimal(request.body?.lengthCm);
      if (Number.isNaN(weight)) return redirectBack(reply, back, { galat: "validation_failed", kolom: "weightKg" });
      if (Number.isNaN(length)) return redirectBack(reply, back, { galat: "validation_failed", kolom: "lengthCm" });
      if (weight !== undefined && weight !== m.weightKg) patch.weightKg = weight;
      if (length !== undefined && length !== m.lengthCm) patch.lengthCm = length;
      return send(deps, request, reply, back, `/api/v1/measurements/${m.id}`, patch, "measurementCorrected");
    },
  );
}
