"use strict";
/* The custom functions: one request per recalculation, results in order, Excel errors. */
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const fns = require("../xlreport/addin/static/functions.js");
const { jsonResponse, mockCustomFunctions, recordingFetch } = require("./helpers.js");

const BASE = "https://localhost:8443/";
const TOKEN = "synthetic-token-0123456789abcdef";

async function setup(handler) {
  const CF = await mockCustomFunctions();
  const fetch = recordingFetch(handler);
  const batcher = fns.createBatcher({ baseUrl: BASE, fetch, getToken: () => TOKEN,
    CustomFunctions: CF });
  return { CF, fetch, batcher };
}

/* A server that answers each call with its name and first argument, in order. */
function echo(request) {
  return jsonResponse(200, { results: request.body.calls.map((c) => c.name + ":" + c.args[0]) });
}

test("the calls of one recalculation go in one request, answered in order", async () => {
  const { fetch, batcher } = await setup(echo);
  const answers = await Promise.all([
    batcher.call("XLR_STATUS", ["a"], false),
    batcher.call("XLR_SHARE", ["b"], false),
    batcher.call("XLR_TARGET", ["c", "unit"], false),
  ]);
  assert.deepEqual(answers, ["XLR_STATUS:a", "XLR_SHARE:b", "XLR_TARGET:c"]);
  assert.equal(fetch.requests.length, 1);
  const [req] = fetch.requests;
  assert.equal(req.url, "https://localhost:8443/api/call");
  assert.equal(req.init.method, "POST");
  assert.equal(req.init.headers.Authorization, "Bearer " + TOKEN);
  assert.deepEqual(req.body.calls[2], { name: "XLR_TARGET", args: ["c", "unit"] });
});

test("a large recalculation is sent in chunks of MAX_BATCH calls", async () => {
  const { fetch, batcher } = await setup(echo);
  const n = 2 * fns.MAX_BATCH + 500; // 2,500 cells: chunks of 1,000 + 1,000 + 500
  const calls = [];
  for (let i = 0; i < n; i += 1) {
    calls.push(batcher.call("XLR_SHARE", ["t" + i], false));
  }
  const answers = await Promise.all(calls);
  assert.equal(fetch.requests.length, 3);
  assert.deepEqual(fetch.requests.map((r) => r.body.calls.length), [1000, 1000, 500]);
  assert.equal(answers[n - 1], "XLR_SHARE:t" + (n - 1));
  // a later recalculation is a new request
  await batcher.call("XLR_SHARE", ["again"], false);
  assert.equal(fetch.requests.length, 4);
});

test("errors from Python become Excel errors carrying the message", async () => {
  const { batcher } = await setup(() =>
    jsonResponse(200, {
      results: [
        { error: "unknown target 'x': see XLR_TARGETS(plan) for the ids", code: "#N/A" },
        { error: "as_of: 'soon' is not a date", code: "#VALUE!" },
        { error: "unknown function 'XLR_NOPE': see /functions.json", code: "#NAME?" },
        0.8666,
      ],
    })
  );
  const settled = await Promise.allSettled([
    batcher.call("XLR_SHARE", ["x"], false),
    batcher.call("XLR_LATEST", ["t", "soon"], false),
    batcher.call("XLR_NOPE", [], false),
    batcher.call("XLR_SHARE", ["t"], false),
  ]);
  assert.deepEqual(settled.map((s) => s.status), ["rejected", "rejected", "rejected", "fulfilled"]);
  assert.equal(settled[0].reason.code, "#N/A");
  assert.equal(settled[0].reason.message, "unknown target 'x': see XLR_TARGETS(plan) for the ids");
  assert.equal(settled[1].reason.code, "#VALUE!");
  assert.equal(settled[2].reason.code, "#NAME?");
  assert.equal(settled[3].value, 0.8666);
});

test("a wrong token, a server error and no server are errors in every cell", async () => {
  for (const [handler, code, words] of [
    [() => jsonResponse(401, { error: "unauthorized" }), "#VALUE!", "token is missing or wrong"],
    [() => jsonResponse(503, { error: "database unreachable" }), "#VALUE!", "database unreachable"],
    [() => jsonResponse(200, { results: [1] }), "#VALUE!", "answered 200"], // 1 result for 2
    [() => { throw new TypeError("fetch failed"); }, "#N/A", "cannot reach the xlreport server"],
  ]) {
    const { batcher } = await setup(handler);
    const settled = await Promise.allSettled([
      batcher.call("XLR_SHARE", ["a"], false),
      batcher.call("XLR_SHARE", ["b"], false),
    ]);
    for (const s of settled) {
      assert.equal(s.status, "rejected");
      assert.equal(s.reason.code, code);
      assert.match(s.reason.message, new RegExp(words));
      assert.ok(s.reason.message.length <= 255);
    }
  }
});

test("tables spill as rectangles; empty values are empty cells", () => {
  assert.deepEqual(fns.toExcel([["id", "value"], ["a", null], ["b"]], true),
    [["id", "value"], ["a", ""], ["b", ""]]);
  assert.deepEqual(fns.toExcel("1.0.0", true), [["1.0.0"]]); // XLR_ABOUT("version")
  assert.equal(fns.toExcel(null, false), "");
  assert.equal(fns.toExcel(0, false), 0);
  assert.equal(fns.toExcel(false, false), false);
});

test("omitted arguments are sent as null, trailing ones dropped", () => {
  assert.deepEqual(fns.cleanArgs(["t", undefined, 45436], 3), ["t", null, 45436]);
  assert.deepEqual(fns.cleanArgs(["t", null, undefined], 3), ["t"]);
  assert.deepEqual(fns.cleanArgs(["t", "x", "y", "z"], 2), ["t", "x"]);
});

test("every function of functions.json is associated and calls the server", async (t) => {
  const file = process.env.XLREPORT_TEST_FUNCTIONS_JSON;
  if (!file) {
    t.skip("run through pytest (tests/integration/test_addin_js.py), which writes it");
    return;
  }
  const metadata = JSON.parse(fs.readFileSync(file, "utf8"));
  const catalog = metadata.functions.map((f) => ({ id: f.id, params: f.parameters.length,
    matrix: f.result.dimensionality === "matrix" }));
  const CF = await mockCustomFunctions();
  const fetch = recordingFetch(echo);
  const root = { CustomFunctions: CF, XLREPORT_FUNCTIONS: catalog, fetch,
    location: { href: BASE + "taskpane.html" }, localStorage: { getItem: () => TOKEN } };
  fns.registerAll(root);
  assert.deepEqual(Object.keys(CF.associated), metadata.functions.map((f) => f.id));
  assert.ok(Object.keys(CF.associated).includes("XLR_STATUS"));
  const status = await CF.associated.XLR_STATUS("lingang-2025.industrial-output");
  assert.equal(status, "XLR_STATUS:lingang-2025.industrial-output");
  const table = await CF.associated.XLR_TARGETS("lingang-2025");
  assert.deepEqual(table, [["XLR_TARGETS:lingang-2025"]]); // a table function: a matrix
  assert.equal(fetch.requests[0].url, BASE + "api/call");
});

test("outside Excel nothing is registered", () => {
  assert.equal(fns.registerAll({ XLREPORT_FUNCTIONS: [] }), null);
});

test("the manifest parses with Microsoft's manifest reader", async (t) => {
  const file = process.env.XLREPORT_TEST_MANIFEST;
  if (!file) {
    t.skip("run through pytest (tests/integration/test_addin_js.py), which writes it");
    return;
  }
  const { readManifestFile } = require("office-addin-manifest").OfficeAddinManifest;
  const info = await readManifestFile(path.resolve(file));
  assert.match(info.id, /^[0-9a-f-]{36}$/);
  assert.equal(info.displayName, "xlreport");
  assert.equal(info.providerName, "xlreport developers");
  assert.deepEqual(info.hosts, ["Workbook"]);
  assert.match(info.version, /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(info.defaultSettings.sourceLocation, process.env.XLREPORT_TEST_BASE + "/taskpane.html");
  assert.equal(info.permissions, "ReadWriteDocument");
  assert.equal(info.officeAppType, "TaskPaneApp");
  assert.deepEqual(info.appDomains, [process.env.XLREPORT_TEST_BASE]);
});
