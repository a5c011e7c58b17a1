// Encoder for AWS's binary event stream framing (application/vnd.amazon.eventstream), which
// Bedrock's streaming operations use instead of SSE. Each message is
//
//   total length (u32 BE) | headers length (u32 BE) | CRC32 of those 8 bytes
//   headers | payload | CRC32 of everything before it
//
// and each header is: name length (u8) | name | value type (u8) | value. Only string values
// (type 7: u16 BE length, then UTF-8 bytes) are written, the only type Bedrock's events carry.

const STRING_HEADER = 7;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), the checksum both event stream messages and PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function encodeHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, "utf8");
  const valueBytes = Buffer.from(value, "utf8");
  if (nameBytes.length > 0xff || valueBytes.length > 0xffff) throw new Error(`event stream header ${name} is too long`);
  const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
  let at = header.writeUInt8(nameBytes.length, 0);
  at += nameBytes.copy(header, at);
  at = header.writeUInt8(STRING_HEADER, at);
  at = header.writeUInt16BE(valueBytes.length, at);
  valueBytes.copy(header, at);
  return header;
}

/** One framed message with string headers. */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.concat(Object.entries(headers).map(([name, value]) => encodeHeader(name, value)));
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  message.set(payload, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** An `event` message carrying a JSON payload, as Bedrock sends each ConverseStream event. */
export function jsonEvent(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" },
    Buffer.from(JSON.stringify(payload), "utf8"),
  );
}

/** An `exception` message: a modeled error raised after the stream started. */
export function jsonException(exceptionType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage(
    { ":exception-type": exceptionType, ":content-type": "application/json", ":message-type": "exception" },
    Buffer.from(JSON.stringify(payload), "utf8"),
  );
}
