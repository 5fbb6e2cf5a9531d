/*
 * An external instance: the control connection (fd 3), start-up (HELLO, setup, ready, connect,
 * connected, go), the synchronized event loop and the end of the run, as in
 * docs/external-protocol.md and adapters/python/splitsim_adapter/instance.py.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define SLICE 256 /* events per step at most; then publish, so peers see our clock move */
enum { RUNNING, DONE, STOPPED };

typedef struct {
  ss_instance in;
  int ctl;
  uint8_t *buf;
  size_t len, cap;
  int hello_seen;
  ss_json **inbox;
  int ninbox;
  int state;
  double until, limit, stop_time, stop_order, granted, profile_ns, next_sample, next_progress, stuck_next, stuck_total;
  ss_channel *limiting;
} runner;

static double wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void say(runner *r, ss_sb *sb) {
  uint32_t head[2] = {(uint32_t)sb->len, SS_FRAME_JSON};
  if (send(r->ctl, head, 8, MSG_NOSIGNAL) != 8 || send(r->ctl, sb->buf, sb->len, MSG_NOSIGNAL) != (ssize_t)sb->len) exit(1);
  free(sb->buf);
  *sb = (ss_sb){0};
}

static void say_type(runner *r, const char *type) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"%s\"}", type);
  say(r, &sb);
}

static void counts(runner *r, ss_sb *sb) {
  ss_sb_printf(sb, ",\"counts\":[");
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    ss_sb_printf(sb, "%s[%d,%.0f,%.0f]", i ? "," : "", ch->id, ch->sent, ch->received);
  }
  ss_sb_printf(sb, "]");
}

/* Reads control frames; blocking until one arrives if asked. The orchestrator gone: so are we. */
static void read_control(runner *r, int block) {
  if (r->cap - r->len < 65536) r->buf = realloc(r->buf, r->cap = r->cap * 2 + 65536);
  ssize_t n = recv(r->ctl, r->buf + r->len, r->cap - r->len, block ? 0 : MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) exit(1);
  r->len += (size_t)n;
  size_t off = 0;
  while (r->len - off >= 8) {
    uint32_t length, kind;
    memcpy(&length, r->buf + off, 4);
    memcpy(&kind, r->buf + off + 4, 4);
    if (length > SS_MAX_FRAME_BODY || kind > SS_FRAME_JSON) exit(2);
    if (r->len - off < 8 + length) break;
    const uint8_t *body = r->buf + off + 8;
    if (!r->hello_seen) {
      uint32_t magic, version;
      memcpy(&magic, body + 8, 4);
      memcpy(&version, body + 12, 4);
      if (kind != SS_FRAME_RECORDS || length != 16 || body[0] != SS_HELLO || magic != SS_HELLO_MAGIC) {
        fprintf(stderr, "splitsim adapter: the control connection did not start with HELLO\n");
        exit(2);
      }
      if (version != SS_PROTOCOL_VERSION) {
        fprintf(stderr, "splitsim adapter: the orchestrator speaks protocol version %u; this adapter speaks %d\n", version, SS_PROTOCOL_VERSION);
        exit(2);
      }
      r->hello_seen = 1;
    } else {
      ss_json *m = ss_json_parse((const char *)body, length);
      if (!m) exit(2);
      r->inbox = realloc(r->inbox, (size_t)(r->ninbox + 1) * sizeof *r->inbox);
      r->inbox[r->ninbox++] = m;
    }
    off += 8 + length;
  }
  memmove(r->buf, r->buf + off, r->len - off);
  r->len -= off;
}

static ss_json *next_message(runner *r) {
  ss_json *m = r->inbox[0];
  memmove(r->inbox, r->inbox + 1, (size_t)--r->ninbox * sizeof *r->inbox);
  return m;
}

/* Blocks for the next control message, which must be of `type` (an abort ends the program). */
static ss_json *expect(runner *r, const char *type) {
  while (!r->ninbox) read_control(r, 1);
  ss_json *m = next_message(r);
  const char *t = ss_json_str(m, "type");
  if (t && !strcmp(t, "abort")) exit(0);
  if (!t || strcmp(t, type)) {
    fprintf(stderr, "splitsim adapter: expected %s, got %s\n", type, t ? t : "?");
    exit(2);
  }
  return m;
}

static ss_component *component(runner *r, int id) {
  for (int i = 0; i < r->in.ncomps; i++)
    if (r->in.comps[i]->id == id) return r->in.comps[i];
  return NULL;
}

static ss_port *port(runner *r, const ss_json *ref) {
  ss_component *c = component(r, (int)ss_json_num(ref, "component", -1));
  const char *name = ss_json_str(ref, "port");
  for (int i = 0; c && name && i < c->nports; i++)
    if (!strcmp(c->ports[i]->name, name)) return c->ports[i];
  if (c) ss_fail(c, "model %s never opened port \"%s\", but a link joins it", c->model, name ? name : "?");
  return NULL;
}

static int by_id(const void *a, const void *b) { return (*(ss_component *const *)a)->id - (*(ss_component *const *)b)->id; }

/* Builds the components, links and channels of the setup message; 0, or -1 with in.failure set. */
static int build(runner *r, const ss_json *setup, const ss_model *models, int nmodels) {
  ss_instance *in = &r->in;
  in->seed = ss_json_num(setup, "seed", 1);
  const ss_json *comps = ss_json_get(setup, "components");
  for (const ss_json *j = comps ? comps->child : NULL; j; j = j->next) {
    ss_component *c = calloc(1, sizeof *c);
    c->inst = in;
    c->id = (int)ss_json_num(j, "id", 0);
    c->path = strdup(ss_json_str(j, "path") ? ss_json_str(j, "path") : "?");
    c->model = strdup(ss_json_str(j, "model") ? ss_json_str(j, "model") : "?");
    c->params = ss_json_get(j, "params");
    c->order_base = c->id * SS_ORDER_BASE;
    ss_rng_seed(&c->rng, in->seed, c->id);
    in->comps = realloc(in->comps, (size_t)(in->ncomps + 1) * sizeof *in->comps);
    in->comps[in->ncomps++] = c;
    const ss_model *m = NULL;
    for (int k = 0; k < nmodels; k++)
      if (!strcmp(models[k].name, c->model)) m = &models[k];
    if (!m) return ss_fail(c, "this program does not implement model %s", c->model);
    c->impl = m;
    if (m->create(c) < 0 || in->failed) return ss_fail(c, "its model refused it");
  }
  qsort(in->comps, (size_t)in->ncomps, sizeof *in->comps, by_id);
  const ss_json *links = ss_json_get(setup, "links");
  for (const ss_json *l = links ? links->child : NULL; l; l = l->next) {
    ss_port *a = port(r, ss_json_get(l, "a")), *b = port(r, ss_json_get(l, "b"));
    if (!a || !b) return -1;
    a->latency = b->latency = ss_json_num(l, "latency", 0);
    a->peer = b->handler;
    b->peer = a->handler;
  }
  const ss_json *chans = ss_json_get(setup, "channels"), *cut = ss_json_get(setup, "cut");
  in->nchannels = chans ? chans->count : 0;
  in->channels = calloc((size_t)in->nchannels + 1, sizeof(ss_channel));
  static ss_channel *all[64];
  int k = 0;
  for (const ss_json *j = chans ? chans->child : NULL; j; j = j->next, k++) {
    ss_channel *ch = &in->channels[k];
    ss_channel_init(ch, (int)ss_json_num(j, "id", 0), ss_json_str(j, "name"), ss_json_str(j, "peer"), ss_json_num(j, "lookahead", 0), ss_json_num(j, "syncInterval", 0));
    ch->listens = ss_json_num(j, "listen", 0) != 0;
    ch->path = strdup(ss_json_str(j, "path") ? ss_json_str(j, "path") : "");
    ch->deliver = ss_deliver_event;
    ch->deliver_to = in;
    ch->all = all;
    ch->nall = in->nchannels;
    if (k < 64) all[k] = ch;
    for (const ss_json *e = cut ? cut->child : NULL; e; e = e->next) {
      if ((int)ss_json_num(e, "channel", -1) != ch->id) continue;
      ss_port *p = port(r, e);
      if (!p) return -1;
      p->latency = ss_json_num(e, "latency", 0);
      p->link = (int)ss_json_num(e, "link", -1);
      p->channel = ch;
      p->silent = ss_json_num(e, "silent", 0) != 0;
      ss_channel_add_link(ch, p->link, ss_json_num(e, "peerSilent", 0) != 0 ? -1 : p->handler, p->latency);
    }
  }
  return 0;
}

static double safe_time(runner *r) {
  double safe = INFINITY;
  r->limiting = NULL;
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->inbound && ch->promise < safe) safe = ch->promise, r->limiting = ch;
  }
  return safe;
}

static void send_due(runner *r, double basis) {
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->peer_needs_promises && basis >= ch->last_sent_at + ch->sync_interval && basis + ch->lookahead > ss_channel_promised(ch)) ss_channel_sync(ch, basis + ch->lookahead, basis);
  }
}

static double next_due(runner *r) {
  double due = INFINITY;
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->peer_needs_promises && ch->last_sent_at + ch->sync_interval < due) due = ch->last_sent_at + ch->sync_interval;
  }
  return due;
}

static void flush(runner *r) {
  for (int i = 0; i < r->in.nchannels; i++) ss_channel_publish(&r->in.channels[i]);
}

static void promise_forever(runner *r) {
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->peer_needs_promises && ch->last_sync != INFINITY) ss_channel_sync(ch, INFINITY, INFINITY);
  }
}

static void report_done(runner *r) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"done\",\"now\":");
  ss_sb_num(&sb, r->in.now);
  ss_sb_printf(&sb, ",\"queue\":%d", r->in.nheap);
  counts(r, &sb);
  ss_sb_printf(&sb, "}");
  say(r, &sb);
}

static void own_stop(runner *r) {
  r->state = STOPPED;
  promise_forever(r);
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"stopped\",\"time\":");
  ss_sb_num(&sb, r->in.now);
  ss_sb_printf(&sb, ",\"order\":");
  ss_sb_num(&sb, r->in.last_order);
  ss_sb_printf(&sb, ",\"message\":");
  ss_sb_str(&sb, r->in.stop_message);
  counts(r, &sb);
  ss_sb_printf(&sb, "}");
  say(r, &sb);
}

/* Nothing runs below the limit now; if nothing ever can, the instance is done. */
static int reached_limit(runner *r, double next, double safe) {
  ss_instance *in = &r->in;
  if (r->stop_time != INFINITY) {
    if (safe <= r->stop_time || next < r->stop_time) return 0;
    while (in->nheap && in->heap[0].time == r->stop_time && in->heap[0].order < r->stop_order && !in->stop_message && !in->failed) ss_run_before(in, r->stop_time + 1, 1);
    if (in->stop_message) {
      own_stop(r);
      return 1;
    }
  } else if ((next < safe ? next : safe) < r->limit) return 0;
  r->state = DONE;
  promise_forever(r);
  report_done(r);
  return 1;
}

static void stop_point(runner *r, double time, double order) {
  ss_instance *in = &r->in;
  r->stop_time = time;
  r->stop_order = order;
  if (in->executed > 0 && (in->now > time || (in->now == time && in->last_order > order))) {
    ss_sb sb = {0};
    ss_sb_printf(&sb, "{\"type\":\"overrun\",\"now\":");
    ss_sb_num(&sb, in->now);
    ss_sb_printf(&sb, "}");
    say(r, &sb);
    if (r->state == RUNNING) {
      r->state = DONE;
      promise_forever(r);
      report_done(r);
    }
  } else if (r->state == RUNNING && time < r->limit) r->limit = time;
}

/* Handles one command; returns "completed", "interrupted" or "failed" to end, else NULL. */
static const char *command(runner *r, ss_json *m) {
  const char *t = ss_json_str(m, "type");
  const char *ended = NULL;
  if (!t) ended = "failed";
  else if (!strcmp(t, "end")) {
    r->in.now = ss_json_num(m, "now", r->in.now);
    ended = "completed";
  } else if (!strcmp(t, "abort")) {
    const char *why = ss_json_str(m, "why");
    ended = why && !strcmp(why, "interrupted") ? "interrupted" : "failed";
  } else if (!strcmp(t, "stop")) stop_point(r, ss_json_num(m, "time", 0), ss_json_num(m, "order", 0));
  else if (!strcmp(t, "grant")) {
    double g = ss_json_num(m, "time", -INFINITY);
    if (g > r->granted && r->state == RUNNING)
      for (int i = 0; i < r->in.nchannels; i++) {
        ss_channel *ch = &r->in.channels[i];
        if (ch->inbound && g + ch->lookahead > ch->promise) ch->promise = g + ch->lookahead;
      }
    if (g > r->granted) r->granted = g;
  }
  ss_json_free(m);
  return ended;
}

static void profile(runner *r, int final, const char *status) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"profile\",\"wallNs\":%.0f,\"simPs\":", wall_ns());
  ss_sb_num(&sb, r->in.now);
  ss_sb_printf(&sb, ",\"events\":%.0f,\"channels\":[", r->in.executed);
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    ss_sb_printf(&sb, "%s{\"channel\":%d,\"waitNs\":%.0f,\"rxNs\":%.0f,\"txNs\":%.0f,\"syncNs\":%.0f,\"rxMsgs\":%.0f,\"txMsgs\":%.0f,\"syncMsgs\":%.0f}",
                 i ? "," : "", ch->id, ch->wait_ns, ch->rx_ns, ch->tx_ns, ch->sync_ns, ch->received, ch->sent, ch->sync_msgs);
  }
  ss_sb_printf(&sb, "],\"final\":%s", final ? "true" : "false");
  if (status) ss_sb_printf(&sb, ",\"status\":\"%s\"", status);
  ss_sb_printf(&sb, "}");
  say(r, &sb);
}

static void periodic(runner *r) {
  double t = ss_clock_ns();
  if (t >= r->next_sample) {
    profile(r, 0, NULL);
    r->next_sample = r->next_sample + r->profile_ns > t ? r->next_sample + r->profile_ns : t;
  }
  if (t >= r->next_progress) {
    r->next_progress = t + 1e9;
    ss_sb sb = {0};
    ss_sb_printf(&sb, "{\"type\":\"progress\",\"now\":");
    ss_sb_num(&sb, r->in.now);
    ss_sb_printf(&sb, ",\"events\":%.0f}", r->in.executed);
    say(r, &sb);
  }
}

/* Waits up to `us` µs for the control connection or a channel to become readable; returns whether one did. */
static int wait_input(runner *r, double us) {
  struct pollfd fds[65];
  int k = 0;
  fds[k++] = (struct pollfd){r->ctl, POLLIN, 0};
  for (int i = 0; i < r->in.nchannels && k < 65; i++)
    if (!r->in.channels[i].closed) fds[k++] = (struct pollfd){r->in.channels[i].fd, POLLIN, 0};
  struct timespec ts = {(time_t)(us / 1e6), (long)fmod(us * 1e3, 1e9)};
  return ppoll(fds, (nfds_t)k, &ts, NULL) > 0;
}

/* Nothing can run: wait for input or a command, charged to the channel that held the safe time. */
static void block(runner *r) {
  flush(r);
  double t0 = ss_clock_ns();
  ss_channel *held = r->state == RUNNING ? r->limiting : NULL;
  if (!wait_input(r, 50) && r->state == RUNNING) {
    /* Tell the orchestrator, once per (next event, message counts): it may grant a bound or end the run. */
    double next = ss_next_time(&r->in), total = 0;
    for (int i = 0; i < r->in.nchannels; i++) total += r->in.channels[i].sent + r->in.channels[i].received;
    if (next != r->stuck_next || total != r->stuck_total) {
      r->stuck_next = next;
      r->stuck_total = total;
      ss_sb sb = {0};
      ss_sb_printf(&sb, "{\"type\":\"blocked\",\"now\":");
      ss_sb_num(&sb, r->in.now);
      ss_sb_printf(&sb, ",\"next\":");
      ss_sb_num(&sb, next);
      counts(r, &sb);
      ss_sb_printf(&sb, "}");
      say(r, &sb);
    }
  }
  wait_input(r, r->next_sample == INFINITY ? 1e5 : fmax(1e3, fmin(1e5, (r->next_sample - ss_clock_ns()) / 1e3)));
  if (held) held->wait_ns += ss_clock_ns() - t0;
  periodic(r);
}

static const char *loop(runner *r) {
  ss_instance *in = &r->in;
  flush(r);
  for (;;) {
    read_control(r, 0);
    while (r->ninbox) {
      const char *ended = command(r, next_message(r));
      if (ended) return ended;
    }
    for (int i = 0; i < in->nchannels; i++)
      if (ss_channel_poll(&in->channels[i]) < 0) {
        snprintf(in->failure, sizeof in->failure, "%s", in->channels[i].error);
        in->failed = 1;
        return "failed";
      }
    if (r->state != RUNNING) {
      block(r);
      continue;
    }
    double safe = safe_time(r), next = ss_next_time(in);
    send_due(r, next < safe ? next : safe);
    double limit = safe < r->limit ? safe : r->limit;
    if (next < limit) {
      double to = next_due(r);
      if (to > limit) to = limit;
      if (to <= next) to = next + 1;
      ss_run_before(in, to, SLICE);
      if (in->failed) return "failed";
      if (in->stop_message) own_stop(r);
      flush(r);
      periodic(r);
      continue;
    }
    if (!reached_limit(r, next, safe)) block(r);
    if (in->failed) return "failed";
  }
}

static void finish(runner *r, const char *status) {
  ss_instance *in = &r->in;
  for (int i = 0; i < in->ncomps; i++) {
    const ss_model *m = in->comps[i]->impl;
    if (m->finish) m->finish(in->comps[i]);
  }
  if (r->profile_ns > 0) profile(r, 1, status);
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"finished\",\"status\":\"%s\",\"now\":", status);
  ss_sb_num(&sb, in->now);
  ss_sb_printf(&sb, ",\"events\":%.0f,\"metrics\":[", in->executed);
  for (int i = 0; i < in->ncomps; i++) {
    ss_component *c = in->comps[i];
    ss_sb_printf(&sb, "%s{\"id\":%d,\"events\":%.0f,\"stats\":{", i ? "," : "", c->id, c->events);
    for (int k = 0; k < c->nstats; k++) {
      ss_stat *s = c->stats[k];
      ss_sb_printf(&sb, "%s", k ? "," : "");
      ss_sb_str(&sb, s->name);
      if (s->type == SS_STAT_COUNTER) {
        ss_sb_printf(&sb, ":{\"counter\":");
        ss_sb_num(&sb, s->counter);
      } else if (s->type == SS_STAT_TALLY) {
        ss_tally t = s->tally;
        if (t.count == 0) t.min = t.max = 0;
        ss_sb_printf(&sb, ":{\"tally\":[");
        double v[5] = {t.count, t.mean, t.m2, t.min, t.max};
        for (int q = 0; q < 5; q++) ss_sb_printf(&sb, "%s", q ? "," : ""), ss_sb_num(&sb, v[q]);
        ss_sb_printf(&sb, "]");
      } else {
        ss_batch_means *b = &s->batch;
        ss_sb_printf(&sb, ":{\"batchMeans\":{\"count\":%.0f,\"batchSize\":%.0f,\"sums\":[", b->count, b->batch_size);
        for (int q = 0; q < b->batches; q++) ss_sb_printf(&sb, "%s", q ? "," : ""), ss_sb_num(&sb, b->sums[q]);
        ss_sb_printf(&sb, "]}");
      }
      ss_sb_printf(&sb, "}");
    }
    ss_sb_printf(&sb, "}}");
  }
  ss_sb_printf(&sb, "]}");
  say(r, &sb);
}

static void report_failure(runner *r) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"failed\",\"message\":");
  ss_sb_str(&sb, r->in.failure);
  if (r->in.failed_component) {
    ss_sb_printf(&sb, ",\"component\":");
    ss_sb_str(&sb, r->in.failed_component->path);
    ss_sb_printf(&sb, ",\"time\":");
    ss_sb_num(&sb, r->in.now);
    ss_sb_printf(&sb, ",\"event\":%.0f", r->in.executed);
  }
  ss_sb_printf(&sb, "}");
  say(r, &sb);
  fprintf(stderr, "splitsim adapter: %s\n", r->in.failure);
}

int ss_main(const ss_model *models, int nmodels) {
  static runner run;
  runner *r = &run;
  const uint16_t one = 1;
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, SIG_IGN); /* a terminal's Ctrl-C is the orchestrator's to decide */
  const char *fd = getenv("SPLITSIM_CONTROL_FD");
  r->ctl = fd ? atoi(fd) : 3;
  r->stop_time = r->stop_order = r->next_sample = INFINITY;
  r->granted = -INFINITY;
  r->stuck_next = -1;
  uint32_t hello[6] = {16, SS_FRAME_RECORDS, SS_HELLO, 0, SS_HELLO_MAGIC, SS_PROTOCOL_VERSION};
  if (send(r->ctl, hello, sizeof hello, MSG_NOSIGNAL) != sizeof hello) {
    fprintf(stderr, "splitsim adapter: no control connection on fd %d (run me from splitsim, placement external)\n", r->ctl);
    return 2;
  }
  ss_json *setup = expect(r, "setup");
  if (*(const uint8_t *)&one != 1) snprintf(r->in.failure, sizeof r->in.failure, "this adapter runs on a big-endian machine; the protocol is little-endian");
  else if (ss_json_num(setup, "protocol", 0) != SS_PROTOCOL_VERSION) snprintf(r->in.failure, sizeof r->in.failure, "the orchestrator speaks protocol version %.0f; this adapter speaks %d", ss_json_num(setup, "protocol", 0), SS_PROTOCOL_VERSION);
  else build(r, setup, models, nmodels);
  if (r->in.failure[0]) {
    report_failure(r);
    return 1;
  }
  r->until = ss_json_num(setup, "until", INFINITY);
  r->limit = r->until + 1;
  r->profile_ns = ss_json_num(setup, "profileNs", 0);
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->listens && ss_channel_listen(ch, ch->path)) {
      snprintf(r->in.failure, sizeof r->in.failure, "cannot listen on %s: %s", ch->path, strerror(errno));
      report_failure(r);
      return 1;
    }
  }
  say_type(r, "ready");
  ss_json_free(expect(r, "connect"));
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    char *path = ch->path;
    if (ch->listens ? ss_channel_accept(ch) : (ch->path = NULL, ss_channel_connect(ch, path))) {
      snprintf(r->in.failure, sizeof r->in.failure, "channel %s: cannot connect: %s", ch->name, strerror(errno));
      report_failure(r);
      return 1;
    }
    ss_channel_hello(ch);
  }
  say_type(r, "connected");
  ss_json_free(expect(r, "go"));
  if (r->profile_ns > 0) r->next_sample = ss_clock_ns() + r->profile_ns;
  r->next_progress = ss_clock_ns() + 1e9;
  for (int i = 0; i < r->in.ncomps && !r->in.failed; i++) {
    const ss_model *m = r->in.comps[i]->impl;
    if (m->init) m->init(r->in.comps[i]);
  }
  const char *how = r->in.failed ? "failed" : loop(r);
  int code = 0;
  if (r->in.failed) {
    report_failure(r);
    code = 1;
  } else if (strcmp(how, "failed")) finish(r, how);
  for (int i = 0; i < r->in.nchannels; i++) ss_channel_close(&r->in.channels[i]);
  ss_json_free(setup);
  return code;
}
