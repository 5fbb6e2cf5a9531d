"""An external instance: the control connection to the orchestrator, start-up, and the event
loop that keeps the instance's components in step with the rest of the run
(docs/external-protocol.md). A program calls run({model name: class}) and nothing else."""
import json
import math
import os
import select
import socket
import sys
import time as wallclock

from .channel import Channel
from .model import Engine, ModelError
from .wire import FRAME_JSON, FRAME_RECORDS, PROTOCOL_VERSION, FrameReader, ProtocolError, check_hello, frame, hello, json_frame

SLICE = 256  # events per step at most; then publish, so peers see our clock move
INF = math.inf
RUNNING, DONE, STOPPED = 0, 1, 2


class Failure(Exception):
    """Ends the run: reported to the orchestrator as `failed`."""

    def __init__(self, message, **where):
        super().__init__(message)
        self.where = where


class SilentEnd:
    """Where a port sends whose link end the plan marks silent: the peer waits for nothing from it."""

    def __init__(self, port):
        self.port = port

    def send(self, *_):
        raise ModelError(f'{self.port}: sent on a link end the plan marks silent')


class Instance:
    def __init__(self, models):
        self.models = models
        self.ctl = socket.socket(fileno=int(os.environ.get('SPLITSIM_CONTROL_FD', '3')))
        self.ctl_reader = FrameReader('control connection')
        self.inbox = []  # control messages read, not yet handled
        self.state = RUNNING
        self.limit = INF
        self.stop_time = INF
        self.stop_order = INF
        self.granted = -INF
        self.limiting = None
        self.stuck_key = None
        self.next_sample = INF
        self.next_progress = 0
        self.channels = []

    # -- control connection --

    def say(self, message):
        self.ctl.sendall(json_frame(message))

    def read_control(self, block):
        """Reads control frames (blocking until one if asked); exits if the orchestrator is gone."""
        self.ctl.setblocking(block)
        try:
            data = self.ctl.recv(1 << 16)
        except BlockingIOError:
            return
        if not data:
            sys.exit(1)  # the orchestrator is gone: so are we, leaving nothing behind
        for kind, body in self.ctl_reader.feed(data):
            if not self.ctl_reader.hello_seen:
                if kind != FRAME_RECORDS:
                    raise ProtocolError('control connection: the first frame is not HELLO')
                check_hello(body, 'control connection')
                self.ctl_reader.hello_seen = True
            elif kind == FRAME_JSON:
                self.inbox.append(json.loads(body))

    def expect(self, *types):
        """Blocks until the next control message; it must be one of `types` (or abort)."""
        while not self.inbox:
            self.read_control(True)
        m = self.inbox.pop(0)
        if m['type'] == 'abort':
            sys.exit(0)
        if m['type'] not in types:
            raise ProtocolError(f'control connection: expected {" or ".join(types)}, got {m["type"]}')
        return m

    # -- start-up: HELLO, setup, ready, connect, connected, go --

    def start(self):
        self.ctl.sendall(frame(hello(False)))
        self.ctl_reader.hello_seen = False
        setup = self.expect('setup')
        if setup['protocol'] != PROTOCOL_VERSION:
            raise Failure(f'the orchestrator speaks protocol version {setup["protocol"]}; this adapter speaks {PROTOCOL_VERSION}')
        self.name = setup['instance']['name']
        self.until = INF if setup['until'] is None else setup['until']
        self.limit = self.until + 1
        self.profile_ns = setup['profileNs']
        self.build(setup)
        for ch in self.channels:
            if ch.listens:
                ch.listen()
        self.say({'type': 'ready'})
        self.expect('connect')
        for ch in self.channels:
            ch.connect()
        self.say({'type': 'connected'})
        self.expect('go')
        if self.profile_ns > 0:
            self.next_sample = wallclock.monotonic_ns() + self.profile_ns
        self.next_progress = wallclock.monotonic_ns() + 10**9
        for comp in self.engine.in_id_order():
            self.guard(comp.ctx, comp.init)

    def build(self, setup):
        engine = self.engine = Engine(setup['seed'])
        comps = {}
        for c in setup['components']:
            cls = self.models.get(c['model'])
            if cls is None:
                raise Failure(f'{c["path"]}: this program does not implement model {c["model"]} (it implements {", ".join(sorted(self.models))})', component=c['path'])
            comps[c['id']] = self.guard(None, lambda: engine.add(cls, c['id'], c['path'], c['model'], c['params']), c['path'])

        def port(ref, latency):
            ctx = comps[ref['component']].ctx
            p = ctx.ports.get(ref['port'])
            if p is None:
                raise Failure(f'{ctx.path}: model {ctx.model} never opened port "{ref["port"]}", but a link joins it', component=ctx.path)
            p.latency = latency
            return p

        for l in setup['links']:
            a, b = port(l['a'], l['latency']), port(l['b'], l['latency'])
            a.peer, b.peer = b.handler, a.handler
        by_channel = {}
        for cut in setup['cut']:
            p = port(cut, cut['latency'])
            p.link = cut['link']
            by_channel.setdefault(cut['channel'], []).append((cut, p))
        for spec in setup['channels']:
            ends = by_channel.get(spec['id'], [])
            handlers = {cut['link']: (-1 if cut['peerSilent'] else p.handler) for cut, p in ends}
            latencies = {cut['link']: cut['latency'] for cut, _ in ends}
            ch = Channel(spec, engine, handlers, latencies, any(h >= 0 for h in handlers.values()))
            for cut, p in ends:
                p.channel = SilentEnd(f'{p.ctx.path}.{p.name}') if cut['silent'] else ch
            self.channels.append(ch)
        for ch in self.channels:
            ch.peers = self.channels

    def guard(self, ctx, fn, path=None):
        """Runs model code; an exception in it fails the run, naming the component."""
        try:
            return fn()
        except (Failure, ProtocolError):
            raise
        except Exception as e:  # noqa: BLE001 - any error in a model ends the run, reported
            where = path or (ctx.path if ctx else '?')
            raise Failure(f'component {where} failed at {self.engine.now:.0f} ps: {type(e).__name__}: {e}', component=where, time=self.engine.now, event=self.engine.executed) from e

    # -- the loop --

    def loop(self):
        engine = self.engine
        self.flush()
        while True:
            ready = self.readable(0)
            if self.ctl in ready:
                self.read_control(False)
            while self.inbox:
                ended = self.command(self.inbox.pop(0))
                if ended:
                    return ended
            for ch in self.channels:
                if ch.raw or ch.sock in ready:
                    ch.poll()
            if self.state != RUNNING:
                self.block()
                continue
            safe = self.safe_time()
            nxt = engine.next_time()
            self.send_due(min(nxt, safe))
            limit = min(safe, self.limit)
            if nxt < limit:
                to = min(self.next_due(), limit)
                if to <= nxt:
                    to = nxt + 1
                self.guard(None, lambda: engine.run_before(to, SLICE), self.current_path())
                if engine.stop_message is not None:
                    self.own_stop()
                self.flush()
                self.periodic()
                continue
            if not self.reached_limit(nxt, safe):
                self.block()

    def current_path(self):
        return self.engine.owners[self.engine.queue[0][2]].path if self.engine.queue else None

    def readable(self, timeout):
        fds = [self.ctl] + [ch.sock for ch in self.channels if not ch.closed]
        return select.select(fds, [], [], timeout)[0]

    def command(self, m):
        """Handles one command; returns how the run ends, or None to go on."""
        t = m['type']
        if t == 'end':
            self.engine.now = m['now']
            return 'completed'
        if t == 'abort':
            return m['why']
        if t == 'stop':
            self.stop_point(m['time'], m['order'])
        elif t == 'grant' and m['time'] > self.granted:
            self.granted = m['time']
            if self.state == RUNNING:
                for ch in self.channels:
                    if ch.inbound and m['time'] + ch.lookahead > ch.promise:
                        ch.promise = m['time'] + ch.lookahead
        return None

    def safe_time(self):
        safe, self.limiting = INF, None
        for ch in self.channels:
            if ch.inbound and ch.promise < safe:
                safe, self.limiting = ch.promise, ch
        return safe

    def send_due(self, basis):
        for ch in self.channels:
            if ch.peer_needs_promises and basis >= ch.last_sent_at + ch.sync_interval and basis + ch.lookahead > ch.promised():
                ch.sync(basis + ch.lookahead, basis)

    def next_due(self):
        return min((ch.last_sent_at + ch.sync_interval for ch in self.channels if ch.peer_needs_promises), default=INF)

    def flush(self):
        for ch in self.channels:
            ch.publish()

    def promise_forever(self):
        for ch in self.channels:
            if ch.peer_needs_promises and ch.last_sync != INF:
                ch.sync(INF, INF)

    def counts(self):
        return [[ch.id, ch.sent, ch.received] for ch in self.channels]

    def reached_limit(self, nxt, safe):
        """Nothing runs below the limit now; if nothing ever can, the instance is done."""
        engine = self.engine
        if self.stop_time != INF:
            if safe <= self.stop_time or nxt < self.stop_time:
                return False
            # Events at the stop time itself, ordered before the stop point, still run.
            while engine.queue and engine.queue[0][0] == self.stop_time and engine.queue[0][1] < self.stop_order and engine.stop_message is None:
                self.guard(None, lambda: engine.run_before(self.stop_time + 1, 1), self.current_path())
            if engine.stop_message is not None:
                self.own_stop()
                return True
        elif min(nxt, safe) < self.limit:
            return False
        self.state = DONE
        self.promise_forever()
        self.say({'type': 'done', 'now': engine.now, 'queue': len(engine.queue), 'counts': self.counts()})
        return True

    def own_stop(self):
        self.state = STOPPED
        self.promise_forever()
        e = self.engine
        self.say({'type': 'stopped', 'time': e.now, 'order': e.last_order, 'message': e.stop_message, 'counts': self.counts()})

    def stop_point(self, time, order):
        e = self.engine
        self.stop_time, self.stop_order = time, order
        if e.executed > 0 and (e.now > time or (e.now == time and e.last_order > order)):
            self.say({'type': 'overrun', 'now': e.now})
            if self.state == RUNNING:
                self.state = DONE
                self.promise_forever()
                self.say({'type': 'done', 'now': e.now, 'queue': len(e.queue), 'counts': self.counts()})
        elif self.state == RUNNING and time < self.limit:
            self.limit = time

    def block(self):
        """Nothing can run: wait for input or a command, charged to the channel that held us."""
        self.flush()
        t0 = wallclock.perf_counter_ns()
        held = self.limiting if self.state == RUNNING else None
        if not self.readable(0.0002) and self.state == RUNNING:
            # Still nothing: tell the orchestrator (once per next event and message counts), which
            # may grant a lower bound on every event to come, or end the run.
            key = (self.engine.next_time(), sum(ch.sent + ch.received for ch in self.channels))
            if key != self.stuck_key:
                self.stuck_key = key
                self.say({'type': 'blocked', 'now': self.engine.now, 'next': key[0], 'counts': self.counts()})
        wait = 0.1 if self.next_sample == INF else max(0.001, (self.next_sample - wallclock.monotonic_ns()) / 1e9)
        self.readable(min(wait, 0.1))
        if held is not None:
            held.c.waitNs += wallclock.perf_counter_ns() - t0
        self.periodic()

    def periodic(self):
        t = wallclock.monotonic_ns()
        if t >= self.next_sample:
            self.profile(False)
            self.next_sample = max(self.next_sample + self.profile_ns, t)
        if t >= self.next_progress:
            self.next_progress = t + 10**9
            self.say({'type': 'progress', 'now': self.engine.now, 'events': self.engine.executed})

    def profile(self, final, status=None):
        m = {'type': 'profile', 'wallNs': wallclock.time_ns(), 'simPs': self.engine.now, 'events': self.engine.executed,
             'channels': [ch.counters() for ch in self.channels], 'final': final}
        if status:
            m['status'] = status
        self.say(m)

    def finish(self, status):
        engine = self.engine
        for comp in engine.in_id_order():
            self.guard(comp.ctx, comp.finish)
        if self.profile_ns > 0:
            self.profile(True, status)
        metrics = [{'id': c.ctx.id, 'events': c.ctx.events, 'stats': {k: s.state() for k, s in c.ctx.stats.items()}} for c in engine.in_id_order()]
        self.say({'type': 'finished', 'status': status, 'now': engine.now, 'events': engine.executed, 'metrics': metrics})


def run(models):
    """Runs this process as an external instance implementing `models` ({name: Component class})."""
    inst = Instance(models)
    try:
        inst.start()
        how = inst.loop()
        if how != 'failed':
            inst.finish(how)
        code = 0
    except (Failure, ProtocolError, ModelError) as e:
        where = getattr(e, 'where', {})
        try:
            inst.say({'type': 'failed', 'message': str(e), **{k: v for k, v in where.items() if v is not None}})
        except OSError:
            pass
        print(f'{type(e).__name__}: {e}', file=sys.stderr)
        code = 1
    for ch in inst.channels:
        ch.close()
    inst.ctl.close()
    sys.exit(code)
