/**
 * The province's recipients kept in the table (`CONFIG/recipients`), against dynalite: the
 * `npm run recipients` command stores a checked file, shows it, and stores nothing from a bad
 * one; the functions' reader finds it, and says what to do when there is none.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readStoredRecipients } from '../../functions/adapters/recipients-config';
import { main } from '../../functions/cli/recipients';
import { startDynamo, type DynamoEmulator } from '../../infra/local/emulators';
import { ensureTable } from '../../infra/local/table';

let dynamo: DynamoEmulator;
let dir: string;
let tableNo = 0;

beforeAll(async () => {
  dynamo = await startDynamo({ createTable: false });
  dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-recipients-'));
});
afterAll(async () => {
  await dynamo.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function freshTable(): Promise<string> {
  const name = `recipients-${++tableNo}`;
  await ensureTable(dynamo.client, name);
  return name;
}

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Runs the command against the emulator; returns its exit code and what it printed. */
async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { AWS_REGION: 'ap-southeast-1' },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PROVINCE = {
  default: ['vanphong@tinh.local'],
  wards: { '000.00.12.h57': { name: 'Phường Bình An', default: ['chutich@binhan.local'], byField: { HT: ['tuphap@binhan.local'] } } },
};

describe('npm run recipients', () => {
  it('stores a checked configuration that the functions then read, and shows it', async () => {
    // Prepare
    const table = await freshTable();
    const where = ['--table', table, '--endpoint', dynamo.endpoint];

    // Act
    const put = await run(['--put', file('province.json', JSON.stringify(PROVINCE)), ...where]);
    const show = await run(['--show', ...where]);
    const read = await readStoredRecipients(dynamo.client, table);

    // Assess
    expect(put.code).toBe(0);
    expect(put.out).toContain('(1 wards)');
    expect(show.code).toBe(0);
    expect(show.out).toContain('ward 000.00.12.H57 (Phường Bình An): chutich@binhan.local');
    expect(read).toEqual({
      default: ['vanphong@tinh.local'],
      byField: {},
      wards: { '000.00.12.H57': { name: 'Phường Bình An', default: ['chutich@binhan.local'], byField: { HT: ['tuphap@binhan.local'] } } },
    });
  });

  it('refuses a bad file naming the problem, and keeps what was stored', async () => {
    // Prepare
    const table = await freshTable();
    const where = ['--table', table, '--endpoint', dynamo.endpoint];
    await run(['--put', file('good.json', JSON.stringify(PROVINCE)), ...where]);

    // Act
    const bad = await run(['--put', file('bad.json', '{"default":["vanphong"]}'), ...where]);
    const read = await readStoredRecipients(dynamo.client, table);

    // Assess
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('default.0: expected an email address');
    expect(read.default).toEqual(['vanphong@tinh.local']);
  });

  it('tells the functions how to configure recipients when the table has none', async () => {
    // Prepare
    const table = await freshTable();

    // Act
    const attempt = readStoredRecipients(dynamo.client, table);

    // Assess
    await expect(attempt).rejects.toThrow(/no recipients configured.*npm run recipients -- --put/);
  });

  it.each([
    [[], /exactly one of --put <file> and --show/],
    [['--show', '--put', 'x.json'], /exactly one of/],
    [['--bogus'], /unknown argument: --bogus/],
    [['--put'], /missing value for --put/],
  ])('rejects the arguments %j with exit 2', async (argv, message) => {
    // Act
    const r = await run(argv);

    // Assess
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
