"use strict";
/* The task pane's logic: the month, the report download, opening it in Excel. */
const test = require("node:test");
const assert = require("node:assert/strict");
const { OfficeMockObject } = require("office-addin-mock");
const pane = require("../xlreport/addin/static/taskpane.js");
const { jsonResponse, recordingFetch } = require("./helpers.js");

const BASE = "https://localhost:8443/";

test("the default month is the last complete one", () => {
  assert.equal(pane.lastCompleteMonth(new Date(2026, 11, 1)), "2026-11"); // 1 Dec 2026
  assert.equal(pane.lastCompleteMonth(new Date(2027, 0, 4)), "2026-12"); // 4 Jan 2027
  assert.equal(pane.lastCompleteMonth(new Date(2024, 2, 31)), "2024-02");
});

test("the file name comes from the download's header, made safe", () => {
  assert.equal(pane.filenameFrom('attachment; filename="plan-targets-report-2024-05.xlsx"', "x"),
    "plan-targets-report-2024-05.xlsx");
  assert.equal(pane.filenameFrom("attachment; filename*=UTF-8''a%2Fb.xlsx", "x"), "a_b.xlsx");
  assert.equal(pane.filenameFrom(null, "xlreport-2024-05.xlsx"), "xlreport-2024-05.xlsx");
});

test("a report is asked for with the token and comes back as bytes", async () => {
  const bytes = new Uint8Array([0x50, 0x4b, 3, 4, 9, 9]); // synthetic: a zip's first bytes
  const fetch = recordingFetch(() => new Response(bytes, {
    status: 200,
    headers: { "Content-Disposition": 'attachment; filename="r-2024-05.xlsx"' },
  }));
  const client = pane.createClient({ baseUrl: BASE, fetch, getToken: () => "tok" });
  const made = await client.report("2024-05");
  assert.deepEqual(Array.from(made.bytes), Array.from(bytes));
  assert.equal(made.filename, "r-2024-05.xlsx");
  const [req] = fetch.requests;
  assert.equal(req.url, BASE + "api/report");
  assert.deepEqual(req.body, { month: "2024-05" });
  assert.equal(req.init.headers.Authorization, "Bearer tok");
});

test("report and health errors carry the server's reason", async () => {
  const fetch = recordingFetch((r) => r.url.endsWith("api/report")
    ? jsonResponse(400, { error: "month 2024-13: no such month" })
    : jsonResponse(401, { error: "unauthorized" }));
  const client = pane.createClient({ baseUrl: BASE, fetch, getToken: () => "" });
  await assert.rejects(client.report("2024-13"), /pick a month/); // refused before sending
  assert.equal(fetch.requests.length, 0);
  const other = pane.createClient({ baseUrl: BASE,
    fetch: recordingFetch(() => jsonResponse(400, { error: "no data for 2020-01" })),
    getToken: () => "t" });
  await assert.rejects(other.report("2020-01"), /no data for 2020-01/);
  await assert.rejects(client.health(), /token is missing or wrong/);
});

test("inside Excel the report opens as a new workbook", async () => {
  const Excel = new OfficeMockObject({
    createWorkbook: async function (base64) {
      this.opened = base64;
    },
  });
  const bytes = new Uint8Array([0x50, 0x4b, 3, 4, 255, 0, 128]);
  assert.equal(await pane.openInExcel(Excel, bytes), true);
  assert.equal(Excel.opened, Buffer.from(bytes).toString("base64"));
  assert.equal(await pane.openInExcel(undefined, bytes), false); // a browser: a download
});

test("base64 of a large report survives the chunking", () => {
  const bytes = new Uint8Array(100000).map((_, i) => (i * 7) % 256);
  assert.equal(pane.toBase64(bytes), Buffer.from(bytes).toString("base64"));
});
