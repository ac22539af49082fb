"""The Office add-in (Office.js): Excel on the web, on the Mac, and on Windows without macros.

``xlreport addin serve`` runs an HTTPS server (Starlette under uvicorn) that serves the
add-in's files (:mod:`xlreport.addin` ``static/``) and a JSON API over the same functions
the xlwings add-in uses. The modules, from the bottom:

* :mod:`.metadata`: ``functions.json`` (Office custom-functions metadata), generated from
  the catalog of :mod:`xlreport.excel.functions`, so the two can never drift;
* :mod:`.calls`: one batch of function calls, answered in order, errors as entries;
* :mod:`.token`: the bearer token (made at first start, user-only permissions);
* :mod:`.certs`: a local certificate authority and a ``localhost`` certificate;
* :mod:`.manifest`: the XML manifest Excel sideloads;
* :mod:`.server`: the Starlette application (auth, CORS, limits);
* :mod:`.serve`: uvicorn with TLS.

Only this package imports Starlette, uvicorn and cryptography; nothing below imports it.
"""
