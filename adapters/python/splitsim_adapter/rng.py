"""The kernel's random streams, bit for bit: xoshiro128** whose 128-bit state is derived from
(run seed, component id) by SplitMix64, as packages/kernel/src/rng.ts does. A model ported from
TypeScript draws the same uniforms here. (Our exponential() uses a ziggurat; this one inverts
the distribution function with the C library's log, so the C adapter draws the same numbers.)"""
import math

M64 = (1 << 64) - 1
M32 = (1 << 32) - 1


def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    def __init__(self, seed, stream=0):
        st = (int(seed) & M64) ^ 0x5851F42D4C957F2D
        st, a = _splitmix64(st)
        st ^= int(stream) & M64
        st, a = _splitmix64(st ^ a)
        st, b = _splitmix64(st)
        self.s = [a & M32, a >> 32, b & M32, b >> 32]
        if not any(self.s):
            self.s[0] = 1

    def next_u32(self):
        s = self.s
        result = (_rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 11)
        return result

    def next(self):
        """A uniform double in [0, 1) with 53 random bits."""
        hi = self.next_u32() >> 5
        lo = self.next_u32() >> 6
        return (hi * 67108864 + lo) * (1.0 / 9007199254740992)

    def exponential(self, mean):
        return mean * -math.log(1.0 - self.next())
