/**
 * The domain model, in clear English names. The Vietnamese names of the portal (DVCQG) and of the
 * payment platforms stay at the boundary: `portal.ts` holds the one glossary that maps them here.
 *
 * Every instant inside the pipeline is an ISO 8601 string with the `+07:00` offset
 * (e.g. `2024-04-01T08:15:00+07:00`), produced by `calendar/time.ts`.
 */

/** How the dossier reached the desk (`KenhThucHien` 1, 2, 3). */
export type Channel = 'direct' | 'online' | 'postal';

/** `TrangThaiHoSo`, the DVCQG status code list (1 registered … 10 result returned). */
export type Status = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** One fee or charge due on a dossier (`DanhSachLePhi[i]`). */
export interface Fee {
  name: string; // TenPhiLePhi
  code: string | null; // MaPhiLePhi
  amount: number; // Gia, whole VND
}

/** One supplement request and the due dates it moved (`DanhSachHoSoBoSung[i]`). */
export interface Supplement {
  requestedAt: string | null; // NgayYeuCauBoSung
  suppliedAt: string | null; // NgayBoSung
  previousDueAt: string | null; // NgayHenTraTruoc
  newDueAt: string | null; // NgayHenTraMoi
}

/** The applicant as the portal names them. Only `name` may leave the store unmasked. */
export interface Applicant {
  name: string | null; // ChuHoSo
  idNumber: string | null; // SoGiayToChuHoSo
  phone: string | null; // SoDienThoai
  email: string | null; // Email
}

/** What the submitted components (`TaiLieuNop`) say, as the Decision 766 scorecard counts it. */
export interface DocumentFlags {
  /** Some component has `DuocSoHoa` 1. */
  digitised: boolean;
  /** Some component has `DuocTaiSuDung` 1 or 2 (reused digitised data). */
  reused: boolean;
  /** Some component has `DuocLayTuKhoDMQG` 1 (taken from the citizen's personal data store). */
  fromDataStore: boolean;
}

/** One `DongBoHoSoMC` record, validated and normalised. */
export interface DossierRecord {
  code: string; // MaHoSo
  procedureCode: string; // MaTTHC
  procedureName: string; // TenTTHC
  fieldCode: string; // MaLinhVuc
  fieldName: string; // TenLinhVuc
  channel: Channel; // KenhThucHien
  receivedAt: string; // NgayTiepNhan
  /** NgayHenTra; null when the portal sent none (the due date is then computed). */
  dueAt: string | null;
  status: Status; // TrangThaiHoSo
  /** NgayCapNhat as the portal sent it (`yyyyMMddHHmmss`): orders the versions of a record. */
  version: string;
  updatedAt: string; // NgayCapNhat as ISO
  applicant: Applicant;
  summary: string | null; // TrichYeuHoSo
  unit: string | null; // DonViXuLy
  returnedAt: string | null; // NgayTra
  finishedAt: string | null; // NgayKetThucXuLy
  refusedAt: string | null; // NgayTuChoi
  returnBy: 'desk' | 'post' | null; // HinhThuc 0 / 1
  fees: Fee[]; // DanhSachLePhi
  feeTotal: number; // sum of Gia
  supplements: Supplement[]; // DanhSachHoSoBoSung
  onlinePayable: boolean | null; // DuocThanhToanTrucTuyen
  digitised: boolean | null; // HoSoCoThanhPhanSoHoa
  subjectType: string | null; // LoaiDoiTuong
  note: string | null; // GhiChu
  // The Decision 766 fields: absent (not null) when the portal did not send them, so older records
  // keep their hash. Only derived flags are kept; the raw log has the lists.
  /** TaiLieuNop, reduced to its flags. */
  documents?: DocumentFlags;
  /** DanhSachGiayToKetQua: some result document has a file (`DuongDanTepTinKetQua` not empty). */
  resultFile?: boolean;
  /** TaiKhoanDuocXacThucVoiVNeID. */
  vneidVerified?: boolean;
}

/** One `CapNhatTienDoHoSoMC` record: a step of the dossier's processing timeline. */
export interface ProgressStep {
  code: string; // MaHoSo
  actor: string | null; // NguoiXuLy
  actorTitle: string | null; // ChucDanh
  at: string; // ThoiDiemXuLy (ISO)
  /** ThoiDiemXuLy as sent (`yyyyMMddHHmmss`): part of the step's identity. */
  atRaw: string;
  department: string | null; // PhongBanXuLy
  content: string | null; // NoiDungXuLy
  status: Status; // TrangThai
  startedAt: string | null; // NgayBatDau
  dueAt: string | null; // NgayKetThucTheoQuyDinh
}

/** An online payment attempt, from PayGov or VNPay. */
export interface Payment {
  source: 'paygov' | 'vnpay';
  /** Identity of the transaction: PayGov `MaGiaoDich`; VNPay `vnp_TxnRef` for a success. */
  txId: string;
  /** Dossier key (see `dossierKey`). */
  key: string;
  /** MaHoSo when the message names it exactly (VNPay), else null (PayGov gives only the key). */
  code: string | null;
  amount: number; // VND
  success: boolean;
  resultCode: string; // MaLoi / vnp_ResponseCode
  at: string; // ThoiGianGD / vnp_PayDate (ISO)
  bank: string | null;
  reference: string; // MaThamChieu / vnp_TxnRef
}

/** The six movements VNPost reports. */
export type PostalEventType =
  | 'COLLECTED'
  | 'DELIVERED_TO_AGENCY'
  | 'RESULT_PICKED_UP'
  | 'RESULT_DELIVERED'
  | 'DELIVERY_FAILED'
  | 'RETURNED_TO_AGENCY';

/** One VNPost notification. */
export interface PostalEvent {
  eventId: string;
  trackingNumber: string;
  code: string; // MaHoSo
  type: PostalEventType;
  occurredAt: string; // ISO +07:00
  postOffice: string | null;
  note: string | null;
}

/**
 * The stable key of a dossier: MaHoSo upper-cased with every character that is not a letter or
 * digit removed. PayGov's `MaThamChieu` carries only this form, so the store keys dossiers by it.
 */
export function dossierKey(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Outcome of offering one message to the store. */
export type Outcome = 'applied' | 'duplicate' | 'stale';
