#!/usr/bin/env python3
"""external.fifo in Python: one server, one FIFO line, exponential or deterministic service.
Jobs arrive as numbers (their creation time) and leave, after service, with the same number.
The same model as adapters/c/fifo_server.c, operation for operation: the two give the same
bytes in metrics.json for the same seed."""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splitsim_adapter import Component, ModelError, run  # noqa: E402


class FifoServer(Component):
    def __init__(self, ctx):
        super().__init__(ctx)
        p = ctx.params
        if p.get('service') not in ('exponential', 'deterministic') or not p.get('mean', 0) > 0:
            raise ModelError(f'{ctx.path}: external.fifo needs service "exponential" or "deterministic" and a mean > 0, got {p}')
        self.exponential = p['service'] == 'exponential'
        self.mean = float(p['mean'])
        self.out = ctx.port('out')
        ctx.port('in', self.arrive)
        self.done = ctx.timer(self.complete)
        self.wait = ctx.tally('wait')
        self.response = ctx.tally('response')
        self.response_ci = ctx.batch_means('responseBatchMeans')
        self.served = ctx.counter('served')
        self.line = collections.deque()
        self.busy = False
        self.job = (0.0, 0.0)  # (created, arrived) of the job in service

    def arrive(self, created, _ref):
        if self.busy:
            self.line.append((created, self.ctx.now))
        else:
            self.begin(created, self.ctx.now)

    def begin(self, created, arrived):
        self.busy = True
        self.wait.add(self.ctx.now - arrived)
        self.job = (created, arrived)
        service = self.ctx.rng.exponential(self.mean) if self.exponential else self.mean
        self.ctx.schedule(self.done, service)

    def complete(self, _num, _ref):
        created, arrived = self.job
        r = self.ctx.now - arrived
        self.response.add(r)
        self.response_ci.add(r)
        self.served.value += 1
        self.out.send(created)
        if self.line:
            self.begin(*self.line.popleft())
        else:
            self.busy = False


if __name__ == '__main__':
    run({'external.fifo': FifoServer})
