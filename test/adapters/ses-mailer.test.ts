/**
 * The SES mailer against aws-ses-v2-local (in this process, on a free port): UTF-8 subject and
 * parts, the sender's display name encoded, and failures told apart (transient vs refused).
 */
import { SESClient } from '@aws-sdk/client-ses';
import { formatSender, SesMailer } from '../../functions/adapters/ses-mailer';
import { alertEmail } from '../../functions/core/alert-email';
import { MailRefusedError } from '../../functions/core/ports';
import { CREDENTIALS, startSes, type SesEmulator } from '../../infra/local/emulators';
import { alert } from '../unit/alert-fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

let ses: SesEmulator;
const clients: SESClient[] = [];

function client(endpoint: string): SESClient {
  const c = new SESClient({ region: 'ap-southeast-1', endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  clients.push(c);
  return c;
}

async function stored(): Promise<StoredEmail[]> {
  const res = await fetch(`${ses.endpoint}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

beforeAll(async () => {
  ses = await startSes({ port: 0 });
});
beforeEach(async () => {
  await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await ses.stop();
});

describe('formatSender', () => {
  it.each([
    ['a bare address', 'motcua@binhan.local', 'motcua@binhan.local'],
    ['an ASCII display name', 'Mot cua <motcua@binhan.local>', '"Mot cua" <motcua@binhan.local>'],
    ['a quoted ASCII name with a quote inside', '"Ward \\"A\\"" <motcua@binhan.local>', '"Ward \\"A\\"" <motcua@binhan.local>'],
    [
      'a Vietnamese display name',
      '"Bộ phận Một cửa phường Bình An" <motcua@binhan.local>',
      '=?UTF-8?B?QuG7mSBwaOG6rW4gTeG7mXQgY+G7rWEgcGjGsOG7nW5nIELDrG5oIEFu?= <motcua@binhan.local>',
    ],
  ])('writes %s as SES wants it', (_what, input, expected) => {
    // Act
    const out = formatSender(input);

    // Assess
    expect(out).toBe(expected);
  });

  it('splits a long Vietnamese name into encoded words of at most 75 characters, never inside a character', () => {
    // Prepare
    const name = 'Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính phường Bình An';

    // Act
    const out = formatSender(`${name} <motcua@binhan.local>`);

    // Assess
    const words = out.replace(/ <motcua@binhan\.local>$/, '').split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    const decoded = words.map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1], 'base64').toString('utf8')).join('');
    expect(decoded).toBe(name);
  });

  it('refuses something that is not an address', () => {
    // Assess
    expect(() => formatSender('Bộ phận Một cửa')).toThrow(/ALERT_SENDER/);
  });
});

describe('SesMailer', () => {
  it('sends one UTF-8 email, text and HTML, from the encoded sender to one recipient', async () => {
    // Prepare
    const mailer = new SesMailer(client(ses.endpoint), '"Bộ phận Một cửa phường Bình An" <motcua@binhan.local>');
    const content = alertEmail('overdue', [alert()]);

    // Act
    const { messageId } = await mailer.send({ to: 'chutich@binhan.local', ...content });

    // Assess
    const emails = await stored();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email.messageId).toBe(messageId);
    expect(email.destination.to).toEqual(['chutich@binhan.local']);
    expect(email.from).toBe(formatSender('"Bộ phận Một cửa phường Bình An" <motcua@binhan.local>'));
    expect(email.subject).toBe('[Một cửa] 1 hồ sơ quá hạn');
    expect(email.body.text).toBe(content.text);
    expect(email.body.html).toBe(content.html);
    expect(email.body.text).toContain('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
  });

  it('fails transiently (not as a refusal) when SES cannot be reached', async () => {
    // Prepare
    const mailer = new SesMailer(client('http://127.0.0.1:9'), 'motcua@binhan.local');

    // Act
    const attempt = mailer.send({ to: 'chutich@binhan.local', subject: 's', text: 't', html: '<p>t</p>' });

    // Assess
    await expect(attempt).rejects.toThrow();
    await expect(attempt).rejects.not.toBeInstanceOf(MailRefusedError);
  });

  it('turns an SES refusal into MailRefusedError', async () => {
    // Prepare: the SES v1 query protocol's MessageRejected, as SES answers an unverified address
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>MessageRejected</Code>' +
          '<Message>Email address is not verified.</Message></Error><RequestId>r</RequestId></ErrorResponse>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const mailer = new SesMailer(client(`http://127.0.0.1:${port}`), 'motcua@binhan.local');

    // Act
    const attempt = mailer.send({ to: 'nobody@binhan.local', subject: 's', text: 't', html: '<p>t</p>' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(MailRefusedError);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
