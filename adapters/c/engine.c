/*
 * The instance's components and event queue, the kernel's random streams and statistics. The
 * arithmetic mirrors packages/kernel and adapters/python operation for operation, so the same
 * model gives the same bytes in either adapter.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* -- random streams: xoshiro128**, state from SplitMix64 over (seed, stream) as rng.ts -- */

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void ss_rng_seed(ss_rng *r, double seed, double stream) {
  uint64_t st = (uint64_t)(int64_t)trunc(seed) ^ 0x5851F42D4C957F2Dull;
  uint64_t a = splitmix64(&st);
  st ^= (uint64_t)(int64_t)trunc(stream);
  st ^= a;
  a = splitmix64(&st);
  uint64_t b = splitmix64(&st);
  r->s[0] = (uint32_t)a, r->s[1] = (uint32_t)(a >> 32), r->s[2] = (uint32_t)b, r->s[3] = (uint32_t)(b >> 32);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1;
}

static uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

uint32_t ss_rng_u32(ss_rng *r) {
  uint32_t *s = r->s;
  uint32_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

double ss_rng_next(ss_rng *r) {
  uint32_t hi = ss_rng_u32(r) >> 5, lo = ss_rng_u32(r) >> 6;
  return ((double)hi * 67108864.0 + (double)lo) * (1.0 / 9007199254740992.0);
}

double ss_rng_exponential(ss_rng *r, double mean) { return mean * -log(1.0 - ss_rng_next(r)); }

/* -- statistics -- */

void ss_tally_add(ss_tally *t, double x) {
  double d = x - t->mean;
  t->count += 1;
  t->mean += d / t->count;
  t->m2 += d * (x - t->mean);
  if (x < t->min) t->min = x;
  if (x > t->max) t->max = x;
}

void ss_batch_means_add(ss_batch_means *b, double x) {
  b->count += 1;
  b->current += x;
  b->in_current += 1;
  if (b->in_current < b->batch_size) return;
  b->sums[b->batches++] = b->current;
  b->current = 0;
  b->in_current = 0;
  if (b->batches == 2 * b->target) {
    for (int i = 0; i < b->target; i++) b->sums[i] = b->sums[2 * i] + b->sums[2 * i + 1];
    b->batches = b->target;
    b->batch_size *= 2;
  }
}

static ss_stat *stat(ss_component *c, const char *name, int type) {
  ss_stat *s = calloc(1, sizeof *s);
  s->name = strdup(name);
  s->type = type;
  c->stats = realloc(c->stats, (size_t)(c->nstats + 1) * sizeof *c->stats);
  c->stats[c->nstats++] = s;
  return s;
}

double *ss_counter(ss_component *c, const char *name) { return &stat(c, name, SS_STAT_COUNTER)->counter; }

ss_tally *ss_tally_new(ss_component *c, const char *name) {
  ss_stat *s = stat(c, name, SS_STAT_TALLY);
  s->tally.min = INFINITY;
  s->tally.max = -INFINITY;
  return &s->tally;
}

ss_batch_means *ss_batch_means_new(ss_component *c, const char *name, int target) {
  ss_stat *s = stat(c, name, SS_STAT_BATCH_MEANS);
  s->batch.target = target;
  s->batch.batch_size = 1;
  s->batch.sums = calloc((size_t)(2 * target), sizeof(double));
  return &s->batch;
}

/* -- the event queue: a binary heap ordered by (time, order) -- */

static int before(const ss_event *a, const ss_event *b) { return a->time < b->time || (a->time == b->time && a->order < b->order); }

void ss_push(ss_instance *in, double time, double order, int handler, double num, ss_ref *ref) {
  if (in->nheap == in->capheap) in->heap = realloc(in->heap, (size_t)(in->capheap = in->capheap ? 2 * in->capheap : 1024) * sizeof(ss_event));
  ss_event e = {time, order, num, handler, ref};
  int i = in->nheap++;
  while (i > 0 && before(&e, &in->heap[(i - 1) / 2])) in->heap[i] = in->heap[(i - 1) / 2], i = (i - 1) / 2;
  in->heap[i] = e;
}

static ss_event pop(ss_instance *in) {
  ss_event top = in->heap[0], last = in->heap[--in->nheap];
  int i = 0, n = in->nheap;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(&in->heap[c + 1], &in->heap[c])) c++;
    if (!before(&in->heap[c], &last)) break;
    in->heap[i] = in->heap[c];
    i = c;
  }
  if (n > 0) in->heap[i] = last;
  return top;
}

double ss_next_time(const ss_instance *in) { return in->nheap ? in->heap[0].time : INFINITY; }

void ss_deliver_event(void *to, double time, double order, int handler, double num, ss_ref *ref) { ss_push(to, time, order, handler, num, ref); }

int ss_run_before(ss_instance *in, double limit, int max) {
  int n = 0;
  while (n < max && in->nheap && in->heap[0].time < limit && !in->stop_message && !in->failed) {
    ss_event e = pop(in);
    in->now = e.time;
    in->last_order = e.order;
    n++;
    in->executed++;
    in->handlers[e.handler].owner->events++;
    in->handlers[e.handler].fn(in->handlers[e.handler].owner, e.num, e.ref);
    if (e.ref) free(e.ref->data), free(e.ref);
  }
  return n;
}

/* -- what a model calls -- */

double ss_now(const ss_component *c) { return c->inst->now; }

static int handler(ss_component *c, ss_handler fn) {
  ss_instance *in = c->inst;
  in->handlers = realloc(in->handlers, (size_t)(in->nhandlers + 1) * sizeof *in->handlers);
  in->handlers[in->nhandlers].fn = fn;
  in->handlers[in->nhandlers].owner = c;
  return in->nhandlers++;
}

ss_port *ss_port_open(ss_component *c, const char *name, ss_handler on_receive) {
  ss_port *p = calloc(1, sizeof *p);
  p->c = c;
  p->name = strdup(name);
  p->handler = on_receive ? handler(c, on_receive) : -1;
  p->peer = -1;
  p->link = -1;
  c->ports = realloc(c->ports, (size_t)(c->nports + 1) * sizeof *c->ports);
  c->ports[c->nports++] = p;
  return p;
}

int ss_timer(ss_component *c, ss_handler h) { return handler(c, h); }

void ss_schedule(ss_component *c, int timer, double delay, double num) {
  if (!(delay >= 0)) {
    ss_fail(c, "cannot schedule an event %g ps from now", delay);
    return;
  }
  ss_push(c->inst, c->inst->now + floor(delay + 0.5), c->order_base + c->seq++, timer, num, NULL);
}

void ss_send(ss_port *p, double num, const ss_ref *ref) {
  ss_component *c = p->c;
  double time = c->inst->now + p->latency, order = c->order_base + c->seq++;
  if (p->silent) ss_fail(c, "sent on port \"%s\", whose link end the plan marks silent", p->name);
  else if (p->channel && ref) ss_channel_ref(p->channel, p->link, time, order, num, ref);
  else if (p->channel) {
    ss_channel_num(p->channel, p->link, time, order, num);
    p->channel->last_sent_at = c->inst->now;
  } else if (p->peer >= 0) {
    ss_ref *copy = NULL;
    if (ref) {
      copy = malloc(sizeof *copy);
      *copy = *ref;
      copy->data = malloc(ref->len + 1);
      memcpy(copy->data, ref->data, ref->len);
    }
    ss_push(c->inst, time, order, p->peer, num, copy);
  } else ss_fail(c, "port \"%s\" is not joined to any link", p->name);
  if (p->channel && ref) p->channel->last_sent_at = c->inst->now;
}

void ss_stop(ss_component *c, const char *message) {
  if (!c->inst->stop_message) c->inst->stop_message = strdup(message ? message : c->path);
}

double ss_param_num(const ss_component *c, const char *name, double otherwise) { return ss_json_num(c->params, name, otherwise); }
const char *ss_param_str(const ss_component *c, const char *name) { return ss_json_str(c->params, name); }

int ss_fail(ss_component *c, const char *fmt, ...) {
  ss_instance *in = c->inst;
  if (in->failed) return -1;
  char what[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(in->failure, sizeof in->failure, "component %s failed at %.0f ps: %s", c->path, in->now, what);
  in->failed = 1;
  in->failed_component = c;
  return -1;
}
