"""Checks the streamctl dev registry with Confluent's own Python client (confluent-kafka).

Run from test/integration/registry/python-client.test.ts:
  registry_confluent.py REGISTRY_URL BOOTSTRAP TOPIC produce   -> JSON report on stdout
  registry_confluent.py REGISTRY_URL BOOTSTRAP TOPIC consume N -> JSON list of decoded values
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

USER_V1 = json.dumps({"type": "record", "name": "User", "namespace": "it.py",
                      "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"}]})
USER_V2 = json.dumps({"type": "record", "name": "User", "namespace": "it.py",
                      "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"},
                                 {"name": "email", "type": ["null", "string"], "default": None}]})
USER_BAD = json.dumps({"type": "record", "name": "User", "namespace": "it.py",
                       "fields": [{"name": "id", "type": "string"}]})


def produce(url, bootstrap, topic):
    client = SchemaRegistryClient({"url": url})
    subject = f"{topic}-value"
    report = {}
    report["id_v1"] = client.register_schema(subject, Schema(USER_V1, "AVRO"))
    report["id_v1_again"] = client.register_schema(subject, Schema(USER_V1, "AVRO"))
    fetched = client.get_schema(report["id_v1"])
    report["fetched_type"] = fetched.schema_type
    report["fetched_equal"] = json.loads(fetched.schema_str) == json.loads(USER_V1)
    report["compat_v2"] = client.test_compatibility(subject, Schema(USER_V2, "AVRO"))
    report["compat_bad"] = client.test_compatibility(subject, Schema(USER_BAD, "AVRO"))
    try:
        client.register_schema(subject, Schema(USER_BAD, "AVRO"))
        report["register_bad"] = "accepted"
    except SchemaRegistryError as e:
        report["register_bad"] = {"http": e.http_status_code, "code": e.error_code}
    try:
        client.register_schema(f"{topic}-invalid", Schema("{not json", "AVRO"))
        report["register_invalid"] = "accepted"
    except SchemaRegistryError as e:
        report["register_invalid"] = {"http": e.http_status_code, "code": e.error_code}
    report["id_v2"] = client.register_schema(subject, Schema(USER_V2, "AVRO"))
    latest = client.get_latest_version(subject)
    report["latest_version"] = latest.version
    report["versions"] = client.get_versions(subject)

    serializer = AvroSerializer(client, USER_V2, conf={"auto.register.schemas": False, "use.latest.version": True})
    producer = Producer({"bootstrap.servers": bootstrap})
    for i in range(3):
        value = {"id": i, "name": f"py-{i}", "email": f"py{i}@example.com" if i % 2 else None}
        producer.produce(topic, value=serializer(value, SerializationContext(topic, MessageField.VALUE)))
    report["unflushed"] = producer.flush(30)
    print(json.dumps(report))


def consume(url, bootstrap, topic, count):
    client = SchemaRegistryClient({"url": url})
    deserializer = AvroDeserializer(client)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"{topic}-py", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    out = []
    try:
        for _ in range(600):
            if len(out) >= count:
                break
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            out.append(deserializer(msg.value(), SerializationContext(topic, MessageField.VALUE)))
    finally:
        consumer.close()
    print(json.dumps(out))


if __name__ == "__main__":
    url, bootstrap, topic, mode = sys.argv[1:5]
    if mode == "produce":
        produce(url, bootstrap, topic)
    else:
        consume(url, bootstrap, topic, int(sys.argv[5]))
