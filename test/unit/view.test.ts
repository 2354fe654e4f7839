/** The read view: what leaves the store about a dossier. */
import { toDossierView } from '../../functions/core/view';
import type { StoredDossier } from '../../functions/core/ports';
import { record as dossierRecord } from '../fixtures/records';

const record = dossierRecord({
  dueAt: '2024-04-02T10:00:00+07:00',
  status: 4,
  applicant: { name: 'Nguyễn Thị Hồng', idNumber: '074190001234', phone: '0912345678', email: 'hong.nguyen@gmail.com' },
  summary: 'Khai sinh cho con bà Hồng, CCCD 074190001234, liên hệ 0912 345 678 hoặc hong.nguyen@gmail.com',
});
const dossier: StoredDossier = {
  key: '0000012H572404010003',
  code: record.code,
  dueAt: record.dueAt,
  record,
  payments: [],
  postal: [],
  alerts: { overdue: null, soon: null },
};

describe('toDossierView', () => {
  it('masks the identifiers in the fields and inside free text, keeping dates and the dossier code', () => {
    // Prepare
    const steps = [
      {
        code: record.code,
        actor: 'Trần Văn Bình',
        actorTitle: null,
        at: '2024-04-01T09:00:00+07:00',
        atRaw: '20240401090000',
        department: null,
        content: 'Gọi 0912345678 ngày 01/04/2024 về hồ sơ 000.00.12.H57-240401-0003',
        status: 4 as const,
        startedAt: null,
        dueAt: null,
      },
    ];

    // Act
    const text = JSON.stringify(toDossierView(dossier, steps, '2024-04-01T12:00:00+07:00'));

    // Assess
    for (const secret of ['074190001234', '0912345678', '0912 345 678', 'hong.nguyen@gmail.com']) expect(text).not.toContain(secret);
    expect(text).toContain('0741******34');
    expect(text).toContain('01/04/2024');
    expect(text).toContain('000.00.12.H57-240401-0003');
  });

  it('says overdue at the clock and not before', () => {
    // Act
    const before = toDossierView(dossier, [], '2024-04-02T09:59:59+07:00');
    const after = toDossierView(dossier, [], '2024-04-02T10:00:01+07:00');

    // Assess
    expect(before.overdue.isOverdue).toBe(false);
    expect(after.overdue).toMatchObject({ isOverdue: true, workingDaysOverdue: 1, alertedAt: null });
  });
});
