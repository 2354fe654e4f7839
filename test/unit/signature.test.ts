import { createHmac } from 'node:crypto';
import { SIGNATURE_TOLERANCE_S, signBody, verifySignature } from '../../functions/adapters/signature';

const SECRET = 'local-portal-secret';
const OLD_SECRET = 'previous-portal-secret';
const NOW = 1_711_935_000; // 2024-04-01T08:30:00+07:00
const BODY = Buffer.from('{"service":"DongBoHoSoMC","data":[{"MaHoSo":"000.00.12.H57-240401-0003","TenTTHC":"Chứng thực"}]}', 'utf8');

/** An independent HMAC, straight from the contract's words, so the tests do not trust signBody. */
function hex(secret: string, body: Buffer | string, t: number): string {
  return createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${t}.`), Buffer.from(body)]))
    .digest('hex');
}

describe('signBody', () => {
  it('writes t and v1 as the contract defines them', () => {
    // Prepare
    const expected = `t=${NOW},v1=${hex(SECRET, BODY, NOW)}`;

    // Act
    const header = signBody(SECRET, BODY, NOW);

    // Assess
    expect(header).toBe(expected);
  });

  it('signs a string body the same as its UTF-8 bytes', () => {
    // Prepare
    const text = BODY.toString('utf8');

    // Act
    const header = signBody(SECRET, text, NOW);

    // Assess
    expect(header).toBe(signBody(SECRET, BODY, NOW));
  });
});

describe('verifySignature: accepted', () => {
  const good = hex(SECRET, BODY, NOW);
  const other = hex('some-other-secret', BODY, NOW);

  it.each([
    ['t first', `t=${NOW},v1=${good}`],
    ['v1 first', `v1=${good},t=${NOW}`],
    ['a space after the comma', `t=${NOW}, v1=${good}`],
    ['several spaces and a tab', `t=${NOW},  \tv1=${good}`],
    ['upper-case hex', `t=${NOW},v1=${good.toUpperCase()}`],
    ['mixed-case hex', `t=${NOW},v1=${good.slice(0, 32).toUpperCase()}${good.slice(32)}`],
    ['the match second of two v1', `t=${NOW},v1=${other},v1=${good}`],
    ['the match first of two v1', `t=${NOW},v1=${good},v1=${other}`],
    ['t between two v1', `v1=${other}, t=${NOW}, v1=${good}`],
    ['a v1 of the wrong length beside the match', `t=${NOW},v1=abcd,v1=${good}`],
    ['an unknown scheme beside v1', `t=${NOW},v0=deadbeef,v1=${good}`],
    ['surrounding spaces', `  t=${NOW},v1=${good}  `],
  ])('%s', (_name, header) => {
    // Prepare
    const secrets = [SECRET];

    // Act
    const result = verifySignature(header, BODY, secrets, NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it.each([
    ['signed with the current secret', SECRET],
    ['signed with the previous secret during a rotation', OLD_SECRET],
  ])('rotation: %s', (_name, signer) => {
    // Prepare
    const header = `t=${NOW},v1=${hex(signer, BODY, NOW)}`;

    // Act
    const result = verifySignature(header, BODY, [SECRET, OLD_SECRET], NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('rotation: the sender signs with both secrets and one v1 matches', () => {
    // Prepare
    const header = `t=${NOW},v1=${hex('brand-new-secret', BODY, NOW)},v1=${hex(SECRET, BODY, NOW)}`;

    // Act
    const result = verifySignature(header, BODY, [SECRET], NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it.each([
    ['300 s ahead of the sender', NOW + SIGNATURE_TOLERANCE_S],
    ['300 s behind the sender', NOW - SIGNATURE_TOLERANCE_S],
  ])('at the edge of the tolerance: %s', (_name, now) => {
    // Prepare
    const header = signBody(SECRET, BODY, NOW);

    // Act
    const result = verifySignature(header, BODY, [SECRET], now);

    // Assess
    expect(result).toEqual({ ok: true });
  });

  it('an empty body', () => {
    // Prepare
    const empty = Buffer.alloc(0);
    const header = `t=${NOW},v1=${hex(SECRET, empty, NOW)}`;

    // Act
    const result = verifySignature(header, empty, [SECRET], NOW);

    // Assess
    expect(result).toEqual({ ok: true });
  });
});

describe('verifySignature: rejected', () => {
  const good = hex(SECRET, BODY, NOW);

  it.each([
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['a blank header', '   ', 'missing'],
    ['no t', `v1=${good}`, 'malformed'],
    ['no v1', `t=${NOW}`, 'malformed'],
    ['only an unknown scheme', `t=${NOW},v0=${good}`, 'malformed'],
    ['two t', `t=${NOW},t=${NOW},v1=${good}`, 'malformed'],
    ['t not a number', `t=yesterday,v1=${good}`, 'malformed'],
    ['t negative', `t=-${NOW},v1=${good}`, 'malformed'],
    ['t with a fraction', `t=${NOW}.5,v1=${good}`, 'malformed'],
    ['t empty', `t=,v1=${good}`, 'malformed'],
    ['v1 not hex', `t=${NOW},v1=${good.slice(0, 63)}z`, 'malformed'],
    ['v1 empty', `t=${NOW},v1=`, 'malformed'],
    ['a part without =', `t=${NOW},v1${good}`, 'malformed'],
    ['semicolons instead of commas', `t=${NOW};v1=${good}`, 'malformed'],
    ['a trailing comma', `t=${NOW},v1=${good},`, 'malformed'],
    ['a space before =', `t =${NOW},v1=${good}`, 'malformed'],
    ['a Stripe-like prefix', `sha256=${good}`, 'malformed'],
  ])('%s', (_name, header, reason) => {
    // Prepare
    const secrets = [SECRET];

    // Act
    const result = verifySignature(header, BODY, secrets, NOW);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it.each([
    ['signed with another secret', `t=${NOW},v1=${hex('wrong', BODY, NOW)}`],
    ['signed over another body', `t=${NOW},v1=${hex(SECRET, '{"service":"DongBoHoSoMC","data":[]}', NOW)}`],
    ['signed for another t', `t=${NOW},v1=${hex(SECRET, BODY, NOW - 1)}`],
    ['signed without the "t." prefix', `t=${NOW},v1=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`],
    ['signed with SHA-1', `t=${NOW},v1=${createHmac('sha1', SECRET).update(`${NOW}.`).update(BODY).digest('hex')}`],
    ['a truncated v1', `t=${NOW},v1=${good.slice(0, 62)}`],
    ['a v1 one byte longer', `t=${NOW},v1=${good}00`],
    ['the hex of the right MAC shifted by one digit', `t=${NOW},v1=${good.slice(1)}0`],
  ])('no match: %s', (_name, header) => {
    // Prepare
    const secrets = [SECRET, OLD_SECRET];

    // Act
    const result = verifySignature(header, BODY, secrets, NOW);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'no matching signature' });
  });

  it('no match: the body changed by one byte', () => {
    // Prepare
    const header = signBody(SECRET, BODY, NOW);
    const tampered = Buffer.from(BODY);
    tampered[tampered.length - 3] ^= 0x01;

    // Act
    const result = verifySignature(header, tampered, [SECRET], NOW);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'no matching signature' });
  });

  it('no match: no secret configured', () => {
    // Prepare
    const header = signBody(SECRET, BODY, NOW);

    // Act
    const result = verifySignature(header, BODY, [], NOW);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'no matching signature' });
  });

  it('no match: an empty secret never verifies an empty-key MAC', () => {
    // Prepare
    const header = `t=${NOW},v1=${hex('', BODY, NOW)}`;

    // Act
    const result = verifySignature(header, BODY, [''], NOW);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'no matching signature' });
  });

  it.each([
    ['301 s old', NOW + SIGNATURE_TOLERANCE_S + 1],
    ['301 s in the future', NOW - SIGNATURE_TOLERANCE_S - 1],
    ['a day old (a replay)', NOW + 86_400],
  ])('outside the tolerance: %s', (_name, now) => {
    // Prepare
    const header = signBody(SECRET, BODY, NOW);

    // Act
    const result = verifySignature(header, BODY, [SECRET], now);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('tolerance');
  });
});
