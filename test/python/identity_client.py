"""Acts as one SCRAM user with Confluent's own client (confluent-kafka / librdkafka), for
test/integration/reconcile/identities.test.ts. Prints one JSON object.

  identity_client.py PROPS.json login
      {"ok"}: the user authenticates (lists topics), or {"ok": false, "error"}.
  identity_client.py PROPS.json produce TOPIC COUNT
      COUNT small records; {"ok", "acked", "error"}.
  identity_client.py PROPS.json consume TOPIC GROUP
      Reads from the beginning with GROUP and commits; {"ok", "read", "error"}.
  identity_client.py PROPS.json flood TOPIC SECONDS SIZE
      Produces SIZE-byte values as fast as the broker lets it for SECONDS; {"acked_bytes",
      "elapsed", "throttle_max_ms"}: librdkafka's own view of the produce throttle time.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient


def out(**kw):
    print(json.dumps(kw))


def login(props):
    try:
        AdminClient(props).list_topics(timeout=15)
        out(ok=True)
    except KafkaException as e:
        out(ok=False, error=str(e))


def produce(props, topic, count):
    errors = []
    acked = [0]

    def report(err, _msg):
        if err is not None:
            errors.append(str(err))
        else:
            acked[0] += 1

    p = Producer({**props, "message.timeout.ms": 15000, "error_cb": lambda e: errors.append(str(e))})
    for i in range(count):
        p.produce(topic, key=b"k%d" % i, value=b"v%d" % i, on_delivery=report)
        p.poll(0)
    p.flush(30)
    out(ok=acked[0] == count and not errors, acked=acked[0], error=errors[0] if errors else None)


def consume(props, topic, group):
    errors = []
    c = Consumer({**props, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "error_cb": lambda e: errors.append(str(e))})
    assigned = []
    c.subscribe([topic], on_assign=lambda _c, parts: assigned.extend(str(x.partition) for x in parts))
    read = 0
    deadline = time.time() + 30
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            if read > 0:
                break
            continue
        if m.error():
            errors.append(str(m.error()))
            break
        read += 1
    if read > 0:
        try:
            c.commit(asynchronous=False)
        except KafkaException as e:
            errors.append(str(e))
    c.close()
    out(ok=read > 0 and not errors, read=read, assigned=assigned, error=errors[0] if errors else None, errors=errors[:5])


def flood(props, topic, seconds, size):
    stats = {"throttle_max_ms": 0}
    acked = [0]

    def on_stats(text):
        for b in json.loads(text).get("brokers", {}).values():
            stats["throttle_max_ms"] = max(stats["throttle_max_ms"], b.get("throttle", {}).get("max", 0))

    def report(err, msg):
        if err is None:
            acked[0] += len(msg.value())

    p = Producer({**props, "statistics.interval.ms": 500, "stats_cb": on_stats, "linger.ms": 5,
                  "compression.type": "none", "queue.buffering.max.kbytes": 8192})
    value = bytes(size)
    start = time.time()
    while time.time() - start < seconds:
        try:
            p.produce(topic, value=value, on_delivery=report)
        except BufferError:
            p.poll(0.05)
        p.poll(0)
    sent_until = time.time()
    # Bytes acked up to the end of the window count; what is still queued does not.
    counted = acked[0]
    p.flush(60)
    out(acked_bytes=counted, elapsed=sent_until - start, throttle_max_ms=stats["throttle_max_ms"])


def main():
    props = json.loads(sys.argv[1])
    action = sys.argv[2]
    if action == "login":
        login(props)
    elif action == "produce":
        produce(props, sys.argv[3], int(sys.argv[4]))
    elif action == "consume":
        consume(props, sys.argv[3], sys.argv[4])
    elif action == "flood":
        flood(props, sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit("unknown action " + action)


if __name__ == "__main__":
    main()
