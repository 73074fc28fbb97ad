import { maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface ClientErrorAnswer {
  status: number;
  reason: string;
  code: string;
  message: string;
}

function answerFor(error: NodeJS.ErrnoException, headerLimit: number): ClientErrorAnswer {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        code: 'HEADERS_TOO_LARGE',
        message: `The request headers exceed ${headerLimit} bytes; a bearer token must be smaller.`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, reason: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time.' };
    default:
      return { status: 400, reason: 'Bad Request', code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP.' };
  }
}

/**
 * Requests Node's HTTP parser refuses (headers over `maxHeaderSize`, such as
 * a 100 KB bearer token; malformed HTTP; a request that arrives too slowly)
 * never reach Nest: Node answered a bare 431 or 400 with no body. The same
 * JSON error shape as every other refusal is written instead. The limit
 * itself stays Node's default (16 KB): a larger one only lets clients make
 * the server buffer more.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The client is gone, or a response is already on its way: nothing to write.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, code, message } = answerFor(error, maxHeaderSize);
    const body = JSON.stringify({ statusCode: status, error: reason, code, message });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
