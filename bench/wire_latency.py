#!/usr/bin/env python3
"""wire_latency.py - request latencies as the loopback saw them, from a tcpdump capture
(pcap, IPv4, HTTP/1.1 without pipelining): on each client port, from the packet that
starts a request (its method) to the packet that starts the answer ('HTTP/1.1').  It
prints "p50 p99 p99.9 max over20 n" in ms.  bench/web.sh runs it beside wrk, which
corrects its percentiles for coordinated omission (wrk's stats_correct: a latency over
twice a connection's mean interval adds the latencies a client sending at that pace
would have seen meanwhile); this does not: a stall of 150 ms moves wrk's p99, not this
one (bench/README.md section 34).  Standard library only."""
import struct
import sys


def main(path, method=b"POST"):
    with open(path, "rb") as f:
        head = f.read(24)
        nano = struct.unpack("<I", head[:4])[0] == 0xA1B23C4D
        link = struct.unpack("<I", head[20:24])[0]
        # Ethernet (1), Linux cooked (113), BSD loopback (0)
        skip = {1: 14, 113: 16, 0: 4}.get(link, 14)
        asked, lat = {}, []
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            sec, frac, incl, _ = struct.unpack("<IIII", rec)
            pkt = f.read(incl)
            t = sec + frac / (1e9 if nano else 1e6)
            ip = pkt[skip:]
            if len(ip) < 20 or ip[0] >> 4 != 4:
                continue
            tcp = ip[(ip[0] & 15) * 4:]
            if len(tcp) < 20:
                continue
            src, dst = struct.unpack(">HH", tcp[:4])
            data = tcp[(tcp[12] >> 4) * 4:]
            if data.startswith(method):
                asked[src] = t
            elif data.startswith(b"HTTP/1.1") and dst in asked:
                lat.append(t - asked.pop(dst))
    if not lat:
        print("0 0 0 0 0 0")
        return
    lat.sort()

    def pct(q):
        return 1000 * lat[min(len(lat) - 1, int(len(lat) * q / 100))]

    print(f"{pct(50):.2f} {pct(99):.2f} {pct(99.9):.2f} {1000 * lat[-1]:.2f} "
          f"{sum(1 for x in lat if x > 0.020)} {len(lat)}")


if __name__ == "__main__":
    main(sys.argv[1])
