"""Unit tests of the Python adapter's protocol module: the kernel's random streams bit for bit,
statistics, msgpack, records and frames, and a channel end over a socket pair (promises, and
the malformed input it must refuse). `python3 -m unittest` in this directory;
test/adapters.test.ts runs it in the suite."""
import math
import socket
import unittest

from splitsim_adapter import minipack, wire
from splitsim_adapter.channel import Channel
from splitsim_adapter.model import Engine
from splitsim_adapter.rng import Rng
from splitsim_adapter.stats import BatchMeans, Tally


class RngTest(unittest.TestCase):
    def test_the_kernels_streams_bit_for_bit(self):
        # Values printed by packages/kernel's Rng for the same (seed, stream).
        r = Rng(1, 5)
        self.assertEqual([r.next_u32() for _ in range(3)], [599526488, 3244695371, 2575863251])
        self.assertEqual([r.next(), r.next()], [0.4845041975636678, 0.7297926651854759])
        r = Rng(-7, 123456789)
        self.assertEqual((r.next_u32(), r.next()), (3796933652, 0.7950858575658162))


class StatsTest(unittest.TestCase):
    def test_tally_and_batch_means(self):
        t = Tally()
        for x in (1, 2, 3, 4):
            t.add(x)
        self.assertEqual(t.state(), {'tally': [4, 2.5, 5.0, 1, 4]})
        self.assertEqual(Tally().state(), {'tally': [0, 0, 0, 0, 0]})
        b = BatchMeans(4)
        for x in range(1, 25):
            b.add(x)
        self.assertEqual(b.state()['batchMeans']['batchSize'], 4)
        self.assertEqual(b.state()['batchMeans']['sums'], [10, 26, 42, 58, 74, 90])


class WireTest(unittest.TestCase):
    def test_msgpack_round_trip(self):
        v = {'a': [1, -5, 300, 2**40, 0.5, None, True], 'b': b'\x00\x01', 's': 'x↔y' * 20}
        self.assertEqual(minipack.unpack(minipack.pack(v)), v)

    def test_records_round_trip_with_flat_shapes(self):
        w = wire.RecordWriter()
        w.hello(True)
        w.num(3, 1500.0, 7 * 2**32, 42.0)
        w.ref(3, 1600.0, 7 * 2**32 + 1, 1.0, {'src': 1, 'size': 1500.5})
        w.ref(3, 1700.0, 7 * 2**32 + 2, 2.0, {'src': 2, 'size': 64})
        w.ref(3, 1800.0, 7 * 2**32 + 3, 3.0, ['not', 'flat'])
        w.sync(math.inf)
        (kind, body), = wire.FrameReader('t').feed(w.take())
        self.assertEqual(kind, 0)
        got = list(wire.read_records(body, {}, 't'))
        self.assertEqual(got[0], ('hello', 1))
        self.assertEqual(got[1], ('num', 3, 1500.0, 7 * 2**32, 42.0, None))
        self.assertEqual(got[2][5], {'src': 1.0, 'size': 1500.5})
        self.assertEqual(got[3][5], {'src': 2.0, 'size': 64.0})
        self.assertEqual(got[4][5], ['not', 'flat'])
        self.assertEqual(got[5], ('sync', math.inf))

    def test_malformed_input_is_refused(self):
        with self.assertRaisesRegex(wire.ProtocolError, 'malformed frame header'):
            wire.FrameReader('t').feed(b'AAAAAAAA')
        bad = wire.HELLO.pack(wire.T_HELLO, 0, wire.HELLO_MAGIC, 2)
        with self.assertRaisesRegex(wire.ProtocolError, 'speaks protocol version 2'):
            wire.check_hello(bad, 't')
        with self.assertRaisesRegex(wire.ProtocolError, 'unknown record type 65'):
            list(wire.read_records(b'A' * 16, {}, 't'))


class ChannelTest(unittest.TestCase):
    def pair(self):
        spec = {'id': 0, 'name': 'a↔b', 'peer': 'a', 'lookahead': 1000, 'syncInterval': 1000, 'path': '', 'listen': False}
        engine = Engine(1)
        a, b = socket.socketpair()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        ours = Channel(spec, engine, {3: 7}, {3: 1500}, True)
        ours.sock = b
        b.setblocking(False)
        return engine, a, ours

    def test_messages_syncs_and_promises(self):
        engine, peer, ch = self.pair()
        w = wire.RecordWriter()
        w.hello(False)
        w.num(3, 1500.0, 5 * 2**32, 42.0)
        w.num(3, 2500.0, 5 * 2**32 + 1, 43.0)
        peer.sendall(w.take())
        self.assertEqual(ch.poll(), 3)
        self.assertEqual([e[0] for e in engine.queue], [1500.0, 2500.0])
        self.assertFalse(ch.peer_needs_promises)
        self.assertEqual(ch.promise, 2500 - 1500 + 1000)  # sent at 1000, lookahead 1000
        w.sync(9000.0)
        w.num(3, 8999.0, 5 * 2**32 + 2, 44.0)
        peer.sendall(w.take())
        with self.assertRaisesRegex(wire.ProtocolError, 'broke its promise'):
            ch.poll()

    def test_a_record_before_hello_is_refused(self):
        _, peer, ch = self.pair()
        w = wire.RecordWriter()
        w.num(3, 1500.0, 0, 1.0)
        peer.sendall(w.take())
        with self.assertRaisesRegex(wire.ProtocolError, 'before its HELLO'):
            ch.poll()


if __name__ == '__main__':
    unittest.main()
