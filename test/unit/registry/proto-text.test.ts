import {describe, expect, it} from 'vitest'
import {serializedProto} from '../../../src/registry/proto-descriptor.js'
import {protoTextOfSerialized} from '../../../src/registry/proto-text.js'
import {parseSchema} from '../../../src/registry/parse-schema.js'

const common = {name: 'common.proto', schemaType: 'PROTOBUF' as const, schema: 'syntax = "proto3";\npackage shop.common;\n\nmessage Money {\n  int64 cents = 1;\n  string currency = 2;\n}\n'}

const cases: [string, string, typeof common[]][] = [
  ['proto3 with every shape', `syntax = "proto3";
package shop.orders.v1;

// A comment the descriptor does not keep.
message Order {
  string id = 1;
  repeated int32 quantities = 2 [packed = false];
  map<string, Line> lines = 3;
  optional string note = 4;
  oneof payment {
    string card = 5;
    bytes token = 6;
  }
  Status status = 7;
  reserved 9, 11 to 15;
  reserved "legacy";
  message Line {
    uint64 sku = 1;
    sint32 delta = 2 [deprecated = true];
  }
  enum Status {
    STATUS_UNKNOWN = 0;
    STATUS_PLACED = 1;
  }
}

enum Channel {
  CHANNEL_WEB = 0;
  CHANNEL_SHOP = 1;
}
`, []],
  ['proto2 with defaults and required', `syntax = "proto2";
message Legacy {
  required string id = 1;
  optional int32 retries = 2 [default = 3];
  optional string label = 3 [default = "a \\"b\\""];
  repeated double weights = 4;
}
`, []],
  ['an import', `syntax = "proto3";
package shop.pay;
import "common.proto";
message Payment {
  string id = 1;
  shop.common.Money amount = 2;
}
`, [common]],
]

describe('a FileDescriptorProto written back as .proto text', () => {
  it.each(cases)('%s: the text parses, and its descriptor is the original descriptor', (_name, text, refs) => {
    const serialized = serializedProto(text, refs)
    const back = protoTextOfSerialized(serialized)
    expect(back).toBeDefined()
    expect(() => parseSchema('PROTOBUF', back!, refs)).not.toThrow()
    expect(serializedProto(back!, refs)).toBe(serialized)
    // A second round changes nothing: the written text is a normal form.
    expect(protoTextOfSerialized(serializedProto(back!, refs))).toBe(back)
  })

  it('.proto source and other text are not taken for a descriptor', () => {
    for (const t of [cases[0]![1], 'syntax = "proto3";', '', 'not base64 at all!', 'AAAA']) expect(protoTextOfSerialized(t)).toBeUndefined()
  })

  it('the registry parser accepts the serialized form and keeps it as text', () => {
    const parsed = parseSchema('PROTOBUF', serializedProto(cases[2]![1], [common]), [common])
    expect(parsed.canonical).toContain('import "common.proto";')
    expect(parsed.canonical).toContain('message Payment {')
  })
})
