// Portkey's gateway appends its own headers to the upstream's fetch Response, whose headers are
// immutable under Node's fetch (Portkey-AI/gateway#1389, #1550): every streamed answer then fails with
// "TypeError: immutable". The benchmark preloads this into Portkey's process so that its streaming can
// be measured at all: each fetch answer is re-wrapped in a Response with mutable headers (a copy of the
// headers; the body is passed through, not read).
const nativeFetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await nativeFetch(...args);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
};
