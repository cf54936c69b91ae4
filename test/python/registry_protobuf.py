"""Confluent's own Protobuf serializer and deserializer (confluent-kafka) against the streamctl dev
registry, with an import (a schema reference):

  registry_protobuf.py REGISTRY_URL BOOTSTRAP TOPIC auto    -> serializer registers the schemas itself
  registry_protobuf.py REGISTRY_URL BOOTSTRAP TOPIC lookup  -> schemas registered beforehand as .proto
                                                               text; the serializer must find them
Prints a JSON report: the ids the serializer used, the decoded values, the subjects it made.
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message_factory import GetMessageClass

F = descriptor_pb2.FieldDescriptorProto


def classes():
    """common.proto (it.pb.common.Money) and payment.proto (it.pb.Payment) importing it, built as protoc would."""
    pool = descriptor_pool.DescriptorPool()
    common = descriptor_pb2.FileDescriptorProto(name='common.proto', package='it.pb.common', syntax='proto3')
    money = common.message_type.add(name='Money')
    money.field.add(name='cents', number=1, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    money.field.add(name='currency', number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    payment_file = descriptor_pb2.FileDescriptorProto(name='payment.proto', package='it.pb', syntax='proto3', dependency=['common.proto'])
    payment = payment_file.message_type.add(name='Payment')
    payment.field.add(name='id', number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    payment.field.add(name='amount', number=2, type=F.TYPE_MESSAGE, type_name='.it.pb.common.Money', label=F.LABEL_OPTIONAL)
    payment.field.add(name='tags', number=3, type=F.TYPE_STRING, label=F.LABEL_REPEATED)
    # proto3 `optional`: a synthetic oneof of its own
    payment.oneof_decl.add(name='_note')
    payment.field.add(name='note', number=4, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0, proto3_optional=True)
    pool.Add(common)
    pool.Add(payment_file)
    return GetMessageClass(pool.FindMessageTypeByName('it.pb.Payment'))


def main(url, bootstrap, topic, mode):
    Payment = classes()
    client = SchemaRegistryClient({'url': url})
    conf = {'auto.register.schemas': mode == 'auto', 'use.deprecated.format': False}
    serializer = ProtobufSerializer(Payment, client, conf=conf)
    producer = Producer({'bootstrap.servers': bootstrap})
    sent = []
    for i in range(3):
        m = Payment(id=f'p-{i}', tags=[f't{i}', 'x'])
        m.amount.cents = 100 * i + 7
        m.amount.currency = 'EUR'
        if i % 2:
            m.note = f'n{i}'
        payload = serializer(m, SerializationContext(topic, MessageField.VALUE))
        sent.append(int.from_bytes(payload[1:5], 'big'))
        producer.produce(topic, value=payload)
    unflushed = producer.flush(30)
    deserializer = ProtobufDeserializer(Payment, {'use.deprecated.format': False})
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'{topic}-py', 'auto.offset.reset': 'earliest'})
    consumer.subscribe([topic])
    values = []
    try:
        for _ in range(600):
            if len(values) >= 3:
                break
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            v = deserializer(msg.value(), SerializationContext(topic, MessageField.VALUE))
            values.append({'id': v.id, 'cents': v.amount.cents, 'currency': v.amount.currency, 'tags': list(v.tags), 'note': v.note if v.HasField('note') else None})
    finally:
        consumer.close()
    print(json.dumps({'ids': sent, 'unflushed': unflushed, 'values': values, 'subjects': sorted(client.get_subjects())}))


if __name__ == '__main__':
    main(*sys.argv[1:5])
