"""What a model sees: a component with a context (ports, clock, timers, random stream,
statistics), and the event queue of the instance. Events are ordered by (time, order key),
order key = origin component id * 2^32 + origin sequence number, as in our kernel, so ties break
the same way whichever instance holds the components."""
import heapq
import math

from .rng import Rng
from .stats import BatchMeans, Counter, Tally, Value

ORDER_BASE = 1 << 32


class ModelError(Exception):
    """A model was given something it cannot simulate (bad parameters, unknown port)."""


class Port:
    def __init__(self, ctx, name, handler):
        self.ctx = ctx
        self.name = name
        self.handler = handler  # id of this port's receiver, or -1
        self.peer = -1  # the peer port's receiver, for a link inside this instance
        self.latency = 0
        self.link = -1
        self.channel = None  # set for a link cut onto a channel

    def send(self, num, ref=None):
        ctx = self.ctx
        engine = ctx.engine
        time = engine.now + self.latency
        order = ctx.order_base + ctx.seq
        ctx.seq += 1
        if self.channel is not None:
            self.channel.send(self.link, time, order, num, ref)
        elif self.peer >= 0:
            heapq.heappush(engine.queue, (time, order, self.peer, num, ref))
        else:
            raise ModelError(f'{ctx.path}: port "{self.name}" is not joined to any link')


class Context:
    def __init__(self, engine, cid, path, model, params, seed):
        self.engine = engine
        self.id = cid
        self.path = path
        self.model = model
        self.params = params
        self.rng = Rng(seed, cid)
        self.order_base = cid * ORDER_BASE
        self.seq = 0
        self.ports = {}
        self.stats = {}

    @property
    def now(self):
        return self.engine.now

    def port(self, name, on_receive=None):
        handler = self.engine.add_handler(on_receive, self) if on_receive else -1
        p = self.ports[name] = Port(self, name, handler)
        return p

    def timer(self, handler):
        return self.engine.add_handler(handler, self)

    def schedule(self, timer, delay, num=0.0, ref=None):
        """Runs timer `delay` ps from now, rounded half up to a whole ps like the kernel."""
        if not delay >= 0:
            raise ModelError(f'{self.path}: cannot schedule an event {delay} ps from now')
        order = self.order_base + self.seq
        self.seq += 1
        heapq.heappush(self.engine.queue, (self.engine.now + float(math.floor(delay + 0.5)), order, timer, num, ref))

    def stop(self, message=None):
        self.engine.stop_message = self.engine.stop_message or message or f'stopped by {self.path}'

    def _stat(self, name, stat):
        if name in self.stats:
            raise ModelError(f'{self.path}: statistic "{name}" is declared twice')
        self.stats[name] = stat
        return stat

    def counter(self, name):
        return self._stat(name, Counter())

    def tally(self, name):
        return self._stat(name, Tally())

    def batch_means(self, name, target=32):
        return self._stat(name, BatchMeans(target))

    def value(self, name, value=None):
        return self._stat(name, Value(value))


class Component:
    """Subclass it: open ports and timers in __init__, schedule first events in init()."""

    def __init__(self, ctx):
        self.ctx = ctx

    def init(self):
        pass

    def finish(self):
        pass


class Engine:
    """The components of one instance and their event queue (a heap of (time, order, handler, num, ref))."""

    def __init__(self, seed):
        self.seed = seed
        self.now = 0.0
        self.executed = 0
        self.queue = []
        self.handlers = []
        self.owners = []
        self.components = []
        self.stop_message = None
        self.last_order = 0  # order key of the last event executed (for stop points)

    def add(self, cls, cid, path, model, params):
        ctx = Context(self, cid, path, model, params, self.seed)
        ctx.events = 0
        comp = cls(ctx)
        self.components.append(comp)
        return comp

    def add_handler(self, fn, ctx):
        self.handlers.append(fn)
        self.owners.append(ctx)
        return len(self.handlers) - 1

    def next_time(self):
        return self.queue[0][0] if self.queue else math.inf

    def run_before(self, limit, max_events):
        """Executes events below `limit` (at most max_events, or until a stop); returns how many."""
        q = self.queue
        n = 0
        while n < max_events and q and q[0][0] < limit and self.stop_message is None:
            time, order, target, num, ref = heapq.heappop(q)
            self.now = time
            self.last_order = order
            n += 1
            self.owners[target].events += 1
            self.handlers[target](num, ref)
        self.executed += n
        return n

    def in_id_order(self):
        return sorted(self.components, key=lambda c: c.ctx.id)
