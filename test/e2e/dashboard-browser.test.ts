/**
 * The leaders' dashboard in a real browser (Debian's Chromium through playwright-core), against
 * the shared stack loaded with the ward stream (seeded-stack.ts): sign in with ADMIN_TOKEN; the page
 * reads the notice (11.701 received for 01/01/2023–31/03/2024; 3.557/4.709 = 75,5% paid online in
 * 2023, 1.686/1.754 = 96,1% in Q1 2024); no console error, no failed request, no request to another
 * origin; axe-core finds no serious or critical violation; the CSV and the workbook download and read
 * back with the page's numbers; sign-out ends the session. It saves docs/dashboard.png.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import readXlsxFile from 'read-excel-file/node';
import { ADMIN_TOKEN } from './harness';
import { seededStack } from './seeded-stack';

jest.setTimeout(15 * 60 * 1000);

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../docs/dashboard.png');
const WHOLE = '/dashboard?from=2023-01-01&to=2024-03-31';

let api: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const failed: string[] = [];
const offsite: string[] = [];

/** Digits of a Vietnamese figure ("11.701" → 11701). */
const int = (text: string) => Number(text.replace(/\./g, ''));

/** The RFC 4180 rows of a CSV text (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

/** Clicks a download link and returns the file's bytes. */
async function download(selector: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const where = await file.path();
  return readFileSync(where);
}

/** The text of a headline card's value and detail. */
async function card(id: string): Promise<{ value: string; detail: string }> {
  return {
    value: (await page.textContent(`#the-${id} .value`))!.trim(),
    detail: (await page.textContent(`#the-${id} .detail`))!.trim(),
  };
}

beforeAll(async () => {
  ({ api } = await seededStack());
  // A missing browser is a failure, not a skip: .ci/run installs Debian's chromium.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-dejavu-core`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    acceptDownloads: true,
    viewport: { width: 1280, height: 1000 },
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
  page = await context.newPage();
  page.setDefaultTimeout(180_000);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('the dashboard in a browser, on the ward stream', () => {
  it('sends an unsigned visitor to the sign-in form, and in with ADMIN_TOKEN', async () => {
    // Act
    await page.goto(`${api}${WHOLE}`);
    const formShown = page.url();
    await page.fill('#token', ADMIN_TOKEN);
    await Promise.all([page.waitForURL(/\/dashboard\?from=/), page.click('button[type=submit]')]);

    // Assess
    expect(formShown).toContain('/dashboard/sign-in?next=');
    const cookie = (await context.cookies()).find((c) => c.name === 'motcua_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });
    expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(7 * 3600 * 1000);
    expect(await page.textContent('h1')).toBe('Bảng điều hành Một cửa');
  });

  it('shows 11.701 received for 01/01/2023–31/03/2024, in the card and the statistics table, and saves the screenshot', async () => {
    // Act
    const received = await card('received');
    const totalInPeriod = await page.textContent('#tbl-statistics tfoot td:nth-of-type(3)');

    // Assess
    expect(received.value).toBe('11.701');
    expect(received.detail).toContain('Trực tuyến 8.979 · trực tiếp 2.722');
    expect(totalInPeriod).toBe('11.701');
    await page.screenshot({ path: SCREENSHOT, clip: { x: 0, y: 0, width: 1280, height: 3500 }, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it.each([
    ['2023', '?period=year&year=2023', '75,5%', '3.557/4.709', '67.170.000'],
    ['Q1 2024', '?period=quarter&quarter=2024-Q1', '96,1%', '1.686/1.754', '22.778.000'],
  ])('shows the notice payment rate for %s', async (_, query, rate, counts, amount) => {
    // Act
    await page.goto(`${api}/dashboard${query}`);
    const payments = await card('payments');

    // Assess
    expect(payments.value).toBe(rate);
    expect(payments.detail).toContain(`${counts} hồ sơ có phí, lệ phí`);
    expect(payments.detail).toContain(`${amount} đồng`);
  });

  it('downloads the statistics table as CSV (UTF-8 with BOM) and as .xlsx, with the numbers of the page', async () => {
    // Prepare
    await page.goto(`${api}${WHOLE}`);
    const foot = await page.$$eval('#tbl-statistics tfoot td', (cells) => cells.map((c) => c.textContent ?? ''));

    // Act
    const csv = (await download('a[href*="export.csv?table=statistics"]')).toString('utf8');
    const xlsx = await download('a[href*="export.xlsx?table=statistics"]');
    const sheets = await readXlsxFile(xlsx);

    // Assess
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(expect.arrayContaining(['Tiếp nhận: Tổng số', 'Tiếp nhận: Kỳ trước chuyển sang', 'Tiếp nhận: Trong kỳ']));
    const total = rows.at(-1)!;
    expect(total[1]).toBe('Tổng cộng');
    // The page's foot row: total, carried over, in the period, early, on time, late, rate, open in time, open late.
    const pageCounts = foot.filter((_, i) => i !== 6).map(int);
    expect(
      total
        .slice(2)
        .filter((_, i) => i !== 6)
        .map(Number),
    ).toEqual(pageCounts);
    expect(Number(total[4])).toBe(11701);
    expect(`${total[8].replace('.', ',')}%`).toBe(foot[6]);

    const data = sheets[0].data;
    const xTotal = data.find((r) => r[1] === 'Tổng cộng')!;
    expect(xTotal.slice(2).filter((_, i) => i !== 6)).toEqual(pageCounts);
    expect(data.some((r) => r.includes('Tiếp nhận') && r.includes('Đã giải quyết') && r.includes('Đang giải quyết'))).toBe(true);
  });

  it("downloads the 2023 summary and the whole workbook with the notice's payment figures", async () => {
    // Prepare
    await page.goto(`${api}/dashboard?period=year&year=2023`);
    const received = int((await card('received')).value);

    // Act
    const csv = parseCsv((await download('a[href*="export.csv?table=summary"]')).toString('utf8').slice(1));
    const workbook = await readXlsxFile(await download('a[href^="/dashboard/export.xlsx?"]:not([href*="table="])'));

    // Assess
    const value = (label: string) => Number(csv.find((r) => r[0] === label)?.[1]);
    expect(value('Hồ sơ tiếp nhận')).toBe(received);
    expect(value('Thanh toán trực tuyến')).toBe(75.5);
    expect(value('Hồ sơ có phí, lệ phí')).toBe(4709);
    expect(value('Hồ sơ đã thanh toán trực tuyến')).toBe(3557);
    expect(value('Số tiền thanh toán trực tuyến')).toBe(67170000);
    const summary = workbook.find((s) => s.sheet === 'Chỉ số chính')!.data;
    expect(summary.find((r) => r[0] === 'Hồ sơ có phí, lệ phí')?.[1]).toBe(4709);
    expect(summary.find((r) => r[0] === 'Thanh toán trực tuyến')?.[1]).toBe(75.5);
    expect(workbook.map((s) => s.sheet)).toEqual(expect.arrayContaining(['Thống kê', 'Xu hướng 12 tháng', 'Hồ sơ quá hạn']));
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    // Prepare: axe is a script, and the page's CSP allows none: a second context that bypasses it.
    const audit = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', bypassCSP: true });
    await audit.addCookies((await context.cookies()).filter((c) => c.name === 'motcua_session'));
    const p = await audit.newPage();
    await p.goto(`${api}${WHOLE}`);

    // Act
    await p.addScriptTag({ path: require.resolve('axe-core') });
    const violations = await p.evaluate(async () => {
      const result = await (
        globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
      ).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    await audit.close();

    // Assess
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });

  it('shows no citizen ID, phone or email', async () => {
    // Act
    const text = (await page.locator('body').allInnerTexts()).join('\n');

    // Assess
    expect(text).not.toMatch(/\d{9,}/);
    expect(text).not.toMatch(/[^\s@]+@[^\s@]+\.[a-z]{2,}/i);
  });

  it('ends the session on sign-out', async () => {
    // Prepare
    await page.goto(`${api}${WHOLE}`);

    // Act
    await Promise.all([page.waitForURL(/\/dashboard\/sign-in/), page.click('text=Đăng xuất')]);
    await page.goto(`${api}${WHOLE}`);

    // Assess
    expect(page.url()).toContain('/dashboard/sign-in');
    expect((await context.cookies()).find((c) => c.name === 'motcua_session')).toBeUndefined();
  });

  it('made no request to another origin, none failed, and logged no console error', () => {
    // Assess
    expect(offsite).toEqual([]);
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
