"""Statistics kept here and summarised by the orchestrator with the kernel's own classes: a
model reports each one's state (docs/external-protocol.md, statistics), so metrics.json reads
the same whichever program kept it. The updates mirror the kernel's, operation for operation."""


class Counter:
    def __init__(self):
        self.value = 0

    def state(self):
        return {'counter': self.value}


class Tally:
    """Count, mean and sum of squared deviations by Welford's update, min and max."""

    def __init__(self):
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.min = float('inf')
        self.max = float('-inf')

    def add(self, x):
        self.count += 1
        d = x - self.mean
        self.mean += d / self.count
        self.m2 += d * (x - self.mean)
        if x < self.min:
            self.min = x
        if x > self.max:
            self.max = x

    def state(self):
        if self.count == 0:
            return {'tally': [0, 0, 0, 0, 0]}
        return {'tally': [self.count, self.mean, self.m2, self.min, self.max]}


class BatchMeans:
    """Sums of batches that double in size whenever their number reaches 2 * target."""

    def __init__(self, target=32):
        self.target = target
        self.batch_size = 1
        self.sums = []
        self.current = 0.0
        self.in_current = 0
        self.count = 0

    def add(self, x):
        self.count += 1
        self.current += x
        self.in_current += 1
        if self.in_current < self.batch_size:
            return
        self.sums.append(self.current)
        self.current = 0.0
        self.in_current = 0
        if len(self.sums) == 2 * self.target:
            self.sums = [self.sums[2 * i] + self.sums[2 * i + 1] for i in range(self.target)]
            self.batch_size *= 2

    def state(self):
        return {'batchMeans': {'count': self.count, 'batchSize': self.batch_size, 'sums': list(self.sums)}}


class Value:
    """A summary the model computes itself (any JSON value), reported as is."""

    def __init__(self, value=None):
        self.value = value

    def state(self):
        return {'value': self.value}
