/**
 * The key an event is remembered by: the hour of its eventTime (4 bytes, big-endian) then its id — the 16 bytes of
 * a UUID (CloudTrail's usual form), otherwise the UTF-8 text behind a 0xff byte. Leading with the hour keeps each
 * batch's inserts in a narrow range of the B-tree: with random UUIDs alone every batch dirtied pages all over the
 * table (and the WAL grew by the whole table per commit). The same event always carries the same time, so the
 * key stays a pure function of the event.
 */
export function eventKey(eventId: string, eventTime: number): Buffer {
  const hour = Math.max(0, Math.floor(eventTime / 3_600_000));
  if (
    eventId.length === 36 &&
    eventId.charCodeAt(8) === 45 &&
    eventId.charCodeAt(13) === 45 &&
    eventId.charCodeAt(18) === 45 &&
    eventId.charCodeAt(23) === 45
  ) {
    const key = Buffer.allocUnsafe(20);
    key.writeUInt32BE(hour, 0);
    if (writeUuid(eventId, key)) return key;
  }
  const text = Buffer.from(eventId, "utf8");
  const key = Buffer.allocUnsafe(5 + text.length);
  key.writeUInt32BE(hour, 0);
  key[4] = 0xff;
  text.copy(key, 5);
  return key;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Writes a dashed UUID's 16 bytes at offset 4; false when a character is not hex. */
function writeUuid(id: string, key: Buffer): boolean {
  let out = 4;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    const hi = hexDigit(id.charCodeAt(i));
    const lo = hexDigit(id.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    key[out++] = (hi << 4) | lo;
  }
  return true;
}
