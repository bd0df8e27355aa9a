"""An independent reader of TensorBoard event files (no TensorFlow, no ferry code): checks
the framing and both masked CRC32C's of every record, decodes the Event protobufs by hand,
and compares the scalars with the run's metrics.csv.

Usage: /usr/bin/python3 read_tfevents.py RUN_DIR
Exit 0 when every record is intact and every metrics.csv value has its scalar event.
"""
import csv
import glob
import math
import os
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(buf, pos):
    shift = value = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def fields(buf):
    """Yields (field number, wire type, value) of a protobuf message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, pos = varint(buf, pos)
        elif wt == 1:
            v, pos = buf[pos:pos + 8], pos + 8
        elif wt == 2:
            n, pos = varint(buf, pos)
            v, pos = buf[pos:pos + n], pos + n
        elif wt == 5:
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError("wire type %d" % wt)
        yield num, wt, v


def read_events(path):
    data = open(path, "rb").read()
    pos, events = 0, []
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (len_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        assert len_crc == masked(crc32c(header)), "record %d: length CRC" % len(events)
        body = data[pos + 12:pos + 12 + length]
        assert len(body) == length, "record %d: truncated" % len(events)
        (data_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        assert data_crc == masked(crc32c(body)), "record %d: data CRC" % len(events)
        event = {"step": 0, "scalars": []}
        for num, wt, v in fields(body):
            if num == 1 and wt == 1:
                event["wall_time"] = struct.unpack("<d", v)[0]
            elif num == 2 and wt == 0:
                event["step"] = v
            elif num == 3 and wt == 2:
                event["file_version"] = v.decode()
            elif num == 5 and wt == 2:
                for snum, _, sval in fields(v):
                    if snum != 1:
                        continue
                    tag, value = None, None
                    for vnum, vwt, vv in fields(sval):
                        if vnum == 1:
                            tag = vv.decode()
                        elif vnum == 2 and vwt == 5:
                            value = struct.unpack("<f", vv)[0]
                    event["scalars"].append((tag, value))
        events.append(event)
        pos += 16 + length
    return events


def main():
    run = sys.argv[1]
    files = sorted(glob.glob(os.path.join(run, "events.out.tfevents.*")))
    assert len(files) == 1, "expected one event file in %s, found %s" % (run, files)
    name = os.path.basename(files[0])
    assert name.split(".")[3].isdigit(), "file name %s has no unix time" % name
    events = read_events(files[0])
    assert events[0].get("file_version") == "brain.Event:2", events[0]
    got = {}
    for e in events[1:]:
        assert e["wall_time"] > 1.5e9, "wall_time %r" % e.get("wall_time")
        for tag, value in e["scalars"]:
            got.setdefault(tag, []).append((e["step"], value))
    want = {}
    with open(os.path.join(run, "metrics.csv")) as f:
        for row in csv.DictReader(f):
            for tag in ("train_loss", "train_loss_epoch", "val_loss", "val_acc"):
                if row.get(tag):
                    want.setdefault(tag, []).append((int(row["step"]), float(row[tag])))
    for tag in ("train_loss", "train_loss_epoch", "val_loss", "val_acc"):
        assert want.get(tag), "metrics.csv logs no %s" % tag
        w, g = want[tag], got.get(tag, [])
        assert len(w) == len(g), "%s: %d values in metrics.csv, %d events" % (tag, len(w), len(g))
        for (ws, wv), (gs, gv) in zip(w, g):
            assert ws == gs, "%s: step %d in metrics.csv, %d in events" % (tag, ws, gs)
            # The event holds a float32; metrics.csv the printed value.
            assert math.isclose(wv, gv, rel_tol=1e-5, abs_tol=1e-6), \
                "%s at step %d: %r in metrics.csv, %r in events" % (tag, ws, wv, gv)
    n = sum(len(v) for v in got.values())
    print("%s: %d records, all CRCs good; %d scalars match metrics.csv (%s)" % (
        name, len(events), n, ", ".join("%s x%d" % (k, len(v)) for k, v in sorted(got.items()))))


if __name__ == "__main__":
    main()
