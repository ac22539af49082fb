"use strict";
/* Mocks shared by the tests: Excel's CustomFunctions object (office-addin-mock) and a
 * fetch that records requests and answers from a handler. */
const { OfficeMockObject } = require("office-addin-mock");

class MockError {
  constructor(code, message) {
    this.code = code;
    this.message = message;
  }
}

async function mockCustomFunctions() {
  const cf = new OfficeMockObject({
    Error: MockError,
    ErrorCode: {
      notAvailable: "#N/A",
      invalidValue: "#VALUE!",
      invalidName: "#NAME?",
      invalidNumber: "#NUM!",
    },
    associate: function (id, fn) {
      this.associated = this.associated || {};
      this.associated[id] = fn;
    },
  });
  cf.ErrorCode.load(["notAvailable", "invalidValue", "invalidName", "invalidNumber"]);
  await cf.sync(); // the mock hands out values only once loaded, as Office.js does
  return cf;
}

function jsonResponse(status, body, headers) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...(headers || {}) },
  });
}

/* handler(request) -> Response; every request is kept in .requests */
function recordingFetch(handler) {
  const fetch = async (url, init) => {
    const request = { url, init, body: init && init.body ? JSON.parse(init.body) : null };
    fetch.requests.push(request);
    return handler(request);
  };
  fetch.requests = [];
  return fetch;
}

module.exports = { MockError, jsonResponse, mockCustomFunctions, recordingFetch };
