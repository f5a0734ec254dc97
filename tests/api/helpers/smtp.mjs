// tests/api/helpers/smtp.mjs - a real SMTP server on loopback that keeps every
// message it is given, decoded (base64 bodies, RFC 2047 subjects), for tests.
import { SMTPServer } from "smtp-server";

const words = (s) =>
  s.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, "base64").toString("utf8"));

function decode(raw) {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.slice(split + 4);
  if (/base64/i.test(headers["content-transfer-encoding"] ?? ""))
    body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return { headers, subject: words(headers.subject ?? ""), body };
}

export async function startSmtpSink() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          ...decode(Buffer.concat(chunks).toString("utf8")),
        });
        done();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    messages,
    // Wait until a message matching pred has come (the server sends within seconds).
    async waitFor(pred, ms = 15000) {
      for (const end = Date.now() + ms; Date.now() < end; ) {
        const m = messages.find(pred);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no such message; have: ${JSON.stringify(messages.map((m) => [m.to, m.subject]))}`);
    },
    stop: () => new Promise((r) => server.close(r)),
  };
}
