#!/usr/bin/python3
"""An independent Confluent client for fhirflow's compatibility test.

Debian's python3-confluent-kafka, legacy API: confluent_kafka.avro.AvroProducer / AvroConsumer,
with python3-avro doing the encoding. Records go in and out as JSON lines, one per sample:

  produce  reads lines {"userId","recordId","type","value","unit","startTime","endTime",
           "receivedTime","zoneOffsetSeconds","sourceName"} (times in epoch millis) from stdin,
           builds HealthKit quantity WearableSamples and produces them (value only: the legacy
           AvroProducer encodes any key as Avro, and the contract's key is a plain string).
  consume  reads --count records with AvroConsumer and prints the same fields as JSON lines.
"""
import argparse
import datetime
import json
import sys
import time

import avro.schema
from confluent_kafka.avro import AvroConsumer, AvroProducer, loads

UTC = datetime.timezone.utc


def to_datetime(millis):
    return datetime.datetime.fromtimestamp(millis / 1000.0, tz=UTC)


def to_millis(value):
    if isinstance(value, datetime.datetime):
        return int(round(value.timestamp() * 1000))
    return value


def sample(line):
    """A HealthKit quantity sample; fields left out here take their schema defaults (see complete)."""
    return {
        "userId": line["userId"],
        "platform": "HEALTHKIT",
        "recordId": line["recordId"],
        "type": line["type"],
        "startTime": to_datetime(line["startTime"]),
        "startZoneOffsetSeconds": line["zoneOffsetSeconds"],
        "endTime": to_datetime(line["endTime"]),
        "endZoneOffsetSeconds": line["zoneOffsetSeconds"],
        "receivedTime": to_datetime(line["receivedTime"]),
        "source": {"name": line["sourceName"], "bundleId": "com.apple.health", "version": "17.4",
                   "productType": "Watch6,1", "operatingSystemVersion": "10.4"},
        "recordingMethod": "AUTOMATICALLY_RECORDED",
        "metadata": {"HKMetadataKeyHeartRateMotionContext": "1"},
        "body": {"__record__": "HkQuantity", "value": line["value"], "unit": line["unit"]},
    }


def complete(schema, datum):
    """Fills the fields a datum leaves out with their schema defaults, as Java's builders do.

    python3-avro's writer does not apply defaults, so without this every field added to the
    contract (with a default, as BACKWARD evolution requires) would break this producer. A dict
    for a union names its record branch with "__record__".
    """
    if isinstance(schema, avro.schema.UnionSchema) and isinstance(datum, dict):
        name = datum["__record__"]
        branch = next(b for b in schema.schemas if getattr(b, "name", None) == name)
        return complete(branch, {k: v for k, v in datum.items() if k != "__record__"})
    if isinstance(schema, avro.schema.RecordSchema) and isinstance(datum, dict):
        out = {}
        for field in schema.fields:
            if field.name in datum:
                out[field.name] = complete(field.type, datum[field.name])
            elif field.has_default:
                out[field.name] = complete(field.type, field.default)
            else:
                raise ValueError("no value and no default for field " + field.name)
        return out
    return datum


def summary(value):
    body = value["body"]
    return {
        "userId": value["userId"],
        "recordId": value["recordId"],
        "type": value["type"],
        "value": body.get("value"),
        "unit": body.get("unit"),
        "startTime": to_millis(value["startTime"]),
        "endTime": to_millis(value["endTime"]),
        "receivedTime": to_millis(value["receivedTime"]),
        "zoneOffsetSeconds": value["startZoneOffsetSeconds"],
        "sourceName": value["source"]["name"],
    }


def produce(args):
    schema = loads(open(args.schema).read())
    producer = AvroProducer({"bootstrap.servers": args.bootstrap, "schema.registry.url": args.registry,
                             "acks": "all"}, default_value_schema=schema)
    count = 0
    for text in sys.stdin:
        if text.strip():
            producer.produce(topic=args.topic, value=complete(schema, sample(json.loads(text))))
            count += 1
    remaining = producer.flush(60)
    if remaining:
        sys.exit("%d records not delivered" % remaining)
    print(json.dumps({"produced": count}))


def consume(args):
    consumer = AvroConsumer({"bootstrap.servers": args.bootstrap, "schema.registry.url": args.registry,
                             "group.id": args.group, "auto.offset.reset": "earliest"})
    consumer.subscribe([args.topic])
    seen = 0
    deadline = time.monotonic() + args.timeout
    try:
        while seen < args.count and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                sys.exit("consumer error: %s" % message.error())
            print(json.dumps(summary(message.value())), flush=True)
            seen += 1
    finally:
        consumer.close()
    if seen < args.count:
        sys.exit("read %d of %d records in %d s" % (seen, args.count, args.timeout))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["produce", "consume"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--schema", help="the .avsc to produce with")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--group", default="python-compat")
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args()
    produce(args) if args.mode == "produce" else consume(args)


if __name__ == "__main__":
    main()
