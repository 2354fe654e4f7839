/** Placeholder until this handler is built: answers 501 so a wiring mistake is loud. */
export const handler = async () => ({
  statusCode: 501,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ error: { code: 'not_implemented', message: 'paygov-confirm is not built yet' } }),
});
