/*
 * Unit tests of the C adapter's protocol library: the kernel's random streams bit for bit,
 * statistics, JSON, and channel ends over a socket pair (frames, syncs, promises, and the
 * malformed input they must refuse). `make test`; test/adapters.test.ts runs it in the suite.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "splitsim.h"

static int failures;
#define CHECK(cond) ((cond) ? (void)0 : (void)(failures++, fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond)))

static void rng(void) {
  /* Values printed by packages/kernel's Rng for the same (seed, stream). */
  ss_rng r;
  ss_rng_seed(&r, 1, 5);
  CHECK(ss_rng_u32(&r) == 599526488u);
  CHECK(ss_rng_u32(&r) == 3244695371u);
  CHECK(ss_rng_u32(&r) == 2575863251u);
  CHECK(ss_rng_next(&r) == 0.4845041975636678);
  CHECK(ss_rng_next(&r) == 0.7297926651854759);
  ss_rng_seed(&r, -7, 123456789);
  CHECK(ss_rng_u32(&r) == 3796933652u);
  CHECK(ss_rng_next(&r) == 0.7950858575658162);
}

static void stats(void) {
  ss_tally t = {0, 0, 0, INFINITY, -INFINITY};
  for (int x = 1; x <= 4; x++) ss_tally_add(&t, x);
  CHECK(t.count == 4 && t.mean == 2.5 && t.m2 == 5 && t.min == 1 && t.max == 4);
  double sums[8];
  ss_batch_means b = {4, 0, 1, 0, 0, 0, sums};
  for (int x = 1; x <= 24; x++) ss_batch_means_add(&b, x);
  /* 24 observations, 4 batches of 4 after two doublings, the last 8 in batches of 4 too: 6 sums. */
  CHECK(b.batch_size == 4 && b.batches == 6 && b.count == 24);
  CHECK(sums[0] == 1 + 2 + 3 + 4 && sums[5] == 21 + 22 + 23 + 24);
}

static void json(void) {
  const char *text = "{\"a\":[1,2.5,-3e2],\"s\":\"x\\u2194y\\n\",\"n\":null,\"t\":true,\"o\":{\"k\":\"v\"}}";
  ss_json *j = ss_json_parse(text, strlen(text));
  CHECK(j != NULL);
  const ss_json *a = ss_json_get(j, "a");
  CHECK(a && a->count == 3 && a->child->next->num == 2.5 && a->child->next->next->num == -300);
  CHECK(!strcmp(ss_json_str(j, "s"), "x\xe2\x86\x94y\n"));
  CHECK(ss_json_num(j, "n", 0) == INFINITY);
  CHECK(ss_json_num(j, "t", 0) == 1);
  CHECK(!strcmp(ss_json_str(ss_json_get(j, "o"), "k"), "v"));
  ss_json_free(j);
  CHECK(ss_json_parse("{\"a\":", 5) == NULL);
  CHECK(ss_json_parse("[1,2] x", 7) == NULL);
  ss_sb sb = {0};
  ss_sb_num(&sb, 0.1);
  ss_sb_printf(&sb, " ");
  ss_sb_num(&sb, 2000);
  ss_sb_printf(&sb, " ");
  ss_sb_num(&sb, INFINITY);
  CHECK(!strcmp(sb.buf, "0.10000000000000001 2000 null"));
}

static int got;
static double got_time, got_num;
static void deliver(void *to, double time, double order, int handler, double num, ss_ref *ref) {
  (void)to, (void)order, (void)handler, (void)ref;
  got++;
  got_time = time;
  got_num = num;
}

static void pair(ss_channel *a, ss_channel *b) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  ss_channel_init(a, 0, "a↔b", "b", 1000, 1000);
  ss_channel_init(b, 0, "a↔b", "a", 1000, 1000);
  a->fd = sv[0], b->fd = sv[1];
  a->all = b->all = NULL;
  ss_channel_add_link(b, 3, 7, 1500);
  b->deliver = deliver;
  ss_channel_hello(a);
  ss_channel_hello(b);
  got = 0;
}

static void channels(void) {
  ss_channel a, b;
  pair(&a, &b);
  ss_channel_num(&a, 3, 1500, 5 * SS_ORDER_BASE, 42);
  ss_channel_num(&a, 3, 2500, 5 * SS_ORDER_BASE + 1, 43);
  ss_channel_sync(&a, 9000, 8000);
  CHECK(ss_channel_poll(&b) == 4);
  CHECK(got == 2 && got_time == 2500 && got_num == 43);
  CHECK(b.promise == 9000 && b.hello_seen && !b.peer_needs_promises);
  CHECK(ss_channel_poll(&a) == 1 && a.peer_needs_promises); /* b receives on link 3: it needs promises */
  ss_channel_num(&a, 3, 8999, 5 * SS_ORDER_BASE + 2, 44);
  ss_channel_publish(&a);
  CHECK(ss_channel_poll(&b) == -1 && strstr(b.error, "broke its promise"));

  pair(&a, &b);
  const uint32_t garbage[4] = {0x41414141, 0x41414141, 0, 0};
  CHECK(write(a.fd, garbage, sizeof garbage) == sizeof garbage);
  CHECK(ss_channel_poll(&b) == -1 && strstr(b.error, "malformed frame header"));

  ss_channel c, d;
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  ss_channel_init(&c, 0, "c↔d", "c", 1000, 1000);
  ss_channel_init(&d, 0, "c↔d", "d", 1000, 1000);
  c.fd = sv[0], d.fd = sv[1];
  ss_channel_add_link(&d, 3, 7, 1500);
  d.deliver = deliver;
  ss_channel_num(&c, 3, 1500, 0, 1); /* no HELLO first */
  ss_channel_publish(&c);
  CHECK(ss_channel_poll(&d) == -1 && strstr(d.error, "before its HELLO"));
}

int main(void) {
  rng();
  stats();
  json();
  channels();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("test_splitsim: all checks passed\n");
  return 0;
}
