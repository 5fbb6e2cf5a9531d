"""A userspace stand-in for tc netem, for kernels built without it (sch_netem): a TUN device whose
packets this program holds for a fixed delay, drops at random with a given probability, and writes
back into the kernel, which forwards them on. test/support/netns.ts routes the traffic of the hub
namespace through it. Usage: delay-line.py DEVICE DELAY_MS LOSS (LOSS a probability, 0.001)."""
import fcntl, heapq, os, random, select, struct, sys, time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

def main():
    dev, delay_ms, loss = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', dev.encode(), IFF_TUN | IFF_NO_PI))
    print('ready', flush=True)
    delay = delay_ms / 1000.0
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else None)
    pending = []
    seq = 0
    seen = dropped = 0
    while True:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, pkt = heapq.heappop(pending)
            try:
                os.write(fd, pkt)
            except OSError:
                pass
        timeout = max(0.0, pending[0][0] - now) if pending else 1.0
        r, _, _ = select.select([fd, sys.stdin], [], [], timeout)
        if sys.stdin in r and not sys.stdin.readline():
            # The test closed our stdin: it is done with us.
            print(f'packets {seen} dropped {dropped}', file=sys.stderr, flush=True)
            return
        if fd in r:
            while True:
                try:
                    pkt = os.read(fd, 65536)
                except BlockingIOError:
                    break
                seen += 1
                if rng.random() < loss:
                    dropped += 1
                    continue
                seq += 1
                heapq.heappush(pending, (time.monotonic() + delay, seq, pkt))

main()
