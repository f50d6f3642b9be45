/**
 * The `metadata_props` of an ONNX model (ModelProto field 14, key → value strings), read from its protobuf bytes
 * without a protobuf library: only the top-level fields are walked, and every other field is skipped by its wire
 * type. onnxruntime does not show these properties to JavaScript, and a text model keeps its tokenizer there.
 */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  let at = 0;
  const varint = (end: number): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= end) throw new Error('truncated varint');
      const byte = bytes[at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  const text = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('utf8');
  while (at < bytes.length) {
    const key = varint(bytes.length);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) varint(bytes.length);
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint(bytes.length);
      const end = at + length;
      if (end > bytes.length) throw new Error('truncated field');
      if (field === 14) {
        let name = '';
        let value = '';
        while (at < end) {
          const inner = varint(end);
          const innerLength = inner % 8 === 2 ? varint(end) : 0;
          if (inner === (1 << 3) + 2) name = text(at, at + innerLength);
          else if (inner === (2 << 3) + 2) value = text(at, at + innerLength);
          at += innerLength;
        }
        props[name] = value;
      }
      at = end;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return props;
}
