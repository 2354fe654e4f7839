/**
 * The mailer on SES (API v1 `SendEmail`: a subject, a text part and an HTML part, all UTF-8).
 *
 * Only `SendEmail` is ever called: the local emulator (aws-ses-v2-local) hangs on actions it does
 * not support (e.g. `GetSendQuota`) instead of failing.
 */
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { MailRefusedError, type AlertMailer, type OutgoingEmail } from '../core/ports';

/**
 * SES errors a retry cannot fix: the message or an address is refused until someone changes the
 * configuration. Everything else (throttling, network, 5xx) is transient.
 */
const REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'InvalidParameterValue',
  'ConfigurationSetDoesNotExistException',
]);

/** Longest UTF-8 run (bytes) per RFC 2047 encoded word, so that a word stays under 75 characters. */
const WORD_BYTES = 45;

/** Splits `text` into runs of at most `WORD_BYTES` UTF-8 bytes, never inside a character. */
function utf8Runs(text: string): Buffer[] {
  const runs: Buffer[] = [];
  let current = '';
  for (const ch of text) {
    if (Buffer.byteLength(current + ch, 'utf8') > WORD_BYTES) {
      runs.push(Buffer.from(current, 'utf8'));
      current = '';
    }
    current += ch;
  }
  if (current) runs.push(Buffer.from(current, 'utf8'));
  return runs;
}

/**
 * The sender as SES wants it in `Source`: a bare address as is; a display name quoted when it is
 * plain ASCII, else as RFC 2047 encoded words (`=?UTF-8?B?…?=`), since SES takes only 7-bit
 * headers. `"Bộ phận Một cửa" <motcua@binhan.local>` → `=?UTF-8?B?Qk…?= <motcua@binhan.local>`.
 */
export function formatSender(sender: string): string {
  const trimmed = sender.trim();
  const m = /^(.*?)\s*<\s*([^<>\s]+@[^<>\s]+)\s*>$/.exec(trimmed);
  if (!m) {
    if (!/^[^\s<>"]+@[^\s<>"]+$/.test(trimmed)) throw new Error(`ALERT_SENDER is not an email address: ${JSON.stringify(sender)}`);
    return trimmed;
  }
  const address = m[2];
  let name = m[1].trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  if (!name) return address;
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  const words = utf8Runs(name).map((run) => `=?UTF-8?B?${run.toString('base64')}?=`);
  return `${words.join(' ')} <${address}>`;
}

/** The SES `AlertMailer`. */
export class SesMailer implements AlertMailer {
  private readonly source: string;

  constructor(
    private readonly client: SESClient,
    sender: string,
  ) {
    this.source = formatSender(sender);
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    try {
      const out = await this.client.send(
        new SendEmailCommand({
          Source: this.source,
          Destination: { ToAddresses: [email.to] },
          Message: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: email.text, Charset: 'UTF-8' },
              Html: { Data: email.html, Charset: 'UTF-8' },
            },
          },
        }),
      );
      return { messageId: out.MessageId ?? '' };
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      if (REFUSALS.has(name)) throw new MailRefusedError(`SES refused the email: ${name}: ${(err as Error).message}`, { cause: err });
      throw err;
    }
  }
}
