"""Avro and Protobuf values in the Confluent wire format, written and read by Confluent's own
Python client (confluent-kafka's serializers against the streamctl dev registry): the independent
side of test/integration/operations/registry-formats.test.ts.

  registry_formats.py produce avro|protobuf URL BOOTSTRAP TOPIC SPEC_JSON -> JSON list of values written
  registry_formats.py consume avro|protobuf URL BOOTSTRAP TOPIC COUNT     -> JSON list of {key, schema_id, indexes, value}

Random values come from SPEC_JSON's seed, so a failing run can be replayed.
"""
import json
import random
import struct
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.serialization import MessageField, SerializationContext

# The Protobuf messages, built from descriptors here (not from the registry's answer), so the
# message-index path and the payload come from Protobuf's own encoder.
def proto_classes():
    from google.protobuf import descriptor_pb2, descriptor_pool
    from google.protobuf.message_factory import GetMessageClass
    F = descriptor_pb2.FieldDescriptorProto
    def message(fd, name, fields):
        m = fd.message_type.add(name=name)
        for number, (fname, ftype) in enumerate(fields, start=1):
            m.field.add(name=fname, number=number, type=ftype, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    v1 = descriptor_pb2.FileDescriptorProto(name='orders_v1.proto', package='it.fmt.v1', syntax='proto3')
    message(v1, 'Header', [('source', F.TYPE_STRING)])
    message(v1, 'Order', [('qty', F.TYPE_INT32), ('customerId', F.TYPE_STRING), ('price', F.TYPE_FLOAT), ('seq', F.TYPE_INT64), ('note', F.TYPE_STRING)])
    v2 = descriptor_pb2.FileDescriptorProto(name='orders_v2.proto', package='it.fmt.v2', syntax='proto3')
    message(v2, 'Order', [('qty', F.TYPE_INT64), ('customer_id', F.TYPE_STRING), ('price', F.TYPE_DOUBLE), ('seq', F.TYPE_INT64), ('note', F.TYPE_STRING)])
    message(v2, 'Trailer', [('n', F.TYPE_INT32)])
    pool.Add(v1)
    pool.Add(v2)
    return GetMessageClass(pool.FindMessageTypeByName('it.fmt.v1.Order')), GetMessageClass(pool.FindMessageTypeByName('it.fmt.v2.Order'))


def float32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def random_text(rng):
    alphabet = 'abcxyz019 -_éß漢字🙂'
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))


def random_order(rng, i):
    seq = rng.choice([rng.randint(-2**63, 2**63 - 1), rng.randint(2**53, 2**63 - 1), rng.randint(-1000, 1000), 0])
    return {
        'qty': rng.choice([rng.randint(-2**31, 2**31 - 1), rng.randint(0, 100), 0]),
        'customerId': random_text(rng),
        'price': float32(rng.uniform(-1e6, 1e6)),
        'seq': seq,
        # Every 17th record is one the test's transform makes unencodable (qty becomes text).
        'note': f'bad-{i}' if i % 17 == 5 else f'n{i}-{random_text(rng)}',
    }


def produce(fmt, url, bootstrap, topic, spec):
    client = SchemaRegistryClient({'url': url})
    rng = random.Random(spec['seed'])
    ctx = SerializationContext(topic, MessageField.VALUE)
    if fmt == 'avro':
        from confluent_kafka.schema_registry.avro import AvroSerializer
        # One serializer per writer schema id: the values carry two ids of the source subject.
        serializers = [AvroSerializer(client, spec['schema'], conf={'auto.register.schemas': False, 'use.schema.id': sid}) for sid in spec['schemaIds']]
    else:
        from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
        order_v1, _ = proto_classes()
        serializers = [ProtobufSerializer(order_v1, client, conf={'auto.register.schemas': False, 'use.latest.version': True})]
    producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 20})
    written = []
    for i in range(spec['count']):
        value = random_order(rng, i)
        which = i % len(serializers)
        if fmt == 'avro':
            if which == 1:
                value['tag'] = rng.choice([None, random_text(rng)])
            payload = serializers[which](value, ctx)
        else:
            payload = serializers[which](order_v1(**value), ctx)
        producer.produce(topic, key=str(i).encode(), value=payload, partition=i % spec['partitions'])
        written.append({'key': str(i), 'schema_id': struct.unpack('>I', payload[1:5])[0], 'value': value})
    left = producer.flush(30)
    if left:
        raise SystemExit(f'{left} records not delivered')
    print(json.dumps(written))


def consume(fmt, url, bootstrap, topic, count):
    from confluent_kafka.schema_registry import dual_schema_id_deserializer
    from confluent_kafka.schema_registry.common.serde import SchemaId
    client = SchemaRegistryClient({'url': url})
    if fmt == 'avro':
        from confluent_kafka.schema_registry.avro import AvroDeserializer
        deserializer = AvroDeserializer(client)
        to_dict = lambda v: v
    else:
        from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
        _, order_v2 = proto_classes()
        deserializer = ProtobufDeserializer(order_v2, {}, client)
        to_dict = lambda m: {f.name: getattr(m, f.name) for f in m.DESCRIPTOR.fields}
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'{topic}-py', 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
    consumer.subscribe([topic])
    out = []
    try:
        for _ in range(600):
            if len(out) >= count:
                break
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            ctx = SerializationContext(topic, MessageField.VALUE)
            # The client's own reading of the framing: schema id and (Protobuf) message indexes.
            sid = SchemaId('PROTOBUF' if fmt == 'protobuf' else 'AVRO')
            dual_schema_id_deserializer(msg.value(), ctx, sid)
            out.append({'key': msg.key().decode(), 'schema_id': sid.id, 'indexes': list(sid.message_indexes or []),
                        'value': to_dict(deserializer(msg.value(), ctx))})
    finally:
        consumer.close()
    print(json.dumps(out))


if __name__ == '__main__':
    mode, fmt, url, bootstrap, topic, arg = sys.argv[1:7]
    if mode == 'produce':
        produce(fmt, url, bootstrap, topic, json.loads(arg))
    else:
        consume(fmt, url, bootstrap, topic, int(arg))
