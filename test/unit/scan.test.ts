import { overdueWorkingDays } from '../../functions/core/calendar';
import type { AlertQueueMessage, DueAlert } from '../../functions/core/ports';
import { AlertQueueError, CLAIM_LEASE_MS, newRunId, runOverdueScan, type ScanDeps, type ScanStep } from '../../functions/core/scan';
import { toVnIso } from '../../functions/core/time';
import { dossierKey } from '../../functions/core/types';
import { FakeLedger, FakeQueue, FakeStore, MortalProcess, record } from './alert-fakes';

// Thursday 4 April 2024, 09:00 in Hà Nội: the due-soon horizon is Friday 5 April, 17:00.
const NOW = '2024-04-04T09:00:00+07:00';
const WALL = Date.parse('2024-04-04T09:00:05+07:00');
const code = (n: number) => `000.00.12.H57-240401-${String(n).padStart(4, '0')}`;

function ward(): FakeStore {
  const store = new FakeStore();
  store.put(record({ code: code(1), dueAt: '2024-04-03T17:00:00+07:00', status: 2 })); // overdue
  store.put(record({ code: code(2), dueAt: '2024-04-05T10:00:00+07:00', status: 4, fieldCode: 'DD', fieldName: 'Đất đai' })); // due soon
  store.put(record({ code: code(3), dueAt: '2024-04-10T17:00:00+07:00' })); // not due yet
  store.put(record({ code: code(4), dueAt: '2024-04-02T17:00:00+07:00', status: 5 })); // paused
  store.put(record({ code: code(6), dueAt: '2024-04-05T17:00:00+07:00' })); // due exactly at the horizon: soon
  store.put(record({ code: code(7), dueAt: '2024-04-08T08:00:00+07:00' })); // Monday: beyond the horizon
  // Finished, yet still in the due index (an index entry the clean-up has not reached).
  store.put(record({ code: code(5), dueAt: '2024-04-01T17:00:00+07:00', status: 9 }));
  store.get(code(5)).place = 'due';
  return store;
}

function deps(store: FakeStore, over: Partial<ScanDeps> = {}): ScanDeps & { ledger: FakeLedger; queue: FakeQueue } {
  return {
    store,
    ledger: new FakeLedger(),
    queue: new FakeQueue(),
    now: NOW,
    runId: newRunId(NOW),
    wallClock: () => WALL,
    ...over,
  } as never;
}

const codes = (alerts: DueAlert[]) => alerts.map((a) => `${a.level} ${a.code.slice(-4)}`).sort();

describe('runOverdueScan', () => {
  it('flags the overdue and due-soon open dossiers, and only them, reading only what is due', async () => {
    // Prepare
    const store = ward();
    const d = deps(store);

    // Act
    const result = await runOverdueScan(d);

    // Assess
    expect(result).toMatchObject({ scanned: 4, flagged: 3, alertsQueued: 3 });
    expect(codes(d.queue.alerts())).toEqual(['overdue 0001', 'soon 0002', 'soon 0006']);
    expect(store.calls).toContain(`drop ${dossierKey(code(5))}`);
    expect(store.get(code(1)).place).toBe('overdue'); // parked for the digest, out of the scan's reach
    expect(store.get(code(2)).place).toBe('soon'); // waits to become overdue, read again only then
    // Settled: the run is committed and the dossier parked.
    expect(store.get(code(1)).dossier.alerts.overdue).toEqual({
      dueAt: '2024-04-03T17:00:00+07:00',
      at: NOW,
      runId: d.runId,
      claimedAt: toVnIso(WALL),
    });
  });

  it('queues everything the email needs and nothing about the applicant', async () => {
    // Prepare
    const d = deps(ward());

    // Act
    await runOverdueScan(d);

    // Assess
    const overdue = d.queue.alerts().find((a) => a.level === 'overdue')!;
    expect(overdue).toEqual({
      runId: d.runId,
      level: 'overdue',
      code: code(1),
      procedureName: 'Thủ tục đăng ký khai sinh',
      fieldCode: 'HT',
      fieldName: 'Hộ tịch',
      dueAt: '2024-04-03T17:00:00+07:00',
      workingDaysOverdue: overdueWorkingDays('2024-04-03T17:00:00+07:00', NOW),
      unit: 'Bộ phận Tư pháp - Hộ tịch',
      receivedAt: '2024-04-01T08:15:00+07:00',
    });
    const wire = JSON.stringify(d.queue.sent);
    for (const secret of ['074190001234', '0912345678', 'hong@example.vn', 'Nguyễn Thị Hồng']) expect(wire).not.toContain(secret);
  });

  it('writes the run manifest before it queues any message', async () => {
    // Prepare
    const d = deps(ward());
    const seenAtSend: unknown[] = [];
    const send = d.queue.send.bind(d.queue);
    d.queue.send = async (messages: AlertQueueMessage[]) => {
      seenAtSend.push((await d.ledger.loadRun(d.runId)).manifest?.counts);
      return send(messages);
    };

    // Act
    await runOverdueScan(d);

    // Assess
    expect(seenAtSend[0]).toEqual({ overdue: 1, soon: 2 });
    expect(d.ledger.open.has(d.runId)).toBe(true);
  });

  it('flags nothing and queues nothing when run again at the same clock', async () => {
    // Prepare
    const store = ward();
    await runOverdueScan(deps(store));
    const again = deps(store, { runId: newRunId(NOW) });

    // Act
    const result = await runOverdueScan(again);

    // Assess
    expect(result).toMatchObject({ flagged: 0, alertsQueued: 0 });
    expect(again.queue.alerts()).toEqual([]);
  });

  it('turns a due-soon dossier overdue once its due date passes, alerting it once more', async () => {
    // Prepare
    const store = ward();
    await runOverdueScan(deps(store));
    const later = deps(store, { now: '2024-04-05T11:00:00+07:00', runId: newRunId('2024-04-05T11:00:00+07:00') });

    // Act
    await runOverdueScan(later);

    // Assess
    expect(codes(later.queue.alerts())).toEqual(['overdue 0002', 'soon 0007']);
  });

  it('alerts again after an apology letter moves the due date, and not before the new date', async () => {
    // Prepare
    const store = ward();
    await runOverdueScan(deps(store));
    // The portal sends a newer record with the new appointment (Phiếu xin lỗi và hẹn lại ngày trả kết quả).
    store.put(record({ code: code(1), dueAt: '2024-04-12T17:00:00+07:00', version: '20240404100000' }));
    const before = deps(store, { now: '2024-04-08T09:00:00+07:00', runId: newRunId('2024-04-08T09:00:00+07:00') });
    const after = deps(store, { now: '2024-04-15T09:00:00+07:00', runId: newRunId('2024-04-15T09:00:00+07:00') });

    // Act
    await runOverdueScan(before);
    await runOverdueScan(after);

    // Assess
    expect(codes(before.queue.alerts()).filter((c) => c.endsWith('0001'))).toEqual([]);
    expect(after.queue.alerts().filter((a) => a.code === code(1))).toMatchObject([
      { level: 'overdue', dueAt: '2024-04-12T17:00:00+07:00' },
    ]);
  });

  it('parks again, without alerting, a dossier a newer record re-indexed with the same due date', async () => {
    // Prepare
    const store = ward();
    await runOverdueScan(deps(store));
    store.put(record({ code: code(1), dueAt: '2024-04-03T17:00:00+07:00', status: 4, version: '20240404100000' }));
    const again = deps(store, { now: '2024-04-04T11:00:00+07:00', runId: newRunId('2024-04-04T11:00:00+07:00') });

    // Act
    const result = await runOverdueScan(again);

    // Assess
    expect(result.flagged).toBe(0);
    expect(store.get(code(1)).place).toBe('overdue');
  });

  it('parks again a due-soon dossier a newer record re-indexed, and reads it once more only when overdue', async () => {
    // Prepare: 0002 (due Friday 10:00) alerted due soon, then a newer record with the same due date
    const store = ward();
    await runOverdueScan(deps(store));
    store.put(
      record({
        code: code(2),
        dueAt: '2024-04-05T10:00:00+07:00',
        status: 4,
        fieldCode: 'DD',
        fieldName: 'Đất đai',
        version: '20240404100000',
      }),
    );
    const at = (now: string) => deps(store, { ledger: new FakeLedger(), now, runId: newRunId(now) });

    // Act
    const reparked = await runOverdueScan(at('2024-04-04T11:00:00+07:00'));
    const quiet = await runOverdueScan(at('2024-04-04T11:15:00+07:00'));
    const overdue = await runOverdueScan(at('2024-04-05T10:15:00+07:00'));

    // Assess
    expect(reparked).toMatchObject({ flagged: 0 });
    expect(store.calls).toContain(`keep soon ${dossierKey(code(2))}`);
    expect(quiet.scanned).toBe(0);
    expect(overdue.flaggedByLevel.overdue).toBeGreaterThanOrEqual(1);
    expect(store.get(code(2)).place).toBe('overdue');
  });

  it('keeps the claims it could not queue: the ledger holds every alert, and the next sweep delivers the run', async () => {
    // Prepare
    const store = ward();
    const d = deps(store);
    d.queue.failAfter = 1;

    // Act
    const attempt = runOverdueScan(d);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AlertQueueError);
    await expect(attempt).rejects.toMatchObject({ queued: 1 });
    expect(d.queue.alerts()).toHaveLength(1);
    const run = await d.ledger.loadRun(d.runId);
    expect(run.manifest!.counts).toEqual({ overdue: 1, soon: 2 });
    expect(codes(run.alerts)).toEqual(['overdue 0001', 'soon 0002', 'soon 0006']);
    // Nothing is flagged twice: the next scan finds no new dossier, and nudges the run.
    const next = deps(store, { ledger: d.ledger, runId: newRunId(NOW) });
    const retried = await runOverdueScan(next);
    expect(retried.flagged).toBe(0);
    expect(next.queue.sent).toContainEqual({ kind: 'flush', runId: d.runId, force: false });
  });

  it('gives back every claim and commits nothing when the ledger cannot take its alerts', async () => {
    // Prepare
    const store = ward();
    const d = deps(store);
    d.ledger.failRecord = true;

    // Act
    const attempt = runOverdueScan(d);

    // Assess
    await expect(attempt).rejects.toThrow('ledger down');
    expect(d.queue.sent).toEqual([]);
    expect(store.get(code(1)).dossier.alerts.overdue).toBeNull();
    expect(store.get(code(1)).place).toBe('due');
    // Alerts first, then the manifest: no manifest, so nothing the notifier could deliver.
    expect((await d.ledger.loadRun(d.runId)).manifest).toBeNull();
    expect(await d.ledger.isCommitted(d.runId)).toBe(false);
    expect(await d.ledger.listOpenRuns()).toEqual([]);
  });

  it('gives back every claim and queues nothing when the manifest cannot be written', async () => {
    // Prepare
    const store = ward();
    const d = deps(store);
    d.ledger.saveManifest = async () => {
      throw new Error('ledger down');
    };

    // Act
    const attempt = runOverdueScan(d);

    // Assess
    await expect(attempt).rejects.toThrow('ledger down');
    expect(d.queue.sent).toEqual([]);
    expect(store.get(code(1)).dossier.alerts.overdue).toBeNull();
    expect(store.get(code(1)).place).toBe('due');
    expect(store.get(code(2)).dossier.alerts.soon).toBeNull();
  });

  it('gives back what it claimed when the store fails part-way through the scan', async () => {
    // Prepare
    const store = ward();
    const d = deps(store);
    let marks = 0;
    const mark = store.markAlerted.bind(store);
    store.markAlerted = async (...args) => {
      if (++marks === 3) throw new Error('store unavailable');
      return mark(...args);
    };

    // Act
    const attempt = runOverdueScan(d);

    // Assess
    await expect(attempt).rejects.toThrow('store unavailable');
    expect(d.queue.sent).toEqual([]);
    for (const n of [1, 2, 6]) {
      const { dossier, place } = store.get(code(n));
      expect(dossier.alerts).toEqual({ overdue: null, soon: null });
      expect(place).toBe('due');
    }
  });

  it('nudges the open runs of earlier scans, forcing those older than the limit', async () => {
    // Prepare
    const store = new FakeStore();
    const ledger = new FakeLedger();
    await ledger.commitRun({ runId: 'old', clock: NOW, startedAt: '2024-04-03T08:00:00+07:00', counts: { overdue: 2, soon: 0 } });
    await ledger.commitRun({ runId: 'recent', clock: NOW, startedAt: '2024-04-04T08:55:00+07:00', counts: { overdue: 1, soon: 0 } });
    const d = deps(store, { ledger });

    // Act
    const result = await runOverdueScan(d);

    // Assess
    expect(result).toMatchObject({ scanned: 0, flagged: 0, alertsQueued: 0, runsNudged: 2, sweepError: null });
    expect(d.queue.sent).toEqual([
      { kind: 'flush', runId: 'old', force: true },
      { kind: 'flush', runId: 'recent', force: false },
    ]);
  });

  it('names runs by the scan clock and a random suffix', () => {
    // Act
    const id = newRunId('2024-04-04T02:00:00Z', () => '1a2b3c4d-0000-4000-8000-000000000000');

    // Assess
    expect(id).toBe('20240404090000-1a2b3c4d');
    expect(newRunId(NOW)).not.toBe(newRunId(NOW));
  });
});

describe('runOverdueScan after a scan that died', () => {
  /** A scan of `store` that dies at its first `step` checkpoint; resolves once it is gone. */
  async function dieAt(step: ScanStep, store: FakeStore, ledger: FakeLedger, queue: FakeQueue): Promise<string> {
    const process = new MortalProcess(step);
    const runId = newRunId(NOW);
    const scan = runOverdueScan({
      store: process.wrap(store),
      ledger: process.wrap(ledger),
      queue: process.wrap(queue),
      now: NOW,
      runId,
      wallClock: () => WALL,
      checkpoint: process.checkpoint,
    });
    await Promise.race([scan, process.gone()]);
    expect(process.dead).toBe(true);
    return runId;
  }

  /** The next scan, `afterMs` of wall clock after the one that died. */
  function next(store: FakeStore, ledger: FakeLedger, queue: FakeQueue, afterMs: number) {
    const now = '2024-04-04T09:15:00+07:00';
    return runOverdueScan({ store, ledger, queue, now, runId: newRunId(now), wallClock: () => WALL + afterMs });
  }

  it('leaves alone, without asking the ledger, the claims of a run that may still be running', async () => {
    // Prepare
    const [store, ledger, queue] = [ward(), new FakeLedger(), new FakeQueue()];
    const dead = await dieAt('ledger:alerts', store, ledger, queue);
    ledger.isCommitted = async () => {
      throw new Error('asked the ledger');
    };

    // Act
    const result = await next(store, ledger, queue, CLAIM_LEASE_MS - 1);

    // Assess
    expect(result).toMatchObject({ scanned: 3, flagged: 0, alertsQueued: 0, takenOver: 0 });
    expect(queue.sent).toEqual([]);
    expect(store.get(code(1)).dossier.alerts.overdue).toMatchObject({ runId: dead, pending: true });
  });

  it('takes over, once the lease is past, the claims of a run that died before its commit point, and alerts them', async () => {
    // Prepare
    const [store, ledger, queue] = [ward(), new FakeLedger(), new FakeQueue()];
    const dead = await dieAt('ledger:manifest', store, ledger, queue);

    // Act
    const result = await next(store, ledger, queue, CLAIM_LEASE_MS + 1);

    // Assess
    expect(result).toMatchObject({ flagged: 3, alertsQueued: 3, takenOver: 3 });
    expect(codes(queue.alerts())).toEqual(['overdue 0001', 'soon 0002', 'soon 0006']);
    expect(new Set(queue.alerts().map((a) => a.runId))).not.toContain(dead);
    expect(store.get(code(1)).dossier.alerts.overdue).not.toHaveProperty('pending');
    expect(store.get(code(1)).place).toBe('overdue');
    expect(await ledger.isCommitted(dead)).toBe(false);
  });

  it('only parks, once the lease is past, the claims of a run that died after its commit point, and nudges that run', async () => {
    // Prepare
    const [store, ledger, queue] = [ward(), new FakeLedger(), new FakeQueue()];
    const dead = await dieAt('ledger:open', store, ledger, queue);

    // Act
    const result = await next(store, ledger, queue, CLAIM_LEASE_MS + 1);

    // Assess
    expect(result).toMatchObject({ flagged: 0, alertsQueued: 0, runsNudged: 1 });
    expect(queue.sent).toEqual([{ kind: 'flush', runId: dead, force: false }]);
    expect(codes((await ledger.loadRun(dead)).alerts)).toEqual(['overdue 0001', 'soon 0002', 'soon 0006']);
    expect(store.get(code(1))).toMatchObject({ place: 'overdue', dossier: { alerts: { overdue: { runId: dead } } } });
    expect(store.get(code(1)).dossier.alerts.overdue).not.toHaveProperty('pending');
    expect(store.get(code(2)).place).toBe('soon');
  });

  it('asks the ledger nothing when no claim is pending: a scan, then a repeat', async () => {
    // Prepare
    const [store, ledger] = [ward(), new FakeLedger()];
    ledger.isCommitted = async () => {
      throw new Error('asked the ledger');
    };

    // Act
    const first = await runOverdueScan(deps(store, { ledger }));
    const again = await next(store, ledger, new FakeQueue(), CLAIM_LEASE_MS + 1);

    // Assess
    expect(first).toMatchObject({ flagged: 3, takenOver: 0 });
    expect(again).toMatchObject({ scanned: 0, flagged: 0 });
  });

  it('treats a mark of the previous release (no run, not pending) as settled: parked again, not alerted', async () => {
    // Prepare
    const store = ward();
    store.get(code(1)).dossier.alerts.overdue = { dueAt: '2024-04-03T17:00:00+07:00', at: '2024-04-03T18:00:00+07:00' };
    const d = deps(store);

    // Act
    const result = await runOverdueScan(d);

    // Assess
    expect(result).toMatchObject({ flagged: 2 });
    expect(codes(d.queue.alerts())).toEqual(['soon 0002', 'soon 0006']);
    expect(store.calls).toContain(`keep overdue ${dossierKey(code(1))}`);
    expect(store.get(code(1)).place).toBe('overdue');
  });

  it.each([
    ['failed, and was taken back', false, true, 'given back', { flagged: 3, takenOver: 0, runsNudged: 0 }],
    ['went through, and could not be taken back', true, false, 'pending', { flagged: 0, takenOver: 0, runsNudged: 1 }],
    ['failed, and could not be taken back', false, false, 'pending', { flagged: 3, takenOver: 3, runsNudged: 0 }],
  ])(
    'when the open-run item %s, the claims are %s, and the next scan has each alerted once',
    async (_what, written, takenBack, left, nextScan) => {
      // Prepare
      const store = ward();
      const d = deps(store);
      const ledger = d.ledger;
      const { openRun, abandonRun } = { openRun: ledger.openRun.bind(ledger), abandonRun: ledger.abandonRun.bind(ledger) };
      ledger.openRun = async (runId, startedAt) => {
        if (written) await openRun(runId, startedAt);
        throw new Error('ledger down');
      };
      ledger.abandonRun = async (runId) => {
        if (!takenBack) throw new Error('ledger down');
        await abandonRun(runId);
      };

      // Act
      const attempt = runOverdueScan(d);
      await expect(attempt).rejects.toThrow('ledger down');
      const mark = structuredClone(store.get(code(1)).dossier.alerts.overdue);
      Object.assign(ledger, { openRun, abandonRun });
      const queue = new FakeQueue();
      const after = await next(store, ledger, queue, CLAIM_LEASE_MS + 1);

      // Assess
      expect(d.queue.sent).toEqual([]);
      expect(mark === null ? 'given back' : mark.pending ? 'pending' : 'settled').toBe(left);
      expect(after).toMatchObject(nextScan);
      // Each dossier's alert once: queued by the next scan, or in the ledger of the run it nudges.
      const alerted = after.flagged > 0 ? codes(queue.alerts()) : codes((await ledger.loadRun(d.runId)).alerts);
      expect(alerted).toEqual(['overdue 0001', 'soon 0002', 'soon 0006']);
    },
  );

  it('does not fail the scan when the parks fail: the run is committed, and a scan after the lease parks them', async () => {
    // Prepare
    const store = ward();
    const d = deps(store);
    const park = store.parkAlerted.bind(store);
    store.parkAlerted = async () => {
      throw new Error('store unavailable');
    };

    // Act
    const result = await runOverdueScan(d);
    store.parkAlerted = park;
    const soon = await next(store, d.ledger, new FakeQueue(), CLAIM_LEASE_MS - 1);
    const later = await next(store, d.ledger, new FakeQueue(), CLAIM_LEASE_MS + 1);

    // Assess
    expect(result).toMatchObject({ flagged: 3, alertsQueued: 3, unparked: 3 });
    expect((result.parkError as Error).message).toBe('store unavailable');
    expect(soon).toMatchObject({ flagged: 0 });
    expect(later).toMatchObject({ flagged: 0, takenOver: 0 });
    expect(store.get(code(1)).place).toBe('overdue');
    expect(store.get(code(1)).dossier.alerts.overdue).not.toHaveProperty('pending');
  });
});
