"""Kinesis through Debian's python3-boto3 against a FerryMQ endpoint; prints what it saw as one JSON object.

Usage: kinesis_boto3.py ENDPOINT STREAM
"""
import base64
import json
import sys
import time

import boto3
from botocore.config import Config

endpoint, stream = sys.argv[1], sys.argv[2]
kinesis = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="AKIDBOTO3", aws_secret_access_key="boto3-secret",
                       config=Config(retries={"max_attempts": 1, "mode": "standard"}))
out = {}


def error_of(call):
    try:
        call()
    except kinesis.exceptions.ClientError as e:
        return [type(e).__name__, e.response["Error"]["Code"], e.response["Error"]["Message"]]
    return None


kinesis.create_stream(StreamName=stream, ShardCount=2)
kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
out["status"] = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamStatus"]

shards = kinesis.list_shards(StreamName=stream)
out["shards"] = [s["ShardId"] for s in shards["Shards"]]
out["hashRanges"] = [[s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"]]
                     for s in shards["Shards"]]
page = kinesis.list_shards(StreamName=stream, MaxResults=1)
out["firstPage"] = [s["ShardId"] for s in page["Shards"]]
out["secondPage"] = [s["ShardId"] for s in kinesis.list_shards(NextToken=page["NextToken"])["Shards"]]

# Four 600 KB records for shard 0 in one call: the shard takes 1 MiB a second, so the first (and at most one
# more, if the second turns over during the call) is written and the others are refused; shard 1's is written.
big = b"x" * (600 * 1024)
records = [{"Data": big, "PartitionKey": "heavy", "ExplicitHashKey": "0"} for _ in range(4)]
records.append({"Data": b"light", "PartitionKey": "light", "ExplicitHashKey": str(2 ** 128 - 1)})
put = kinesis.put_records(StreamName=stream, Records=records)
out["failedRecordCount"] = put["FailedRecordCount"]
out["putResults"] = [[r.get("ShardId"), r.get("ErrorCode")] for r in put["Records"]]

# A second later shard 0 takes writes again: ordered records to read back.
time.sleep(1.1)
sequences = []
for i in range(3):
    r = kinesis.put_record(StreamName=stream, Data=("boto3-%d" % i).encode(), PartitionKey="ordered",
                           ExplicitHashKey="1")
    sequences.append(r["SequenceNumber"])
out["putShard"] = r["ShardId"]

iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000000",
                                      ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                      StartingSequenceNumber=put["Records"][0]["SequenceNumber"])["ShardIterator"]
got = kinesis.get_records(ShardIterator=iterator, Limit=10)
out["read"] = [r["Data"].decode() for r in got["Records"] if r["PartitionKey"] == "ordered"]
out["readSequences"] = [r["SequenceNumber"] for r in got["Records"] if r["PartitionKey"] == "ordered"]
out["sequences"] = sequences
out["millisBehindLatest"] = got["MillisBehindLatest"]
out["hasNextIterator"] = bool(got.get("NextShardIterator"))
out["arrivalIsDatetime"] = all(hasattr(r["ApproximateArrivalTimestamp"], "year") for r in got["Records"])

latest = kinesis.get_shard_iterator(StreamName=stream, ShardId="shardId-000000000001",
                                    ShardIteratorType="LATEST")["ShardIterator"]
out["latestRead"] = len(kinesis.get_records(ShardIterator=latest)["Records"])

out["missingStream"] = error_of(lambda: kinesis.describe_stream(StreamName=stream + "-missing"))
out["missingShard"] = error_of(lambda: kinesis.get_shard_iterator(
    StreamName=stream, ShardId="shardId-000000000009", ShardIteratorType="LATEST"))
out["badIterator"] = error_of(lambda: kinesis.get_records(ShardIterator="not-an-iterator"))
out["badHashKey"] = error_of(lambda: kinesis.put_record(StreamName=stream, Data=b"x", PartitionKey="k",
                                                        ExplicitHashKey=str(2 ** 128)))
out["badSequence"] = error_of(lambda: kinesis.get_shard_iterator(
    StreamName=stream, ShardId="shardId-000000000000", ShardIteratorType="AT_SEQUENCE_NUMBER",
    StartingSequenceNumber="12345"))
if len(sys.argv) > 3:
    # An iterator issued more than five minutes ago (made by the test with the broker's format).
    out["expiredIterator"] = error_of(lambda: kinesis.get_records(ShardIterator=sys.argv[3]))

kinesis.delete_stream(StreamName=stream)
print(json.dumps(out))
