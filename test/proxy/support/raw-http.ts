import { connect } from 'node:net';

/**
 * Sends raw bytes (for requests no well-behaved client would send) and returns the status code
 * of the first response, or 0 when the connection closed without one. Bounded by `timeoutMs`.
 */
export function rawRequest(url: string, bytes: string, timeoutMs = 3000): Promise<{ status: number; response: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, response: data });
    };
    const timer = setTimeout(done, timeoutMs);
    socket.on('data', (c) => {
      data += c.toString('latin1');
      // One complete response is enough.
      const headEnd = data.indexOf('\r\n\r\n');
      if (headEnd !== -1) {
        const len = /content-length: *(\d+)/i.exec(data.slice(0, headEnd))?.[1];
        if (len !== undefined && data.length >= headEnd + 4 + Number(len)) done();
        else if (/transfer-encoding: *chunked/i.test(data.slice(0, headEnd)) && data.endsWith('\r\n0\r\n\r\n')) done();
      }
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(bytes, 'latin1');
  });
}

/** The body of a raw response, de-chunked when it is chunked. */
export function rawBody(response: string): string {
  const headEnd = response.indexOf('\r\n\r\n');
  const head = response.slice(0, headEnd);
  let rest = response.slice(headEnd + 4);
  if (!/transfer-encoding: *chunked/i.test(head)) return rest;
  let body = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return body;
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
