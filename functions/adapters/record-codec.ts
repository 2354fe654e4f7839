/**
 * The stored form of a dossier record: raw DEFLATE of its JSON with a preset dictionary, one
 * version byte in front. DynamoDB bills writes and index entries in whole kilobytes of UTF-8, and a
 * record's JSON is about 1 KB (Vietnamese names are 2–3 bytes a letter): stored as a map, the
 * dossier item took 2 write units, and every write of a payment or a postal event to it 2 again.
 * Compressed with a dictionary of the record's keys and the usual Vietnamese words of the one-stop
 * desk, the ward stream's records take 294 bytes at the median (362 at the 90th percentile), so the
 * item with its attachments stays within one write unit.
 *
 * The dictionary is frozen: an item written with version 1 must decode with version 1 forever. A
 * better dictionary is a version 2 beside it, never an edit of this one.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DossierRecord } from '../core/types';

/** Version 1 of the dictionary: a record's keys and values as they recur, then the fields of a ward's desk. */
const DICTIONARY_V1 = Buffer.from(
  [
    ' Thủ tục cấp đăng ký chứng thực bản sao giấy xác nhận Nguyễn Trần Lê Phạm Hoàng Văn Thị @gmail.com',
    'Hộ tịch Chứng thực Nuôi con nuôi Hòa giải ở cơ sở Đất đai Hoạt động xây dựng',
    'Thành lập và hoạt động của hộ kinh doanh Bảo trợ xã hội Giảm nghèo Người có công Thi đua, khen thưởng',
    'Tín ngưỡng, tôn giáo Văn hóa cơ sở Thể dục thể thao Môi trường Tài nguyên nước Trồng trọt Chăn nuôi',
    'Thủy lợi Phòng, chống thiên tai Giáo dục và Đào tạo Y tế Lao động Dân tộc Công an Quân sự Tư pháp',
    JSON.stringify({
      code: '000.00.12.H57-240401-0001',
      procedureCode: '1.000000',
      procedureName: 'Thủ tục ',
      fieldCode: '',
      fieldName: '',
      channel: 'online',
      receivedAt: '2024-04-01T08:00:00+07:00',
      dueAt: '2024-04-01T17:00:00+07:00',
      status: 10,
      version: '20240401080000',
      updatedAt: '2024-04-01T08:00:00+07:00',
      applicant: { name: '', idNumber: '', phone: '', email: '' },
      summary: '',
      unit: 'UBND phường - ',
      returnedAt: null,
      finishedAt: null,
      refusedAt: null,
      returnBy: 'desk',
      fees: [{ name: 'Lệ phí', code: null, amount: 0 }],
      feeTotal: 0,
      supplements: [{ requestedAt: null, suppliedAt: null, previousDueAt: null, newDueAt: null }],
      onlinePayable: false,
      digitised: false,
      subjectType: null,
      note: null,
      documents: { digitised: false, reused: false, fromDataStore: false },
      resultFile: false,
      vneidVerified: false,
    }),
  ].join(' '),
  'utf8',
);

const DICTIONARIES: Record<number, Buffer> = { 1: DICTIONARY_V1 };
const CURRENT = 1;

/** A record as stored: the version byte, then its JSON deflated with that version's dictionary. */
export function encodeRecord(record: DossierRecord): Uint8Array {
  const body = deflateRawSync(Buffer.from(JSON.stringify(record), 'utf8'), { level: 9, dictionary: DICTIONARIES[CURRENT] });
  return Buffer.concat([Buffer.from([CURRENT]), body]);
}

/** The record of `encodeRecord`'s bytes; throws on an unknown version or damaged bytes. */
export function decodeRecord(bytes: Uint8Array): DossierRecord {
  const dictionary = DICTIONARIES[bytes[0]];
  if (!dictionary) throw new Error(`unknown record encoding version ${bytes[0]}`);
  return JSON.parse(inflateRawSync(bytes.subarray(1), { dictionary }).toString('utf8')) as DossierRecord;
}
