#!/usr/bin/env python3
"""Writes starting inputs for every fuzz target from the test vectors of docs/PROTOCOL.md.

usage: make-seeds.py <PROTOCOL.md> <output dir>   (creates <output dir>/<target>/...)
The selector bytes match fuzz/Targets/WireFuzzTargets.cs (RequestOpcodes, ResponseOpcodes)."""
import os, re, sys

REQUESTS = [0x0001, 0x0010, 0x0011, 0x0013, 0x0020, 0x0021, 0x0030, 0x0031, 0x0040, 0x0041,
            0x0042, 0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0057]
RESPONSES = [0x0001, 0x00FF, 0x0020, 0x0021, 0x0012, 0x0013, 0x0031, 0x0042, 0x0050, 0x0051]

def vectors(text):
    for block in re.findall(r"```vector\n(.*?)```", text, re.S):
        name = re.search(r"name: (\S+)", block).group(1)
        kind = "frame" if "\nframe:" in block else "batch"
        body = block.split(kind + ":", 1)[1]
        yield name, kind, bytes.fromhex(re.sub(r"\s", "", body))

def main(spec, out):
    frames = []
    def write(target, name, data):
        os.makedirs(os.path.join(out, target), exist_ok=True)
        with open(os.path.join(out, target, name), "wb") as f:
            f.write(data)
    for name, kind, data in vectors(open(spec, encoding="utf-8").read()):
        if kind == "batch":
            write("batch", name, b"\xff" + data)
            write("batch", name + "-small-cap", b"\x10" + data)
            continue
        frames.append(data)
        write("frame", name, b"\xff\xff" + data)
        opcode = int.from_bytes(data[4:6], "little")
        flags = int.from_bytes(data[6:8], "little")
        body = data[12:]
        table = RESPONSES if flags & 1 else REQUESTS
        # A settle response is a bare u32 with no decoder in Wire; as a seed it would only exercise uninstrumented code.
        if opcode in table and not name.startswith("settle-response"):
            write("response" if flags & 1 else "request", name, bytes([table.index(opcode)]) + body)
    write("frame", "conversation-7-byte-segments", b"\x06\xff" + b"".join(frames))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
