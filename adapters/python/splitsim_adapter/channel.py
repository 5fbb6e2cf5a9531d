"""One end of a channel: a stream socket carrying record frames each way, and the channel's
sync state (docs/external-protocol.md, synchronization):

- a message's delivery time is its send time + link latency; it promises send time + lookahead;
- a SYNC record promises explicitly: no message below it will follow;
- the instance may execute events strictly below its safe time, the least promise over the
  channels it receives on."""
import heapq
import os
import select
import socket
import time as wallclock

from .wire import NUM, T_NUM, FrameReader, ProtocolError, RecordWriter, read_record


class Counters:
    __slots__ = ('waitNs', 'rxNs', 'txNs', 'syncNs', 'rxMsgs', 'txMsgs', 'syncMsgs')

    def __init__(self):
        for k in self.__slots__:
            setattr(self, k, 0)


class Channel:
    def __init__(self, spec, engine, handler_of_link, latency_of_link, inbound):
        self.id = spec['id']
        self.name = spec['name']
        self.peer = spec['peer']
        self.lookahead = spec['lookahead']
        self.sync_interval = spec['syncInterval']
        self.path = spec['path']
        self.listens = spec['listen']
        self.engine = engine
        self.handler_of_link = handler_of_link  # cut link id -> local receiver, or -1
        self.latency_of_link = latency_of_link
        self.inbound = inbound  # a local port receives here: we need the peer's promises
        self.sock = None
        self.server = None
        self.reader = FrameReader(f'channel {self.name}')
        self.raw = bytearray()  # bytes read while a write was waiting, decoded later
        self.writer = RecordWriter()
        self.shapes = {}
        self.promise = self.lookahead  # nothing is sent before time 0
        self.peer_needs_promises = True
        self.hello_seen = False
        self.last_sent_at = 0.0
        self.last_sync = self.lookahead
        self.sent = 0
        self.received = 0
        self.c = Counters()
        # Where a message goes: the event queue (bench_peer.py counts instead).
        self.deliver = lambda time, order, handler, num, ref: heapq.heappush(engine.queue, (time, order, handler, num, ref))
        self.peers = []  # every channel of the instance, to read while a write waits
        self.closed = False  # the peer closed its end (it finished, or failed and we will hear)

    def listen(self):
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(1)

    def connect(self):
        if self.listens:
            self.sock, _ = self.server.accept()
            self.server.close()
        else:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(self.path)
        self.sock.setblocking(False)
        self.writer.hello(self.inbound)
        self.publish()

    def fileno(self):
        return self.sock.fileno()

    # -- sending --

    def send(self, link, time, order, num, ref):
        if ref is None:
            self.writer.num(link, time, order, num)
        else:
            self.writer.ref(link, time, order, num, ref)
        self.last_sent_at = self.engine.now
        self.sent += 1
        if self.writer.size >= 1 << 16:
            self.publish()

    def promised(self):
        return max(self.last_sent_at + self.lookahead, self.last_sync)

    def sync(self, promise, basis):
        t0 = wallclock.perf_counter_ns()
        self.writer.sync(promise)
        self.last_sync = promise
        self.last_sent_at = basis
        self.publish()
        self.c.syncMsgs += 1
        self.c.syncNs += wallclock.perf_counter_ns() - t0

    def publish(self):
        data = self.writer.take()
        if data is None:
            return
        t0 = wallclock.perf_counter_ns()
        self.c.txMsgs = self.sent
        view = memoryview(data)
        while view and not self.closed:
            try:
                view = view[self.sock.send(view):]
            except (BrokenPipeError, ConnectionResetError):
                # The peer is gone: the run is over, or failed and the orchestrator will say so.
                self.closed = True
            except BlockingIOError:
                # The peer is not reading: read what it sent meanwhile, so two ends that both
                # write cannot wait on each other.
                ready, _, _ = select.select(self.peers, [self.sock], [])
                for ch in ready:
                    ch.read_raw()
        self.c.txNs += wallclock.perf_counter_ns() - t0

    # -- receiving --

    def read_raw(self):
        """Moves what the socket holds into self.raw, noting when the peer has closed it."""
        while not self.closed:
            try:
                chunk = self.sock.recv(1 << 16)
            except BlockingIOError:
                return
            except ConnectionResetError:
                chunk = b''
            if not chunk:
                # Peers close their ends once the run is over or has failed; the orchestrator
                # then says END or ABORT on the control connection, which decides.
                self.closed = True
                return
            self.raw += chunk

    def poll(self):
        """Decodes everything that has arrived into the event queue; returns records read."""
        self.read_raw()
        if not self.raw:
            return 0
        t0 = wallclock.perf_counter_ns()
        data = bytes(self.raw)
        self.raw.clear()
        n = 0
        for kind, body in self.reader.feed(data):
            if kind != 0:
                raise ProtocolError(f'channel {self.name}: a JSON frame on a channel')
            n += self.records(body)
        self.c.rxMsgs = self.received
        self.c.rxNs += wallclock.perf_counter_ns() - t0
        return n

    def records(self, body):
        """Decodes one frame body; number messages inline (most of them), the rest by read_record."""
        what = f'channel {self.name}'
        deliver, handlers, latencies, lookahead = self.deliver, self.handler_of_link, self.latency_of_link, self.lookahead
        unpack = NUM.unpack_from
        promise = self.promise
        off, end, n = 0, len(body), 0
        while off < end:
            if self.hello_seen and end - off >= 32:
                word, link, time, order, num = unpack(body, off)
                ref = None
                size = 32
                fast = word == T_NUM
            else:
                fast = False
            if not fast:
                self.promise = promise
                rec, size = read_record(body, off, self.shapes, what)
                promise = self.promise
                off += size
                n += 1
                if rec is None:
                    continue
                if rec[0] == 'hello':
                    self.hello_seen = True
                    self.peer_needs_promises = (rec[1] & 1) != 0
                    continue
                if not self.hello_seen:
                    raise ProtocolError(f'{what}: instance {self.peer} sent a record before its HELLO')
                if rec[0] == 'sync':
                    if rec[1] > promise:
                        promise = rec[1]
                    continue
                _, link, time, order, num, ref = rec
            else:
                off += 32
                n += 1
            handler = handlers.get(link, -1)
            if handler < 0:
                raise ProtocolError(f'{what}: instance {self.peer} sent a message for link {link}, which no receiving port here is on')
            if not time >= promise:
                raise ProtocolError(f'{what}: instance {self.peer} broke its promise: a message for {time} ps after it promised nothing before {promise} ps')
            deliver(time, order, handler, num, ref)
            implied = time - latencies[link] + lookahead
            if implied > promise:
                promise = implied
            self.received += 1
        self.promise = promise
        return n

    def close(self):
        for s in (self.sock, self.server):
            if s is not None:
                s.close()
        if self.listens:
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def counters(self):
        d = {k: getattr(self.c, k) for k in Counters.__slots__}
        d['channel'] = self.id
        return d

