/*
 * The C adapter's side of `npm run bench -- channel --external` (bench/channel.ts): one channel
 * end driven directly, no model. Usage: bench_peer recv|send|pong <socket path> <n>
 *   recv  count n messages (decoded, not queued), then answer with a SYNC promising 1e15;
 *   send  on a SYNC promising 1e15, send n messages and flush;
 *   pong  n times: wait for the promise k * 10 + 1000, promise the same back.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitsim.h"

#define LOOKAHEAD 1000.0
#define MARK 1e15

static double count;
static void counted(void *to, double time, double order, int handler, double num, ss_ref *ref) {
  (void)to, (void)time, (void)order, (void)handler, (void)num;
  if (ref) free(ref->data), free(ref);
  count++;
}

/* Polls until `done` holds; blocks in poll() between reads. */
static void until(ss_channel *ch, int (*done)(ss_channel *, double), double arg) {
  while (!done(ch, arg)) {
    if (ss_channel_poll(ch) < 0) {
      fprintf(stderr, "bench_peer: %s\n", ch->error);
      exit(1);
    }
    if (done(ch, arg)) break;
    if (ch->closed) exit(1);
    struct pollfd p = {ch->fd, POLLIN, 0};
    poll(&p, 1, 1000);
  }
}
static int got_all(ss_channel *ch, double n) { (void)ch; return count >= n; }
static int promised(ss_channel *ch, double p) { return ch->promise >= p; }

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: bench_peer recv|send|pong <socket path> <n>\n");
    return 2;
  }
  const char *role = argv[1];
  double n = atof(argv[3]);
  ss_channel ch;
  ss_channel_init(&ch, 0, "bench", "bench", LOOKAHEAD, LOOKAHEAD);
  ch.deliver = counted;
  ss_channel_add_link(&ch, 0, 0, LOOKAHEAD);
  if (ss_channel_connect(&ch, argv[2])) {
    perror("bench_peer: connect");
    return 1;
  }
  ss_channel_hello(&ch);
  if (!strcmp(role, "recv")) {
    until(&ch, got_all, n);
    ss_channel_sync(&ch, MARK, 0);
  } else if (!strcmp(role, "send")) {
    until(&ch, promised, MARK);
    for (double i = 0; i < n; i++) ss_channel_num(&ch, 0, LOOKAHEAD + i, i, i);
    ss_channel_publish(&ch);
  } else {
    for (double k = 1; k <= n; k++) {
      until(&ch, promised, k * 10 + LOOKAHEAD);
      ss_channel_sync(&ch, k * 10 + LOOKAHEAD, k * 10);
    }
  }
  /* Stay until the other end closes, so nothing we sent is lost with the socket. */
  struct pollfd p = {ch.fd, POLLIN, 0};
  while (!ch.closed && poll(&p, 1, 5000) > 0) ss_channel_poll(&ch);
  return 0;
}
