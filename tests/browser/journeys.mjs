// journeys.mjs - the member and admin journeys in a real browser (issue 9):
// Debian's headless chromium, driven by puppeteer-core, in both languages
// and at 1280 and 390 px.  At every page it checks that the page is no
// wider than the window (no horizontal page scroll), that no machine value
// shows as words, that an English page has no Chinese but people's data,
// and it saves a screenshot.  Where a journey fails a form it checks that
// the failing field is marked where it is and its message is visible
// under it; where it asks for something that cannot be undone, that the
// confirmation page comes first.
//
// Input: one JSON argument (written by tests/http/test_browser.py):
//   { url, shots, chromium, member: {login, password, order, due, batch,
//     small: [an order a coupon pays whole, one a run]}, admin: {...} }
// Output: one line per check, "ok NAME" or "FAIL NAME: why", then
// "browser: N passed, N failed".
import puppeteer from "puppeteer-core";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";

// axe-core (pinned in package-lock.json) checks each page against WCAG 2.2
// A and AA (issue 31); the page's CSP would refuse its script, so each
// page is opened with the CSP bypassed (the pages themselves run none).
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const cfg = JSON.parse(process.argv[2]);
mkdirSync(cfg.shots, { recursive: true });

// Machine values (SPEC §8 keeps them in data-value, never in the words);
// the ones that are also English words are looked for on Chinese pages.
const RAW = ["single_use", "carry_over", "cvm", "cdn_pack", "win2022", "debian12",
  "pending_review", "partner_1", "partner_2", "unactivated", "awaiting_payment",
  "invalid_field", "unknown_uin", "code_format", "card_format", "order_state"];
const RAW_WORDS = ["prepaid", "postpaid", "purchase", "renew", "include", "exclude",
  "targeted", "available", "frozen", "pending", "paid", "refunded", "requested"];
// Cells that show what people typed, in whatever language they typed it.
const DATA = ["name", "label", "batch_label", "template", "template_name", "detail",
  "account", "description", "reason", "note", "target", "product", "subject"];

let passed = 0, failed = 0;
function check(name, ok, why) {
  if (ok) { passed++; console.log("ok " + name); }
  else { failed++; console.log("FAIL " + name + ": " + why); }
}

// What the checks of every page look at, computed in the page.
async function inspect(page) {
  return page.evaluate((DATA) => {
    const clone = document.body.cloneNode(true);
    for (const el of clone.querySelectorAll("a.lang, option[value], small:not([class])"))
      el.remove();
    for (const f of DATA)
      for (const el of clone.querySelectorAll(`[data-field="${f}"]`)) el.remove();
    return {
      page: document.body.dataset.page,
      lang: document.documentElement.lang,
      scrollWidth: document.documentElement.scrollWidth,
      nav: document.querySelector("nav.main-nav") ?
        document.querySelectorAll("nav.main-nav a[aria-current=page]").length : undefined,
      width: window.innerWidth,
      text: clone.innerText,
    };
  }, DATA);
}

async function look(page, name, lang, width) {
  const i = await inspect(page);
  const tag = `${lang}/${width}/${name}`;
  check(`${tag} no horizontal page scroll`, i.scrollWidth <= i.width,
    `${i.scrollWidth} px wide in a ${i.width} px window`);
  const raw = RAW.concat(lang === "en" ? [] : RAW_WORDS)
    .filter((w) => new RegExp(`(^|[^A-Za-z_])${w}([^A-Za-z_]|$)`).test(i.text));
  check(`${tag} no machine values as words`, raw.length === 0, raw.join(", "));
  if (lang === "en") {
    const cjk = i.text.match(/[\u3000-\u9fff\uff00-\uffef]+/g) || [];
    check(`${tag} English only`, cjk.length === 0, cjk.slice(0, 5).join(" "));
  }
  check(`${tag} html lang`, i.lang === (lang === "en" ? "en" : "zh-CN"), i.lang);
  await page.addScriptTag({ path: AXE });
  const bad = await page.evaluate(async (tags) => {
    const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }, AXE_TAGS);
  check(`${tag} axe: no serious or critical violation of WCAG 2.2 AA`, bad.length === 0, bad.join("; "));
  // a member's page on a phone: lists are cards, no table wider than its card
  if (/^(user|partner)\./.test(i.page) && width < 640) {
    const wide = await page.evaluate(() => [...document.querySelectorAll("main table")]
      .filter((t) => t.scrollWidth > t.parentElement.clientWidth + 1)
      .map((t) => `${t.dataset.list || "table"} ${t.scrollWidth} px in ${t.parentElement.clientWidth} px`));
    check(`${tag} no table wider than its container`, wide.length === 0, wide.join(", "));
  }
  if (i.nav !== undefined && i.page !== "error" && i.page !== "confirm" && !/^admin\.(report|search)/.test(i.page))
    check(`${tag} the menu marks where you are`, i.nav === 1, `${i.nav} entries aria-current`);
  await page.screenshot({ path: `${cfg.shots}/${lang}-${width}-${name}.png`, fullPage: true });
  return i;
}

// The failing field is marked and its message shows right under it.
async function fieldMarked(page, field) {
  return page.evaluate((field) => {
    const input = document.querySelector(`[name="${field}"][aria-invalid="true"]`);
    const msg = document.getElementById(`err-${field}`);
    if (!input || !msg) return "not marked";
    if (input.getAttribute("aria-describedby") !== `err-${field}`) return "no aria-describedby";
    const a = input.getBoundingClientRect(), b = msg.getBoundingClientRect();
    if (b.height === 0 || getComputedStyle(msg).visibility === "hidden") return "message hidden";
    if (b.top < a.top || b.top - a.bottom > 40) return "message not at the field";
    return "";
  }, field);
}

async function submit(page) {
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
}

async function go(page, path) {
  return page.goto(cfg.url + path, { waitUntil: "load" });
}

// Coupons (SPEC §10): claim one, confirm an order with it (the fitting
// coupon recommended and chosen), pay what is left (nothing); a promo code
// typed wrong is marked at its field.
async function coupons(page, lang, width, oid) {
  await go(page, "/user/coupons");
  await look(page, "coupons", lang, width);
  const claim = await page.$("table[data-list=campaigns] button[type=submit]");
  check(`${lang}/${width} a coupon to claim`, claim !== null, "no claim button");
  if (!claim) return;
  await Promise.all([page.waitForNavigation(), claim.click()]);
  const flash = await page.$eval("[data-flash]", (e) => e.dataset.flash).catch(() => "");
  check(`${lang}/${width} coupon claimed`, flash === "ok", flash);
  await go(page, `/user/orders/${oid}`);
  await look(page, "order-coupons", lang, width);
  // the confirm button is on the first screen, however long the pickers
  const reach = await page.$eval("form.confirm button.first-screen", (b) =>
    b.getClientRects().length > 0 && b.getBoundingClientRect().bottom <= window.innerHeight).catch(() => false);
  check(`${lang}/${width} the confirm button in reach`, width > 640 || reach, "below the screen");
  const picked = await page.$("table[data-list=coupons] tr[data-recommended] input[name=coupon]:checked");
  check(`${lang}/${width} the recommended coupon is chosen`, picked !== null, "not checked");
  await Promise.all([page.waitForNavigation(), page.click("form.confirm button[type=submit]:last-of-type")]);
  let i = await look(page, "order-confirmed", lang, width);
  const off = await page.$eval("[data-field=discount]", (e) => e.dataset.value).catch(() => "");
  check(`${lang}/${width} the coupon took its discount`, off === "1000", off);
  const pay = await page.$(`form[action="/user/orders/${oid}/pay"] button`);
  check(`${lang}/${width} a pay button`, pay !== null, "none");
  if (pay) {
    await Promise.all([page.waitForNavigation(), pay.click()]);
    i = await look(page, "order-paid", lang, width);
    const st = await page.$eval("[data-field=status]", (e) => e.dataset.value).catch(() => "");
    check(`${lang}/${width} paid with the coupon`, st === "paid", st);
  }
  await go(page, `/user/orders/${cfg.member.order}`);
  await page.type("form[data-promo] input[name=promo_code]", "NO-SUCH-CODE");
  await Promise.all([page.waitForNavigation(), page.click("form[data-promo] button")]);
  await look(page, "promo-wrong", lang, width);
  const why = await fieldMarked(page, "promo_code");
  check(`${lang}/${width} a wrong promo code marked at its field`, why === "", why);
}

let run = 0;

async function member(browser, lang, width) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setBypassCSP(true);
  await page.setViewport({ width, height: 900 });
  // a browser set to Chinese; English is chosen with the switch (its
  // cookie wins over the header)
  await page.setExtraHTTPHeaders({ "Accept-Language": "zh-CN,zh;q=0.9" });
  await go(page, "/login");
  if (lang === "en")	// the switch in the header, as a person does
    await Promise.all([page.waitForNavigation(), page.click("a.lang")]);
  await look(page, "login", lang, width);
  await page.type("input[name=login]", cfg.member.login);
  await page.type("input[name=password]", cfg.member.password);
  await submit(page);
  let i = await look(page, "home", lang, width);
  check(`${lang}/${width} member logged in`, i.page === "user.home", i.page);
  // the keyboard: the first Tab shows the skip link, with a focus ring of
  // 2 px or more; the next Tab after it lands in the menu, ringed too
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const a = document.activeElement, st = getComputedStyle(a), r = a.getBoundingClientRect();
    return { cls: a.className, top: r.top, ring: parseFloat(st.outlineWidth), style: st.outlineStyle };
  });
  check(`${lang}/${width} the first Tab is the skip link, shown`,
    skip.cls === "skip" && skip.top >= 0, JSON.stringify(skip));
  check(`${lang}/${width} a focus ring of 2 px or more`,
    skip.ring >= 2 && skip.style !== "none", JSON.stringify(skip));
  for (const [name, path] of [["vouchers", "/user/vouchers?status=all"],
    ["orders", "/user/orders"], ["order", `/user/orders/${cfg.member.order}`],
    ["order-due", `/user/orders/${cfg.member.due}`], ["pickup", "/user/pickup"]]) {
    await go(page, path);
    await look(page, name, lang, width);
  }
  // cash due: the demo's stand-in for the gateway says what it is
  await go(page, `/user/orders/${cfg.member.due}`);
  check(`${lang}/${width} demo payment says it stands in`,
    (await page.$("[data-demo-payment]")) !== null, "no note");
  // a code with a typo: marked at the field, what was typed kept
  await go(page, "/user/redeem");
  await page.type("input[name=code]", "123456 789012 345678");
  await submit(page);
  i = await look(page, "redeem-error", lang, width);
  const why = await fieldMarked(page, "code");
  check(`${lang}/${width} redeem error at the field`, why === "", why);
  await coupons(page, lang, width, cfg.member.small[run++]);
  // cancelling asks first, with the safe choice as the primary button
  await go(page, `/user/orders/${cfg.member.order}`);
  const cancel = await page.$(`a[href="/user/orders/${cfg.member.order}/cancel"]`);
  check(`${lang}/${width} cancel is a link to a confirmation`, cancel !== null, "no link");
  if (cancel) {
    await Promise.all([page.waitForNavigation(), cancel.click()]);
    i = await look(page, "cancel-confirm", lang, width);
    check(`${lang}/${width} cancel confirmation page`, i.page === "confirm", i.page);
  }
  await ctx.close();
}

async function admin(browser, lang, width) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await page.setBypassCSP(true);
  await page.setViewport({ width, height: 900 });
  await page.setExtraHTTPHeaders({ "Accept-Language": "zh-CN,zh;q=0.9" });
  await go(page, "/admin/login");
  if (lang === "en")
    await Promise.all([page.waitForNavigation(), page.click("a.lang")]);
  await page.type("input[name=login]", cfg.admin.login);
  await page.type("input[name=password]", cfg.admin.password);
  await submit(page);
  let i = await look(page, "admin-home", lang, width);
  check(`${lang}/${width} admin logged in`, i.page === "admin.home", i.page);
  for (const [name, path] of [["admin-orders", "/admin/orders"],
    ["admin-batches", "/admin/pickup/batches"], ["admin-batch", `/admin/pickup/batches/${cfg.admin.batch}`],
    ["admin-usage", "/admin/pickup/usage"], ["admin-templates", "/admin/vouchers/templates"],
    ["admin-template", `/admin/vouchers/templates/${cfg.admin.template}`],
    ["admin-vouchers", "/admin/vouchers"], ["admin-issues", "/admin/vouchers/issues"],
    ["admin-audit", "/admin/audit"], ["admin-applications", "/admin/partner/applications"],
    ["admin-search", `/admin/search?q=${cfg.admin.uin}`], ["admin-campaigns", "/admin/campaigns"],
    ["admin-campaign", `/admin/campaigns/${cfg.admin.campaign}`],
    ["admin-campaign-uses", `/admin/campaigns/${cfg.admin.campaign}/uses`],
    ["admin-approvals", "/admin/approvals"],
    ["admin-approval", `/admin/approvals/${cfg.admin.approval}`]]) {
    await go(page, path);
    await look(page, name, lang, width);
  }
  // the reports (SPEC §11): a chart as wide as its card, readable text
  for (const name of ["liability", "cost", "orders", "cards"]) {
    await go(page, `/admin/reports/${name}`);
    i = await look(page, `report-${name}`, lang, width);
    check(`${lang}/${width} report ${name} page`, i.page === `admin.report.${name}`, i.page);
    const chart = await page.evaluate((name) => {
      const svg = document.querySelector(`svg[data-chart="${name}"]`);
      if (!svg) return "no chart";
      const r = svg.getBoundingClientRect();
      const small = [...svg.querySelectorAll("text")].filter((t) =>
        t.textContent && parseFloat(getComputedStyle(t).fontSize) < 11);
      if (r.width < Math.min(300, window.innerWidth - 60)) return `${r.width} px wide`;
      if (r.right > window.innerWidth) return "wider than the window";
      if (small.length) return `${small.length} labels under 11 px`;
      return "";
    }, name);
    check(`${lang}/${width} report ${name}: chart fits and reads`, chart === "", chart);
  }
  // issuing money asks first, naming it: count × face = total (issue 31)
  await go(page, `/admin/vouchers/templates/${cfg.admin.template}`);
  await page.type("form[action$='/issue/preview'] textarea[name=uins]", String(cfg.admin.uin));
  await Promise.all([page.waitForNavigation(),
    page.click("form[action$='/issue/preview'] button[type=submit]")]);
  i = await look(page, "issue-confirm", lang, width);
  const total = await page.$eval("[data-field=total]", (e) => e.dataset.value).catch(() => "");
  check(`${lang}/${width} an issue's confirmation names its total`,
    i.page === "admin.voucher.issue.confirm" && total !== "", `${i.page} ${total}`);
  // a batch form with several mistakes: each marked where it is
  await go(page, "/admin/pickup/batches/new");
  await page.type("input[name=name]", "x");
  await page.type("input[name=cpu]", "many");
  await page.type("input[name=price]", "1.234");
  await submit(page);
  await look(page, "batch-errors", lang, width);
  for (const f of ["cpu", "price"]) {
    const why = await fieldMarked(page, f);
    check(`${lang}/${width} batch form: ${f} marked at the field`, why === "", why);
  }
  // ticked cards disabled at once, after one confirmation (issue 31)
  await go(page, `/admin/pickup/batches/${cfg.admin.batch}`);
  const boxes = await page.$$("input[type=checkbox][form=cards-bulk]");
  for (const b of boxes.slice(0, 2)) await b.click();
  await Promise.all([page.waitForNavigation(), page.click("#cards-bulk button[type=submit]")]);
  i = await look(page, "cards-disable-confirm", lang, width);
  const ticked = await page.$eval("[data-field=count]", (e) => e.dataset.value).catch(() => "");
  check(`${lang}/${width} two ticked cards, one confirmation`,
    i.page === "admin.pickup.cards.disable" && ticked === "2", `${i.page} ${ticked}`);
  // disabling a batch asks first
  await go(page, `/admin/pickup/batches/${cfg.admin.batch}`);
  const dis = await page.$(`a[href="/admin/pickup/batches/${cfg.admin.batch}/disable"]`);
  check(`${lang}/${width} disable is a link to a confirmation`, dis !== null, "no link");
  if (dis) {
    await Promise.all([page.waitForNavigation(), dis.click()]);
    i = await look(page, "disable-confirm", lang, width);
    check(`${lang}/${width} disable confirmation page`, i.page === "confirm", i.page);
    const primary = await page.$eval("main form button[type=submit]", (b) => b.className);
    check(`${lang}/${width} the irreversible button is not the primary one`,
      /danger/.test(primary), primary);
  }
  await ctx.close();
}

const browser = await puppeteer.launch({
  executablePath: cfg.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  for (const lang of ["zh-CN", "en"])
    for (const width of [1280, 390]) {
      await member(browser, lang, width);
      await admin(browser, lang, width);
    }
} catch (e) {
  check("journeys ran to the end", false, e.stack || String(e));
} finally {
  await browser.close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
