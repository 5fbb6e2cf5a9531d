"""SplitSim external-instance adapter for Python 3, standard library only; protocol version 1.

    from splitsim_adapter import Component, run

    class Echo(Component):
        def __init__(self, ctx):
            super().__init__(ctx)
            self.out = ctx.port('out')
            ctx.port('in', lambda num, ref: self.out.send(num, ref))

    run({'external.echo': Echo})

See docs/external-protocol.md for the protocol, and fifo_server.py for a whole model."""
from .instance import Failure, run
from .model import Component, ModelError, ORDER_BASE
from .rng import Rng
from .wire import PROTOCOL_VERSION, ProtocolError

__all__ = ['Component', 'Failure', 'ModelError', 'ORDER_BASE', 'PROTOCOL_VERSION', 'ProtocolError', 'Rng', 'run']
