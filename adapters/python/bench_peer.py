#!/usr/bin/env python3
"""The Python adapter's side of `npm run bench -- channel --external` (bench/channel.ts): one
channel end driven directly, no model. Usage: bench_peer.py recv|send|pong <socket path> <n>
  recv  count n messages (decoded, not queued), then answer with a SYNC promising 1e15;
  send  on a SYNC promising 1e15, send n messages and flush;
  pong  n times: wait for the promise k * 10 + 1000, promise the same back."""
import os
import select
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splitsim_adapter.channel import Channel  # noqa: E402
from splitsim_adapter.model import Engine  # noqa: E402

LOOKAHEAD = 1000
MARK = 1e15
role, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = {'id': 0, 'name': 'bench', 'peer': 'bench', 'lookahead': LOOKAHEAD, 'syncInterval': LOOKAHEAD, 'path': path, 'listen': False}
ch = Channel(spec, Engine(1), {0: 0}, {0: LOOKAHEAD}, True)
ch.peers = [ch]
count = 0


def counted(*_):
    global count
    count += 1


ch.deliver = counted
ch.connect()


def until(done):
    while not done():
        ch.poll()
        if done():
            return
        if ch.closed:
            sys.exit(1)
        select.select([ch.sock], [], [], 1)


if role == 'recv':
    until(lambda: count >= n)
    ch.sync(MARK, 0)
elif role == 'send':
    until(lambda: ch.promise >= MARK)
    for i in range(n):
        ch.send(0, float(LOOKAHEAD + i), float(i), float(i), None)
    ch.publish()
else:
    for k in range(1, n + 1):
        until(lambda: ch.promise >= k * 10 + LOOKAHEAD)
        ch.sync(float(k * 10 + LOOKAHEAD), float(k * 10))
# Stay until the other end closes, so nothing we sent is lost with the socket.
while not ch.closed and select.select([ch.sock], [], [], 5)[0]:
    ch.poll()
