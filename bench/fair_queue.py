#!/usr/bin/env python3
"""Load driver of bench/fair-queue.sh (issue #33): the fair queue's latency for light clients under a flood.

Phase "alone": clients B..E each send CALLS chat calls one at a time (the four at once), nothing else running.
Phase "flood": client A keeps FLOOD calls outstanding (each of its FLOOD threads sends its next call as soon as the
last is answered) while B..E again send CALLS calls one at a time each. Prints each light client's p50 alone and under
the flood, and one line "FAIR alone_p50_ms=… flood_p50_ms=… ratio=… a_calls=… refused=…" the script reads.

Usage: fair_queue.py URL MODEL CALLS FLOOD KEY_A KEY_B [KEY_C ...]   (stdlib only: threads and http.client)
"""
import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlparse


def call(url, key, model):
    """One chat call; returns (status, seconds)."""
    parts = urlparse(url)
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": "fair queue bench"}]})
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request("POST", "/v1/chat/completions", body,
                           {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


def light_clients(url, model, keys, calls):
    """Each key sends `calls` calls one at a time, all keys at once; returns each key's latencies and failures."""
    latencies = {k: [] for k in keys}
    failures = []

    def run(key):
        for _ in range(calls):
            status, seconds = call(url, key, model)
            if status != 200:
                failures.append(status)
            latencies[key].append(seconds)

    threads = [threading.Thread(target=run, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, failures


def main():
    url, model, calls, flood = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    key_a, light = sys.argv[5], sys.argv[6:]
    names = [chr(ord("B") + i) for i in range(len(light))]

    alone, failed_alone = light_clients(url, model, light, calls)

    stop = threading.Event()
    a_done, a_refused = [0], [0]
    lock = threading.Lock()

    def flood_thread():
        while not stop.is_set():
            status, _ = call(url, key_a, model)
            with lock:
                a_done[0] += 1
                if status != 200:
                    a_refused[0] += 1

    flooders = [threading.Thread(target=flood_thread, daemon=True) for _ in range(flood)]
    for t in flooders:
        t.start()
    time.sleep(2)  # the flood fills every slot and the queue before the light clients start
    flooded, failed_flood = light_clients(url, model, light, calls)
    stop.set()
    for t in flooders:
        t.join()

    for name, key in zip(names, light):
        print(f"client {name}: p50 alone {statistics.median(alone[key]) * 1000:.0f} ms, "
              f"under A's flood {statistics.median(flooded[key]) * 1000:.0f} ms")
    all_alone = statistics.median([s for v in alone.values() for s in v]) * 1000
    all_flood = statistics.median([s for v in flooded.values() for s in v]) * 1000
    print(f"FAIR alone_p50_ms={all_alone:.0f} flood_p50_ms={all_flood:.0f} ratio={all_flood / all_alone:.2f} "
          f"a_calls={a_done[0]} a_refused={a_refused[0]} light_failed={len(failed_alone) + len(failed_flood)}")


if __name__ == "__main__":
    main()
