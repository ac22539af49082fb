/*
 * The xlreport task pane (Home > Monthly report): which server the add-in uses, its data
 * vintage, the token, and the monthly report. Plain JavaScript, no bundler.
 *
 * The report comes from POST api/report as an .xlsx download; inside Excel it is also
 * opened as a new workbook (Excel.createWorkbook, ExcelApi 1.8), in a browser it is saved
 * through a download link.
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.xlreportPane = api;
    // Office.onReady can come before the page is parsed (a cached reload): wait for both
    const domReady = new Promise((resolve) => {
      if (root.document.readyState === "loading") {
        root.document.addEventListener("DOMContentLoaded", resolve);
      } else {
        resolve();
      }
    });
    const officeReady = root.Office && typeof root.Office.onReady === "function"
      ? new Promise((resolve) => root.Office.onReady(resolve))
      : Promise.resolve(null);
    Promise.all([officeReady, domReady]).then(([info]) => api.init(root, info));
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const TOKEN_KEY = "xlreport.token";
  const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

  /* The month before today's: the report analysts make on the first working days. */
  function lastCompleteMonth(today) {
    const year = today.getFullYear();
    const month = today.getMonth(); // 0-based: this is already "last month" + 1
    const y = month === 0 ? year - 1 : year;
    const m = month === 0 ? 12 : month;
    return y + "-" + String(m).padStart(2, "0");
  }

  function filenameFrom(disposition, fallback) {
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition || "");
    if (!match) {
      return fallback;
    }
    const name = decodeURIComponent(match[1]).replace(/[\\/:*?"<>|]/g, "_");
    return name || fallback;
  }

  function toBase64(bytes) {
    if (typeof Buffer !== "undefined" && typeof btoa === "undefined") {
      return Buffer.from(bytes).toString("base64");
    }
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  async function errorOf(response) {
    if (response.status === 401) {
      return "the token is missing or wrong: paste the one `xlreport addin serve` printed";
    }
    try {
      const body = await response.json();
      if (body && body.error) {
        return body.error;
      }
    } catch (err) {
      /* not JSON */
    }
    return "the server answered " + response.status;
  }

  /* options: baseUrl, fetch, getToken */
  function createClient(options) {
    const headers = (json) => {
      const h = { Authorization: "Bearer " + (options.getToken() || "") };
      if (json) {
        h["Content-Type"] = "application/json";
      }
      return h;
    };
    const url = (path) => new URL(path, options.baseUrl).href;

    async function health() {
      const response = await options.fetch(url("api/health"), { headers: headers(false) });
      if (!response.ok) {
        throw new Error(await errorOf(response));
      }
      return response.json();
    }

    async function report(month) {
      if (!MONTH.test(month)) {
        throw new Error("pick a month (YYYY-MM)");
      }
      const response = await options.fetch(url("api/report"), {
        method: "POST",
        headers: headers(true),
        body: JSON.stringify({ month }),
      });
      if (!response.ok) {
        throw new Error(await errorOf(response));
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      const fallback = "xlreport-" + month + ".xlsx";
      return { bytes, filename: filenameFrom(response.headers.get("content-disposition"), fallback) };
    }

    return { health, report };
  }

  /* Inside Excel: open the report as a new workbook. Returns whether it did. */
  async function openInExcel(Excel, bytes) {
    if (!Excel || typeof Excel.createWorkbook !== "function") {
      return false;
    }
    await Excel.createWorkbook(toBase64(bytes));
    return true;
  }

  function init(root, info) {
    const doc = root.document;
    const $ = (id) => doc.getElementById(id);
    const storage = root.localStorage;
    const inExcel = Boolean(info && info.host && root.Excel);
    const client = createClient({
      baseUrl: new URL(".", root.location.href).href,
      fetch: root.fetch.bind(root),
      getToken: () => storage.getItem(TOKEN_KEY) || "",
    });
    const status = (id, text, isError) => {
      $(id).textContent = text;
      $(id).className = isError ? "error" : "";
    };

    $("server-url").textContent = root.location.origin;
    $("month").value = lastCompleteMonth(new Date());
    $("token").value = storage.getItem(TOKEN_KEY) || "";

    async function refresh() {
      try {
        const about = await client.health();
        $("data-vintage").textContent = about.data_vintage || "no data yet";
        $("database").textContent = about.database;
        $("revision").textContent = String(about.revision);
        $("version").textContent = about.version;
        $("server-info").hidden = false;
        status("server-status", "Connected.", false);
      } catch (err) {
        $("server-info").hidden = true;
        status("server-status", "Not connected: " + err.message, true);
      }
    }

    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      storage.setItem(TOKEN_KEY, $("token").value.trim());
      refresh();
    });

    $("report-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const month = $("month").value;
      const button = $("generate");
      button.disabled = true;
      status("report-status", "Writing the report for " + month + "...", false);
      try {
        const made = await client.report(month);
        const link = $("report-link");
        if (link.href) {
          root.URL.revokeObjectURL(link.href);
        }
        const blob = new root.Blob([made.bytes], {
          type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        });
        link.href = root.URL.createObjectURL(blob);
        link.download = made.filename;
        link.textContent = "Save " + made.filename;
        link.hidden = false;
        const opened = inExcel && (await openInExcel(root.Excel, made.bytes));
        if (!opened) {
          link.click();
        }
        status(
          "report-status",
          "Report ready: " + made.filename + " (" + Math.round(made.bytes.length / 1024) +
            " KB)" + (opened ? ", opened in a new workbook." : "."),
          false
        );
      } catch (err) {
        status("report-status", "No report: " + err.message, true);
      } finally {
        button.disabled = false;
      }
    });

    refresh();
  }

  return { TOKEN_KEY, createClient, filenameFrom, init, lastCompleteMonth, openInExcel, toBase64 };
});
