// The page shell: head, skip link, header with the signed-in person and the role's navigation,
// a flash message after an action, and the scripts a page asks for (all from /konsol/aset).
import { html, type Html } from "./html.js";
import { navFor } from "./nav.js";

/** The signed-in staff member as GET /api/v1/me tells it. */
export interface Me {
  account: { id: string; username: string; name: string; role: string };
  scope: { all: boolean; desaCodes: string[]; posyanduIds: string[] };
}

export type T = (key: string, vars?: Record<string, unknown>) => string;

/** Everything a page needs to render for one request. */
export interface PageContext {
  t: T;
  /** Null on the login page. */
  me: Me | null;
  /** The CSRF token to put in every form. */
  csrf: string;
  /** This response's CSP nonces (helmet): the page's script and style tags carry them. */
  nonce: { script: string; style: string };
  /** The current path, to mark the navigation. */
  path: string;
  /** A notice after an action: ok (done) or error. */
  flash?: { kind: "ok" | "error"; text: string } | undefined;
}

export interface PageOptions {
  title: string;
  /** Loads Chart.js and the chart script. */
  charts?: boolean;
}

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;

function header(ctx: PageContext): Html {
  const me = ctx.me;
  if (!me) return html`<header class="top"><span class="brand">${ctx.t("console:brand")}</span></header>`;
  const items = navFor(me.account.role).map((item) => {
    const current = item.path === "/konsol" ? ctx.path === "/konsol" : ctx.path.startsWith(item.path);
    return html`<li><a href="${item.path}"${current ? html` aria-current="page"` : ""}>${ctx.t(`console:nav.${item.key}`)}</a></li>`;
  });
  return html`<header class="top">
  <span class="brand">${ctx.t("console:brand")}</span>
  <nav aria-label="${ctx.t("console:nav.label")}"><ul>${items}</ul></nav>
  <form method="post" action="/konsol/keluar" class="who">
    ${csrfField(ctx)}
    <span>${me.account.name} · ${ctx.t(`console:roles.${me.account.role}`)}</span>
    <button type="submit" class="link">${ctx.t("console:nav.logout")}</button>
  </form>
</header>`;
}

export function layout(ctx: PageContext, options: PageOptions, body: Html): string {
  const flash = ctx.flash
    ? html`<p class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === "error" ? "alert" : "status"}">${ctx.flash.text}</p>`
    : "";
  const scripts = options.charts
    ? html`<script src="/konsol/aset/chart.js" nonce="${ctx.nonce.script}" defer></script><script src="/konsol/aset/konsol.js" nonce="${ctx.nonce.script}" defer></script>`
    : html`<script src="/konsol/aset/konsol.js" nonce="${ctx.nonce.script}" defer></script>`;
  return html`<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${ctx.t("console:brand")}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/konsol/aset/konsol.css" nonce="${ctx.nonce.style}">
${scripts}
</head>
<body>
<a class="skip" href="#isi">${ctx.t("console:skip")}</a>
${header(ctx)}
<main id="isi" tabindex="-1">
<h1>${options.title}</h1>
${flash}
${body}
</main>
</body>
</html>`.value;
}
