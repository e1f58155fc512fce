/**
 * The key an event is remembered by: the hour of its eventTime (4 bytes, big-endian) then its id — the 16 bytes of
 * a UUID (CloudTrail's usual form), otherwise the UTF-8 text behind a 0xff byte. Leading with the hour keeps each
 * batch's inserts in a narrow range of the B-tree: with random UUIDs alone every batch dirtied pages all over the
 * table (and the WAL grew by the whole table per commit). The same event always carries the same time, so the
 * key stays a pure function of the event.
 */
export function eventKey(eventId: string, eventTime: number): Buffer {
  // A UUID's key is 20 bytes; another id's is its UTF-8 text behind five: allocated to size, not to the bound.
  const key = Buffer.allocUnsafe(Math.max(20, 5 + Buffer.byteLength(eventId)));
  return key.subarray(0, writeEventKey(eventId, eventTime, key, 0));
}

/** The most bytes an event key with this id takes (a UTF-8 byte sequence is at most 3 per UTF-16 unit). */
export function maxEventKeyBytes(eventId: string): number {
  return 5 + 3 * eventId.length;
}

const utf8 = new TextEncoder();

/**
 * Writes the event's key into `target` at `offset` (room for `maxEventKeyBytes` there), returning where it ends:
 * decode workers write a file's keys one after another into one array instead of one Buffer per event.
 */
export function writeEventKey(
  eventId: string,
  eventTime: number,
  target: Uint8Array,
  offset: number,
): number {
  const hour = Math.max(0, Math.floor(eventTime / 3_600_000));
  target[offset] = hour >>> 24;
  target[offset + 1] = (hour >>> 16) & 0xff;
  target[offset + 2] = (hour >>> 8) & 0xff;
  target[offset + 3] = hour & 0xff;
  if (
    eventId.length === 36 &&
    eventId.charCodeAt(8) === 45 &&
    eventId.charCodeAt(13) === 45 &&
    eventId.charCodeAt(18) === 45 &&
    eventId.charCodeAt(23) === 45 &&
    writeUuid(eventId, target, offset + 4)
  )
    return offset + 20;
  target[offset + 4] = 0xff;
  return offset + 5 + utf8.encodeInto(eventId, target.subarray(offset + 5)).written;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Writes a dashed UUID's 16 bytes at `at`; false when a character is not hex. */
function writeUuid(id: string, target: Uint8Array, at: number): boolean {
  let out = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    const hi = hexDigit(id.charCodeAt(i));
    const lo = hexDigit(id.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    target[out++] = (hi << 4) | lo;
  }
  return true;
}
